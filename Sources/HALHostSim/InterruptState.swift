// InterruptState: the simulated GIC's distributor and CPU interface state for
// one CPU: per-line enable, active and latched (edge-pending) bits.
//
// Semantics (GICv2-like, all lines at one priority; lowest INTID wins):
//   - a line is *pending* while its source asserts it (level: the timer while
//     now >= deadline, the UART while its receive FIFO holds data) or while
//     an edge is latched;
//   - acknowledge takes the lowest-numbered pending, enabled, inactive line
//     and marks it active (clearing a latched edge); an active line is not
//     delivered again until its end of interrupt;
//   - disabling masks delivery only: a latched edge stays latched.
// The level inputs are SimMachine's (SimMachine+Interrupts).

/// A set of INTIDs 0..<1024.
struct IRQSet {
    private var words: InlineArray<16, UInt64> = .init(repeating: 0)

    @inline(__always) func contains(_ n: UInt32) -> Bool {
        n < 1024 && words[Int(n >> 6)] & (1 << UInt64(n & 63)) != 0
    }
    @inline(__always) mutating func insert(_ n: UInt32) {
        if n < 1024 { words[Int(n >> 6)] |= 1 << UInt64(n & 63) }
    }
    @inline(__always) mutating func remove(_ n: UInt32) {
        if n < 1024 { words[Int(n >> 6)] &= ~(1 << UInt64(n & 63)) }
    }
    /// INTIDs 0-63 as bits (every level line of the machine is among them).
    @inline(__always) var low: UInt64 { words[0] }
    /// The lowest member of self ∩ mask \ exclude, if any.
    func lowest(in mask: IRQSet, excluding exclude: IRQSet) -> UInt32? {
        for i in 0..<16 {
            let w = words[i] & mask.words[i] & ~exclude.words[i]
            if w != 0 { return UInt32(i * 64 + w.trailingZeroBitCount) }
        }
        return nil
    }
}

struct InterruptState {
    var enabled = IRQSet()
    var active = IRQSet()
    /// Edges raised and not yet acknowledged.
    var latched = IRQSet()
    var latchedCount = 0

    @inline(__always) func canDeliver(_ n: UInt32) -> Bool {
        enabled.contains(n) && !active.contains(n)
    }
}
