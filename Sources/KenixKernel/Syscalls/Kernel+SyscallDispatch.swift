// Syscall dispatch: the one entry from `svc`. It decodes the number and the
// arguments (SyscallArguments), calls the handler, and writes the handler's
// SyscallResult. Handlers validate before they mutate and report a caller's
// mistake as a `SyscallError`; only faults kill (docs/syscalls.md).
import HAL
import KenixABI

extension Kernel {
    mutating func handleSyscall(_ slot: Int) {
        let a = SyscallArguments(tasks[slot].pointee.context)
        hal.trace.record(TraceEvent(.syscall, tasks[slot].pointee.id.raw, a.number))
        let result: SyscallResult
        if let call = Syscall(rawValue: a.number) {
            result = perform(call, slot, a)
        } else {
            result = .failure(.noSuchSyscall)
        }
        completeSyscall(slot, result, a)
    }

    /// Calls the handler of `call` with its decoded arguments.
    private mutating func perform(_ call: Syscall, _ slot: Int, _ a: SyscallArguments) -> SyscallResult {
        switch call {
        case .yield: return yield(slot)
        case .exit: return exit(slot, status: Int64(bitPattern: a.x0))
        case .getpid: return .success(tasks[slot].pointee.id.raw)
        case .sleep: return sleep(slot, nanoseconds: a.x0)
        case .clock: return .success(clock())
        case .spawn: return spawn(slot, name: a.x0, length: a.x1, arg: a.x2, priority: a.x3)
        case .wait: return wait(slot, child: a.x0)
        case .fork: return fork(slot)
        case .spawnImage:
            return spawnImage(slot, shm: a.x0, length: a.x1, arg: a.x2, priority: a.x3, name: a.x4, nameLength: a.x5)
        case .realTime: return realTime()

        case .send: return ipcSend(slot, to: a.x0, isCall: false)
        case .call: return fastCall(slot, to: a.x0) ? .blocked : ipcSend(slot, to: a.x0, isCall: true)
        case .recv: return ipcReceive(slot, from: a.x0)
        case .reply: return ipcReply(slot, to: nil)
        case .replyTo: return ipcReply(slot, to: TaskID(raw: a.x0))
        case .replyRecv:
            return fastReplyReceive(slot, from: a.x0) ? .blocked : ipcReplyReceive(slot, from: a.x0)
        case .callTimeout:
            guard a.x6 > 0 else { return .failure(.invalidArgument) }
            return ipcSend(slot, to: a.x0, isCall: true, wait: .until(deadline(after: a.x6)))
        case .recvTimeout:
            guard a.x1 > 0 else { return .failure(.invalidArgument) }
            return ipcReceive(slot, from: a.x0, wait: .until(deadline(after: a.x1)))
        case .sendNonBlocking: return ipcSend(slot, to: a.x0, isCall: false, wait: .never)
        case .recvNonBlocking: return ipcReceive(slot, from: a.x0, wait: .never)

        case .shmCreate: return shmCreate(slot, size: a.x0)
        case .shmMap: return shmMap(slot, id: a.x0, hint: a.x1)
        case .shmGrant: return shmGrant(slot, id: a.x0, to: a.x1)
        case .shmUnmap: return shmUnmap(slot, id: a.x0)
        case .shmInfo: return shmInfo(slot, id: a.x0, task: a.x1)
        case .shmRelease: return shmRelease(slot, id: a.x0)
        case .mmap: return mmap(slot, hint: a.x0, length: a.x1, prot: a.x2, flags: a.x3)
        case .munmap: return munmap(slot, address: a.x0, length: a.x1)
        case .mprotect: return mprotect(slot, address: a.x0, length: a.x1, prot: a.x2)
        case .brk: return brk(slot, to: a.x0)

        case .uartClaim: return uartClaim(slot)
        case .uartWrite: return uartWrite(slot, address: a.x0, length: a.x1)
        case .uartRead: return uartRead(slot, address: a.x0, length: a.x1)

        case .serviceRegister: return serviceRegister(slot, key: a.x0)
        case .serviceLookup: return serviceLookup(key: a.x0)

        case .notifyCreate: return notifyCreate(slot)
        case .notifySignal: return notifySignal(slot, id: a.x0, bits: a.x1)
        case .notifyWait: return notifyWait(slot, id: a.x0)
        case .notifyPoll: return notifyPoll(slot, id: a.x0)
        case .notifyGrant: return notifyGrant(slot, id: a.x0, to: a.x1)
        case .notifyBind: return notifyBind(slot, id: a.x0)
        case .irqRegister: return irqRegister(slot, irq: a.x0, id: a.x1, bit: a.x2)
        case .irqAck: return irqAck(slot, irq: a.x0)

        case .taskInfo: return taskInfo(index: a.x0)
        case .memInfo: return memInfo()
        case .kill: return killSyscall(slot, target: a.x0)
        case .taskStatus: return taskStatus(task: a.x0)
        case .taskWatch: return taskWatch(slot, task: a.x0, notification: a.x1, bits: a.x2)

        case .fbInfo: return fbInfo()
        case .fbMap: return fbMap(slot)
        case .fbPresent: return fbPresent(x: a.x0, y: a.x1, width: a.x2, height: a.x3)
        case .keyboardClaim: return keyboardClaim(slot)
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
        case .blockClaim: return blockClaim(slot, disk: a.x0, notification: a.x1, bit: a.x2)
        case .blockSubmit: return blockSubmit(slot, a)
        case .blockComplete: return blockComplete(slot, disk: a.x0)
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
