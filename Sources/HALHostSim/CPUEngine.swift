// CPUEngine: the one interface between the simulated machine and whatever
// executes EL0 code. The machine model (RAM, the software MMU walk, the
// clock, devices, the trace) never depends on which engine runs.
//
//   engine.activate(root:asid:)     TTBR0 + ASID (SimMMU)
//   engine.enter(&context)          load registers; clear the exclusive
//                                   monitor (an exception return does)
//   engine.run(budget:)             run until a trap, or until exactly
//                                   `budget` instructions have retired
//   engine.leave(&context)          save registers
//   engine.invalidate(asid:page:)   TLBI VAE1 (also drops code translated
//                                   from that page)
//   engine.invalidateAll(asid:)     TLBI ASIDE1 (ASID reuse, exec)
//
// Contract for `run`: the count is exact (1 instruction = 1 tick): an
// instruction that traps (fault, undefined, brk) did not retire, `svc` did.
// A run returns only at a trap or at the budget, never early, so the clock
// cannot tell the engines apart. Faults go through the machine's SoftMMU,
// which may resolve them on the spot through the kernel's FaultResolver; an
// engine asks it at every faulting access, in program order, and at no other
// time. Two engines given the same machine therefore leave it in the same
// state. The gdb stub (GDB/) needs only `run(budget:)` with small budgets
// (single steps, exact stops) and `reload` after it changed registers.
import CDynarmic
import HAL

/// Which engine executes user code.
public enum SimCPUKind: String, CaseIterable, Sendable {
    /// The dynarmic JIT with a flat software TLB (the default).
    case jit
    /// Unicorn 2 (QEMU's TCG), the independent second implementation.
    case unicorn
}

/// The JIT engine's loop compiler (docs/simulator.md, "The loop compiler"):
/// hot loops compiled to host code by the host's C compiler. It changes only
/// host time, never a run.
public enum SimLoopCompiler: String, CaseIterable, Sendable {
    /// Compiled on a worker thread while the run goes on (the default).
    case background
    /// Compiled before the run goes on: the compiled code is what runs from
    /// then on (the engine cross-check, tests).
    case synchronous
    /// No loop compiling.
    case off

    var mode: Int32 {
        switch self {
        case .off: Int32(KD_LOOPS_OFF)
        case .background: Int32(KD_LOOPS_BACKGROUND)
        case .synchronous: Int32(KD_LOOPS_SYNCHRONOUS)
        }
    }
}

/// How a run ended.
struct EngineRun {
    /// Instructions retired in this run.
    var retired: UInt64
    /// The trap that ended it, or nil when the budget ran out.
    var trap: Trap?
}

protocol CPUEngine: AnyObject {
    var kind: SimCPUKind { get }
    func activate(root: PhysAddr, asid: ASID)
    func invalidate(asid: ASID, page: UInt64)
    func invalidateAll(asid: ASID)
    func enter(_ context: inout UserContext)
    func run(budget: UInt64) -> EngineRun
    func leave(_ context: inout UserContext)
    /// Loads registers a debugger may have changed, in the middle of an
    /// entry: like `enter`, but the exclusive monitor stays as it is (no
    /// exception return happened).
    func reload(_ context: inout UserContext)
}
