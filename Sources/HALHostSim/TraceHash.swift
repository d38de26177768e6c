// TraceHash: an FNV-1a-style 64-bit hash over the run's observable history:
// kernel trace events with their simulated time, UART output bytes, and every
// trap the CPU returns (kind and pc). Two runs with the same image, seed and
// input must end with the same value. Bytes are folded in as in FNV-1a; whole
// words in one xor-multiply with an extra xor-shift, because a byte loop per
// word made hashing a visible share of an IPC round trip; a record of several
// words (an event, a trap) in one such step after independent products.
// (FNV offset basis and prime from the IETF draft-eastlake-fnv.)

@usableFromInline
struct TraceHash {
    @usableFromInline static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    @usableFromInline static let prime: UInt64 = 0x0000_0100_0000_01B3

    @usableFromInline private(set) var value: UInt64 = offsetBasis

    @usableFromInline init() {}

    @inline(__always)
    mutating func add(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    /// Folds in a whole 64-bit word.
    @inlinable
    mutating func add(_ word: UInt64) {
        let h = (value ^ word) &* Self.prime
        value = h ^ (h >> 29)
    }

    /// Folds in one record of a tag byte and up to five words in one step:
    /// each word is multiplied by its own odd constant (so their order
    /// counts) and the products are combined before the one multiply that
    /// chains to the value. Why: the products do not depend on each other,
    /// so the CPU overlaps them; folding the same fields one after another
    /// chained six multiplies per kernel event, a tenth of an IPC round trip.
    @inlinable
    mutating func add(record tag: UInt8, _ w0: UInt64, _ w1: UInt64 = 0, _ w2: UInt64 = 0,
                      _ w3: UInt64 = 0, _ w4: UInt64 = 0) {
        add(UInt64(tag) ^ w0 &* 0x9E37_79B9_7F4A_7C15 ^ w1 &* 0xC2B2_AE3D_27D4_EB4F
            ^ w2 &* 0x1656_67B1_9E37_79F9 ^ w3 &* 0xD6E8_FEB8_6659_FD93 ^ w4 &* 0xFF51_AFD7_ED55_8CCD)
    }
}
