// KernelStart: the kernel core's configuration from the boot arguments
// (`kenix.init=NAME kenix.arg=N`), and the console lines for a kernel that
// could not start (a halt: there is nothing to run) or did.
import HAL
import KenixKernel

enum KernelStart {
    static func config(_ platform: Platform) -> KernelConfig {
        var config = KernelConfig()
        if let name = platform.initName { config.initName = name }
        if let arg = platform.initArgument { config.initArgument = arg }
        return config
    }

    static func failed(_ error: BootError) -> Never {
        switch error {
        case .noInitrd: kernelHalt("boot failed: no initrd (pass one with -initrd)")
        case .malformedInitrd: kernelHalt("boot failed: malformed initrd (not a cpio newc archive)")
        case .initNotFound: kernelHalt("boot failed: no init in the initrd")
        case .badInit: kernelHalt("boot failed: init is not a valid AArch64 ELF executable")
        case .outOfMemory: kernelHalt("boot failed: out of memory")
        }
    }

    static func started(freeFrames: Int, totalFrames: Int) {
        Console.put("kenix: kernel ready, init started; frames free ")
        Console.put(decimal: UInt64(freeFrames))
        Console.put(" of ")
        Console.put(decimal: UInt64(totalFrames))
        Console.put("\n")
    }
}
