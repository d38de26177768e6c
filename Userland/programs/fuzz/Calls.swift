// One fuzzed syscall: which arguments each call reads and how (so pointers,
// lengths and handles get adversarial values of their own kind), and the
// calls the fuzzer must not make as they stand (exit; the blocking IPC
// calls, which it issues only with handles that cannot name a partner, and
// uses the timed and non-blocking variants for the rest).

typealias Kinds = (ArgKind, ArgKind, ArgKind, ArgKind, ArgKind, ArgKind)

/// How `call` reads x0–x5.
func argumentKinds(_ call: Syscall) -> Kinds {
    let none: ArgKind = .any
    switch call {
    case .sleep: return (.timeout, none, none, none, none, none)
    case .spawn: return (.source, .length, .any, .small, .handle, .small)
    case .wait, .taskStatus, .shmUnmap, .shmInfo, .uartClaim, .serviceRegister, .notifyPoll, .notifyBind,
         .notifyWait, .fbMap, .keyboardClaim, .handleClose, .handleRevoke, .handleInfo, .taskFork:
        return (.handle, none, none, none, none, none)
    case .spawnImage: return (.handle, .length, .any, .small, .source, .length)
    case .send, .call, .sendNonBlocking, .callTimeout: return (.handle, .any, .any, .any, .handle, .any)
    case .recv, .recvNonBlocking, .replyRecv: return (.handle, .any, .any, .any, .any, .any)
    case .recvTimeout: return (.handle, .timeout, none, none, none, none)
    case .reply: return (none, .any, .any, .any, .handle, .any)
    case .replyTo: return (.taskID, .any, .any, .any, .handle, .any)
    case .shmCreate: return (.length, none, none, none, none, none)
    case .shmMap: return (.handle, .address, none, none, none, none)
    case .mmap: return (.address, .length, .prot, .flags, none, none)
    case .munmap: return (.address, .length, none, none, none, none)
    case .mprotect: return (.address, .length, .prot, none, none, none)
    case .brk: return (.address, none, none, none, none, none)
    case .uartWrite: return (.source, .length, none, none, none, none)
    case .uartRead: return (.destination, .length, none, none, none, none)
    case .serviceLookup, .irqAck, .blockInfo, .blockComplete: return (.small, none, none, none, none, none)
    case .notifySignal: return (.handle, .any, none, none, none, none)
    case .irqRegister: return (.handle, .small, .handle, .small, none, none)
    case .taskInfo, .taskQuota: return (.handle, .small, none, none, none, none)
    case .kill: return (.handle, .taskID, none, none, none, none)
    case .taskWatch: return (.handle, .handle, .any, none, none, none)
    case .fbPresent: return (.any, .any, .any, .any, none, none)
    case .imageRead: return (.source, .length, .length, .destination, .length, none)
    case .taskCreate: return (.handle, .length, .small, .source, .length, none)
    case .taskExec: return (.handle, .handle, .length, none, none, none)
    case .taskResume: return (.handle, .any, .small, none, none, none)
    case .taskGetRegisters: return (.handle, .destination, none, none, none, none)
    case .taskSetRegisters: return (.handle, .source, none, none, none, none)
    case .taskRead: return (.handle, .any, .destination, .length, none, none)
    case .taskWrite: return (.handle, .any, .source, .length, none, none)
    case .taskMap: return (.handle, .address, .length, .prot, .flags, none)
    case .taskUnmap: return (.handle, .address, .length, none, none, none)
    case .taskProtect: return (.handle, .address, .length, .prot, none, none)
    case .blockClaim: return (.handle, .handle, .small, none, none, none)
    case .blockSubmit: return (.any, .any, .length, .handle, .length, .any)
    case .handleDuplicate: return (.handle, .any, none, none, none, none)
    default: return (none, none, none, none, none, none)
    }
}

/// Whether a careful task must keep `value` (a protection change or a
/// kernel write) away: it lies on its image, heap or stack.
func hitsOwnMemory(_ value: UInt64, scratch: UInt64) -> Bool {
    if value >= scratch && value < scratch + scratchSize { return false }
    if value < UserLayout.imageBase + 0x1000 { return false }
    return value < UserLayout.stackTop + 0x1000
}

extension Pools {
    /// x0–x5 for `call`, kept survivable for a careful task.
    mutating func arguments(for call: Syscall) -> (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) {
        let k = argumentKinds(call)
        var a = (value(k.0), value(k.1), value(k.2), value(k.3), value(k.4), value(k.5))
        switch call {
        case .send, .call, .recv, .replyRecv, .notifyWait:
            // Blocking forms: only with a value that can never be a handle
            // (bit 32 up set), so they fail at once; x0 = 0 is recv's "anyone".
            a.0 = rng.next() | 1 << 32
        case .sleep:
            a.0 = rng.below(100_000)
        default: break
        }
        switch call {
        case .uartRead: a.1 = clamp(a.0, a.1)
        case .imageRead: a.4 = clamp(a.3, a.4)
        case .taskRead: a.3 = clamp(a.2, a.3)
        case .taskGetRegisters: if hitsOwnMemory(a.1, scratch: scratch) { a.1 = scratch }
        default: break
        }
        guard careful else { return a }
        switch call {
        case .wait:
            // A careful task reaps its children only through `reap`, which
            // does not wait for ever on one that has lost its way.
            a.0 = rng.next() | 1 << 32
        case .mprotect, .munmap:
            if hitsOwnMemory(a.0, scratch: scratch) || hitsOwnMemory(a.0 &+ a.1, scratch: scratch)
                || (a.0 < UserLayout.imageBase && a.0 &+ a.1 > UserLayout.imageBase) {
                a.0 = UserLayout.mmapBase &+ 4096 &* rng.below(64)
                a.1 = 4096 &* rng.below(8)
            }
        case .brk:
            // Never below the current break: the heap holds the scratch buffer.
            let now = UInt64(bitPattern: RawSyscall.invoke(.brk, 0))
            if a.0 != 0 && a.0 < now { a.0 = now &+ 4096 &* rng.below(16) }
        default: break
        }
        return a
    }

    /// A length the kernel may write at `pointer` without reaching past the
    /// scratch buffer, when `pointer` lies in the task's own memory.
    mutating func clamp(_ pointer: UInt64, _ length: UInt64) -> UInt64 {
        if pointer >= scratch && pointer < scratch + scratchSize {
            return min(length, scratch + scratchSize - pointer)
        }
        if pointer >= UserLayout.imageBase && pointer < UserLayout.imageBase + 0x1000 {
            return min(length, UserLayout.imageBase + 0x1000 - pointer)   // read-only text: refused
        }
        return hitsOwnMemory(pointer, scratch: scratch) ? 0 : length
    }
}
