// kenix-sim swarm: boots the same image for many seeds in one process and
// prints each seed's result and trace hash, then a summary. Every run is the
// full machine and kernel, built and torn down; only the JIT cores (pooled,
// and forgotten between machines) and the loaded boot image are shared.
//
//   kenix-sim swarm [--seeds 1-200] [--cpu jit|unicorn|both] [--initrd PATH]
//                   [--input FILE] [--ram SIZE] [--max-time DURATION] [--display] [--stats]
//
// Checks, each a failure of the swarm (exit status 1): a run that does not
// end with init's status 0; a seed listed twice (`--seeds 1-50,1-50`) that
// does not replay to the same trace hash; with `--cpu both`, a seed on which
// the two engines disagree (output, exit, simulated time or trace hash).
// Host time is only measured for the summary's runs per second.
import ArgumentParser
import HAL
import HALHostSim
import KenixKernel
import SimHost

/// `--seeds`: comma-separated seeds and inclusive ranges, in order: "1-200", "1,5,9-12".
struct SeedList: ExpressibleByArgument {
    var seeds: [UInt64]
    /// The list as written, which is also how `--help` shows the default.
    var defaultValueDescription: String
    init?(argument: String) {
        defaultValueDescription = argument
        seeds = []
        for part in argument.split(separator: ",") {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            if ends.count == 1, let s = UInt64(ends[0]) {
                seeds.append(s)
            } else if ends.count == 2, let a = UInt64(ends[0]), let b = UInt64(ends[1]), a <= b, b - a < 1_000_000 {
                seeds.append(contentsOf: a...b)
            } else {
                return nil
            }
        }
        if seeds.isEmpty { return nil }
    }
}

/// `--cpu` for swarm: one engine, or both (the differential check).
enum SwarmCPU: String, ExpressibleByArgument {
    case jit, unicorn, both
}

struct Swarm: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Boot an initrd once per seed, in one process, and summarize.",
        discussion: """
        Prints one line per run (seed, exit status, simulated time, trace hash) and a summary \
        with the number of distinct trace hashes and runs per second of host time. The swarm \
        fails (exit status 1) if a run's init does not exit with status 0, if a seed given \
        twice (--seeds 1-50,1-50) does not replay to the same trace hash, or, with --cpu both, \
        if the JIT and Unicorn engines disagree on any seed. Console output is not printed; \
        input comes from --input (default: none, so the shell exits at once).
        """)

    @Option(help: ArgumentHelp("Seeds to run: numbers and inclusive ranges LOW-HIGH (LOW <= HIGH, at most 1000000 seeds a range), e.g. 1-200 or 1,5,9-12.", valueName: "LIST"))
    var seeds = SeedList(argument: "1-200")!

    @Option(help: ArgumentHelp("jit, unicorn, or both (each seed on both engines, compared).", valueName: "ENGINE"))
    var cpu: SwarmCPU = .jit

    @Option(help: "The boot image (cpio newc).")
    var initrd = "build/initrd.cpio"

    @Option(help: "Console input for every run, from this file (default: none).")
    var input: String?

    @Option(help: "Simulated RAM size, e.g. 64M, 1G.")
    var ram: ByteSize = ByteSize(bytes: 128 << 20)

    @Option(name: .customLong("max-time"), help: "Stop each run after this much simulated time, e.g. 500ms, 10s, 2m.")
    var maxTime: Duration = Duration(argument: "60s")!

    @Flag(help: "Give each machine the framebuffer and keyboard `run` has (headless); off by default.")
    var display = false

    @Flag(help: "After each run, print the CPU engine's counters (diagnostics).")
    var stats = false

    @Option(name: .customLong("hot-threshold"), help: ArgumentHelp(
        "JIT engine: times a block is entered (over all runs) before dynarmic translates it; 0 translates at once.",
        valueName: "N"))
    var hotThreshold: UInt32 = SimConfig.hotThresholdForManyBoots

    struct Result: Equatable {
        var status: Int64?
        var time: UInt64
        var hash: UInt64
        var console: [UInt8]
    }

    mutating func run() throws {
        let image = readInitrd(initrd, ram: ram.bytes)
        var typed: [UInt8] = []
        if let input {
            switch readFile(input, limit: largestScriptFile) {
            case .success(let bytes): typed = bytes
            case .failure(let message), .tooLarge(let message): fail("cannot read input '\(input)': \(message)", code: 66)
            }
        }
        let engines: [SimCPUKind] = switch cpu { case .jit: [.jit]; case .unicorn: [.unicorn]; case .both: [.jit, .unicorn] }
        for engine in engines { SimMachine.prewarm(engine, cores: SimMachine.coresForManyBoots) }
        var seen: [UInt64: UInt64] = [:]
        var hashes = Set<UInt64>()
        var failed = 0, mismatches = 0, runs = 0
        let start = hostSeconds()
        for seed in seeds.seeds {
            var results: [Result] = []
            for engine in engines {
                results.append(boot(image, seed: seed, input: typed, cpu: engine))
                runs += 1
            }
            let r = results[0]
            var line = "seed \(seed): " + (r.status.map { "exit \($0)" } ?? "no exit")
                + ", time \(r.time) ns, hash \(hex16(r.hash))"
            if r.status != 0 { failed += 1; line += "  FAILED" }
            if results.count == 2 {
                if results[0] == results[1] {
                    line += ", engines agree"
                } else {
                    mismatches += 1
                    line += "  MISMATCH: unicorn " + (results[1].status.map { "exit \($0)" } ?? "no exit")
                        + ", time \(results[1].time) ns, hash \(hex16(results[1].hash))"
                        + (results[0].console == results[1].console ? "" : ", different output")
                }
            }
            if let earlier = seen[seed], earlier != r.hash {
                mismatches += 1
                line += "  MISMATCH: this seed gave \(hex16(earlier)) before"
            }
            seen[seed] = r.hash
            hashes.insert(r.hash)
            print(line)
        }
        let elapsed = hostSeconds() - start
        let rate = elapsed > 0 ? Double(runs) / elapsed : 0
        print("swarm: \(runs) runs of \(seeds.seeds.count) seeds (\(seen.count) distinct), \(seeds.seeds.count - failed) passed, "
              + "\(failed) failed, \(mismatches) mismatches, \(hashes.count) distinct trace hashes; "
              + "\(formatRate(rate)) runs/s (\(formatRate(elapsed)) s host time)")
        Foundation_exit(failed == 0 && mismatches == 0 ? 0 : 1)
    }

    private func boot(_ image: [UInt8], seed: UInt64, input: [UInt8], cpu: SimCPUKind) -> Result {
        var config = SimConfig(ramSize: ram.bytes, initrd: image, seed: seed, maxTime: maxTime.nanoseconds,
                               console: .capture)
        config.cpu = cpu
        config.hotThreshold = hotThreshold
        config.input = ScriptedInput(input)
        if display {
            config.display = SimDisplayConfig(width: 640, height: 480, capture: nil)
            config.keyboard = true
        }
        let hal: HostSimHAL
        do { hal = try HostSimHAL(config: config) } catch {
            fail("cannot build the simulated machine: \(describe(error))", code: 65)
        }
        var kernel: Kernel<HostSimHAL>
        do { kernel = try Kernel(hal: hal) } catch {
            fail(describe(error, initrd: initrd, program: "init"), code: 65)
        }
        let status: Int64? = switch kernel.run() {
        case .initExited(let s): s
        default: nil
        }
        if stats { print("  seed \(seed): " + hal.machine.engineSummary) }
        return Result(status: status, time: hal.machine.now, hash: hal.machine.traceHash,
                      console: hal.machine.consoleOutput)
    }
}

func hostSeconds() -> Double { Double(HostClock.monotonicNanoseconds()) / 1e9 }

func formatRate(_ v: Double) -> String {
    let tenths = Int((v * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
}
