// Launch: Kenix programs (ksh's `run`, init's boot choice) start Linux
// programs through the server (LinuxServiceOp, docs/linux.md). A caller
// sends the path, the arguments and the environment in chunks, then
// `start`; the program runs on the console terminal in a session of its
// own, as the terminal's foreground group, and the caller's reply waits
// until it ends. The server is the program's Kenix parent; its Linux
// parent is pid 1.

struct PendingLaunch {
    var client: TaskID
    var path: [UInt8] = []
    var strings: [[UInt8]] = []
    var environment: [[UInt8]] = []
    var current: [UInt8] = []
    var failed = false
}

struct LaunchRequests {
    var pending: [PendingLaunch] = []

    mutating func index(for client: TaskID) -> Int {
        if let i = pending.firstIndex(where: { $0.client == client }) { return i }
        pending.append(PendingLaunch(client: client))
        return pending.count - 1
    }

    mutating func take(_ client: TaskID) -> PendingLaunch? {
        guard let i = pending.firstIndex(where: { $0.client == client }) else { return nil }
        return pending.remove(at: i)
    }
}

let defaultEnvironment: [StaticString] = ["PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/", "TERM=vt100",
                                          "SHELL=/bin/sh", "USER=root", "LOGNAME=root"]

extension Server {
    func handleRequest(_ r: Received) {
        let m = r.message
        guard let op = LinuxServiceOp(rawValue: m.tag & LinuxServiceProtocol.opMask) else {
            try? IPC.reply(to: r.sender, Message(tag: UInt64(bitPattern: Errno.EINVAL.result)))
            return
        }
        if op == .reset {
            _ = launches.take(r.sender)
            try? IPC.reply(to: r.sender, Message(tag: 0))
            return
        }
        if op == .start {
            guard let l = launches.take(r.sender) else {
                try? IPC.reply(to: r.sender, Message(tag: UInt64(bitPattern: Errno.EINVAL.result)))
                return
            }
            if case .failure(let e) = launch(l) {
                try? IPC.reply(to: r.sender, Message(tag: UInt64(bitPattern: e.result)))
            }
            return   // the reply comes when the program ends
        }
        let i = launches.index(for: r.sender)
        let length = Int((m.tag >> LinuxServiceProtocol.lengthShift) & 0xFF)
        var l = launches.pending[i]
        if length > Int(LinuxServiceProtocol.maxChunk) || l.current.count + length > LinuxServiceProtocol.maxString {
            l.failed = true
        } else {
            var words = (m.w0, m.w1, m.w2, m.w3)
            withUnsafeBytes(of: &words) { raw in for k in 0..<length { l.current.append(raw[k]) } }
        }
        if m.tag & LinuxServiceProtocol.endOfString != 0 {
            switch op {
            case .path: l.path = l.current
            case .argument: l.strings.append(l.current)
            case .environment: l.environment.append(l.current)
            default: break
            }
            l.current.removeAll()
            if l.strings.count + l.environment.count > LinuxServiceProtocol.maxStrings { l.failed = true }
        }
        launches.pending[i] = l
        try? IPC.reply(to: r.sender, Message(tag: 0))
    }

    /// Starts a launched program: a new task, a new session with the
    /// terminal as its controlling terminal, descriptors 0–2 on it.
    func launch(_ l: PendingLaunch) -> Result<Void, Errno> {
        guard !l.failed, !l.path.isEmpty else { return .failure(.EINVAL) }
        let argv = l.strings.isEmpty ? [l.path] : l.strings
        let staged: StagedProgram
        switch stage(l.path, argv: argv, cwd: [0x2F], exe: []) {
        case .failure(let e): return .failure(e)
        case .success(let s): staged = s
        }
        let name = PathName.split(staged.path)?.name ?? staged.path
        let created: Result<(TaskID, UInt64), SyscallError> = name.withUnsafeBytes { raw in
            do throws(SyscallError) { return .success(try Tasks.create(shm: staging.shm, length: staged.length,
                                                                       name: raw)) }
            catch { return .failure(error) }
        }
        let task: TaskID
        switch created {
        case .failure(let e): return .failure(e == .limitReached ? .EAGAIN : e == .outOfMemory ? .ENOMEM : .ENOEXEC)
        case .success(let (t, _)): task = t
        }
        let pid = processes.allocatePid()
        var files = FileTable()
        let tty = OpenFile(.terminal, flags: OpenFlag.readWrite, path: PathName.bytes("/dev/console"))
        for fd in 0..<3 { files.install(tty, at: fd, closeOnExec: false) }
        let p = Process(pid: pid, task: task, parent: 1, pgid: pid, sid: pid, files: files, cwd: [0x2F])
        p.launcher = l.client
        p.startTime = Kenix.clock()
        processes.all.append(p)
        var envp: [[UInt8]] = l.environment
        if envp.isEmpty { envp = defaultEnvironment.map { PathName.bytes($0) } }
        guard setUpImage(p, staged, envp: envp) else {
            kill(p, WaitStatus.killedBy(Signal.SIGSEGV))
            return .success(())
        }
        Tasks.watch(task, notification: notification)
        terminal.session = pid
        terminal.foregroundGroup = pid
        terminal.termios = Termios()
        terminal.attach()
        if (try? Tasks.resume(task)) == nil { taskVanished(p) }
        return .success(())
    }
}
