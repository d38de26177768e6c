// Board.bringUp: everything between boot.S and the kernel core. It
// discovers the platform (device tree, or QEMU virt's defaults), prints the
// boot banner, brings up the console UART, the GIC, the timer, the disks,
// the keyboard and the display, reserves the RAM the kernel must not hand
// out, and returns the HAL value the kernel is specialised over
// (Kernel<ArmHAL>) with the platform facts the rest of the boot reads
// (boot arguments for self-tests and init). No kernel policy lives here.
import HAL

enum Board {
    static func bringUp(dtbAddress: UInt64, entryEL: UInt64, handoverAddress: UInt64) -> (hal: ArmHAL, platform: Platform) {
        var platform = Platform.discover(dtbAddress: dtbAddress)
        let handover = UEFIHandover(physicalAddress: handoverAddress)
        if let handover { platform.initrd = handover.initrd }
        PSCI.usesSMC = platform.psciUsesSMC
        consoleUART = PL011(base: kva(platform.uart), irq: IRQ(platform.uartIRQ))
        printBanner(platform, dtbAddress: dtbAddress, entryEL: entryEL)
        BootSelfTests.panicIfAsked(platform)
        guard ContextLayout.verify() else { kernelHalt("UserContext layout differs from vectors.S") }
        guard verifyHeapSemantics() else { kernelHalt("Swift reference counting does not work on the kernel heap (heap.c, TBI1)") }

        LinearMap.extend(toCover: platform.ram)
        let gic = GIC(version: platform.gicVersion, distributor: kva(platform.gicDistributor),
                      cpuInterface: kva(platform.gicCPUInterface),
                      redistributor: platform.gicVersion == 3 ? GICv3.redistributor(from: kva(platform.gicRedistributor)) : 0)
        gic.initialize()
        consoleUART.enableReceiveInterrupts()
        let timer = GenericTimer(frequency: kenix_read_cntfrq(), irq: IRQ(platform.timerIRQ))
        timer.setDeadline(nil)
        if platform.countInstructions { InstructionCounter.start() }
        // The disks; their lines (disabled until the kernel enables them) are
        // level-triggered whatever the DTB's flags say (QEMU's say edge): a
        // device holds its line until its completions are taken.
        let (disks, swapDisk) = VirtioBlockDevice.discover(platform.virtioSlots, ram: platform.ram)
        for disk in disks { gic.configureLevelTriggered(disk.irq) }
        // The keyboard's line likewise (held while events wait).
        let keyboard = VirtioKeyboard.discover(platform.virtioSlots)
        if let keyboard { gic.configureLevelTriggered(keyboard.irq) }

        var reserved = reservedRanges(platform)
        if let handover {
            Console.put("kenix: booted by the UEFI loader; ")
            handover.appendFirmwareRanges(inside: platform.ram, to: &reserved)
        }
        // The display's pixels: from the top of RAM, clear of all the above and the initrd.
        let display = RamFramebuffer.setUp(fwCfg: platform.fwCfg, requested: platform.framebufferSize,
                                           ram: platform.ram, reserved: reserved, initrd: platform.initrd)
        if let display { reserved.append(display.pixels) }
        let hal = ArmHAL(interrupts: gic, timer: timer, uart: consoleUART,
                         boot: BootInfo(ram: platform.ram, reserved: reserved, initrd: platform.initrd,
                                        interruptLineCount: gic.lineCount,
                                        realTimeAtZero: platform.rtc.map {
                                            PL031.realTimeAtZero(base: kva($0), timerFrequency: timer.frequency)
                                        } ?? 0),
                         disks: disks, swapDisk: swapDisk, display: display, keyboard: keyboard)
        return (hal, platform)
    }

    /// Everything from the RAM base to the end of the kernel image (QEMU's
    /// boot stub, the image, .bss, stack, heap) and the DTB.
    private static func reservedRanges(_ platform: Platform) -> [PhysRange] {
        let page: UInt64 = 4096
        let imageEnd = (pa(ofKernel: kenix_addr_image_end()) + page - 1) & ~(page - 1)
        var reserved = [PhysRange(base: platform.ram.base, size: imageEnd - platform.ram.base.raw)]
        if platform.dtb.size > 0 {
            let b = platform.dtb.base.raw & ~(page - 1)
            let e = (platform.dtb.end.raw + page - 1) & ~(page - 1)
            reserved.append(PhysRange(base: PhysAddr(b), size: e - b))
        }
        return reserved
    }

    /// The first two boot lines: where we were entered and what the platform has.
    private static func printBanner(_ platform: Platform, dtbAddress: UInt64, entryEL: UInt64) {
        Console.put("kenix: AArch64, entered at EL")
        Console.put(decimal: entryEL)
        Console.put(", running at EL")
        Console.put(decimal: kenix_read_current_el() >> 2)
        Console.put(platform.fromDeviceTree ? ", device tree at " : ", no device tree (QEMU virt defaults), dtb ")
        Console.put(hex: dtbAddress)
        Console.put("\nkenix: RAM ")
        Console.put(hex: platform.ram.base.raw)
        Console.put(" + ")
        Console.put(decimal: platform.ram.size >> 20)
        Console.put(" MB, GICv")
        Console.put(decimal: UInt64(platform.gicVersion))
        Console.put(", timer PPI ")
        Console.put(decimal: UInt64(platform.timerIRQ))
        Console.put(", initrd ")
        Console.put(decimal: platform.initrd.size)
        Console.put(" bytes\n")
    }
}
