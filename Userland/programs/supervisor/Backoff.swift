// The restart policy's delay: a server that keeps dying is restarted less
// and less often (100 ms doubling to 10 s), so a crash loop cannot take the
// machine; one that stayed up long enough starts again from the short delay.

struct Backoff {
    static let first: UInt64 = 100_000_000          // 100 ms
    static let longest: UInt64 = 10_000_000_000     // 10 s
    /// Up this long, a server counts as healthy again.
    static let stable: UInt64 = 30_000_000_000      // 30 s

    private(set) var delay: UInt64 = Backoff.first

    /// The delay before the next restart of a server that ran for `uptime`.
    mutating func next(afterRunningFor uptime: UInt64) -> UInt64 {
        if uptime >= Backoff.stable { delay = Backoff.first }
        let now = delay
        delay = min(delay &* 2, Backoff.longest)
        return now
    }
}
