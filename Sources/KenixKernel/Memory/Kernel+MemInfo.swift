// `mem_info`: what the shell's `mem` shows: frame and swap counts. A
// read-only view of kernel state.
import HAL
import KenixABI

extension Kernel {
    /// `mem_info`: x0 = free frames, x1 = all frames the kernel manages,
    /// x2 = swap slots (0 without swap), x3 = swap slots in use, x4 = pages
    /// written to swap, x5 = pages read back (both since boot).
    mutating func memInfo() -> SyscallResult {
        .registers(SyscallReturn(x0: UInt64(frames.freeCount), x1: UInt64(frames.frameCount),
                                 x2: UInt64(swapSlots), x3: UInt64(swapSlots - freeSwapSlots),
                                 x4: pagesOut, x5: pagesIn))
    }
}
