// Terminal: the console as the Linux processes' terminal. The console
// server runs the line discipline (TerminalLine, following the Termios the
// server hands it); the server keeps the Linux side: the termios programs
// read and set, the window size, the session that owns the terminal and its
// foreground process group. Output and input move through a shared buffer
// the console maps (ConsoleOp.attachBuffer); the console signals the
// server's notification when input is ready or a signal character is typed.

struct Terminal {
    static let bufferSize = 16384

    var console: TaskID = 0
    var buffer: UnsafeMutableRawPointer? = nil
    var termios = Termios()
    var window = WindowSize(rows: 24, columns: 80)
    /// The session whose controlling terminal this is, and its foreground group.
    var session: Int? = nil
    var foregroundGroup: Int? = nil
    var attached = false

    /// Looks up the console and gives it the shared buffer.
    mutating func connect(notification: UInt64) -> Bool {
        guard let c = try? Service.lookup(.console),
              let shm = try? SharedMemory.create(size: UInt64(Self.bufferSize)),
              let address = try? SharedMemory.map(shm) else { return false }
        console = c
        buffer = UnsafeMutableRawPointer(bitPattern: UInt(address))
        guard (try? SharedMemory.grant(shm, to: c)) != nil,
              let reply = try? IPC.call(c, Message(tag: ConsoleOp.attachBuffer.rawValue, shm, UInt64(Self.bufferSize))),
              reply.tag == 0, (try? Notification.grant(notification, to: c)) != nil else { return false }
        self.notification = notification
        return true
    }

    var notification: UInt64 = 0

    /// The console takes this terminal's line discipline (a session starts).
    mutating func attach() {
        guard !attached else { return }
        let reply = try? IPC.call(console, Message(tag: ConsoleOp.ttyAttach.rawValue, notification,
                                                   NotifyBit.terminalBase))
        if let reply, reply.tag == 0 {
            attached = true
            if reply.w0 > 0 && reply.w1 > 0 {
                window = WindowSize(rows: UInt16(truncatingIfNeeded: reply.w0), columns: UInt16(truncatingIfNeeded: reply.w1))
            }
            setMode(termios, flush: false)
        }
    }

    mutating func detach() {
        guard attached else { return }
        attached = false
        _ = try? IPC.call(console, Message(tag: ConsoleOp.ttyDetach.rawValue))
    }

    /// The session that had the terminal has ended: the terminal is free,
    /// and the console goes back to Kenix line mode.
    mutating func sessionEnded(_ sid: Int, server: Server) {
        guard session == sid else { return }
        session = nil
        foregroundGroup = nil
        termios = Termios()
        detach()
    }

    mutating func setMode(_ t: Termios, flush: Bool) {
        termios = t
        guard attached else { return }
        let w = t.words
        let tag = ConsoleOp.ttySetMode.rawValue | (flush ? ConsoleWriteFlag.flushInput : 0)
        _ = try? IPC.call(console, Message(tag: tag, w.0, w.1, w.2, w.3))
    }

    /// Writes `length` bytes from `source` to the terminal (output
    /// processing as the termios says).
    func write(from source: IOBuffer, _ length: Int) -> Int64 {
        guard let buffer else { return Errno.EIO.result }
        var done = 0
        while done < length {
            let n = min(length - done, Self.bufferSize)
            guard source.advanced(by: done).copy(to: buffer, n) else {
                return done > 0 ? Int64(done) : Errno.EFAULT.result
            }
            let tag = ConsoleOp.write.rawValue | ConsoleWriteFlag.terminal
            guard let reply = try? IPC.call(console, Message(tag: tag, UInt64(n))), reply.tag == 0 else {
                return done > 0 ? Int64(done) : Errno.EIO.result
            }
            done += n
        }
        return Int64(done)
    }

    /// Writes server bytes (diagnostics such as "Killed") to the terminal.
    func write(bytes: [UInt8]) {
        guard let buffer, !bytes.isEmpty else { return }
        let n = min(bytes.count, Self.bufferSize)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: n) }
        _ = try? IPC.call(console, Message(tag: ConsoleOp.write.rawValue | ConsoleWriteFlag.terminal, UInt64(n)))
    }

    enum ReadResult {
        case data(Int)
        case endOfFile
        /// Nothing typed; the console will signal the input bit.
        case empty
        case failed(Errno)
    }

    /// Takes up to `length` typed bytes into `destination`; never waits.
    func read(into destination: IOBuffer, _ length: Int) -> ReadResult {
        guard let buffer else { return .failed(.EIO) }
        let n = min(length, Self.bufferSize)
        guard let reply = try? IPC.call(console, Message(tag: ConsoleOp.ttyRead.rawValue, UInt64(n))),
              reply.tag == 0 else { return .failed(.EIO) }
        if reply.w1 & ConsoleTerminalFlag.endOfFile != 0 { return .endOfFile }
        if reply.w1 & ConsoleTerminalFlag.empty != 0 || reply.w0 == 0 { return .empty }
        let got = Int(min(reply.w0, UInt64(n)))
        guard destination.copy(from: buffer, got) else { return .failed(.EFAULT) }
        return .data(got)
    }

    /// Whether a read would return now (poll); arms the input bit if not.
    func pollReadable() -> Bool {
        guard let reply = try? IPC.call(console, Message(tag: ConsoleOp.ttyRead.rawValue, 0)), reply.tag == 0 else {
            return true   // a dead console: reads fail at once
        }
        return reply.w1 & ConsoleTerminalFlag.empty == 0
    }
}
