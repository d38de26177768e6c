// Swarm throughput: the default boot image (self-tests, then the shell,
// which exits at the end of its empty input) booted for `seeds` seeds in a
// row in this process, as `kenix-sim swarm` does; boots per host second
// overall, and after the first few (when the JIT cores are built and have
// translated the programs once).
import HAL
import HALHostSim
import KenixKernel
import SimHost

struct SwarmRate {
    var overall: Double
    var steady: Double
    var warmup: Int
}

func swarmBoots(initrd: [UInt8], seeds: Int) -> SwarmRate? {
    let warmup = min(10, seeds / 2)
    var warm: UInt64 = 0
    let start = HostClock.monotonicNanoseconds()
    for seed in 1...UInt64(seeds) {
        if seed == UInt64(warmup) + 1 { warm = HostClock.monotonicNanoseconds() }
        var config = SimConfig(initrd: initrd, seed: seed, maxTime: 60_000_000_000, console: .discard)
        config.input = ScriptedInput([UInt8]())
        config.hotThreshold = SimConfig.hotThresholdForManyBoots
        guard let hal = try? HostSimHAL(config: config), var kernel = try? Kernel(hal: hal),
              kernel.run() == .initExited(status: 0) else { return nil }
    }
    let end = HostClock.monotonicNanoseconds()
    return SwarmRate(overall: Double(seeds) * 1e9 / Double(end - start),
                     steady: Double(seeds - warmup) * 1e9 / Double(end - warm), warmup: warmup)
}
