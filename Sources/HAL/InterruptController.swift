// The interrupt controller (a GIC on hardware). Lines start disabled.

public protocol InterruptController {
    /// Lets `irq` reach the CPU. Contract: idempotent; never fails for a line
    /// the platform has (see `BootInfo`).
    func enable(_ irq: IRQ)
    /// Masks `irq` at the controller; a pending edge stays pending.
    func disable(_ irq: IRQ)
    /// Takes the highest-priority pending interrupt and marks it active
    /// (GICC_IAR / ICC_IAR1_EL1). Returns nil for a spurious interrupt.
    func acknowledge() -> IRQ?
    /// Ends the active interrupt `irq` (GICC_EOIR). Must be called once for
    /// every acknowledged interrupt, before the kernel switches to a task
    /// that may not return to this handler.
    func endOfInterrupt(_ irq: IRQ)
}
