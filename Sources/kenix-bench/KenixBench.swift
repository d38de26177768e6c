// kenix-bench: the benchmarks behind `make bench`. Prints a Markdown section
// with every number measured in this one run, and the ratios between them
// (ratios from one run are what survives a noisy machine).
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

@main
struct KenixBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kenix-bench",
        abstract: "Measure Kenix IPC in kenix-sim against the svc floor and a Linux pipe ping-pong.")

    @Option(help: "The boot image holding ipcbench.")
    var initrd = "build/initrd.cpio"

    @Option(help: "Round trips in the long ipcbench run (a short run of 1/10 is subtracted).")
    var rounds: UInt64 = 200_000

    @Option(help: "Repetitions of each measurement; the median is reported.")
    var repeats = 5

    mutating func run() throws {
        guard case .success(let image) = readAll(initrd) else {
            fputsStderr("kenix-bench: cannot read \(initrd); run `make userland` first\n")
            throw ExitCode(66)
        }
        let n = Int(rounds)
        let raw = median(runs: repeats) { rawUnicornSvc(rounds: n) }
        let hal = median(runs: repeats) { halSvc(rounds: n) }
        let pipe = median(runs: repeats) { pipePingPong(rounds: n / 4) }
        var failed = false
        func ipcRoundTrip(registersOnly: Bool) -> Double {
            median(runs: repeats) {
                guard let v = kenixIPCRoundTrip(initrd: image, short: rounds / 10, long: rounds,
                                                registersOnly: registersOnly) else {
                    failed = true
                    return .infinity
                }
                return v
            }
        }
        let ipc = ipcRoundTrip(registersOnly: true)
        let ipcStubs = ipcRoundTrip(registersOnly: false)
        let notify = median(runs: repeats) {
            kenixNotificationLatency(initrd: image, short: rounds / 10, long: rounds) ?? { failed = true; return .infinity }()
        }
        let zeroFault = median(runs: repeats) {
            kenixDemandZeroFault(initrd: image, short: 256, long: 4096) ?? { failed = true; return .infinity }()
        }
        let cowFault = median(runs: repeats) {
            kenixCopyOnWriteFault(initrd: image, short: 256, long: 4096) ?? { failed = true; return .infinity }()
        }
        let interrupt = median(runs: repeats) {
            kenixInterruptToHandler(initrd: image, short: rounds / 100, long: rounds / 10) ?? { failed = true; return .infinity }()
        }
        let swapRuns = (0..<max(repeats, 1)).compactMap { _ in kenixSwapThroughput(initrd: image) }
        // (width, height, window) -> frames per host second; nil without a window.
        var demo: [(Int, Int, Bool, Double?)] = []
        for (w, h) in [(640, 480), (1280, 720)] {
            for window in [false, true] {
                let runs = (0..<max(repeats, 1)).compactMap { _ in
                    kenixDemoFramesPerSecond(initrd: image, width: w, height: h, window: window)
                }
                demo.append((w, h, window, runs.isEmpty ? nil : runs.sorted()[runs.count / 2]))
            }
        }
        if demo.contains(where: { !$0.2 && $0.3 == nil }) { failed = true }
        if swapRuns.count != max(repeats, 1) { failed = true }
        if failed {
            fputsStderr("kenix-bench: a bench program failed in kenix-sim\n")
            throw ExitCode(1)
        }
        print("| measurement | host ns per operation |")
        print("|---|---|")
        print("| bare Unicorn `svc` round trip (raw engine, PC only) | \(fmt(raw)) |")
        print("| `svc` round trip through `SimCPU.enterUser` (full context in and out) | \(fmt(hal)) |")
        print("| Kenix call/reply round trip, 4-word messages, two user tasks (register-only loops) | \(fmt(ipc)) |")
        print("| the same through `ipc.h` (C stubs that store the reply on the stack) | \(fmt(ipcStubs)) |")
        print("| Linux pipe ping-pong round trip, two processes, 40 bytes | \(fmt(pipe)) |")
        print("| notification signal → wait hand-over between two tasks | \(fmt(notify)) |")
        print("| UART receive interrupt → user-space handler woken, drained, acked | \(fmt(interrupt)) |")
        print("| demand-zero page fault | \(fmt(zeroFault)) |")
        print("| copy-on-write fault, with its share of the fork | \(fmt(cowFault)) |")
        print("")
        print("- Kenix round trips per host second: \(Int(1e9 / ipc))")
        print("- round trip / two svc trips through enterUser: \(fmt2(ipc / (2 * hal)))× (target ≤ 3×)")
        print("- round trip / two raw engine traps (PC only, no registers moved): \(fmt2(ipc / (2 * raw)))×")
        print("- Linux pipe round trip / Kenix round trip: \(fmt2(pipe / ipc))× (target > 1×: Kenix faster)")
        print("- through ipc.h: \(Int(1e9 / ipcStubs)) round trips per second, \(fmt2(ipcStubs / (2 * hal)))× two "
              + "enterUser trips, \(fmt2(pipe / ipcStubs))× faster than the pipe")
        let swap = swapRuns.sorted { $0.hostNanosecondsPerPage < $1.hostNanosecondsPerPage }[swapRuns.count / 2]
        print("")
        print("Swapping (the `swap` program on 8 MiB of RAM and a 64 MiB simulated disk, 16 requests in flight, 100 µs each):")
        print("")
        print("| measurement | value |")
        print("|---|---|")
        print("| swap-out + swap-in throughput | \(swap.pagesPerSimulatedSecond) pages per simulated second |")
        print("| pages moved in the run (written out + read back) | \(swap.pagesMoved) |")
        print("| host time per page moved (whole run, median of \(swapRuns.count)) | \(fmt(swap.hostNanosecondsPerPage)) ns |")
        print("")
        print("The graphics demo (every pixel redrawn each frame, no pacing), frames per host second:")
        print("")
        print("| screen | headless | SDL window |")
        print("|---|---|---|")
        for (w, h) in [(640, 480), (1280, 720)] {
            let headless = demo.first { $0.0 == w && $0.1 == h && !$0.2 }?.3
            let windowed = demo.first { $0.0 == w && $0.1 == h && $0.2 }?.3
            print("| \(w)×\(h) | \(headless.map { fmt2($0) } ?? "failed") | "
                  + "\(windowed.map { fmt2($0) } ?? "no window could open") |")
        }
    }
}

private func fmt(_ v: Double) -> String { String(Int(v.rounded())) }
private func fmt2(_ v: Double) -> String { String(Double(Int(v * 100)) / 100) }

func fputsStderr(_ s: String) {
    var line = s
    line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

enum ReadAll { case success([UInt8]), failure }

func readAll(_ path: String) -> ReadAll {
    guard let f = fopen(path, "rb") else { return .failure }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        bytes.append(contentsOf: chunk[0..<n])
        if n < chunk.count { break }
    }
    return .success(bytes)
}
