// Supervision syscalls, part 2: a supervisor's access to its task's memory.
// It reads and writes the task's bytes through the task's own tables (with
// demand paging, copy-on-write and swap-in done as for the task's own
// access, the waiting charged to the supervisor), and maps, unmaps and
// protects memory in the task anywhere in the user half: the supervisor
// chooses the layout of a foreign program.
import HAL
import KenixABI

extension Kernel {
    /// `task_read(task, address, buffer, length)` (`toTask` false) or
    /// `task_write(task, address, buffer, length)`: copies between the
    /// caller's buffer and the task's memory. Both ranges are checked whole
    /// before a byte moves.
    mutating func taskCopy(_ slot: Int, task: UInt64, remote: UInt64, local: UInt64, length: UInt64,
                           toTask: Bool) -> SyscallResult {
        guard length <= SupervisionLimits.maxTransfer else { return .failure(.invalidArgument) }
        let target: Int
        switch supervised(slot, task) {
        case .failure(let e): return .failure(e)
        case .success(let s): target = s
        }
        guard length > 0 else { return .success(0) }
        let remoteAccess: MemoryAccess = toTask ? .write : .read
        let localAccess: MemoryAccess = toTask ? .read : .write
        // Validate (and page in) both sides first; nothing is copied yet.
        if case .failure(let e) = withUserBytes(target, remote, length, access: remoteAccess, waiter: slot, { _ in }) {
            return .failure(e)
        }
        if case .failure(let e) = withUserBytes(slot, local, length, access: localAccess, { _ in }) {
            return .failure(e)
        }
        // Both ranges are present now: copy page run against page run.
        var done: UInt64 = 0
        while done < length {
            guard let r = userPointer(target, remote + done), let l = userPointer(slot, local + done) else {
                return .failure(.badAddress)    // unreachable: both were just validated
            }
            let n = min(r.available, l.available, length - done)
            if toTask { r.pointer.copyMemory(from: l.pointer, byteCount: Int(n)) }
            else { l.pointer.copyMemory(from: r.pointer, byteCount: Int(n)) }
            done += n
        }
        // A write needs a writable page, never an executable one (W^X), so no
        // instruction cache can hold what changed.
        return .success(length)
    }

    /// The kernel's pointer to user address `va` of task `slot` and how many
    /// bytes follow it in the same physically contiguous run.
    private mutating func userPointer(_ slot: Int, _ va: UInt64) -> (pointer: UnsafeMutableRawPointer, available: UInt64)? {
        guard let space = tasks[slot].pointee.space,
              case .success(let t) = TranslationWalk.translate(VirtAddr(va), root: space.root, memory: hal.memory)
        else { return nil }
        return (hal.memory.pointer(to: t.physical), t.bytesToEnd)
    }

    /// `task_map(task, hint, length, prot, flags)`: anonymous memory in the
    /// task, demand-paged, anywhere in the user half (mmap's rules).
    mutating func taskMap(_ slot: Int, task: UInt64, hint: UInt64, length: UInt64, prot: UInt64,
                          flags: UInt64) -> SyscallResult {
        switch supervised(slot, task) {
        case .failure(let e): return .failure(e)
        case .success(let target):
            return mmap(target, hint: hint, length: length, prot: prot, flags: flags, area: Self.supervisedArea)
        }
    }

    /// `task_unmap(task, address, length)`: as munmap, anywhere in the user half.
    mutating func taskUnmap(_ slot: Int, task: UInt64, address: UInt64, length: UInt64) -> SyscallResult {
        switch supervised(slot, task) {
        case .failure(let e): return .failure(e)
        case .success(let target): return munmap(target, address: address, length: length, area: Self.supervisedArea)
        }
    }

    /// `task_protect(task, address, length, prot)`: as mprotect.
    mutating func taskProtect(_ slot: Int, task: UInt64, address: UInt64, length: UInt64, prot: UInt64) -> SyscallResult {
        switch supervised(slot, task) {
        case .failure(let e): return .failure(e)
        case .success(let target): return mprotect(target, address: address, length: length, prot: prot)
        }
    }

    /// Where a supervisor may place its task's memory: the whole user half
    /// above the first image address (page 0 and its neighbours stay unmapped,
    /// so null pointers fault).
    static var supervisedArea: (low: UInt64, high: UInt64) { (UserLayout.imageBase, UserLayout.userLimit) }
}
