// TraceHash: an FNV-1a-style 64-bit hash over the run's observable history:
// kernel trace events with their simulated time, UART output bytes, and every
// trap the CPU returns (kind and pc). Two runs with the same image, seed and
// input must end with the same value. Bytes are folded in as in FNV-1a; whole
// words in one xor-multiply with an extra xor-shift, because a byte loop per
// word made hashing a visible share of an IPC round trip. (FNV offset basis
// and prime from the IETF draft-eastlake-fnv.)

struct TraceHash {
    static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    private(set) var value: UInt64 = offsetBasis

    @inline(__always)
    mutating func add(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    /// Folds in a whole 64-bit word.
    @inline(__always)
    mutating func add(_ word: UInt64) {
        let h = (value ^ word) &* Self.prime
        value = h ^ (h >> 29)
    }
}
