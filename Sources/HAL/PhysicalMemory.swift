// How the kernel reaches physical RAM: through a linear window (the direct
// map on hardware, a host buffer in the simulator). Page tables, user frames
// and the boot image are all read and written through it.

public protocol PhysicalMemory {
    /// A pointer to the byte at `address`. Valid for every address inside a
    /// RAM range of `BootInfo` and for the rest of that range. The kernel
    /// never asks for an address outside RAM.
    func pointer(to address: PhysAddr) -> UnsafeMutableRawPointer
}
