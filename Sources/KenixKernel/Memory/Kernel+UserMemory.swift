// User memory access: every pointer a task passes is translated through that
// task's own page tables, with the same rights check the MMU applies to EL0
// (the kernel never trusts a user address). A page not present yet but
// inside one of the task's regions is paged in, as a fault by the task would
// be; one swapped out makes the syscall wait for it and start again. A
// pointer that is unmapped, or mapped without the needed right, fails the
// syscall with `badAddress`.
import HAL
import KenixABI

extension Kernel {
    /// Calls `body` with each physically contiguous chunk of the user range
    /// [va, va+length) of task `slot`. Fails before calling `body` for any
    /// chunk if any page of the range is not accessible for `access`.
    ///
    /// A page that must come from swap first makes `waiter` (the caller of
    /// the syscall: `slot` itself, or a supervisor touching its task's
    /// memory) wait and start its syscall again.
    mutating func withUserBytes(_ slot: Int, _ va: UInt64, _ length: UInt64, access: MemoryAccess,
                                waiter: Int? = nil,
                                _ body: (UnsafeMutableRawBufferPointer) -> Void) -> Result<Void, SyscallError> {
        guard let space = tasks[slot].pointee.space else { return .failure(.badAddress) }
        let (end, overflow) = va.addingReportingOverflow(length)
        guard !overflow, end <= UserLayout.userLimit else { return .failure(.badAddress) }
        // Validate every page first, so a failure leaves nothing half done.
        // The pager evicts nothing until the syscall is over (it only starts
        // page-outs between traps, or when this syscall must wait anyway).
        var page = va & ~(PageGeometry.pageSize - 1)
        while page < end {
            let resolution: PageResolution
            switch TranslationWalk.translate(VirtAddr(page), root: space.root, memory: hal.memory) {
            case .failure:
                resolution = pageIn(slot, page, access == .read ? .read : .write)
            case .success(let t):
                if !t.descriptor.accessed {      // the kernel's touch counts as an access
                    markAccessed(slot, page)
                    continue
                }
                guard t.descriptor.userFault(for: access, level: t.level) != nil else {
                    page += PageGeometry.pageSize
                    continue
                }
                // A write into a copy-on-write page copies it first, as the task's own write would.
                resolution = access == .write ? breakCopyOnWrite(slot, page) : .refused
            }
            switch resolution {
            case .resolved: page += PageGeometry.pageSize
            case .refused: return .failure(.badAddress)
            case .outOfMemory: return .failure(.outOfMemory)
            case .mustWait:
                // The page comes from the disk: the task sleeps, and its
                // syscall starts again from the top when it wakes.
                block(waiter ?? slot, .paging)
                tasks[waiter ?? slot].pointee.restartSyscall = true
                return .failure(.wouldBlock)
            }
        }
        var cursor = va
        while cursor < end {
            guard case .success(let t) = TranslationWalk.translate(VirtAddr(cursor), root: space.root,
                                                                    memory: hal.memory) else {
                return .failure(.badAddress)
            }
            let n = min(t.bytesToEnd, end - cursor)
            body(UnsafeMutableRawBufferPointer(start: hal.memory.pointer(to: t.physical), count: Int(n)))
            cursor += n
        }
        return .success(())
    }

    /// Copies `length` (≤ `buffer.count`) bytes from task `slot` at `va` into `buffer`.
    mutating func copyFromUser(_ slot: Int, _ va: UInt64, _ length: Int,
                      into buffer: UnsafeMutableRawBufferPointer) -> Result<Void, SyscallError> {
        var copied = 0
        return withUserBytes(slot, va, UInt64(length), access: .read) { chunk in
            UnsafeMutableRawBufferPointer(rebasing: buffer[copied..<(copied + chunk.count)])
                .copyMemory(from: UnsafeRawBufferPointer(chunk))
            copied += chunk.count
        }
    }
}
