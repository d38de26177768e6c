// Swap throughput in kenix-sim: the `swap` program booted as the first task
// on 8 MiB of RAM with a 64 MiB simulated disk (memory-backed, the default
// timing: up to 16 requests in flight, each 100 µs plus seeded jitter after
// its data has moved at 1 GiB/s, finishing out of order). It reports
// pages moved per simulated second itself; the host cost per page moved is
// timed from the outside.
import HAL
import HALHostSim
import KenixKernel
import SimHost

struct SwapThroughput {
    /// Pages written out plus pages read back, per second of simulated time
    /// (the program's own figure; deterministic).
    var pagesPerSimulatedSecond: UInt64
    /// Pages written out and read back during the run (the kernel's counts).
    var pagesMoved: UInt64
    /// Host time of the whole run per page moved.
    var hostNanosecondsPerPage: Double
}

func kenixSwapThroughput(initrd: [UInt8]) -> SwapThroughput? {
    let start = HostClock.monotonicNanoseconds()
    var sim = SimConfig(ramSize: 8 << 20, initrd: initrd, console: .capture)
    sim.disk = SimDiskConfig(path: nil, sectors: (64 << 20) / 512)
    sim.cpu = benchCPU
    guard let hal = try? HostSimHAL(config: sim) else { return nil }
    var config = KernelConfig()
    config.initName = Array("swap".utf8)
    guard var kernel = try? Kernel(hal: hal, config: config), kernel.run() == .initExited(status: 0) else { return nil }
    let elapsed = HostClock.monotonicNanoseconds() - start
    let console = String(decoding: hal.machine.consoleOutput, as: UTF8.self)
    // "swap: O pages written out, I read back, R pages per simulated second"
    guard let line = console.split(separator: "\n").first(where: { $0.hasSuffix("pages per simulated second") }),
          let rate = line.split(separator: " ").dropLast(4).last.flatMap({ UInt64($0) }) else { return nil }
    let moved = kernel.pagesOut + kernel.pagesIn
    return SwapThroughput(pagesPerSimulatedSecond: rate, pagesMoved: moved,
                          hostNanosecondsPerPage: Double(elapsed) / Double(max(moved, 1)))
}
