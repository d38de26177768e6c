// KernelMain.swift: kenix_main(dtb, entryEL, handover), called by boot.S on the high half with
// the MMU on. Discovers the platform, brings up the GIC and timer, builds
// ArmHAL, starts the kernel core (which loads init from the initrd), runs it
// and powers the machine off through PSCI SYSTEM_OFF when it returns.
import HAL
import KenixKernel

@_cdecl("kenix_main")
func kenixMain(_ dtbAddress: UInt64, _ entryEL: UInt64, _ handoverAddress: UInt64) {
    var platform = Platform.discover(dtbAddress: dtbAddress)
    let handover = UEFIHandover(physicalAddress: handoverAddress)
    if let handover { platform.initrd = handover.initrd }
    PSCI.usesSMC = platform.psciUsesSMC
    consoleUART = PL011(base: kva(platform.uart), irq: IRQ(platform.uartIRQ))
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
    if platform.panicTest {
        Console.put("kenix: panic test: reading an unmapped kernel address\n")
        _ = mmioRead64(0xFFFF_8000_0000_0000)
    }
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
    // The disks; their lines (disabled until the kernel enables them) are
    // level-triggered whatever the DTB's flags say (QEMU's say edge): a
    // device holds its line until its completions are taken.
    let (disks, swapDisk) = VirtioBlockDevice.discover(platform.virtioSlots, ram: platform.ram)
    for disk in disks { gic.configureLevelTriggered(disk.irq) }
    // The keyboard's line likewise (held while events wait).
    let keyboard = VirtioKeyboard.discover(platform.virtioSlots)
    if let keyboard { gic.configureLevelTriggered(keyboard.irq) }

    // Reserve everything from the RAM base to the end of the kernel image
    // (QEMU's boot stub, the image, .bss, stack, heap) and the DTB.
    let page: UInt64 = 4096
    let imageEnd = (pa(ofKernel: kenix_addr_image_end()) + page - 1) & ~(page - 1)
    var reserved = [PhysRange(base: platform.ram.base, size: imageEnd - platform.ram.base.raw)]
    if platform.dtb.size > 0 {
        let b = platform.dtb.base.raw & ~(page - 1)
        let e = (platform.dtb.end.raw + page - 1) & ~(page - 1)
        reserved.append(PhysRange(base: PhysAddr(b), size: e - b))
    }
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
    if platform.diskTest { DiskSelfTest.run(hal) }
    if platform.framebufferTest { FramebufferSelfTest.run(hal) }
    if platform.keyboardTestEvents > 0 { KeyboardSelfTest.run(hal, events: platform.keyboardTestEvents) }

    var config = KernelConfig()
    if let name = platform.initName { config.initName = name }
    if let arg = platform.initArgument { config.initArgument = arg }
    TraceRing.enabled = platform.traceRing
    let startTicks = kenix_read_cntvct()
    var kernel: Kernel<ArmHAL>
    do {
        kernel = try Kernel(hal: hal, config: config)
    } catch {
        switch error {
        case .noInitrd: kernelHalt("boot failed: no initrd (pass one with -initrd)")
        case .malformedInitrd: kernelHalt("boot failed: malformed initrd (not a cpio newc archive)")
        case .initNotFound: kernelHalt("boot failed: no init in the initrd")
        case .badInit: kernelHalt("boot failed: init is not a valid AArch64 ELF executable")
        case .outOfMemory: kernelHalt("boot failed: out of memory")
        }
    }
    StackWatermark.paint()
    Console.put("kenix: kernel ready, init started; frames free ")
    Console.put(decimal: UInt64(kernel.freeFrames))
    Console.put(" of ")
    Console.put(decimal: UInt64(kernel.totalFrames))
    Console.put("\n")
    let outcome = kernel.run()
    let endTicks = kenix_read_cntvct()
    switch outcome {
    case .initExited(let status):
        Console.put("kenix: init exited with status ")
        Console.put(decimal: UInt64(bitPattern: status))
        Console.put("\n")
    case .initKilled(let reason):
        Console.put("kenix: init was killed (reason ")
        Console.put(decimal: reason)
        Console.put(")\n")
    case .deadlock:
        Console.put("kenix: deadlock: no task can run\n")
    case .halted:
        Console.put("kenix: halted\n")
    }
    // Timing (differs between runs; under -icount shift=0 one tick of the
    // 62.5 MHz counter is 16 instructions, so it counts instructions exactly).
    Console.put("kenix: timing: ticks from reset ")
    Console.put(decimal: endTicks)
    Console.put(", kernel start to init exit ")
    Console.put(decimal: endTicks &- startTicks)
    Console.put(" at ")
    Console.put(decimal: timer.frequency)
    Console.put(" Hz\n")
    Console.put("kenix: frames free ")
    Console.put(decimal: UInt64(kernel.freeFrames))
    Console.put(" of ")
    Console.put(decimal: UInt64(kernel.totalFrames))
    Console.put(", kernel heap ")
    Console.put(decimal: UInt64(kenix_heap_used_kb()))
    Console.put(" KB, kernel stack high-water ")
    Console.put(decimal: StackWatermark.used() / 1024)
    Console.put(" KB\n")
    TraceRing.dump(frequency: timer.frequency)
    kernelHalt("powering off (PSCI SYSTEM_OFF)")
}
