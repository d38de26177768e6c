// TraceHash: FNV-1a (64-bit) over the run's observable history: kernel trace
// events with their simulated time, UART output bytes, and every trap the CPU
// returns (kind and pc). Two runs with the same image, seed and input must
// end with the same value. (FNV: Fowler, Noll, Vo; offset basis and prime
// from the IETF draft-eastlake-fnv.)

struct TraceHash {
    static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    private(set) var value: UInt64 = offsetBasis

    @inline(__always)
    mutating func add(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    /// Hashes the 8 bytes of `word`, least significant first.
    @inline(__always)
    mutating func add(_ word: UInt64) {
        var h = value
        var w = word
        for _ in 0..<8 {
            h = (h ^ (w & 0xFF)) &* Self.prime
            w >>= 8
        }
        value = h
    }
}
