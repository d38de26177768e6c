// Platform.swift: the board facts the HAL needs, read from the device tree
// that QEMU (or firmware) passes in x0, with QEMU virt's values as the
// fallback table when a fact is missing (QEMU docs/system/arm/virt.rst and hw/arm/virt.c).
// Interrupt specifiers use the GIC binding: <type number flags>, type 0 =
// SPI (INTID number + 32), 1 = PPI (number + 16). Boot arguments come from
// /chosen bootargs and fw_cfg (BootArguments.swift).
import HAL

struct Platform {
    var ram = PhysRange(base: PhysAddr(0x4000_0000), size: 128 << 20)
    var initrd = PhysRange(base: PhysAddr(0), size: 0)
    var dtb = PhysRange(base: PhysAddr(0), size: 0)
    var uart: UInt64 = 0x0900_0000
    var uartIRQ: UInt32 = 33
    var gicVersion: UInt8 = 2
    var gicDistributor: UInt64 = 0x0800_0000
    var gicCPUInterface: UInt64 = 0x0801_0000
    var gicRedistributor: UInt64 = 0x080A_0000
    var timerIRQ: UInt32 = 27
    var psciUsesSMC = false
    /// virtio-mmio transports with their interrupts (QEMU virt: 32 slots at
    /// 0x0a00_0000 + 0x200 n, SPI 16 + n); probed by VirtioBlockDevice.discover.
    var virtioSlots: [VirtioSlot] = []
    /// QEMU's fw_cfg device ("qemu,fw-cfg-mmio"; boot arguments, ramfb).
    var fwCfg: FWCfg? = nil
    /// The PL031 real-time clock ("arm,pl031"), if the board has one.
    var rtc: UInt64? = nil
    var fromDeviceTree = false
    var arguments = BootArguments()
    /// `kenix.panic-test`: fault in the kernel on purpose (tests the panic path).
    var panicTest = false
    /// `kenix.disk-test`: the HAL tests its disk before the kernel starts (DiskSelfTest).
    var diskTest = false
    /// `kenix.fb=WxH`: the display mode asked for (RamFramebuffer validates it).
    var framebufferSize: [UInt8]? = nil
    /// `kenix.fb-test`: draw the test pattern before the kernel starts (FramebufferSelfTest).
    var framebufferTest = false
    /// kenix.trace=ring: record kernel events in TraceRing, dump them at shutdown.
    var traceRing = false
    /// `kenix.pmu`: count retired instructions (InstructionCounter) for `clock`'s x1.
    var countInstructions = false
    /// `kenix.kbd-test=N`: wait for N key events before the kernel starts (KeyboardSelfTest).
    var keyboardTestEvents = 0
    /// `-append "kenix.init=NAME kenix.arg=N"`: the first program and its x0
    /// (how the benchmark boots ipcbench; KernelConfig.initName/initArgument).
    var initName: [UInt8]? = nil
    var initArgument: UInt64? = nil

    static func interruptID(_ v: DeviceTree.Value, entry: Int) -> UInt32? {
        guard v.cellCount >= 3 * (entry + 1) else { return nil }
        let type = v.cell(3 * entry), number = v.cell(3 * entry + 1)
        return type == 1 ? number + 16 : number + 32
    }

    static func discover(dtbAddress: UInt64) -> Platform {
        var p = Platform()
        // Without a DTB: a GICv3 is present when the CPU has the GIC system
        // register interface (ID_AA64PFR0_EL1.GIC, bits [27:24]).
        if (kenix_read_id_aa64pfr0() >> 24) & 0xF != 0 { p.gicVersion = 3 }
        guard let tree = DeviceTree(virtualAddress: kva(dtbAddress)) else {
            for n in 0..<32 { p.virtioSlots.append(VirtioSlot(base: 0x0A00_0000 + UInt64(n) * 0x200, irq: 48 + UInt32(n))) }
            p.fwCfg = FWCfg(base: kva(0x0902_0000))
            p.readArguments()
            return p
        }
        p.fromDeviceTree = true
        p.dtb = PhysRange(base: PhysAddr(dtbAddress), size: UInt64(tree.totalSize))
        tree.forEachNode { node, ac, sc in
            let reg = node.reg
            func regBase(_ i: Int) -> UInt64? {
                guard let reg, reg.cellCount >= (i + 1) * (ac + sc) else { return nil }
                return reg.number(at: i * (ac + sc), cells: ac)
            }
            func regSize(_ i: Int) -> UInt64? {
                guard let reg, reg.cellCount >= (i + 1) * (ac + sc) else { return nil }
                return reg.number(at: i * (ac + sc) + ac, cells: sc)
            }
            if node.named("memory", in: tree), let b = regBase(0), let s = regSize(0) {
                p.ram = PhysRange(base: PhysAddr(b), size: s)
            }
            if node.named("chosen", in: tree), let s = node.initrdStart, let e = node.initrdEnd {
                let start = s.number(at: 0, cells: s.cellCount), end = e.number(at: 0, cells: e.cellCount)
                if end > start { p.initrd = PhysRange(base: PhysAddr(start), size: end - start) }
            }
            if node.named("chosen", in: tree), let args = node.bootargs { p.arguments.append(args.bytes) }
            guard let compatible = node.compatible else { return }
            if compatible.containsString("arm,pl011"), let b = regBase(0) {
                p.uart = b
                if let i = node.interrupts, let id = interruptID(i, entry: 0) { p.uartIRQ = id }
            } else if compatible.containsString("arm,gic-v3"), let d = regBase(0), let r = regBase(1) {
                p.gicVersion = 3; p.gicDistributor = d; p.gicRedistributor = r
            } else if compatible.containsString("arm,cortex-a15-gic") || compatible.containsString("arm,gic-400"),
                      let d = regBase(0), let c = regBase(1) {
                p.gicVersion = 2; p.gicDistributor = d; p.gicCPUInterface = c
            } else if compatible.containsString("arm,armv8-timer") || compatible.containsString("arm,armv7-timer") {
                // Entries: secure phys, non-secure phys, virtual, hypervisor.
                if let i = node.interrupts, let id = interruptID(i, entry: 2) { p.timerIRQ = id }
            } else if compatible.containsString("arm,psci-0.2") || compatible.containsString("arm,psci-1.0")
                        || compatible.containsString("arm,psci") {
                if let m = node.method { p.psciUsesSMC = m.containsString("smc") }
            } else if compatible.containsString("virtio,mmio"), let b = regBase(0),
                      let i = node.interrupts, let id = interruptID(i, entry: 0) {
                p.virtioSlots.append(VirtioSlot(base: b, irq: id))
            } else if compatible.containsString("qemu,fw-cfg-mmio"), let b = regBase(0) {
                p.fwCfg = FWCfg(base: kva(b))
            } else if compatible.containsString("arm,pl031"), let b = regBase(0) {
                p.rtc = b
            }
        }
        p.readArguments()
        return p
    }

    /// Appends fw_cfg's opt/kenix/bootargs (at most 4 KB) to the DTB's, then
    /// reads the words the HAL knows.
    mutating func readArguments() {
        if let fwCfg, let file = fwCfg.file(BootArguments.fwCfgFile) {
            arguments.append(fwCfg.read(file.key, size: file.size, limit: 4096))
        }
        panicTest = arguments.has("kenix.panic-test")
        diskTest = arguments.has("kenix.disk-test")
        framebufferTest = arguments.has("kenix.fb-test")
        framebufferSize = arguments.value(of: "kenix.fb=")
        if let n = arguments.value(of: "kenix.kbd-test=") {
            keyboardTestEvents = Int(min(BootArguments.decimal(n) ?? 0, 1000))
        }
        if let name = arguments.value(of: "kenix.init="), !name.isEmpty { initName = name }
        if let digits = arguments.value(of: "kenix.arg="), let v = BootArguments.decimal(digits) { initArgument = v }
        traceRing = arguments.has("kenix.trace=ring")
        countInstructions = arguments.has("kenix.pmu")
    }
}
