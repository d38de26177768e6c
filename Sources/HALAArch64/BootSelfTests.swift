// BootSelfTests: the hardware backend's own tests, chosen by boot arguments
// (README.md, "Boot arguments") and run before the kernel starts:
// `kenix.panic-test` (the panic path, during bring-up), `kenix.disk-test`,
// `kenix.fb-test` and `kenix.kbd-test=N` (after it). Each prints its result
// on the console, where Tests/QEMU/boot.sh reads it; the boot then goes on
// (except the panic test, which ends it).
import HAL

enum BootSelfTests {
    /// `kenix.panic-test`: read an unmapped kernel address, which must end
    /// in a kernel panic with a symbolized backtrace (KernelPanic.swift).
    static func panicIfAsked(_ platform: Platform) {
        guard platform.panicTest else { return }
        Console.put("kenix: panic test: reading an unmapped kernel address\n")
        _ = mmioRead64(0xFFFF_8000_0000_0000)
    }

    /// The device self-tests the boot arguments ask for, on the HAL the
    /// kernel is about to get.
    static func run(_ hal: ArmHAL, _ platform: Platform) {
        if platform.diskTest { DiskSelfTest.run(hal) }
        if platform.framebufferTest { FramebufferSelfTest.run(hal) }
        if platform.keyboardTestEvents > 0 { KeyboardSelfTest.run(hal, events: platform.keyboardTestEvents) }
    }
}
