// Interrupt dispatch: every pending line is acknowledged and handed to its
// handler: the timer, the swap disk and the data disks' completion lines are
// the kernel's own; any other line belongs to a user-space driver
// (Kernel+InterruptRouting).
import HAL

extension Kernel {
    /// Acknowledges and handles every pending interrupt.
    mutating func handleInterrupt() {
        while let irq = hal.interrupts.acknowledge() {
            hal.trace.record(TraceEvent(.interrupt, UInt64(irq.number)))
            if irq == hal.timer.irq { timerTick() }
            else if irq == diskIRQ { diskInterrupt() }
            else if let k = dataDisk(onLine: irq) { blockInterrupt(k) }
            else { deliverDeviceInterrupt(irq) }
            hal.interrupts.endOfInterrupt(irq)
        }
    }
}
