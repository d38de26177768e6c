// The hardware abstraction the kernel is generic over (`Kernel<H: HAL>`).
// Each role is a small protocol of its own; a backend binds them together
// here. No backend type is visible through it: only the associated types,
// which the compiler specialises away.

public protocol HAL {
    associatedtype Processor: CPU
    associatedtype MemoryManagement: MMU
    associatedtype Interrupts: InterruptController
    associatedtype Clock: Timer
    associatedtype Serial: UART
    associatedtype RAM: PhysicalMemory
    associatedtype Tracer: TraceSink
    associatedtype Disk: BlockDevice = NoBlockDevice
    associatedtype Display: Framebuffer = NoFramebuffer
    associatedtype Keys: Keyboard = NoKeyboard

    var cpu: Processor { get }
    var mmu: MemoryManagement { get }
    var interrupts: Interrupts { get }
    var timer: Clock { get }
    var uart: Serial { get }
    var memory: RAM { get }
    var trace: Tracer { get }
    var boot: BootInfo { get }
    /// Every disk of the platform, in an order the backend documents and
    /// keeps for the whole run (all of one type: no existentials).
    var disks: [Disk] { get }
    /// The index in `disks` of the kernel's own disk (the swap area), if
    /// any. Every other disk is a data disk, which the kernel lends to a
    /// user-space driver: data disk k is the k-th of the others, in order.
    var swapDisk: Int? { get }
    /// The display, if the platform has one.
    var display: Display? { get }
    /// The keyboard, if the platform has one.
    var keyboard: Keys? { get }
}

extension HAL where Disk == NoBlockDevice {
    public var disks: [NoBlockDevice] { [] }
    public var swapDisk: Int? { nil }
}

extension HAL {
    /// The swap disk, if the platform has one.
    public var swapDevice: Disk? { swapDisk.map { disks[$0] } }
}

extension HAL where Display == NoFramebuffer {
    public var display: NoFramebuffer? { nil }
}

extension HAL where Keys == NoKeyboard {
    public var keyboard: NoKeyboard? { nil }
}
