// Boots the real initrd (build/initrd.cpio, from `make userland`) with the
// real kernel on the host backend, in-process, and keeps what the system
// tests compare: outcome, console, trace hash and simulated time.
import Foundation
import HAL
import HALHostSim
import SimHost
import KenixKernel
import XCTest

struct BootedRun: Equatable {
    var outcome: RunOutcome
    var console: String
    var traceHash: UInt64
    var time: UInt64
    /// Not compared: it is the one thing the fast path changes.
    var fastPathCount: UInt64 = 0
    static func == (a: BootedRun, b: BootedRun) -> Bool {
        a.outcome == b.outcome && a.console == b.console && a.traceHash == b.traceHash && a.time == b.time
    }
}

func builtInitrd() throws -> [UInt8] {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../build/initrd.cpio").standardized.path
    guard let data = FileManager.default.contents(atPath: path) else {
        XCTFail("\(path) is missing: run `make userland` (make test does it first)")
        throw XCTSkip("no initrd")
    }
    return [UInt8](data)
}

/// The engine the boots run on unless a test says: KENIX_SIM_CPU=jit|unicorn.
var defaultCPU: SimCPUKind {
    ProcessInfo.processInfo.environment["KENIX_SIM_CPU"].flatMap(SimCPUKind.init(rawValue:)) ?? .jit
}

func bootInitrd(seed: UInt64, input: String = "", fastPath: Bool = true, ram: UInt64 = 128 << 20,
                swap: SimDiskConfig? = nil, cpu: SimCPUKind = defaultCPU,
                resolveInPlace: Bool = true) throws -> BootedRun {
    var config = SimConfig(ramSize: ram, initrd: try builtInitrd(), seed: seed, maxTime: 60_000_000_000,
                           console: .capture)
    config.cpu = cpu
    config.disk = swap
    config.timerJitter = 2000
    config.input = ScriptedInput(input)
    let hal = try HostSimHAL(config: config)
    var kernelConfig = KernelConfig()
    kernelConfig.ipcFastPath = fastPath
    kernelConfig.resolveFaultsInPlace = resolveInPlace
    var kernel = try Kernel(hal: hal, config: kernelConfig)
    let outcome = kernel.run()
    return BootedRun(outcome: outcome, console: String(decoding: hal.machine.consoleOutput, as: UTF8.self),
                     traceHash: hal.machine.traceHash, time: hal.machine.now, fastPathCount: kernel.ipcFastPathCount)
}

