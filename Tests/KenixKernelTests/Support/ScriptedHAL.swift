// ScriptedHAL: binds the scripted roles into one `HAL` for `Kernel<H>`. RAM
// starts at 0x4000_0000; the first 16 frames are reserved (the "kernel
// image"), and the initrd is copied in at a deliberately unaligned address
// just after them, so frame rounding of reserved ranges is exercised too.
// A disk (ScriptedDisk) is there only when the test asks for one.
import HAL

struct ScriptedHAL: HAL {
    static let ramBase: UInt64 = 0x4000_0000
    static let reservedFrames: UInt64 = 16
    /// Offset of the initrd from the RAM base (not page-aligned on purpose).
    static let initrdOffset: UInt64 = reservedFrames * PageGeometry.pageSize + 0x200

    let machine: SimMachine
    let boot: BootInfo

    var cpu: ScriptedCPU { ScriptedCPU(machine: machine) }
    var mmu: ScriptedMMU { ScriptedMMU(machine: machine) }
    var interrupts: ScriptedInterruptController { ScriptedInterruptController(machine: machine) }
    var timer: ScriptedTimer { ScriptedTimer(machine: machine) }
    var uart: RecordingUART { RecordingUART(machine: machine) }
    var memory: SimulatedRAM { SimulatedRAM(machine: machine) }
    var trace: RecordingTrace { RecordingTrace(machine: machine) }
    /// nil unless the test asked for a disk (then the kernel swaps to it).
    var disk: ScriptedDisk? { machine.disk }

    /// A machine with `frames` frames of RAM, `initrd` as its boot image,
    /// and a disk when `disk` is given.
    init(frames: Int, initrd: [UInt8], frequency: UInt64 = 1_000_000_000, disk: ScriptedDiskConfig? = nil) {
        let size = UInt64(frames) * PageGeometry.pageSize
        machine = SimMachine(ramBase: Self.ramBase, ramSize: size, frequency: frequency)
        if let disk { machine.disk = ScriptedDisk(machine: machine, config: disk) }
        let initrdBase = PhysAddr(Self.ramBase + Self.initrdOffset)
        machine.store(initrd, at: initrdBase)
        boot = BootInfo(ram: PhysRange(base: PhysAddr(Self.ramBase), size: size),
                        reserved: [PhysRange(base: PhysAddr(Self.ramBase),
                                             size: Self.reservedFrames * PageGeometry.pageSize)],
                        initrd: PhysRange(base: initrdBase, size: UInt64(initrd.count)))
    }

    /// Frames the kernel may hand out: RAM minus the reserved frames and
    /// every frame the initrd touches.
    var allocatableFrames: Int {
        let pageSize = PageGeometry.pageSize
        let first = Self.initrdOffset / pageSize
        let end = (Self.initrdOffset + boot.initrd.size + pageSize - 1) / pageSize
        let initrdFrames = boot.initrd.size == 0 ? 0 : end - first
        return Int(machine.ramSize / pageSize - Self.reservedFrames - initrdFrames)
    }
}
