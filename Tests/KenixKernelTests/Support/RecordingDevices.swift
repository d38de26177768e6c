// The UART (bytes written are kept; input is a queue the test fills), the
// trace sink (events stamped with the simulated clock) and RAM (a host
// buffer standing for physical memory).
import HAL

struct RecordingUART: UART {
    let machine: SimMachine
    func write(_ byte: UInt8) { machine.uartOutput.append(byte) }
    func read() -> UInt8? { machine.uartInput.isEmpty ? nil : machine.uartInput.removeFirst() }
    var irq: IRQ { SimMachine.uartIRQ }
}

struct RecordingTrace: TraceSink {
    let machine: SimMachine
    func record(_ event: TraceEvent) {
        if machine.resolving && event.kind == .pageOut { machine.pageOutsWhileResolving += 1 }
        machine.trace.append(TimedTraceEvent(time: machine.now, kind: event.kind,
                                             a: event.a, b: event.b, c: event.c))
    }
}

struct SimulatedRAM: PhysicalMemory {
    let machine: SimMachine
    func pointer(to address: PhysAddr) -> UnsafeMutableRawPointer { machine.pointer(to: address) }
    func synchronizeInstructions(at address: PhysAddr, length: Int) {
        machine.instructionSyncs.append(PhysRange(base: address, size: UInt64(length)))
    }
}
