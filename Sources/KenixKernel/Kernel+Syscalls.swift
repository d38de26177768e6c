// Syscall decode and dispatch. Arguments come from x0–x5 of the saved
// context, the number from x8. Each handler validates before it mutates and
// reports a caller's mistake as a `SyscallError` in x0; only faults kill.
import HAL
import KenixABI

extension Kernel {
    @inline(__always)
    mutating func setReturn(_ slot: Int, _ value: UInt64) { tasks[slot].pointee.context.x[0] = value }

    @inline(__always)
    mutating func setError(_ slot: Int, _ error: SyscallError) {
        tasks[slot].pointee.context.x[0] = UInt64(bitPattern: error.rawValue)
    }

    @inline(__always)
    mutating func setResult(_ slot: Int, _ result: Result<UInt64, SyscallError>) {
        switch result {
        case .success(let v): setReturn(slot, v)
        case .failure(let e): setError(slot, e)
        }
    }

    mutating func handleSyscall(_ slot: Int) {
        let ctx = tasks[slot]
        let number = ctx.pointee.context.x[8]
        let a0 = ctx.pointee.context.x[0], a1 = ctx.pointee.context.x[1]
        let a2 = ctx.pointee.context.x[2], a3 = ctx.pointee.context.x[3]
        let a6 = ctx.pointee.context.x[6]
        hal.trace.record(TraceEvent(.syscall, ctx.pointee.id.raw, number))
        guard let call = Syscall(rawValue: number) else { return setError(slot, .noSuchSyscall) }
        switch call {
        case .yield:
            setReturn(slot, 0)
            yieldTask(slot)
        case .exit:
            endTask(slot, status: Int64(bitPattern: a0), killed: false)
        case .getpid:
            setReturn(slot, ctx.pointee.id.raw)
        case .sleep:
            setReturn(slot, 0)
            if a0 > 0 {
                block(slot, .sleeping(until: deadline(after: a0)))
                startTimeout(slot, at: deadline(after: a0))
            }
        case .clock:
            setReturn(slot, clock())
        case .spawn:
            setResult(slot, spawnSyscall(slot, name: a0, length: a1, arg: a2, priority: a3))
        case .wait:
            waitSyscall(slot, child: a0)
        case .fork:
            setResult(slot, fork(slot))
        case .send:
            ipcSend(slot, to: a0, isCall: false)
        case .call:
            if !fastCall(slot, to: a0) { ipcSend(slot, to: a0, isCall: true) }
        case .recv:
            ipcReceive(slot, from: a0)
        case .reply:
            ipcReply(slot, to: nil)
        case .replyTo:
            ipcReply(slot, to: TaskID(raw: a0))
        case .replyRecv:
            if !fastReplyReceive(slot, from: a0) { ipcReplyReceive(slot, from: a0) }
        case .callTimeout:
            guard a6 > 0 else { return setError(slot, .invalidArgument) }
            ipcSend(slot, to: a0, isCall: true, wait: .until(deadline(after: a6)))
        case .recvTimeout:
            guard a1 > 0 else { return setError(slot, .invalidArgument) }
            ipcReceive(slot, from: a0, wait: .until(deadline(after: a1)))
        case .sendNonBlocking:
            ipcSend(slot, to: a0, isCall: false, wait: .never)
        case .recvNonBlocking:
            ipcReceive(slot, from: a0, wait: .never)
        case .shmCreate:
            setResult(slot, shmCreate(slot, size: a0))
        case .shmMap:
            setResult(slot, shmMap(slot, id: a0, hint: a1))
        case .shmGrant:
            setResult(slot, shmGrant(slot, id: a0, to: a1))
        case .shmUnmap:
            setResult(slot, shmUnmap(slot, id: a0))
        case .mmap:
            setResult(slot, mmap(slot, hint: a0, length: a1, prot: a2, flags: a3))
        case .munmap:
            setResult(slot, munmap(slot, address: a0, length: a1))
        case .mprotect:
            setResult(slot, mprotect(slot, address: a0, length: a1, prot: a2))
        case .brk:
            setResult(slot, brk(slot, to: a0))
        case .uartClaim:
            setResult(slot, uartClaim(slot))
        case .uartWrite:
            setResult(slot, uartWrite(slot, address: a0, length: a1))
        case .uartRead:
            setResult(slot, uartRead(slot, address: a0, length: a1))
        case .serviceRegister:
            setResult(slot, serviceRegister(slot, key: a0))
        case .serviceLookup:
            setResult(slot, serviceLookup(key: a0))
        case .notifyCreate:
            setResult(slot, notifyCreate(slot))
        case .notifySignal:
            setResult(slot, notifySignal(slot, id: a0, bits: a1))
        case .notifyWait:
            notifyWait(slot, id: a0)
        case .notifyPoll:
            setResult(slot, notifyPoll(slot, id: a0))
        case .notifyGrant:
            setResult(slot, notifyGrant(slot, id: a0, to: a1))
        case .notifyBind:
            setResult(slot, notifyBind(slot, id: a0))
        case .irqRegister:
            setResult(slot, irqRegister(slot, irq: a0, id: a1, bit: a2))
        case .irqAck:
            setResult(slot, irqAck(slot, irq: a0))
        case .taskInfo:
            taskInfo(slot, of: a0)
        case .memInfo:
            memInfo(slot)
        case .kill:
            killSyscall(slot, target: a0)
        case .fbInfo:
            fbInfo(slot)
        case .fbMap:
            setResult(slot, fbMap(slot))
        case .fbPresent:
            setResult(slot, fbPresent(slot, x: a0, y: a1, width: a2, height: a3))
        case .keyboardClaim:
            setResult(slot, keyboardClaim(slot))
        case .keyboardRead:
            keyboardRead(slot)
        case .imageRead:
            setResult(slot, imageRead(slot, name: a0, nameLength: a1, offset: a2, buffer: a3,
                                      length: ctx.pointee.context.x[4]))
        }
        if ctx.pointee.restartSyscall { rewindSyscall(slot, firstArgument: a0) }
    }

    /// The syscall waits for a page from swap: when the task runs again it
    /// executes the `svc` again, with its arguments as they were.
    private mutating func rewindSyscall(_ slot: Int, firstArgument: UInt64) {
        let t = tasks[slot]
        t.pointee.restartSyscall = false
        t.pointee.context.x[0] = firstArgument
        t.pointee.context.pc -= 4
    }

    /// The running task gives up the CPU to its peers (to the back of its queue).
    private mutating func yieldTask(_ slot: Int) {
        guard current == slot else { return }
        tasks[slot].pointee.sliceRemaining = 0
        makeReady(slot)
        current = nil
    }

    private mutating func spawnSyscall(_ slot: Int, name: UInt64, length: UInt64, arg: UInt64,
                                       priority: UInt64) -> Result<UInt64, SyscallError> {
        guard length > 0, length <= SyscallLimits.maxNameLength else { return .failure(.invalidArgument) }
        guard priority <= Priority.highest else { return .failure(.invalidArgument) }
        var buffer = InlineArray<64, UInt8>(repeating: 0)
        let copied = withUnsafeMutableBytes(of: &buffer) { raw in
            copyFromUser(slot, name, Int(length), into: raw)
        }
        if case .failure(let e) = copied { return .failure(e) }
        let prio = priority == 0 ? tasks[slot].pointee.priority : UInt8(priority)
        let me = tasks[slot].pointee.id
        let result = withUnsafeBytes(of: buffer) { raw in
            spawnTask(named: UnsafeRawBufferPointer(rebasing: raw[0..<Int(length)]), arg: arg,
                      priority: prio, parent: me)
        }
        switch result {
        case .success(let child): return .success(tasks[child].pointee.id.raw)
        case .failure(.notFound): return .failure(.notFound)
        case .failure(.badExecutable): return .failure(.badExecutable)
        case .failure(.outOfMemory): return .failure(.outOfMemory)
        case .failure(.tableFull): return .failure(.limitReached)
        }
    }

    private mutating func waitSyscall(_ slot: Int, child: UInt64) {
        let id = TaskID(raw: child)
        guard let c = tasks.slot(of: id), tasks[c].pointee.parent == tasks[slot].pointee.id else {
            return setError(slot, .notChild)
        }
        if tasks[c].pointee.state == .zombie {
            deliverExit(of: c, to: slot)
        } else {
            block(slot, .waitingFor(child: id))
        }
    }
}
