// KernelMain.swift: kenix_main(dtb, entryEL, handover), called by boot.S on
// the high half with the MMU on. The boot in four steps, each in a file of
// its own: board bring-up (Board+BringUp.swift) builds ArmHAL, the self-tests
// the boot arguments ask for run (BootSelfTests.swift), the kernel core
// starts and runs (KernelStart.swift), and its end is reported
// (KernelStatistics.swift), with the trace ring when kenix.trace=ring asked
// for it (TraceRing.swift), before PSCI SYSTEM_OFF.
import HAL
import KenixKernel

@_cdecl("kenix_main")
func kenixMain(_ dtbAddress: UInt64, _ entryEL: UInt64, _ handoverAddress: UInt64) {
    let (hal, platform) = Board.bringUp(dtbAddress: dtbAddress, entryEL: entryEL, handoverAddress: handoverAddress)
    BootSelfTests.run(hal, platform)

    TraceRing.enabled = platform.traceRing
    let startTicks = kenix_read_cntvct()
    // The kernel value stays in this frame (lesson 7, docs/architecture.md:
    // no large struct returned by value on the kernel stack).
    var kernel: Kernel<ArmHAL>
    do {
        kernel = try Kernel(hal: hal, config: KernelStart.config(platform))
    } catch {
        KernelStart.failed(error)
    }
    StackWatermark.paint()
    KernelStart.started(freeFrames: kernel.freeFrames, totalFrames: kernel.totalFrames)
    let outcome = kernel.run()
    let endTicks = kenix_read_cntvct()
    KernelStatistics.outcome(outcome)
    KernelStatistics.timing(startTicks: startTicks, endTicks: endTicks, frequency: hal.timer.frequency)
    KernelStatistics.memory(freeFrames: kernel.freeFrames, totalFrames: kernel.totalFrames)
    TraceRing.dump(frequency: hal.timer.frequency)
    kernelHalt("powering off (PSCI SYSTEM_OFF)")
}
