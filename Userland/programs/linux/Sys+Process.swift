// Process syscalls: exit, clone (fork and vfork), wait4, identities,
// process groups and sessions, prctl, futex.

/// clone flags (linux/sched.h).
enum CloneFlag {
    static let signalMask: UInt64 = 0xFF
    static let vm: UInt64 = 0x100
    static let fs: UInt64 = 0x200
    static let files: UInt64 = 0x400
    static let sighand: UInt64 = 0x800
    static let vfork: UInt64 = 0x4000
    static let parent: UInt64 = 0x8000
    static let thread: UInt64 = 0x10000
    static let settls: UInt64 = 0x80000
    static let parentSettid: UInt64 = 0x100000
    static let childCleartid: UInt64 = 0x200000
    static let childSettid: UInt64 = 0x1000000
}

extension Server {
    func sysExit(_ c: inout SyscallCall) -> Outcome {
        kill(c.process, .exited(Int(c.a0 & 0xFF)))
        return .done
    }

    /// clone(flags, stack, parent_tid, tls, child_tid): fork semantics only.
    /// CLONE_VM with CLONE_VFORK is served as a copy-on-write fork whose
    /// parent waits until the child execs or ends; CLONE_VM alone (a
    /// thread) is -ENOSYS.
    func sysClone(_ c: inout SyscallCall) -> Outcome {
        let flags = c.a0
        let isVfork = flags & CloneFlag.vfork != 0
        if flags & (CloneFlag.thread | CloneFlag.sighand | CloneFlag.files | CloneFlag.fs) != 0
            || (flags & CloneFlag.vm != 0 && !isVfork) {
            return .error(.ENOSYS)
        }
        let p = c.process
        let childTid = c.a4()
        guard let task = try? Tasks.fork(p.task) else { return .error(.EAGAIN) }
        let pid = processes.allocatePid()
        let child = Process(pid: pid, task: task, parent: p.pid, pgid: p.pgid, sid: p.sid,
                            files: p.files.duplicate(), cwd: p.cwd)
        child.umask = p.umask
        child.exe = p.exe
        child.name = p.name
        child.memory = p.memory
        child.signals = p.signals.forChild()
        child.startTime = Kenix.clock()
        Tasks.watch(task, notification: notification)
        processes.all.append(child)
        // The child's registers: x0 = 0, a new stack if asked, a new TLS if asked.
        if var r = Guest.registers(task) {
            r.x[0] = 0
            if c.a1 != 0 { r.sp = c.a1 }
            if flags & CloneFlag.settls != 0 { r.tpidr = c.a3 }
            _ = Guest.setRegisters(task, r)
        }
        if flags & CloneFlag.childSettid != 0 { _ = Guest.writeU32(task, childTid, UInt32(pid)) }
        if flags & CloneFlag.childCleartid != 0 { child.clearChildTid = childTid }
        if flags & CloneFlag.parentSettid != 0 { _ = Guest.writeU32(p.task, c.a2, UInt32(pid)) }
        if (try? Tasks.resume(task)) == nil { taskVanished(child) }
        if isVfork {
            child.vforkParent = p.pid
            return .block(.vforkChild(pid), deadline: nil, restart: .never)
        }
        return .success(pid)
    }

    /// wait4(pid, status, options, rusage).
    func sysWait4(_ c: inout SyscallCall) -> Outcome {
        let p = c.process
        let target = Int64(Int32(truncatingIfNeeded: c.a0))
        let options = c.a2
        let known = WaitStatus.noHang | WaitStatus.untraced | WaitStatus.continuedOption | WaitStatus.all
            | WaitStatus.clone | WaitStatus.noThread
        guard options & ~known == 0 else { return .error(.EINVAL) }
        func matches(_ k: Process) -> Bool {
            if target > 0 { return k.pid == Int(target) }
            if target == 0 { return k.pgid == p.pgid }
            if target < -1 { return k.pgid == Int(-target) }
            return true
        }
        let candidates = processes.children(of: p.pid).filter(matches)
        guard !candidates.isEmpty else { return .error(.ECHILD) }
        for k in candidates {
            var status: UInt32? = nil
            var reap = false
            switch k.state {
            case .zombie(let end): status = end.waitStatus; reap = true
            case .stopped where options & WaitStatus.untraced != 0 && !k.reportedStop: status = k.stopStatus
            case .live where options & WaitStatus.continuedOption != 0 && !k.reportedStop
                && k.stopStatus == WaitStatus.continued: status = k.stopStatus
            default: break
            }
            guard let s = status else { continue }
            if c.a1 != 0 && !Guest.writeU32(p.task, c.a1, s) { return .error(.EFAULT) }
            if c.a3 != 0 && !Guest.write(p.task, c.a3, [UInt8](repeating: 0, count: 144)) { return .error(.EFAULT) }
            if reap { processes.remove(k) } else { k.reportedStop = true }
            return .success(k.pid)
        }
        if options & WaitStatus.noHang != 0 { return .success(0) }
        return .block(.retry, deadline: nil, restart: .restartWithSARestart)
    }

    func sysGetres(_ c: inout SyscallCall) -> Outcome {
        for a in [c.a0, c.a1, c.a2] where !Guest.writeU32(c.task, a, 0) { return .error(.EFAULT) }
        return .success(0)
    }

    /// Everyone is root (uid 0): setting 0 (or -1, no change) succeeds,
    /// anything else is refused.
    func sysSetIdentity(_ c: inout SyscallCall) -> Outcome {
        let none: UInt64 = 0xFFFF_FFFF
        let count = c.number == LinuxSyscall.setuid.rawValue || c.number == LinuxSyscall.setgid.rawValue ? 1
            : c.number == LinuxSyscall.setreuid.rawValue || c.number == LinuxSyscall.setregid.rawValue ? 2 : 3
        let values = [c.a0, c.a1, c.a2]
        for i in 0..<count where values[i] & none != 0 && values[i] & none != none { return .error(.EPERM) }
        return .success(0)
    }

    func sysSetpgid(_ c: inout SyscallCall) -> Outcome {
        let me = c.process
        let pid = c.a0 == 0 ? me.pid : Int(Int32(truncatingIfNeeded: c.a0))
        let pgidArg = Int64(Int32(truncatingIfNeeded: c.a1))
        guard pgidArg >= 0 else { return .error(.EINVAL) }
        guard let target = processes.find(pid: pid), target.isLive,
              target === me || target.parent == me.pid else { return .error(.ESRCH) }
        if target !== me && target.hasExeced { return .error(.EACCES) }
        guard target.sid == me.sid else { return .error(.EPERM) }
        if target.pid == target.sid { return .error(.EPERM) }          // a session leader
        let pgid = pgidArg == 0 ? target.pid : Int(pgidArg)
        guard pgid == target.pid || processes.groupExists(pgid, session: me.sid) else { return .error(.EPERM) }
        target.pgid = pgid
        return .success(0)
    }

    func sysGetpgid(_ c: inout SyscallCall) -> Outcome {
        if c.a0 == 0 { return .success(c.process.pgid) }
        guard let p = processes.find(pid: Int(Int32(truncatingIfNeeded: c.a0))), p.isLive else { return .error(.ESRCH) }
        return .success(p.pgid)
    }

    func sysGetsid(_ c: inout SyscallCall) -> Outcome {
        if c.a0 == 0 { return .success(c.process.sid) }
        guard let p = processes.find(pid: Int(Int32(truncatingIfNeeded: c.a0))), p.isLive else { return .error(.ESRCH) }
        return .success(p.sid)
    }

    func sysSetsid(_ c: inout SyscallCall) -> Outcome {
        let p = c.process
        if p.pgid == p.pid || processes.all.contains(where: { $0.pgid == p.pid && $0.isLive && $0 !== p }) {
            return .error(.EPERM)
        }
        p.sid = p.pid
        p.pgid = p.pid
        return .success(p.pid)
    }

    /// prctl: PR_SET_NAME (15), PR_GET_NAME (16); other options -EINVAL.
    func sysPrctl(_ c: inout SyscallCall) -> Outcome {
        switch c.a0 {
        case 15:
            switch Guest.string(c.task, c.a1, limit: 4096) {
            case .failure: return .error(.EFAULT)
            case .success(let s): c.process.name = Array(s.prefix(15)); return .success(0)
            }
        case 16:
            var n = Array(c.process.name.prefix(15))
            while n.count < 16 { n.append(0) }
            return Guest.write(c.task, c.a1, n) ? .success(0) : .error(.EFAULT)
        default:
            return .error(.EINVAL)
        }
    }

    /// futex(uaddr, op, val, timeout): FUTEX_WAIT and FUTEX_WAKE (private or
    /// not: processes have one thread, so the address is per process).
    func sysFutex(_ c: inout SyscallCall) -> Outcome {
        let op = c.a1 & 0x7F
        switch op {
        case 0, 9:   // FUTEX_WAIT, FUTEX_WAIT_BITSET
            if c.isRetry {
                if let d = c.deadline, Kenix.clock() >= d { return .error(.ETIMEDOUT) }
                if c.process.futexWoken { c.process.futexWoken = false; return .success(0) }
                return .block(.retry, deadline: c.deadline, restart: .restartWithSARestart)
            }
            guard c.a0 & 3 == 0 else { return .error(.EINVAL) }
            guard let b = Guest.read(c.task, c.a0, 4) else { return .error(.EFAULT) }
            guard UInt64(LE.u32(b, 0)) == c.a2 & 0xFFFF_FFFF else { return .error(.EAGAIN) }
            var deadline: UInt64? = nil
            if c.a3 != 0 {
                guard let t = readTimespec(c.task, c.a3) else { return .error(.EFAULT) }
                guard let ns = t else { return .error(.EINVAL) }
                // FUTEX_WAIT takes a relative time; WAIT_BITSET an absolute one.
                deadline = op == 0 ? Kenix.clock() &+ ns : monotonicDeadline(absolute: ns, realtime: c.a1 & 256 != 0)
            }
            c.process.futexAddress = c.a0
            c.process.futexWoken = false
            return .block(.retry, deadline: deadline, restart: .restartWithSARestart)
        case 1, 10:  // FUTEX_WAKE, FUTEX_WAKE_BITSET
            // One thread per process: nobody else can be waiting on its memory.
            return .success(0)
        default:
            return .error(.ENOSYS)
        }
    }
}
