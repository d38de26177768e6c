// The graphics demo in kenix-sim: frames per host second at a given screen
// size, with or without the SDL window. `demo` is booted as the first task
// in its benchmark mode (bit 62: no pacing, no waiting); a run of `short`
// frames is subtracted from a run of `long` ones, which removes boot time.
// Drawing the window is host work outside simulated time, so the figure
// with a window shows what presenting costs.
import HAL
import HALHostSim
import KenixKernel
import SimHost

/// Host ns to draw `frames` frames of the demo at `width`×`height`, or nil
/// when the run failed (or a window was asked for and none could open).
func timeDemo(initrd: [UInt8], width: Int, height: Int, frames: UInt64, window: Bool) -> UInt64? {
    let start = HostClock.monotonicNanoseconds()
    var sim = SimConfig(ramSize: 256 << 20, initrd: initrd, console: .discard)
    sim.display = SimDisplayConfig(width: width, height: height)
    sim.cpu = benchCPU
    guard let hal = try? HostSimHAL(config: sim) else { return nil }
    if window {
        do { try hal.machine.openWindow(title: "kenix-bench") } catch { return nil }
    }
    defer { hal.machine.closeWindow() }
    var config = KernelConfig()
    config.initName = Array("demo".utf8)
    config.initArgument = (frames - 1) | 1 << 62
    guard var kernel = try? Kernel(hal: hal, config: config), kernel.run() == .initExited(status: 0) else { return nil }
    return HostClock.monotonicNanoseconds() - start
}

/// Frames of the demo per host second at `width`×`height`.
func kenixDemoFramesPerSecond(initrd: [UInt8], width: Int, height: Int, window: Bool) -> Double? {
    perUnit(short: 4, long: 24) { timeDemo(initrd: initrd, width: width, height: height, frames: $0, window: window) }
        .map { 1e9 / $0 }
}
