// SplitMix64: the simulator's only source of randomness, seeded from the
// config. It perturbs what real hardware leaves open (today: timer interrupt
// latency), so one seed replays one interleaving and another seed explores a
// different one. (Steele, Lea, Flood: "Fast splittable pseudorandom number
// generators", OOPSLA 2014; constants as in Java's SplittableRandom.)

public struct SplitMix64 {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in 0..<bound (bound > 0), by Lemire's multiply-shift; the tiny
    /// bias is irrelevant here and the result is deterministic.
    public mutating func next(below bound: UInt64) -> UInt64 {
        bound.multipliedFullWidth(by: next()).high
    }
}
