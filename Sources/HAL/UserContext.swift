// The user-visible register state of one task: what `CPU.enterUser` restores
// before running the task and saves back when it traps. The kernel edits it to
// deliver syscall results; the backend never interprets it beyond that.

/// Saved FP/SIMD state. User code (and the compiler) may use q0–q31 freely.
public struct FPState: Sendable {
    /// q0–q31 as (low, high) 64-bit halves: q[i] = v[2i] | v[2i+1] << 64.
    public var v: InlineArray<64, UInt64>
    public var fpcr: UInt64
    public var fpsr: UInt64
    public init() { v = .init(repeating: 0); fpcr = 0; fpsr = 0 }
}

public struct UserContext: Sendable {
    /// x0–x30.
    public var x: InlineArray<31, UInt64>
    /// SP_EL0.
    public var sp: UInt64
    /// The address the task resumes at (ELR_EL1 on hardware). After a trap for
    /// `svc` it already points past the `svc` instruction.
    public var pc: UInt64
    /// NZCV condition flags (SPSR_EL1 bits 31–28); the rest of PSTATE is fixed for EL0.
    public var nzcv: UInt64
    /// TPIDR_EL0, the user thread pointer.
    public var tpidr: UInt64
    public var fp: FPState

    public init(entry: UInt64 = 0, stackTop: UInt64 = 0) {
        x = .init(repeating: 0)
        sp = stackTop
        pc = entry
        nzcv = 0
        tpidr = 0
        fp = FPState()
    }
}
