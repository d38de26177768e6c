// A user memory fault resolved on the spot, from inside `CPU.enterUser`,
// instead of as a trap: what the kernel offers a backend that can stop in the
// middle of an instruction and carry on (the simulator's CPU engines).
//
// Why: a fault that needs no waiting (demand-zero, copy-on-write, the access
// flag, stack growth) is resolved by page-table work alone. Resolving it at
// the faulting access saves a trap and, in the JIT engine, keeps the
// translated block running, which is what makes its instruction count exact
// without stopping (docs/simulator.md).
//
// Contract (the kernel's side, `Kernel+FaultResolver.swift`):
//   - Called only from inside `enterUser`, at an access of the running task
//     that faulted, in program order, any number of times per entry. The
//     task's context is borrowed by the CPU for the whole call: the resolver
//     must not read or write any task's `UserContext`.
//   - It may change the running task's page tables, allocate and free frames,
//     and call `MMU.invalidate` for the faulting page only. It must not block,
//     switch address spaces, schedule, start disk transfers, or change any
//     other address space's tables.
//   - It returns true when the access can be retried now (the tables allow
//     it), false when the fault must be reported as a trap after all: the
//     kernel then handles it exactly as if no resolver had been asked (it may
//     block the task, kill it, or resolve it then).
//   - The same kernel state and the same fault give the same answer: two CPUs
//     that ask at the same faults leave the kernel in the same state.
// The CPU's side (`CPU.enterUser(_:resolver:)`): it asks only about
// translation faults, access-flag faults and permission faults on writes; it
// never asks about a write to a page that is executable (so no translated
// code can go stale inside a run); and a CPU that cannot resume mid-
// instruction simply never asks (the default implementation).

public protocol FaultResolver {
    /// Tries to make the faulting access possible; see the contract above.
    mutating func resolveUserFault(_ fault: MemoryFault) -> Bool
    /// The live tasks, for a debugger stopped inside `enterUser`
    /// (TaskInspection.swift). The default lists none.
    func inspectTasks(_ visit: (InspectedTask) -> Void)
}

/// A resolver that resolves nothing: every fault traps.
public struct NoFaultResolver: FaultResolver {
    public init() {}
    public mutating func resolveUserFault(_ fault: MemoryFault) -> Bool { false }
}
