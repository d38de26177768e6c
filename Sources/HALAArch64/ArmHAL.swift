// ArmHAL.swift: the HAL value for AArch64 hardware, binding the devices that
// Platform discovered. Every member is a small value type; the kernel is
// specialised over it (Kernel<ArmHAL>), so nothing here is dynamic. `disks`
// are the virtio-blk devices VirtioBlockDevice.discover chose, the swap disk
// first (`swapDisk` 0) if there is one, then the data disks (serial
// kenix-data0, kenix-data1, ...); `display` is QEMU's ramfb, `keyboard` the
// virtio-input keyboard; each nil when absent.
import HAL

struct ArmHAL: HAL {
    let cpu = ArmCPU()
    let mmu = ArmMMU()
    let interrupts: GIC
    let timer: GenericTimer
    let uart: PL011
    let memory = LinearMemory()
    let trace = RingTrace()
    let boot: BootInfo
    typealias Disk = VirtioBlockDevice
    let disks: [VirtioBlockDevice]
    let swapDisk: Int?
    typealias Display = RamFramebuffer
    let display: RamFramebuffer?
    typealias Keys = VirtioKeyboard
    let keyboard: VirtioKeyboard?
}
