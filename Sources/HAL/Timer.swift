// A monotonic counter and a one-shot deadline (the ARM generic timer's
// CNTVCT_EL0 / CNTV_CVAL_EL0 on hardware; the discrete-event clock in the
// simulator).

public protocol Timer {
    /// Counter ticks per second (CNTFRQ_EL0).
    var frequency: UInt64 { get }
    /// The current counter value. Monotonic; never wraps in practice.
    func now() -> UInt64
    /// Raises `irq` once `now() >= deadline` and keeps it pending until the
    /// deadline is moved or cleared. `nil` disarms the timer.
    /// Contract: callable from an interrupt handler; the new deadline
    /// replaces the old one.
    func setDeadline(_ deadline: UInt64?)
    /// `setDeadline`, telling whether every wait behind the deadline is
    /// deferrable (TimeoutFlag.deferrable): a simulator may then treat the
    /// machine as idle for its input. Hardware ignores the hint.
    func setDeadline(_ deadline: UInt64?, deferrable: Bool)
    /// The timer's interrupt line (a PPI).
    var irq: IRQ { get }
}

extension Timer {
    public func setDeadline(_ deadline: UInt64?, deferrable: Bool) { setDeadline(deadline) }
}
