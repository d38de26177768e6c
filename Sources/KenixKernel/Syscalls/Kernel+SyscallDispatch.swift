// Syscall dispatch: the one entry from `svc`. It decodes the number and the
// arguments (SyscallArguments), calls the handler, and writes the handler's
// SyscallResult. Handlers validate before they mutate and report a caller's
// mistake as a `SyscallError`; only faults kill (docs/syscalls.md).
import HAL
import KenixABI

extension Kernel {
    mutating func handleSyscall(_ slot: Int) {
        let t = tasks[slot]
        let number = t.pointee.context.x[8]
        hal.trace.record(TraceEvent(.syscall, t.pointee.id.raw, number))
        // `call` and `reply_recv` try the IPC fast path before anything else
        // is decoded: it is every server's hot path, and when it succeeds
        // the caller is blocked and its partner running, with no result to
        // write. The general path below makes the same decisions otherwise.
        let isCall = number == Syscall.call.rawValue
        if isCall || number == Syscall.replyRecv.rawValue, fastIPC(slot, call: isCall, t.pointee.context.x[0]) {
            t.pointee.syscallPending = number &+ 1
            return
        }
        let a = SyscallArguments(t.pointee.context)
        let result: SyscallResult
        if let call = Syscall(rawValue: a.number) {
            result = perform(call, slot, a)
        } else {
            result = .failure(.noSuchSyscall)
        }
        completeSyscall(slot, result, a)
        switch result {
        case .blocked: tasks[slot].pointee.syscallPending = a.number &+ 1
        case .ended: break
        default:
            let t = tasks[slot]
            hal.trace.record(TraceEvent(.syscallExit, t.pointee.id.raw, a.number, t.pointee.context.x[0]))
        }
    }

    /// Calls the handler of `call` with its decoded arguments.
    private mutating func perform(_ call: Syscall, _ slot: Int, _ a: SyscallArguments) -> SyscallResult {
        switch call {
        case .yield: return yield(slot)
        case .exit: return exit(slot, status: Int64(bitPattern: a.x0))
        case .getpid: return getpid(slot)
        case .sleep: return sleep(slot, nanoseconds: a.x0)
        case .clock: return clockSyscall()
        case .spawn: return spawn(slot, name: a.x0, length: a.x1, arg: a.x2, priority: a.x3, authority: a.x4, share: a.x5)
        case .wait: return wait(slot, handle: a.x0)
        case .fork: return fork(slot)
        case .spawnImage:
            return spawnImage(slot, shm: a.x0, length: a.x1, arg: a.x2, priority: a.x3, name: a.x4, nameLength: a.x5)
        case .realTime: return realTime()

        case .send: return ipcSend(slot, to: a.x0, isCall: false)
        case .call: return ipcSend(slot, to: a.x0, isCall: true)
        case .recv: return ipcReceive(slot, from: a.x0)
        case .reply: return ipcReply(slot, to: nil)
        case .replyTo: return ipcReply(slot, to: TaskID(raw: a.x0))
        case .replyRecv: return ipcReplyReceive(slot, from: a.x0)
        case .callTimeout: return callTimeoutSyscall(slot, to: a.x0, timeout: a.x6)
        case .recvTimeout: return receiveTimeoutSyscall(slot, from: a.x0, timeout: a.x1)
        case .sendNonBlocking: return ipcSend(slot, to: a.x0, isCall: false, wait: .never)
        case .recvNonBlocking: return ipcReceive(slot, from: a.x0, wait: .never)

        case .shmCreate: return shmCreate(slot, size: a.x0)
        case .shmMap: return shmMap(slot, handle: a.x0, hint: a.x1)
        case .shmUnmap: return shmUnmap(slot, handle: a.x0)
        case .shmInfo: return shmInfo(slot, handle: a.x0)
        case .mmap: return mmap(slot, hint: a.x0, length: a.x1, prot: a.x2, flags: a.x3)
        case .munmap: return munmap(slot, address: a.x0, length: a.x1)
        case .mprotect: return mprotect(slot, address: a.x0, length: a.x1, prot: a.x2)
        case .brk: return brk(slot, to: a.x0)

        case .uartClaim: return uartClaim(slot, device: a.x0)
        case .uartWrite: return uartWrite(slot, address: a.x0, length: a.x1)
        case .uartRead: return uartRead(slot, address: a.x0, length: a.x1)

        case .serviceRegister: return serviceRegister(slot, handle: a.x0)
        case .serviceLookup: return serviceLookup(slot, key: a.x0)

        case .notifyCreate: return notifyCreate(slot)
        case .notifySignal: return notifySignal(slot, handle: a.x0, bits: a.x1)
        case .notifyWait: return notifyWait(slot, handle: a.x0)
        case .notifyPoll: return notifyPoll(slot, handle: a.x0)
        case .notifyBind: return notifyBind(slot, handle: a.x0)
        case .irqRegister: return irqRegister(slot, line: a.x0, irq: a.x1, notification: a.x2, bit: a.x3)
        case .irqAck: return irqAck(slot, irq: a.x0)

        case .taskInfo: return taskInfo(slot, directory: a.x0, index: a.x1)
        case .memInfo: return memInfo()
        case .kill: return killSyscall(slot, handle: a.x0, target: a.x1)
        case .taskStatus: return taskStatus(slot, task: a.x0)
        case .taskWatch: return taskWatch(slot, task: a.x0, notification: a.x1, bits: a.x2)

        case .fbInfo: return fbInfo()
        case .fbMap: return fbMap(slot, device: a.x0)
        case .fbPresent: return fbPresent(x: a.x0, y: a.x1, width: a.x2, height: a.x3)
        case .keyboardClaim: return keyboardClaim(slot, device: a.x0)
        case .keyboardRead: return keyboardRead(slot)
        case .imageRead:
            return imageRead(slot, name: a.x0, nameLength: a.x1, offset: a.x2, buffer: a.x3, length: a.x4)
        case .imageMap: return imageMap(slot)

        case .taskCreate:
            return taskCreate(slot, shm: a.x0, length: a.x1, priority: a.x2, name: a.x3, nameLength: a.x4)
        case .taskExec: return taskExec(slot, task: a.x0, shm: a.x1, length: a.x2)
        case .taskResume: return taskResume(slot, task: a.x0, value: a.x1, mode: a.x2)
        case .taskGetRegisters: return taskGetRegisters(slot, task: a.x0, buffer: a.x1)
        case .taskSetRegisters: return taskSetRegisters(slot, task: a.x0, buffer: a.x1)
        case .taskRead: return taskCopy(slot, task: a.x0, remote: a.x1, local: a.x2, length: a.x3, toTask: false)
        case .taskWrite: return taskCopy(slot, task: a.x0, remote: a.x1, local: a.x2, length: a.x3, toTask: true)
        case .taskMap: return taskMap(slot, task: a.x0, hint: a.x1, length: a.x2, prot: a.x3, flags: a.x4)
        case .taskUnmap: return taskUnmap(slot, task: a.x0, address: a.x1, length: a.x2)
        case .taskProtect: return taskProtect(slot, task: a.x0, address: a.x1, length: a.x2, prot: a.x3)
        case .taskFork: return taskFork(slot, task: a.x0)
        case .taskInterrupt: return taskInterrupt(slot, task: a.x0)
        case .blockInfo: return blockInfo(disk: a.x0)
        case .blockClaim: return blockClaim(slot, device: a.x0, notification: a.x1, bit: a.x2)
        case .blockSubmit: return blockSubmit(slot, a)
        case .blockComplete: return blockComplete(slot, disk: a.x0)

        case .handleClose: return handleClose(slot, a.x0)
        case .handleDuplicate: return handleDuplicate(slot, a.x0, rights: a.x1)
        case .handleRevoke: return handleRevoke(slot, a.x0)
        case .handleInfo: return handleInfo(slot, a.x0)
        case .taskSelf: return taskSelf(slot)
        case .taskQuota: return taskQuota(slot, directory: a.x0, index: a.x1, page: a.x2)
        }
    }

    /// Writes the result; a syscall that must wait for a page from swap runs
    /// again from its `svc`, with its arguments as they were, once the task
    /// is woken (its handler validated before any side effect).
    private mutating func completeSyscall(_ slot: Int, _ result: SyscallResult, _ a: SyscallArguments) {
        let t = tasks[slot]
        guard t.pointee.restartSyscall else { return write(result, to: slot) }
        t.pointee.restartSyscall = false
        t.pointee.context.x[0] = a.x0
        t.pointee.context.pc -= 4
    }
}
