// The HAL's device roles over SimMachine: interrupt controller, timer, UART,
// physical memory and trace sink. Each is a view holding the machine; the
// state and its rules live in SimMachine's extensions.
import HAL

public struct SimInterruptController: InterruptController {
    public let machine: SimMachine
    public func enable(_ irq: IRQ) { machine.enableIRQ(irq) }
    public func disable(_ irq: IRQ) { machine.disableIRQ(irq) }
    public func acknowledge() -> IRQ? { machine.acknowledgeIRQ() }
    public func endOfInterrupt(_ irq: IRQ) { machine.endOfInterrupt(irq) }
}

/// The EL1 virtual timer at 1 GHz: one tick is one simulated nanosecond.
public struct SimTimer: Timer {
    public let machine: SimMachine
    public var frequency: UInt64 { SimMachine.frequency }
    public func now() -> UInt64 { machine.now }
    public func setDeadline(_ deadline: UInt64?) { machine.setTimerDeadline(deadline) }
    public func setDeadline(_ deadline: UInt64?, deferrable: Bool) {
        machine.setTimerDeadline(deadline, deferrable: deferrable)
    }
    public var irq: IRQ { SimMachine.timerIRQ }
}

/// A PL011-like UART: output to the console sink, input from the input queue.
public struct SimUART: UART {
    public let machine: SimMachine
    public func write(_ byte: UInt8) { machine.consoleWrite(byte) }
    public func read() -> UInt8? { machine.uartInput.take() }
    public var irq: IRQ { SimMachine.uartIRQ }
}

/// RAM at `config.ramBase`, one host buffer.
public struct SimRAM: PhysicalMemory {
    public let machine: SimMachine
    @inline(__always)
    public func pointer(to address: PhysAddr) -> UnsafeMutableRawPointer { machine.host(address) }
}

public struct SimTracer: TraceSink {
    public let machine: SimMachine
    public func record(_ event: TraceEvent) { machine.recordEvent(event) }
}
