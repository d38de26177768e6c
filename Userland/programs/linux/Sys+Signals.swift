// Signal syscalls: kill, tkill, tgkill, rt_sigaction, rt_sigprocmask,
// rt_sigpending, rt_sigsuspend, rt_sigreturn, sigaltstack.

extension Server {
    /// kill(pid, sig): pid > 0 one process, 0 the caller's group, -1 all
    /// but pid 1 and the caller... (every process here), < -1 group -pid.
    /// Signal 0 only checks that the target exists.
    func sysKill(_ c: inout SyscallCall) -> Outcome {
        let target = Int64(Int32(truncatingIfNeeded: c.a0))
        let n = Int(c.a1 & 0xFFFF_FFFF)
        guard n == 0 || Signal.isValid(n) else { return .error(.EINVAL) }
        var info = SignalInfo(signal: n, code: SignalInfo.userCode)
        info.pid = Int32(c.process.pid)
        var victims: [Process] = []
        if target > 0 {
            if let p = processes.find(pid: Int(target)), p.isLive { victims = [p] }
        } else if target == 0 {
            victims = processes.group(c.process.pgid)
        } else if target == -1 {
            victims = processes.all.filter { $0.isLive && $0 !== c.process }
        } else {
            victims = processes.group(Int(-target))
        }
        guard !victims.isEmpty else { return .error(.ESRCH) }
        if n != 0 { for p in victims { send(p, n, info) } }
        return .success(0)
    }

    /// tkill(tid, sig), tgkill(tgid, tid, sig): a thread is its process here.
    func sysTkill(_ c: inout SyscallCall, checkGroup: Bool) -> Outcome {
        let tid = Int64(Int32(truncatingIfNeeded: checkGroup ? c.a1 : c.a0))
        let n = Int((checkGroup ? c.a2 : c.a1) & 0xFFFF_FFFF)
        guard tid > 0, n == 0 || Signal.isValid(n) else { return .error(.EINVAL) }
        if checkGroup && Int64(Int32(truncatingIfNeeded: c.a0)) != tid { return .error(.ESRCH) }
        guard let p = processes.find(pid: Int(tid)), p.isLive else { return .error(.ESRCH) }
        var info = SignalInfo(signal: n, code: SignalInfo.tkillCode)
        info.pid = Int32(c.process.pid)
        if n != 0 { send(p, n, info) }
        return .success(0)
    }

    /// rt_sigaction(sig, act, oldact, sigsetsize).
    func sysRtSigaction(_ c: inout SyscallCall) -> Outcome {
        let n = Int(c.a0 & 0xFFFF_FFFF)
        guard Signal.isValid(n), c.a3 == 8 else { return .error(.EINVAL) }
        var new: SignalAction? = nil
        if c.a1 != 0 {
            guard let b = Guest.read(c.task, c.a1, SignalAction.size) else { return .error(.EFAULT) }
            new = SignalAction(bytes: b)
        }
        let old = c.process.signals.action(n)
        if let new {
            guard c.process.signals.setAction(n, new) else { return .error(.EINVAL) }
        }
        if c.a2 != 0 && !Guest.write(c.task, c.a2, old.bytes) { return .error(.EFAULT) }
        return .success(0)
    }

    /// rt_sigprocmask(how, set, oldset, sigsetsize): SIG_BLOCK 0, SIG_UNBLOCK 1, SIG_SETMASK 2.
    func sysRtSigprocmask(_ c: inout SyscallCall) -> Outcome {
        guard c.a3 == 8 else { return .error(.EINVAL) }
        let p = c.process
        let old = p.signals.mask
        if c.a1 != 0 {
            guard let b = Guest.read(c.task, c.a1, 8) else { return .error(.EFAULT) }
            let set = SignalSet(bits: LE.u64(b, 0))
            switch c.a0 {
            case 0: p.signals.mask = SignalSet(bits: old.bits | set.bits).blockable
            case 1: p.signals.mask = SignalSet(bits: old.bits & ~set.bits)
            case 2: p.signals.mask = set.blockable
            default: return .error(.EINVAL)
            }
        }
        if c.a2 != 0 && !Guest.writeU64(c.task, c.a2, old.bits) { return .error(.EFAULT) }
        return .success(0)
    }

    func sysRtSigpending(_ c: inout SyscallCall) -> Outcome {
        guard c.a1 <= 8 else { return .error(.EINVAL) }
        let p = c.process
        let pending = p.signals.pending.bits & p.signals.mask.bits
        return Guest.writeU64(c.task, c.a0, pending) ? .success(0) : .error(.EFAULT)
    }

    /// rt_sigsuspend(mask, sigsetsize): waits with `mask` until a handler runs;
    /// always -EINTR, the old mask back after the handler.
    func sysRtSigsuspend(_ c: inout SyscallCall) -> Outcome {
        guard c.a1 == 8 else { return .error(.EINVAL) }
        guard let b = Guest.read(c.task, c.a0, 8) else { return .error(.EFAULT) }
        let p = c.process
        p.signals.restoreMask = p.signals.mask
        p.signals.mask = SignalSet(bits: LE.u64(b, 0)).blockable
        return .block(.signal, deadline: nil, restart: .never)
    }

    /// rt_sigreturn: restores the registers and mask the frame at sp holds.
    /// A frame that does not check out kills the process with SIGSEGV.
    func sysRtSigreturn(_ c: inout SyscallCall) -> Outcome {
        let p = c.process
        guard let r = Guest.registers(p.task), let b = Guest.read(p.task, r.sp, SignalFrame.size),
              let (restored, mask) = SignalFrame.restore(b, over: r) else {
            kill(p, WaitStatus.killedBy(Signal.SIGSEGV))
            return .done
        }
        p.signals.mask = mask
        guard Guest.setRegisters(p.task, restored) else { taskVanished(p); return .done }
        // Another signal may be waiting for the restored mask.
        if p.signals.hasDeliverable {
            finish(p, Int64(bitPattern: restored.x[0]), restart: .never)
            return .done
        }
        if (try? Tasks.resume(p.task)) == nil { taskVanished(p) }
        return .done
    }

    /// sigaltstack(ss, old_ss).
    func sysSigaltstack(_ c: inout SyscallCall) -> Outcome {
        let p = c.process
        let current = p.signals.altStack
        if c.a0 != 0 {
            guard let b = Guest.read(c.task, c.a0, AltStack.recordSize) else { return .error(.EFAULT) }
            let new = AltStack(base: LE.u64(b, 0), flags: LE.u32(b, 8), size: LE.u64(b, 16))
            if current.isEnabled, let r = Guest.registers(p.task), current.contains(r.sp) { return .error(.EPERM) }
            guard new.flags & ~AltStack.disable == 0 else { return .error(.EINVAL) }
            if new.flags & AltStack.disable == 0 && new.size < AltStack.minimumSize { return .error(.ENOMEM) }
            p.signals.altStack = new.flags & AltStack.disable != 0 ? AltStack() : new
        }
        if c.a1 != 0 {
            var old = current
            if let r = Guest.registers(p.task), current.contains(r.sp) { old.flags |= AltStack.onStack }
            if !Guest.write(c.task, c.a1, old.bytes) { return .error(.EFAULT) }
        }
        return .success(0)
    }
}
