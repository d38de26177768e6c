// The HAL's device roles over SimMachine: interrupt controller, timer, UART,
// physical memory and trace sink. Each is a view of the machine; the state
// and its rules live in SimMachine's extensions.
//
// The views (these, SimCPU and SimMMU) hold the machine unowned(unsafe):
// they exist only inside a HostSimHAL, which holds it strongly, and the
// kernel copies them on every trap (`hal.cpu`, `hal.trace`, ...), where
// retaining and releasing the machine was a tenth of an IPC round trip.
import HAL

public struct SimInterruptController: InterruptController {
    public unowned(unsafe) let machine: SimMachine
    public func enable(_ irq: IRQ) { machine.enableIRQ(irq) }
    public func disable(_ irq: IRQ) { machine.disableIRQ(irq) }
    public func acknowledge() -> IRQ? { machine.acknowledgeIRQ() }
    public func endOfInterrupt(_ irq: IRQ) { machine.endOfInterrupt(irq) }
}

/// The EL1 virtual timer at 1 GHz: one tick is one simulated nanosecond.
public struct SimTimer: Timer {
    public unowned(unsafe) let machine: SimMachine
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
    public unowned(unsafe) let machine: SimMachine
    public func write(_ byte: UInt8) { machine.consoleWrite(byte) }
    public func read() -> UInt8? { machine.uartInput.take() }
    public var irq: IRQ { SimMachine.uartIRQ }
}

/// RAM at `config.ramBase`, one host buffer.
public struct SimRAM: PhysicalMemory {
    public unowned(unsafe) let machine: SimMachine
    /// Through a guaranteed reference: a plain `machine.host(address)` retained
    /// and released the machine around every call, and the kernel calls this
    /// for every page-table step and frame it touches (two-thirds of a swarm
    /// boot's reference counting).
    @inline(__always)
    public func pointer(to address: PhysAddr) -> UnsafeMutableRawPointer {
        Unmanaged.passUnretained(machine)._withUnsafeGuaranteedRef { $0.host(address) }
    }
}

public struct SimTracer: TraceSink {
    public unowned(unsafe) let machine: SimMachine
    @inlinable @inline(__always)
    public func record(_ event: TraceEvent) {
        Unmanaged.passUnretained(machine)._withUnsafeGuaranteedRef { $0.recordEvent(event) }
    }
}
