// Lifecycle: how processes end, stop, continue and get signals. A process
// ends (exit_group, a fatal signal, its task vanishing): its descriptors
// close, its task is killed and reaped, its children go to pid 1, its
// parent gets SIGCHLD and may reap it with wait4 (or it is reaped at once
// when nobody will: an orphan, or a parent ignoring SIGCHLD).

extension Server {
    /// Sends signal `n` to process `p` (kill, tgkill, the terminal, SIGCHLD, alarms).
    func send(_ p: Process, _ n: Int, _ info: SignalInfo) {
        guard p.isLive else { return }
        switch p.signals.generate(n, info) {
        case .discard:
            return
        case .kill:
            return kill(p, WaitStatus.killedBy(n))
        case .stop:
            if p.blocked == nil { interruptRunning(p) }
            return stop(p, n)
        case .continue:
            continueStopped(p)
            if p.blocked != nil && p.signals.hasDeliverable { interrupt(p) }
        case .pending:
            if p.blocked != nil && p.signals.hasDeliverable { interrupt(p) }
            else if p.blocked == nil && p.signals.hasDeliverable && !p.isStopped { interruptRunning(p) }
        }
    }

    /// Sends to every live process of group `pgid`.
    func signalGroup(_ pgid: Int, _ n: Int, _ info: SignalInfo) {
        for p in processes.group(pgid) { send(p, n, info) }
    }

    /// A running task with a signal to take: stop it where it is
    /// (task_interrupt); its `interrupted` event delivers the signal. When
    /// the kernel says busy, an event of the task is on its way already and
    /// the signal goes with that.
    func interruptRunning(_ p: Process) {
        Tasks.interrupt(p.task)
    }

    /// Default action "stop": the task stays stopped (in the server or, if
    /// it was running, at its next event) until SIGCONT.
    func stop(_ p: Process, _ n: Int) {
        guard p.isLive, !p.isStopped else { return }
        p.state = .stopped(n)
        notifyParent(p, code: 5 /* CLD_STOPPED */, status: Int32(n), waitStatus: WaitStatus.stopped(n))
        wakePending = true
    }

    func continueStopped(_ p: Process) {
        guard case .stopped = p.state else { return }
        p.state = .live
        notifyParent(p, code: 6 /* CLD_CONTINUED */, status: Int32(Signal.SIGCONT), waitStatus: WaitStatus.continued)
        if let r = p.resultAfterStop {
            p.resultAfterStop = nil
            finish(p, r, restart: .never)
        } else if p.resumeAsIs {
            p.resumeAsIs = false
            resumeInterrupted(p)
        } else if p.blocked != nil {
            wakePending = true
        }
    }

    /// SIGCHLD to the parent for a stop or continue (unless SA_NOCLDSTOP).
    private func notifyParent(_ p: Process, code: Int32, status: Int32, waitStatus: UInt32) {
        p.stopStatus = waitStatus
        p.reportedStop = false
        guard let parent = processes.find(pid: p.parent), parent.isLive else { return }
        if parent.signals.action(Signal.SIGCHLD).flags & SignalActionFlags.noChildStop == 0 {
            var info = SignalInfo(signal: Signal.SIGCHLD, code: code)
            info.pid = Int32(p.pid)
            info.status = status
            send(parent, Signal.SIGCHLD, info)
        }
        wakePending = true
    }

    /// Ends `p` as `end`: the task is killed and reaped, the process stays
    /// as a zombie for its parent.
    func kill(_ p: Process, _ end: ProcessEnd) {
        guard p.isLive else { return }
        if p.clearChildTid != 0 { _ = Guest.writeU32(p.task, p.clearChildTid, 0) }
        Tasks.end(p.task)
        becomeZombie(p, end)
    }

    /// The task is gone already (killed by someone else, or a resume failed).
    func taskVanished(_ p: Process) {
        guard p.isLive else { return }
        Tasks.reap(p.task)
        becomeZombie(p, WaitStatus.killedBy(Signal.SIGKILL))
    }

    /// A watched task ended: find the live processes whose task is gone.
    func reapVanishedTasks() {
        for p in processes.all where p.isLive {
            if !Tasks.isGone(p.task) { continue }
            taskVanished(p)
        }
    }

    private func becomeZombie(_ p: Process, _ end: ProcessEnd) {
        p.state = .zombie(end)
        p.blocked = nil
        p.alarmAt = nil
        closeAll(p)
        releaseVfork(p)
        // Children go to pid 1, which reaps them itself.
        for c in processes.children(of: p.pid) {
            c.parent = 1
            if c.isZombie { processes.remove(c) }
        }
        if let client = p.launcher {
            p.launcher = nil
            try? IPC.reply(to: client, Message(tag: 0, UInt64(end.waitStatus), UInt64(p.pid)))
            terminal.sessionEnded(p.sid, server: self)
        }
        let parent = processes.find(pid: p.parent)
        if let parent, parent.isLive {
            let a = parent.signals.action(Signal.SIGCHLD)
            if a.isIgnored || a.flags & SignalActionFlags.noChildWait != 0 {
                processes.remove(p)   // nobody will wait for it
            } else {
                var info = SignalInfo(signal: Signal.SIGCHLD, code: WaitStatus.childInfo(end).code)
                info.pid = Int32(p.pid)
                info.status = WaitStatus.childInfo(end).status
                send(parent, Signal.SIGCHLD, info)
            }
        } else {
            processes.remove(p)
        }
        wakePending = true
    }

    /// Closes every descriptor of `p`.
    func closeAll(_ p: Process) {
        for fd in p.files.openDescriptors {
            if let last = p.files.remove(fd) { release(last) }
        }
    }

    /// The last descriptor of a description closed.
    func release(_ f: OpenFile) {
        switch f.object {
        case .pipeRead(let pipe): pipe.readers -= 1; wakePending = true
        case .pipeWrite(let pipe): pipe.writers -= 1; wakePending = true
        case .node(let node): node.close()
        case .terminal, .device: break
        }
    }

    /// A vfork child execs or ends: its parent runs on.
    func releaseVfork(_ child: Process) {
        guard let ppid = child.vforkParent else { return }
        child.vforkParent = nil
        guard let parent = processes.find(pid: ppid), parent.isLive,
              let b = parent.blocked, case .vforkChild(let c) = b.kind, c == child.pid else { return }
        finish(parent, Int64(child.pid), restart: .never)
    }
}
