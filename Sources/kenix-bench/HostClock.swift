// Host monotonic time, for benchmarks only. Nothing here enters a simulated
// run: the benchmark times whole runs from the outside.
#if canImport(Glibc)
import Glibc
#endif

func hostNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Median of `runs` measurements of `body`, each returning ns per operation.
func median(runs: Int, _ body: () -> Double) -> Double {
    var samples: [Double] = []
    for _ in 0..<runs { samples.append(body()) }
    samples.sort()
    return samples[samples.count / 2]
}
