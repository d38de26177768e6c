// The median of repeated benchmark measurements. (Host time itself comes from
// SimHost's HostClock; nothing here enters a simulated run.)

/// Median of `runs` measurements of `body`, each returning ns per operation.
func median(runs: Int, _ body: () -> Double) -> Double {
    var samples: [Double] = []
    for _ in 0..<runs { samples.append(body()) }
    return median(of: samples)
}

/// The median of `samples` (not empty): the upper one of an even count.
func median(of samples: [Double]) -> Double {
    samples.sorted()[samples.count / 2]
}
