// Kenix call/reply round trips between two user tasks in kenix-sim: the
// ipcbench program booted as the first task. Boot and teardown costs are
// removed by timing a short and a long run and taking the difference.
// `registersOnly` picks ipcbench's inline-svc loops over its ipc.h loops.
import HALHostSim
import KenixKernel

/// Host ns per round trip, or nil when ipcbench did not succeed.
func kenixIPCRoundTrip(initrd: [UInt8], short: UInt64, long: UInt64, registersOnly: Bool) -> Double? {
    let flag: UInt64 = registersOnly ? 1 << 62 : 0
    guard let tShort = timeIPCBench(initrd: initrd, rounds: short | flag),
          let tLong = timeIPCBench(initrd: initrd, rounds: long | flag) else { return nil }
    return Double(Int64(tLong) - Int64(tShort)) / Double(long - short)
}

private func timeIPCBench(initrd: [UInt8], rounds: UInt64) -> UInt64? {
    let start = hostNanoseconds()
    guard let hal = try? HostSimHAL(config: SimConfig(initrd: initrd, console: .discard)) else { return nil }
    var config = KernelConfig()
    config.initName = Array("ipcbench".utf8)
    config.initArgument = rounds
    guard var kernel = try? Kernel(hal: hal, config: config) else { return nil }
    guard kernel.run() == .initExited(status: 0) else { return nil }
    return hostNanoseconds() - start
}
