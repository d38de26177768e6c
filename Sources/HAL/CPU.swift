// The processor, seen from the kernel: it runs a task at EL0 until something
// takes it back, and it can idle until an interrupt arrives.

/// What woke an idle CPU.
public enum WakeReason: Equatable, Sendable {
    /// An interrupt is pending; acknowledge it through `InterruptController`.
    case interrupt
    /// Nothing can ever wake this CPU again: no timer is armed and no device
    /// can raise an interrupt. Only a simulator can know this; hardware waits.
    case noFutureEvents
    /// The platform asks the kernel to stop (see `Trap.halt`).
    case halt
}

public protocol CPU {
    /// Restores `context`, runs it at EL0 and returns when the task traps.
    /// On return `context` holds the task's registers at the trap (for a
    /// syscall, `pc` is past the `svc`).
    ///
    /// Contract: called only from the kernel loop with interrupts masked at
    /// EL1. The address space activated last through `MMU.activate` is the
    /// one the task runs in. A pending interrupt is reported as `.interrupt`
    /// before or after any amount of user progress; it never fails.
    func enterUser(_ context: inout UserContext) -> Trap

    /// `enterUser`, with a resolver the CPU may ask about faults on the spot
    /// (see FaultResolver for both sides' contract). A fault the resolver
    /// resolves is not a trap; any other is reported as `enterUser` would.
    /// The default never asks.
    func enterUser<R: FaultResolver>(_ context: inout UserContext, resolver: inout R) -> Trap

    /// Idles until an interrupt is pending (WFI). Called from the kernel loop
    /// when no task is ready.
    func waitForInterrupt() -> WakeReason

    /// Instructions this CPU has retired since boot, a cost counter for
    /// benchmarks (the `clock` syscall's x1). On AArch64 the PMU's
    /// INST_RETIRED at EL0 and EL1 when booted with `kenix.pmu` (exact on
    /// QEMU under `-icount`, and 0 without it); in kenix-sim the user
    /// instructions it simulated (its kernel runs natively). 0 where nothing
    /// counts (the default).
    var instructionsRetired: UInt64 { get }
}

extension CPU {
    public var instructionsRetired: UInt64 { 0 }

    public func enterUser<R: FaultResolver>(_ context: inout UserContext, resolver: inout R) -> Trap {
        enterUser(&context)
    }
}
