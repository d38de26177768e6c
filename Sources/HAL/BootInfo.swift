// What the platform tells the kernel at boot: where RAM is, which parts of it
// are taken, and where the boot image (initrd) lies.

public struct PhysRange: Equatable, Sendable {
    public var base: PhysAddr
    public var size: UInt64
    public init(base: PhysAddr, size: UInt64) { self.base = base; self.size = size }
    public var end: PhysAddr { base.adding(size) }
    public func contains(_ a: PhysAddr) -> Bool { a >= base && a.raw - base.raw < size }
}

public struct BootInfo: Sendable {
    /// Usable RAM. Kenix manages one contiguous bank.
    public var ram: PhysRange
    /// Ranges inside `ram` the kernel must not hand out (kernel image, DTB,
    /// firmware); the initrd is reserved separately.
    public var reserved: [PhysRange]
    /// The initrd (cpio newc), inside `ram`. Size 0 when there is none.
    public var initrd: PhysRange
    /// Interrupt lines 0..<interruptLineCount exist on this platform (the
    /// GIC's ITLinesNumber on hardware). User drivers may own any of them
    /// but the kernel's own (timer, UART).
    public var interruptLineCount: UInt32
    /// The real time, in ns since 1970-01-01 00:00 UTC, at which the HAL
    /// timer read 0: real time = this + the timer's time. The backend reads
    /// its real-time clock once at boot (the PL031 on QEMU virt; kenix-sim
    /// has a fixed, overridable epoch, so runs stay deterministic). 0 when
    /// the platform has no real-time clock.
    public var realTimeAtZero: UInt64

    public init(ram: PhysRange, reserved: [PhysRange], initrd: PhysRange, interruptLineCount: UInt32 = 64,
                realTimeAtZero: UInt64 = 0) {
        self.ram = ram; self.reserved = reserved; self.initrd = initrd
        self.interruptLineCount = interruptLineCount
        self.realTimeAtZero = realTimeAtZero
    }
}
