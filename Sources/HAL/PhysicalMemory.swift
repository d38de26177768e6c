// How the kernel reaches physical RAM: through a linear window (the direct
// map on hardware, a host buffer in the simulator). Page tables, user frames
// and the boot image are all read and written through it.

public protocol PhysicalMemory {
    /// A pointer to the byte at `address`. Valid for every address inside a
    /// RAM range of `BootInfo` and for the rest of that range. The kernel
    /// never asks for an address outside RAM.
    func pointer(to address: PhysAddr) -> UnsafeMutableRawPointer

    /// The kernel wrote instructions to [address, address + length) that a
    /// task will execute: make instruction fetches see them (on hardware,
    /// DC CVAU and IC IVAU over the range, then DSB and ISB; ARM ARM B2.4.4,
    /// "Concurrent modification and execution of instructions").
    /// Contract: called before any task can execute the range; never fails.
    func synchronizeInstructions(at address: PhysAddr, length: Int)
}

extension PhysicalMemory {
    /// Backends whose instruction fetches always see memory (a simulator)
    /// need nothing.
    public func synchronizeInstructions(at address: PhysAddr, length: Int) {}
}
