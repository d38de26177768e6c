// Kenix benchmarks that boot a bench program as the first task in kenix-sim
// and time the whole run from the outside. Boot and teardown costs are
// removed by timing a short and a long run and taking the difference.
import HALHostSim
import KenixKernel
import SimHost

/// Host ns per unit of work: (time(long) − time(short)) / (long − short), or
/// nil when a run did not end with status 0.
func perUnit(short: UInt64, long: UInt64, _ run: (UInt64) -> UInt64?) -> Double? {
    guard let tShort = run(short), let tLong = run(long) else { return nil }
    return Double(Int64(tLong) - Int64(tShort)) / Double(long - short)
}

/// The CPU engine the boots below run on (set per measurement by KenixBench).
nonisolated(unsafe) var benchCPU: SimCPUKind = .jit

/// Host ns for booting `program` with `arg` (and console `input`) until it exits 0.
func timeBoot(initrd: [UInt8], program: String, arg: UInt64, input: [UInt8]? = nil) -> UInt64? {
    let start = HostClock.monotonicNanoseconds()
    var sim = SimConfig(initrd: initrd, console: .discard)
    sim.cpu = benchCPU
    if let input { sim.input = ScriptedInput(input) }
    guard let hal = try? HostSimHAL(config: sim) else { return nil }
    var config = KernelConfig()
    config.initName = Array(program.utf8)
    config.initArgument = arg
    guard var kernel = try? Kernel(hal: hal, config: config) else { return nil }
    guard kernel.run() == .initExited(status: 0) else { return nil }
    return HostClock.monotonicNanoseconds() - start
}

/// Call/reply round trip (ipcbench); `registersOnly` picks its inline-svc loops.
func kenixIPCRoundTrip(initrd: [UInt8], short: UInt64, long: UInt64, registersOnly: Bool) -> Double? {
    let flag: UInt64 = registersOnly ? 1 << 62 : 0
    return perUnit(short: short, long: long) { timeBoot(initrd: initrd, program: "ipcbench", arg: $0 | flag) }
}

/// One signal → wait hand-over between two tasks (notifybench: half a round).
func kenixNotificationLatency(initrd: [UInt8], short: UInt64, long: UInt64) -> Double? {
    perUnit(short: short, long: long) { timeBoot(initrd: initrd, program: "notifybench", arg: $0) }
        .map { $0 / 2 }
}

/// One demand-zero page fault (faultbench mode 0: touching fresh pages).
func kenixDemandZeroFault(initrd: [UInt8], short: UInt64, long: UInt64) -> Double? {
    perUnit(short: short, long: long) { timeBoot(initrd: initrd, program: "faultbench", arg: $0) }
}

/// One copy-on-write fault with its share of the fork (faultbench mode 1
/// minus mode 0: the child rewriting pages its parent touched).
func kenixCopyOnWriteFault(initrd: [UInt8], short: UInt64, long: UInt64) -> Double? {
    guard let both = perUnit(short: short, long: long, { timeBoot(initrd: initrd, program: "faultbench",
                                                                   arg: $0 | 1 << 60) }),
          let zero = kenixDemandZeroFault(initrd: initrd, short: short, long: long) else { return nil }
    return both - zero
}

/// One UART receive interrupt taken by a user-space handler (irqbench): the
/// line arriving, the kernel masking it and signalling, the handler waking,
/// draining the UART and acking, and the machine idling for the next line.
func kenixInterruptToHandler(initrd: [UInt8], short: UInt64, long: UInt64) -> Double? {
    perUnit(short: short, long: long) { lines in
        timeBoot(initrd: initrd, program: "irqbench", arg: 0,
                 input: Array(repeating: Array("x\n".utf8), count: Int(lines)).flatMap { $0 })
    }
}
