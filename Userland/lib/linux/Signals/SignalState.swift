// SignalState: one process's signal dispositions, blocked mask, pending
// signals (each with the siginfo it was sent with) and alternate stack, and
// the rules that decide what a signal does: discarded (ignored), queued,
// or acted on now (kill, stop, continue). Standard signals do not queue: a
// second one while the first is pending is merged. Pure: the server acts on
// the decisions (ending, stopping or resuming the task, building frames).

public enum SignalDisposition: Equatable {
    /// Dropped: ignored by handler or by default.
    case discard
    /// Left pending until it can be delivered.
    case pending
    /// Its default action ends the process (whether blocked or not, SIGKILL).
    case kill
    /// Its default action stops the process.
    case stop
    /// SIGCONT: resume a stopped process (and it may also be pending for a handler).
    case `continue`
}

public struct SignalState {
    /// Dispositions 1...64 (index 0 unused).
    public var actions: [SignalAction] = [SignalAction](repeating: .default, count: Signal.count + 1)
    public var mask = SignalSet.empty
    public var pending = SignalSet.empty
    public var info: [SignalInfo] = []
    public var altStack = AltStack()
    /// A mask to put back when the syscall that set a temporary one
    /// (rt_sigsuspend, ppoll, pselect6) ends.
    public var restoreMask: SignalSet? = nil

    public init() {
        info = (0...Signal.count).map { SignalInfo(signal: $0, code: 0) }
    }

    public func action(_ n: Int) -> SignalAction { Signal.isValid(n) ? actions[n] : .default }

    /// Whether `n` would be dropped as it stands (SIG_IGN, or SIG_DFL
    /// whose default is to ignore).
    public func ignores(_ n: Int) -> Bool {
        let a = action(n)
        if a.isIgnored { return n != Signal.SIGKILL && n != Signal.SIGSTOP }
        return a.isDefault && Signal.defaultAction(n) == .ignore
    }

    /// A signal arrives. Returns what the server must do at once.
    public mutating func generate(_ n: Int, _ i: SignalInfo) -> SignalDisposition {
        guard Signal.isValid(n) else { return .discard }
        if n == Signal.SIGKILL { return .kill }
        if n == Signal.SIGSTOP { return .stop }
        if n == Signal.SIGCONT {
            // Resumes even when ignored or blocked; a handler still runs.
            if !ignores(n) { queue(n, i) }
            return .continue
        }
        if ignores(n) { return .discard }
        queue(n, i)
        return .pending
    }

    private mutating func queue(_ n: Int, _ i: SignalInfo) {
        if !pending.contains(n) { info[n] = i }
        pending.insert(n)
    }

    /// The pending signal to act on now, if any is not blocked: its number
    /// and info (taken off the pending set).
    public mutating func takeDeliverable() -> (Int, SignalInfo)? {
        let ready = SignalSet(bits: pending.bits & ~mask.bits)
        guard let n = ready.lowest else { return nil }
        pending.remove(n)
        return (n, info[n])
    }

    /// Whether a signal is pending and not blocked.
    public var hasDeliverable: Bool { pending.bits & ~mask.bits != 0 }

    /// The mask a handler for `n` runs with, and the mask its frame saves;
    /// applies SA_RESETHAND. Call when the frame is built.
    public mutating func enterHandler(_ n: Int) -> (saved: SignalSet, action: SignalAction) {
        let a = action(n)
        let saved = restoreMask ?? mask
        restoreMask = nil
        var newMask = SignalSet(bits: saved.bits | a.mask.bits)
        if a.flags & SignalActionFlags.noDefer == 0 { newMask.insert(n) }
        mask = newMask.blockable
        if a.flags & SignalActionFlags.resetHandler != 0 && n != Signal.SIGILL && n != Signal.SIGTRAP {
            actions[n] = .default
        }
        return (saved, a)
    }

    /// The temporary mask of rt_sigsuspend/ppoll/pselect6 ends without a handler.
    public mutating func dropTemporaryMask() {
        if let m = restoreMask { mask = m; restoreMask = nil }
    }

    /// execve: handlers go back to SIG_DFL, ignored signals stay ignored,
    /// the mask and pending signals stay, the alternate stack goes.
    public mutating func resetForExec() {
        for n in 1...Signal.count where !actions[n].isIgnored { actions[n] = .default }
        for n in 1...Signal.count { actions[n].flags = actions[n].isIgnored ? 0 : actions[n].flags }
        altStack = AltStack()
        restoreMask = nil
    }

    /// fork: the child gets the dispositions and mask, nothing pending.
    public func forChild() -> SignalState {
        var s = self
        s.pending = .empty
        s.restoreMask = nil
        return s
    }

    /// rt_sigaction: sets `n`'s disposition. SIGKILL and SIGSTOP cannot be
    /// changed (EINVAL). Setting SIG_IGN (or a default that ignores) drops a
    /// pending one, as POSIX requires.
    public mutating func setAction(_ n: Int, _ a: SignalAction) -> Bool {
        guard Signal.isValid(n), n != Signal.SIGKILL, n != Signal.SIGSTOP else { return false }
        var a = a
        a.mask = a.mask.blockable
        actions[n] = a
        if ignores(n) { pending.remove(n) }
        return true
    }
}
