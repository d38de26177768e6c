// ScriptedHAL: binds the scripted roles into one `HAL` for `Kernel<H>`. RAM
// starts at 0x4000_0000; the first 16 frames are reserved (the "kernel
// image"), and the initrd is copied in at a deliberately unaligned address
// just after them, so frame rounding of reserved ranges is exercised too.
// A swap disk and data disks (ScriptedDisk), a display (ScriptedFramebuffer, its pixels on the
// first page boundary after the initrd, reserved) and a keyboard
// (ScriptedKeyboard) are there only when the test asks for them.
import HAL

struct ScriptedHAL: HAL {
    static let ramBase: UInt64 = 0x4000_0000
    static let reservedFrames: UInt64 = 16
    /// Offset of the initrd from the RAM base (not page-aligned on purpose,
    /// unless a test asks for `alignedInitrd`, as the real backends place it).
    static let initrdOffset: UInt64 = reservedFrames * PageGeometry.pageSize + 0x200
    static let alignedInitrdOffset: UInt64 = reservedFrames * PageGeometry.pageSize

    let machine: SimMachine
    let boot: BootInfo

    var cpu: ScriptedCPU { ScriptedCPU(machine: machine) }
    var mmu: ScriptedMMU { ScriptedMMU(machine: machine) }
    var interrupts: ScriptedInterruptController { ScriptedInterruptController(machine: machine) }
    var timer: ScriptedTimer { ScriptedTimer(machine: machine) }
    var uart: RecordingUART { RecordingUART(machine: machine) }
    var memory: SimulatedRAM { SimulatedRAM(machine: machine) }
    var trace: RecordingTrace { RecordingTrace(machine: machine) }
    /// The swap disk (when the test asked for `disk`), then the data disks.
    var disks: [ScriptedDisk] { (machine.disk.map { [$0] } ?? []) + machine.dataDisks }
    var swapDisk: Int? { machine.disk == nil ? nil : 0 }
    /// nil unless the test asked for a display.
    var display: ScriptedFramebuffer? { machine.display }
    /// nil unless the test asked for a keyboard.
    var keyboard: ScriptedKeyboard? { machine.keyboard }

    /// A machine with `frames` frames of RAM, `initrd` as its boot image,
    /// and a disk, a display and a keyboard when they are given.
    init(frames: Int, initrd: [UInt8], frequency: UInt64 = 1_000_000_000, disk: ScriptedDiskConfig? = nil,
         dataDisks: [ScriptedDiskConfig] = [],
         display: FramebufferMode? = nil, keyboard: ScriptedKeyboardConfig? = nil, realTimeAtZero: UInt64 = 0,
         alignedInitrd: Bool = false) {
        let pageSize = PageGeometry.pageSize
        let size = UInt64(frames) * pageSize
        machine = SimMachine(ramBase: Self.ramBase, ramSize: size, frequency: frequency)
        if let disk { machine.disk = ScriptedDisk(machine: machine, config: disk) }
        let m = machine
        m.dataDisks = dataDisks.map { ScriptedDisk(machine: m, config: $0) }
        if let keyboard { machine.keyboard = ScriptedKeyboard(machine: machine, config: keyboard) }
        let initrdOffset = alignedInitrd ? Self.alignedInitrdOffset : Self.initrdOffset
        let initrdBase = PhysAddr(Self.ramBase + initrdOffset)
        machine.store(initrd, at: initrdBase)
        var reserved = [PhysRange(base: PhysAddr(Self.ramBase), size: Self.reservedFrames * pageSize)]
        if let display {
            let offset = (initrdOffset + UInt64(initrd.count) + pageSize - 1) & ~(pageSize - 1)
            let framebuffer = ScriptedFramebuffer(machine: machine, mode: display, base: PhysAddr(Self.ramBase + offset))
            precondition(offset + framebuffer.pixels.size <= size, "the pixels must fit in RAM")
            machine.display = framebuffer
            reserved.append(framebuffer.pixels)
        }
        boot = BootInfo(ram: PhysRange(base: PhysAddr(Self.ramBase), size: size), reserved: reserved,
                        initrd: PhysRange(base: initrdBase, size: UInt64(initrd.count)), realTimeAtZero: realTimeAtZero)
    }

    /// Frames the kernel may hand out: RAM minus the reserved frames, every
    /// frame the initrd touches and the pixels.
    var allocatableFrames: Int {
        let pageSize = PageGeometry.pageSize
        let offset = boot.initrd.base.raw - Self.ramBase
        let first = offset / pageSize
        let end = (offset + boot.initrd.size + pageSize - 1) / pageSize
        let initrdFrames = boot.initrd.size == 0 ? 0 : end - first
        let pixelFrames = display.map { Int($0.pixels.size / pageSize) } ?? 0
        return Int(machine.ramSize / pageSize - Self.reservedFrames - initrdFrames) - pixelFrames
    }
}
