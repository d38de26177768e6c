// SimDebugger: kenix-sim's gdb stub, the session side: what gdb asked for
// (breakpoints, watchpoints, a step, a reverse step) and where the machine
// must stop. It outlives machines: reverse execution rebuilds the machine
// from the start and replays to an earlier point (SimDebugger+Replay).
//
//   let d = SimDebugger(connection: c, waitFor: "hello")
//   machine.debugger = d; d.attach(to: machine)   // per machine
//   ... kernel.run() ...                           // SimCPU+Debugger stops
//   if d.restartRequested { build the machine again, same config }
//   d.finish(exitStatus:)                          // W packet
//
// Positions: a point in a run is (task id, instructions that task has
// retired). A stop happens at the first instruction boundary of that task
// with that count; the same image, seed and input always reach the same
// state there. Stops never change the run: budgets only cut slices short,
// which the clock and the interrupt checks do not see (docs/debugging.md).
//
// Tasks are gdb threads (ids are task ids); memory and registers are those
// of the selected thread's task, read through its own page tables.
import HAL

public final class SimDebugger {
    let connection: GDBConnection
    /// Stop first at this program's first instruction; breakpoints,
    /// watchpoints and steps then concern only tasks of this name.
    let waitName: [UInt8]?

    struct Position: Equatable { var task: UInt64; var count: UInt64 }
    enum StopReason: Equatable {
        case initial, interrupt, step, breakpoint, watch(UInt64), replayBegin
    }
    struct Watch: Equatable { var address: UInt64; var length: Int }

    // The session: what gdb inserted, and how the last stop came about.
    var breakpoints: Set<UInt64> = []
    var watchpoints: [Watch] = []
    /// gdb resumed the machine and waits for a stop reply.
    var awaitingStop = false
    /// Where the first stop was: the beginning of replayable history.
    var initialPosition: Position?
    var lastStop: (position: Position, reason: StopReason)?
    /// The debugger has let go (D, or gdb went away): no more stops.
    public private(set) var detached = false
    /// gdb asked to kill the machine (k).
    public private(set) var killed = false
    /// The machine must be rebuilt and replayed (reverse execution).
    public internal(set) var restartRequested = false
    /// gdb's memory or register writes since the start: a replay cannot
    /// repeat them (docs/debugging.md); counted to warn.
    var edits = 0
    /// Reverse execution is refused (data disks change on replay).
    public var replayForbidden: String?

    // Per machine (attach(to:)).
    var retired: [UInt64: UInt64] = [:]
    var initialPending = true
    var interruptPending = false
    var stepTarget: Position?
    /// Replaying: stop only here, with this reason.
    var replayTarget: (position: Position, reason: StopReason)?
    /// Replaying to find the last breakpoint or watchpoint hit before `end`.
    var scan: (end: Position, found: (position: Position, reason: StopReason)?)?
    /// Watched bytes as last seen, per (watch address, task).
    var watchValues: [WatchKey: [UInt8]] = [:]
    struct WatchKey: Hashable { var address: UInt64; var task: UInt64 }
    /// Steps or slices since the last poll for Ctrl-C.
    var sincePoll = 0
    /// The live tasks (id: name) gdb was last told about, and the task of
    /// the last boundary (task changes are looked for only on a switch).
    var knownTasks: [UInt64: [UInt8]]?
    var lastBoundaryTask: UInt64?

    public init(connection: GDBConnection, waitFor name: String?) {
        self.connection = connection
        waitName = name.map { Array($0.utf8.prefix(16)) }
    }

    /// Starts watching a new machine (the first, or a replay's).
    public func attach(to machine: SimMachine) {
        machine.debugger = detached ? nil : self
        retired = [:]
        watchValues = [:]
        interruptPending = false
        stepTarget = nil
        sincePoll = 0
        lastBoundaryTask = nil
        restartRequested = false
        if replayTarget != nil || scan != nil { initialPending = false }
    }

    /// Tasks whose breakpoints, watchpoints and steps count.
    func concerns(_ task: InspectedTask) -> Bool {
        guard let waitName else { return true }
        return Self.name(of: task) == waitName
    }

    static func name(of task: InspectedTask) -> [UInt8] {
        withUnsafeBytes(of: task.name) { Array($0.prefix(task.nameLength)) }
    }

    /// Whether `task` must run one instruction at a time.
    func stepsSingly(_ task: InspectedTask) -> Bool {
        concerns(task) && (!breakpoints.isEmpty || !watchpoints.isEmpty)
    }

    /// The budget for `task`'s next run, given the machine's own.
    func budget(for task: InspectedTask, machine budget: UInt64) -> UInt64 {
        var b = budget
        let have = retired[task.id, default: 0]
        for target in [stepTarget, replayTarget?.position, scan?.end] {
            if let t = target, t.task == task.id, t.count > have { b = min(b, t.count - have) }
        }
        if stepsSingly(task) { b = 1 }
        return max(b, 1)
    }

    /// Counts what `task` retired in a run.
    func ran(_ task: InspectedTask, retired n: UInt64) {
        if n > 0 { retired[task.id, default: 0] &+= n }
    }

    /// A packet that needs the machine stopped, received before the first
    /// stop: the first stop answers it.
    var earlyPacket: String?

    /// Polls for Ctrl-C every `every` calls (slices or single steps).
    func poll(every: Int) {
        sincePoll += 1
        guard sincePoll >= every else { return }
        sincePoll = 0
        if lastStop == nil && earlyPacket == nil { answerHandshake() }
        if connection.interruptRequested() {
            if connection.closed { letGo() } else { interruptPending = true }
        }
    }

    /// Before the first stop (a long boot to --gdb-wait's program), gdb's
    /// handshake is answered as it comes, so gdb does not time out on it;
    /// the first packet that needs a stopped machine (`?`) waits for it.
    private func answerHandshake() {
        while let p = connection.receiveIfReady() {
            if p == "QStartNoAckMode" { connection.send("OK"); connection.disableAcks(); continue }
            if p == "vMustReplyEmpty" { connection.send(""); continue }
            if let answer = StopSession.sessionless(p, reverse: replayForbidden == nil) { connection.send(answer); continue }
            earlyPacket = p
            return
        }
    }

    /// While the machine idles: Ctrl-C stops it at the next task to run.
    func pollWhileIdle() { poll(every: 1) }

    func markKilled() { killed = true }

    /// Stops debugging: no more stops, the machine runs on by itself.
    func letGo() {
        detached = true
        breakpoints = []
        watchpoints = []
        stepTarget = nil
        connection.close()
    }

    /// What the boundary check decided.
    enum Verdict { case run, resumed, restart }

    /// An instruction boundary of the running task `me` (its registers in
    /// `context`): stops here if something asks for it, then serves gdb
    /// until it resumes.
    func boundary(_ me: InspectedTask, _ context: UnsafeMutablePointer<UserContext>, machine: SimMachine,
                  tasks: () -> [InspectedTask]) -> Verdict {
        if detached { return .run }
        if me.id != lastBoundaryTask {
            lastBoundaryTask = me.id
            if awaitingStop && replayTarget == nil && scan == nil { reportTaskChanges(tasks()) }
        }
        let here = Position(task: me.id, count: retired[me.id, default: 0])
        let hit = hitHere(me, context.pointee.pc, machine: machine)
        if var s = scan {
            if here == s.end {
                // Replayed up to where we were: go to the last hit before it.
                scan = nil
                replayTarget = s.found ?? (initialPosition ?? here, .replayBegin)
                restartRequested = true
                return .restart
            }
            if let hit {
                if case .watch = hit, here.count > 0 {
                    // Backwards, a watchpoint stops before the write.
                    s.found = (Position(task: here.task, count: here.count - 1), hit)
                } else {
                    s.found = (here, hit)
                }
                scan = s
            }
            return .run
        }
        if let r = replayTarget {
            guard here == r.position else { return .run }
            replayTarget = nil
            interruptPending = false   // a Ctrl-C during the replay is answered by this stop
            return stop(me, context, at: here, reason: r.reason, machine: machine, tasks: tasks)
        }
        var reason: StopReason?
        if initialPending && (waitName == nil || concerns(me)) {
            initialPending = false
            initialPosition = here
            reason = .initial
        } else if interruptPending {
            reason = .interrupt
        } else if let t = stepTarget, t == here {
            reason = .step
        } else if let hit {
            reason = hit
        }
        guard let reason else { return .run }
        interruptPending = false
        stepTarget = nil
        return stop(me, context, at: here, reason: reason, machine: machine, tasks: tasks)
    }

    /// A breakpoint at `pc`, or a watched value `me` sees changed.
    private func hitHere(_ me: InspectedTask, _ pc: UInt64, machine: SimMachine) -> StopReason? {
        guard concerns(me) else { return nil }
        var result: StopReason?
        for w in watchpoints {
            guard let root = me.root, let now = machine.debugRead(w.address, w.length, root: root) else { continue }
            let key = WatchKey(address: w.address, task: me.id)
            if let old = watchValues[key], old != now, result == nil { result = .watch(w.address) }
            watchValues[key] = now
        }
        if result == nil && breakpoints.contains(pc) { result = .breakpoint }
        return result
    }

    /// Tells gdb, while it waits for a stop, which tasks started and which
    /// ended since it last knew, as console output (`O` packets), one line
    /// each in gdb's own words: "[New Thread 67 (task 67 errors)]",
    /// "[Thread 67 (task 67 errors) exited]" (gdb shows thread ids in
    /// decimal). Why not the protocol's thread events: gdb 13 asks for them
    /// (QThreadEvents) only in non-stop mode, and mishandles the `w` stop
    /// reply of an exited thread. A switch to another task is the only
    /// moment a task can have started or ended (one that exits never runs
    /// again), so tasks are listed only then; replays stay quiet (gdb was
    /// told the first time).
    func reportTaskChanges(_ list: [InspectedTask]) {
        let live = Self.liveNames(list)
        guard let known = knownTasks else { knownTasks = live; return }
        knownTasks = live
        var lines = ""
        for (id, name) in live.sorted(by: { $0.key < $1.key }) where known[id] == nil {
            lines += "[New Thread \(id) (\(Self.label(id, name)))]\n"
        }
        for (id, name) in known.sorted(by: { $0.key < $1.key }) where live[id] == nil {
            lines += "[Thread \(id) (\(Self.label(id, name))) exited]\n"
        }
        if !lines.isEmpty { connection.send("O" + Array(lines.utf8).hexString) }
    }

    /// "task 67 errors": how a task is named to gdb (here and in
    /// qThreadExtraInfo).
    static func label(_ id: UInt64, _ name: [UInt8]) -> String {
        "task \(id) " + String(decoding: name, as: UTF8.self)
    }

    static func liveNames(_ list: [InspectedTask]) -> [UInt64: [UInt8]] {
        var live: [UInt64: [UInt8]] = [:]
        for t in list where !t.zombie { live[t.id] = name(of: t) }
        return live
    }

    /// Sends the stop reply gdb waits for (if it does), then serves packets.
    private func stop(_ me: InspectedTask, _ context: UnsafeMutablePointer<UserContext>, at here: Position,
                      reason: StopReason, machine: SimMachine, tasks: () -> [InspectedTask]) -> Verdict {
        lastStop = (here, reason)
        var list = tasks()
        for i in list.indices where list[i].running { list[i].context = context }
        knownTasks = Self.liveNames(list)
        var session = StopSession(debugger: self, machine: machine, tasks: list, current: me.id)
        if awaitingStop {
            awaitingStop = false
            connection.send(session.stopReply())
        }
        let verdict = session.serve()
        if detached { machine.debugger = nil }
        return verdict
    }

    /// The run ended (init exited, a time limit, ...): tells gdb, if it
    /// waits, and closes the connection.
    public func finish(exitStatus: Int32) {
        let exited = "W" + GDBRegisters.le(UInt64(UInt8(truncatingIfNeeded: exitStatus)), 1).hexString
        if !detached && awaitingStop {
            connection.send(exited)
        } else if !detached && lastStop == nil {
            // The run ended before its first stop (--gdb-wait NAME never
            // ran): gdb is still at its handshake; its `?` learns the end.
            if earlyPacket == "?" { connection.send(exited); earlyPacket = nil; connection.close(); return }
            while let p = connection.receive() {
                if p == "?" { connection.send(exited); break }
                if p == "QStartNoAckMode" { connection.send("OK"); connection.disableAcks(); continue }
                connection.send(StopSession.sessionless(p) ?? "")
            }
        }
        connection.close()
    }
}
