// kenix-bench: the benchmarks behind `make bench`. Prints a Markdown section
// with every number measured in this one run, and the ratios between them
// (ratios from one run are what survives a noisy machine).
import ArgumentParser
import CUnicorn
import HALHostSim
import SimHost

#if canImport(Glibc)
import Glibc
#endif

@main
struct KenixBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kenix-bench",
        abstract: "Measure kenix-sim: both CPU engines, IPC against a Linux pipe, faults, swapping, the demo, swarm.")

    @Option(help: "The boot image holding ipcbench.")
    var initrd = "build/initrd.cpio"

    @Option(help: "Round trips in the long ipcbench run (a short run of 1/10 is subtracted).")
    var rounds: UInt64 = 200_000

    @Option(help: "Repetitions of each measurement; the median is reported.")
    var repeats = 5

    /// Bad counts are refused up front: a run of 0 repeats has no median, and
    /// a long run of fewer than 100 round trips leaves almost nothing after
    /// the short one (1/10 of it) is taken away.
    func validate() throws {
        guard (100...100_000_000).contains(rounds) else { throw ValidationError("--rounds must be from 100 to 100000000") }
        guard (1...101).contains(repeats) else { throw ValidationError("--repeats must be from 1 to 101") }
        guard (1...100_000).contains(swarmSeeds) else { throw ValidationError("--swarm-seeds must be from 1 to 100000") }
        guard SimCPUKind(rawValue: cpu) != nil else { throw ValidationError("--cpu takes jit or unicorn") }
        if let only, !["svc", "store", "ipc", "pipe"].contains(only) {
            throw ValidationError("--only takes svc, store, ipc or pipe")
        }
    }

    mutating func run() throws {
        defer { SimMachine.stopBackgroundWork() }   // exit() must not meet a core being built
        let image: [UInt8]
        switch readFile(initrd, limit: largestBootImage, why: ", the largest boot image kenix-bench reads") {
        case .success(let bytes): image = bytes
        case .failure(let why):
            fputsStderr("kenix-bench: cannot read \(initrd): \(why) (run `make userland` first)\n")
            throw ExitCode(66)
        case .tooLarge(let why):
            fputsStderr("kenix-bench: \(initrd) is \(why)\n")
            throw ExitCode(64)
        }
        // The tables compare with the Unicorn engine, which is loaded on demand.
        if only == nil || SimCPUKind(rawValue: cpu) == .unicorn, let why = kenix_unicorn_load_failure() {
            fputsStderr("kenix-bench: \(String(cString: why))\n")
            throw ExitCode(69)
        }
        let n = Int(rounds)
        /// One run of ipcbench's register-only loops, ns per round trip (nil: it failed).
        func ipcRoundTrip() -> Double? {
            kenixIPCRoundTrip(initrd: image, short: rounds / 10, long: rounds, registersOnly: true)
        }
        /// The pipe, IPC and `svc` round trips timed in turn (PairedRatios.swift).
        func pairedRounds() -> IPCRatios? {
            pairedIPCRatios(rounds: repeats, pipe: { pipePingPong(rounds: n / 4) }, ipc: ipcRoundTrip,
                            svc: { halSvc(rounds: n, cpu: .jit) })
        }
        if let only {
            // One measurement alone (for profiling): svc, store or ipc on --cpu, or the paired pipe rounds.
            let cpu = SimCPUKind(rawValue: self.cpu) ?? .jit
            benchCPU = cpu
            switch only {
            case "svc": print("svc round trip (\(cpu)): \(fmt(median(runs: repeats) { halSvc(rounds: n, cpu: cpu) })) ns")
            case "store": print("store loop (\(cpu)): \(fmt2(median(runs: repeats) { storeLoop(iterations: UInt64(n) * 100, cpu: cpu) })) ns")
            case "ipc":
                let v = median(runs: repeats) { ipcRoundTrip() ?? .infinity }
                guard v.isFinite else {
                    fputsStderr("kenix-bench: ipcbench did not run from \(initrd) (a boot image with init and ipcbench: make userland)\n")
                    throw ExitCode(1)
                }
                print("ipc round trip (\(cpu)): \(fmt(v)) ns")
            case "pipe":
                // The paired rounds alone: the pipe/IPC ratio as make bench takes it.
                guard let r = pairedRounds() else { throw ExitCode(1) }
                print("pipe \(fmt(r.pipe)) ns, ipc \(fmt(r.ipc)) ns, svc \(fmt(r.svc)) ns, pipe/ipc \(fmt2(r.pipeOverIPC))x, ipc/2svc \(fmt2(r.ipcOverTwoSvc))x")
            default: throw ValidationError("--only takes svc, store, ipc or pipe")
            }
            return
        }
        SimMachine.prewarm(.jit, cores: SimMachine.coresForManyBoots)
        // make bench pins this process to one processor: timing while the
        // builder thread made 32 cores on it charged the first JIT rows for
        // them (the `svc` round trip read 153 ns, 77-90 alone).
        SimMachine.waitForPrewarm()
        var failed = false
        func orFail(_ v: Double?) -> Double {
            guard let v else { failed = true; return .infinity }
            return v
        }
        /// Every kenix-sim measurement, on one engine; the JIT's `svc` and
        /// IPC round trips come from the paired rounds (PairedRatios.swift).
        func measure(_ cpu: SimCPUKind, paired: IPCRatios? = nil) -> EngineFigures {
            benchCPU = cpu
            var f = EngineFigures()
            // The Unicorn engine is slow on stores: fewer iterations there.
            f.store = median(runs: repeats) { storeLoop(iterations: cpu == .jit ? 50_000_000 : 2_000_000, cpu: cpu) }
            if let paired {
                f.svc = paired.svc
                f.ipc = paired.ipc
            } else {
                f.svc = median(runs: repeats) { halSvc(rounds: n, cpu: cpu) }
                f.ipc = median(runs: repeats) { orFail(ipcRoundTrip()) }
            }
            f.ipcStubs = median(runs: repeats) {
                orFail(kenixIPCRoundTrip(initrd: image, short: rounds / 10, long: rounds, registersOnly: false))
            }
            f.notify = median(runs: repeats) { orFail(kenixNotificationLatency(initrd: image, short: rounds / 10, long: rounds)) }
            f.zeroFault = median(runs: repeats) { orFail(kenixDemandZeroFault(initrd: image, short: 256, long: 4096)) }
            f.cowFault = median(runs: repeats) { orFail(kenixCopyOnWriteFault(initrd: image, short: 256, long: 4096)) }
            f.interrupt = median(runs: repeats) {
                orFail(kenixInterruptToHandler(initrd: image, short: rounds / 100, long: rounds / 10))
            }
            let swapRuns = (0..<repeats).compactMap { _ in kenixSwapThroughput(initrd: image) }
            if swapRuns.count != repeats { failed = true }
            if !swapRuns.isEmpty {   // none: the row keeps its zeros, and `failed` fails the run
                f.swap = swapRuns.sorted { $0.hostNanosecondsPerPage < $1.hostNanosecondsPerPage }[swapRuns.count / 2]
            }
            for (w, h) in [(640, 480), (1280, 720)] {
                for window in [false, true] {
                    let runs = (0..<repeats).compactMap { _ in
                        kenixDemoFramesPerSecond(initrd: image, width: w, height: h, window: window)
                    }
                    f.demo.append((w, h, window, runs.isEmpty ? nil : median(of: runs)))
                }
            }
            if f.demo.contains(where: { !$0.2 && $0.3 == nil }) { failed = true }
            return f
        }
        let raw = median(runs: repeats) { rawUnicornSvc(rounds: n) }
        benchCPU = .jit
        guard let paired = pairedRounds() else {
            fputsStderr("kenix-bench: a bench program failed in kenix-sim\n")
            throw ExitCode(1)
        }
        let pipe = paired.pipe
        let jit = measure(.jit, paired: paired)
        let unicorn = measure(.unicorn)
        benchCPU = .jit
        let swarm = swarmBoots(initrd: image, seeds: swarmSeeds)
        if swarm == nil { failed = true }
        if failed {
            fputsStderr("kenix-bench: a bench program failed in kenix-sim\n")
            throw ExitCode(1)
        }
        let x = { (u: Double, j: Double) in fmt2(u / j) + "×" }
        let svcRow = "`svc` round trip through `SimCPU.enterUser` (the context copied in and out by Unicorn, lent to the JIT's interpreter)"
        print("### The JIT engine against the Unicorn engine (issue 12), same run")
        print("")
        print("| measurement | JIT (host ns) | Unicorn (host ns) | JIT speed-up | target |")
        print("|---|---|---|---|---|")
        print("| store loop (`str; subs; b.ne`), per iteration | \(fmt2(jit.store)) | \(fmt2(unicorn.store)) | **\(x(unicorn.store, jit.store))** | ≥ 10× |")
        print("| demand-zero page fault | \(fmt(jit.zeroFault)) | \(fmt(unicorn.zeroFault)) | **\(x(unicorn.zeroFault, jit.zeroFault))** | ≥ 10× |")
        print("| \(svcRow) | \(fmt(jit.svc)) | \(fmt(unicorn.svc)) | **\(x(unicorn.svc, jit.svc))** | ≥ 5× |")
        print("| Kenix call/reply round trip, 4-word messages (register-only loops) | \(fmt(jit.ipc)) | \(fmt(unicorn.ipc)) | \(x(unicorn.ipc, jit.ipc)) | |")
        print("| the same through `ipc.h` (C stubs) | \(fmt(jit.ipcStubs)) | \(fmt(unicorn.ipcStubs)) | \(x(unicorn.ipcStubs, jit.ipcStubs)) | |")
        print("| notification signal → wait hand-over | \(fmt(jit.notify)) | \(fmt(unicorn.notify)) | \(x(unicorn.notify, jit.notify)) | |")
        print("| UART receive interrupt → user-space handler | \(fmt(jit.interrupt)) | \(fmt(unicorn.interrupt)) | \(x(unicorn.interrupt, jit.interrupt)) | |")
        print("| copy-on-write fault, with its share of the fork | \(fmt(jit.cowFault)) | \(fmt(unicorn.cowFault)) | \(x(unicorn.cowFault, jit.cowFault)) | |")
        print("| swap: host time per page moved (`swap`, 8 MiB) | \(fmt(jit.swap.hostNanosecondsPerPage)) | \(fmt(unicorn.swap.hostNanosecondsPerPage)) | \(x(unicorn.swap.hostNanosecondsPerPage, jit.swap.hostNanosecondsPerPage)) | |")
        for (w, h) in [(640, 480), (1280, 720)] {
            let fj = jit.demo.first { $0.0 == w && $0.1 == h && !$0.2 }?.3 ?? 0
            let fu = unicorn.demo.first { $0.0 == w && $0.1 == h && !$0.2 }?.3 ?? 0
            print("| demo frame at \(w)×\(h), headless | \(fmt(1e9 / fj)) | \(fmt(1e9 / fu)) | \(x(fj, fu)) | |")
        }
        print("")
        print("The bare Unicorn `svc` round trip (raw engine, reading only the PC): \(fmt(raw)) ns.")
        print("")
        print("### IPC against a Linux pipe, swarm (issue 12)")
        print("")
        print("| measurement | value | target |")
        print("|---|---|---|")
        print("| Linux pipe ping-pong round trip, two processes, 40 bytes | \(fmt(pipe)) ns | |")
        print("| Kenix call/reply round trip (JIT, register-only loops) | \(fmt(jit.ipc)) ns | |")
        print("| Linux pipe round trip / Kenix round trip (median of \(repeats) rounds' ratios, each round timing both) | **\(fmt2(paired.pipeOverIPC))×** | ≥ 10× |")
        print("| the same through `ipc.h` | \(fmt2(pipe / jit.ipcStubs))× | |")
        if let swarm {
            print("| swarm: default boot image runs per host second on one core (\(swarmSeeds) seeds, in-process, JIT) | **\(fmt2(swarm.overall))** | ≥ 30 (aim 100) |")
            print("| the same, after the first \(swarm.warmup) (cores built, translations made) | \(fmt2(swarm.steady)) | |")
        }
        print("")
        print("### kenix-sim on the JIT engine, per operation (issues 2, 4, 5, 6)")
        print("")
        print("| measurement | host ns per operation |")
        print("|---|---|")
        print("| \(svcRow) | \(fmt(jit.svc)) |")
        print("| Kenix call/reply round trip, 4-word messages, two user tasks (register-only loops) | \(fmt(jit.ipc)) |")
        print("| the same through `ipc.h` (C stubs that store the reply on the stack) | \(fmt(jit.ipcStubs)) |")
        print("| Linux pipe ping-pong round trip, two processes, 40 bytes | \(fmt(pipe)) |")
        print("| notification signal → wait hand-over between two tasks | \(fmt(jit.notify)) |")
        print("| UART receive interrupt → user-space handler woken, drained, acked | \(fmt(jit.interrupt)) |")
        print("| demand-zero page fault | \(fmt(jit.zeroFault)) |")
        print("| copy-on-write fault, with its share of the fork | \(fmt(jit.cowFault)) |")
        print("")
        print("- Kenix round trips per host second: \(fmt(1e9 / jit.ipc))")
        print("- round trip / two svc trips through enterUser: \(fmt2(paired.ipcOverTwoSvc))× (target ≤ 3×; median of the rounds' ratios)")
        print("- Linux pipe round trip / Kenix round trip: \(fmt2(paired.pipeOverIPC))× (target > 1×: Kenix faster)")
        print("- through ipc.h: \(fmt(1e9 / jit.ipcStubs)) round trips per second, \(fmt2(jit.ipcStubs / (2 * jit.svc)))× two "
              + "enterUser trips, \(fmt2(pipe / jit.ipcStubs))× faster than the pipe")
        print("")
        print("Swapping (the `swap` program on 8 MiB of RAM and a 64 MiB simulated disk, 16 requests in flight, 100 µs each; JIT):")
        print("")
        print("| measurement | value |")
        print("|---|---|")
        print("| swap-out + swap-in throughput | \(jit.swap.pagesPerSimulatedSecond) pages per simulated second |")
        print("| pages moved in the run (written out + read back) | \(jit.swap.pagesMoved) |")
        print("| host time per page moved (whole run, median of \(repeats)) | \(fmt(jit.swap.hostNanosecondsPerPage)) ns |")
        print("")
        print("The graphics demo (every pixel redrawn each frame, no pacing), frames per host second:")
        print("")
        print("| screen | JIT, headless | JIT, SDL window | Unicorn, headless |")
        print("|---|---|---|---|")
        for (w, h) in [(640, 480), (1280, 720)] {
            let headless = jit.demo.first { $0.0 == w && $0.1 == h && !$0.2 }?.3
            let windowed = jit.demo.first { $0.0 == w && $0.1 == h && $0.2 }?.3
            let u = unicorn.demo.first { $0.0 == w && $0.1 == h && !$0.2 }?.3
            print("| \(w)×\(h) | \(headless.map { fmt2($0) } ?? "failed") | "
                  + "\(windowed.map { fmt2($0) } ?? "no window could open") | \(u.map { fmt2($0) } ?? "failed") |")
        }
    }

    @Option(help: "Seeds for the in-process swarm measurement.")
    var swarmSeeds = 200

    @Option(help: ArgumentHelp("Run one measurement alone (svc, store or ipc; pipe: the paired pipe, IPC and svc rounds and their ratios), for profiling.", valueName: "NAME"))
    var only: String?

    @Option(help: ArgumentHelp("The engine for --only: jit or unicorn.", valueName: "ENGINE"))
    var cpu = "jit"
}

/// What kenix-bench measures on one engine.
struct EngineFigures {
    var store = 0.0, svc = 0.0, ipc = 0.0, ipcStubs = 0.0, notify = 0.0
    var zeroFault = 0.0, cowFault = 0.0, interrupt = 0.0
    var swap = SwapThroughput(pagesPerSimulatedSecond: 0, pagesMoved: 0, hostNanosecondsPerPage: 0)
    var demo: [(Int, Int, Bool, Double?)] = []
}

/// A figure for the report; a measurement that failed (infinite, NaN)
/// reads "failed".
private func fmt(_ v: Double) -> String { v.isFinite ? String(Int(v.rounded())) : "failed" }
private func fmt2(_ v: Double) -> String { v.isFinite ? String(Double(Int(v * 100)) / 100) : "failed" }

func fputsStderr(_ s: String) {
    var line = s
    line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

/// Boot images larger than this are refused (the default one is ~4 MiB): a
/// file with no end (/dev/zero) must not take the host's memory.
let largestBootImage = 64 << 20
