// supervisor: the watchdog (docs/supervision.md). Init starts it at
// priority 31 with the device and service handles; it starts the system's
// servers with them (console, kbd, blk when there is a data disk, vfs,
// linux),
// tells init when they answer, and from then on
//   - restarts a server that ends, after a backoff (Backoff), unless a
//     transient one ended cleanly;
//   - calls each server with a heartbeat every second, and kills one that
//     misses three in a row (hung), which then restarts like a crash;
//   - answers SupervisorOp.server (the shell's `ps` shows restart counts).
// The supervisor itself is not supervised: it holds no client state and
// makes no call that can block on a server for longer than a deadline.

let heartbeatEvery: UInt64 = 1_000_000_000     // 1 s
let heartbeatDeadline: UInt64 = 500_000_000    // 0.5 s
let readyDeadline: UInt64 = 2_000_000_000      // a new server's first answer
let missesToKill = 3

/// The servers, by the bit of the supervisor's notification that reports
/// each one's end (task_watch).
nonisolated(unsafe) var servers: [SupervisedServer] = []
nonisolated(unsafe) var deathNote: Handle = 0
/// A line to print once the console answers again (printing while it is
/// down would wait for it, and we are the one that restarts it).
nonisolated(unsafe) var pendingLines: [String] = []

func say(_ line: String) {
    pendingLines.append(line)
}

func flushLines() {
    guard servers.first.map({ $0.task != 0 }) ?? true else { return }   // the console is down
    for line in pendingLines { print(line) }
    pendingLines.removeAll()
}

/// Starts server `i` and waits for its first heartbeat answer.
func start(_ i: Int) {
    let now = Kenix.clock()
    servers[i].restartAt = 0
    servers[i].missed = 0
    let task: Handle
    do throws(SyscallError) {
        task = try Kenix.spawn(servers[i].program, priority: servers[i].priority,
                               share: Quotas.share(forFrames: servers[i].frames))
        try Kenix.watch(task, notification: deathNote, bits: 1 << UInt64(i))
        try Startup.give(task, servers[i].roles)
    } catch {
        say("supervisor: cannot start \(servers[i].program): \(error.name)")
        servers[i].restartAt = now + servers[i].backoff.next(afterRunningFor: 0)
        return
    }
    servers[i].task = task
    servers[i].taskID = (try? Handles.info(task).object) ?? 0
    servers[i].startedAt = now
    _ = try? IPC.call(task, Message(tag: Heartbeat.tag), timeout: readyDeadline)
}

/// Server `i` ended: reap it and decide when it starts again.
func reap(_ i: Int) {
    guard servers[i].task != 0 else { return }
    let status = (try? Kenix.wait(servers[i].task)) ?? .exited(0)
    let uptime = Kenix.clock() - servers[i].startedAt
    servers[i].task = 0
    servers[i].taskID = 0
    if servers[i].policy == .transient && status.isSuccess {
        servers[i].finished = true
        return
    }
    let delay = servers[i].backoff.next(afterRunningFor: uptime)
    servers[i].restartAt = Kenix.clock() + delay
    servers[i].restarts += 1
    say("supervisor: \(servers[i].program) ended (\(status.description)); restart \(servers[i].restarts) in \(delay / 1_000_000) ms")
}

/// One heartbeat round: a server that misses `missesToKill` in a row is hung.
func heartbeats() {
    for i in servers.indices where servers[i].task != 0 {
        do throws(SyscallError) {
            _ = try IPC.call(servers[i].task, Message(tag: Heartbeat.tag), timeout: heartbeatDeadline)
            servers[i].missed = 0
        } catch {
            guard error == .timedOut else { continue }   // it ended: its watch reports it
            if isWaitingOnAnotherServer(i) { continue }
            servers[i].missed += 1
            if servers[i].missed >= missesToKill {
                say("supervisor: \(servers[i].program) missed \(missesToKill) heartbeats; killed")
                try? Kenix.kill(servers[i].task)
            }
        }
    }
}

/// Whether server `i`, which missed a heartbeat, is only waiting: on the
/// pager, or in a call to another running server (vfs reading through blk
/// from a slow disk). Such a wait is not a hang of its own: the server it
/// waits on answers heartbeats itself, and if that one is killed the call
/// fails with `partnerDied` and the waiter answers again. A call to anything
/// else (a client, a task we do not supervise) still counts as a miss.
func isWaitingOnAnotherServer(_ i: Int) -> Bool {
    guard let wait = Kenix.waiting(of: servers[i].task) else { return false }
    switch wait.what {
    case .pager: return true
    case .call: return servers.contains { $0.task != 0 && $0.taskID == wait.partner && $0.taskID != servers[i].taskID }
    default: return false
    }
}

/// Answers a request (SupervisorOp) from `r.sender`.
func answer(_ r: Received) {
    let notFound = UInt64(bitPattern: SyscallError.notFound.rawValue)
    guard r.message.plainTag == SupervisorOp.server.rawValue else {
        _ = try? IPC.reply(to: r.sender, Message(tag: UInt64(bitPattern: SyscallError.invalidArgument.rawValue)))
        return
    }
    let index = Int(truncatingIfNeeded: r.message.w0)
    guard index >= 0, index < servers.count else {
        _ = try? IPC.reply(to: r.sender, Message(tag: notFound))
        return
    }
    let s = servers[index]
    _ = try? IPC.reply(to: r.sender, Message(tag: 0, s.taskID, s.restarts, s.packedName))
}

/// The earliest moment something is due: a restart or the next heartbeat round.
func nextDeadline(_ nextBeat: UInt64) -> UInt64 {
    var due = nextBeat
    for s in servers where s.restartAt != 0 && s.restartAt < due { due = s.restartAt }
    return due
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    let given = Startup.receive()
    func role(_ r: UInt64) -> [(role: UInt64, handle: Handle)] {
        guard let h = given.handle(r) else { return [] }
        return [(r, h)]
    }
    do throws(SyscallError) {
        deathNote = try Notification.create()
        try Notification.bind(deathNote)
        try Service.register(with: given.handle(InitHandle.service(.supervisor)) ?? 0)
    } catch {
        print("supervisor: setup failed: \(error.name)")
        return 1
    }
    var disks: [(role: UInt64, handle: Handle)] = []
    for n in 0..<UInt64(16) { disks += role(InitHandle.disk(n)) }
    // The console comes first: say() holds lines while it is down.
    servers.append(SupervisedServer("console", priority: 30, frames: 96, policy: .permanent,
                                    roles: role(InitHandle.uart) + role(InitHandle.service(.console))
                                        + role(InitHandle.framebuffer) + role(InitHandle.consoleInput)))
    servers.append(SupervisedServer("kbd", priority: 30, frames: 64, policy: .transient,
                                    roles: role(InitHandle.keyboard)))
    if !disks.isEmpty {
        servers.append(SupervisedServer("blk", priority: 29, frames: 192, policy: .transient,
                                        roles: disks + role(InitHandle.service(.block))))
    }
    servers.append(SupervisedServer("vfs", priority: 28, frames: 0, policy: .permanent,
                                    roles: role(InitHandle.service(.files))))
    // Above the programs it runs, so it answers their syscalls at once; the
    // Linux programs are its children, inside its ceiling.
    servers.append(SupervisedServer("linux", priority: 20, frames: 0, policy: .permanent,
                                    roles: role(InitHandle.service(.linux))))
    for i in servers.indices { start(i) }
    _ = try? IPC.send(to: StartupHandle.parent, Message(tag: SupervisorNotice.ready))

    var nextBeat = Kenix.clock() + heartbeatEvery
    while true {
        flushLines()
        let now = Kenix.clock()
        let due = nextDeadline(nextBeat)
        if due > now, let r = try? IPC.recv(timeout: due - now, deferrable: true) {
            if r.isNotification {
                for i in servers.indices where r.message.tag & (1 << UInt64(i)) != 0 { reap(i) }
            } else {
                answer(r)
            }
        }
        let later = Kenix.clock()
        for i in servers.indices where servers[i].restartAt != 0 && servers[i].restartAt <= later {
            start(i)
            if servers[i].task != 0 { say("supervisor: \(servers[i].program) restarted") }
        }
        if later >= nextBeat {
            heartbeats()
            nextBeat = Kenix.clock() + heartbeatEvery
        }
    }
}
