// FileIO: moving bytes between a description's object and a buffer that is
// either in a task's memory (read, write: task_read/task_write straight to
// and from the pipe ring or the file) or in the server's own (sendfile, the
// staging of programs). Each kind says when it would block; the syscalls
// decide whether to wait, fail with EAGAIN, or return what moved.

enum IOBuffer {
    case task(TaskID, UInt64)
    case local(UnsafeMutableRawPointer)

    func advanced(by n: Int) -> IOBuffer {
        switch self {
        case .task(let t, let a): return .task(t, a &+ UInt64(n))
        case .local(let p): return .local(p + n)
        }
    }

    /// Copies `n` bytes of this buffer into server memory.
    func copy(to local: UnsafeMutableRawPointer, _ n: Int) -> Bool {
        switch self {
        case .task(let t, let a): return Guest.readInto(t, a, local, n)
        case .local(let p): local.copyMemory(from: p, byteCount: n); return true
        }
    }

    /// Copies `n` bytes of server memory into this buffer.
    func copy(from local: UnsafeRawPointer, _ n: Int) -> Bool {
        switch self {
        case .task(let t, let a): return Guest.writeFrom(t, a, local, n)
        case .local(let p): p.copyMemory(from: local, byteCount: n); return true
        }
    }
}

enum IOResult {
    case done(Int)
    case wouldBlock
    case failed(Errno)
    /// A write to a pipe nobody reads: EPIPE and SIGPIPE.
    case brokenPipe
}

extension Server {
    /// Reads up to `n` bytes; `at` is the file offset for files (nil: the
    /// description's own, which moves).
    func read(_ f: OpenFile, _ p: Process, into buffer: IOBuffer, _ n: Int, at: UInt64? = nil) -> IOResult {
        guard f.canRead else { return .failed(.EBADF) }
        if n == 0 { return .done(0) }
        switch f.object {
        case .pipeRead(let pipe):
            if pipe.count == 0 { return pipe.writers == 0 ? .done(0) : .wouldBlock }
            var done = 0
            for (pointer, length) in pipe.readableRuns(max: n) {
                guard buffer.advanced(by: done).copy(from: pointer, length) else {
                    pipe.consumed(done)
                    return done > 0 ? .done(done) : .failed(.EFAULT)
                }
                done += length
            }
            pipe.consumed(done)
            wakePending = true
            return .done(done)
        case .pipeWrite:
            return .failed(.EBADF)
        case .terminal:
            return readTerminal(p, into: buffer, n)
        case .device(let kind):
            switch kind {
            case .null: return .done(0)
            case .zero, .random:
                var done = 0
                while done < n {
                    let k = min(n - done, Self.scratchSize)
                    if kind == .zero {
                        scratch.initializeMemory(as: UInt8.self, repeating: 0, count: k)
                    } else {
                        let bytes = random.bytes(k)
                        bytes.withUnsafeBytes { scratch.copyMemory(from: $0.baseAddress!, byteCount: k) }
                    }
                    guard buffer.advanced(by: done).copy(from: scratch, k) else {
                        return done > 0 ? .done(done) : .failed(.EFAULT)
                    }
                    done += k
                }
                return .done(done)
            }
        case .node(let node):
            if node.isDirectory { return .failed(.EISDIR) }
            let offset = at ?? f.offset
            let got = node.read(into: buffer, n, at: offset)
            if got < 0 { return .failed(Errno(rawValue: -got) ?? .EIO) }
            if at == nil { f.offset += UInt64(got) }
            return .done(Int(got))
        }
    }

    /// Writes up to `n` bytes (all of them, or as many as fit without
    /// waiting; a pipe write of at most PIPE_BUF bytes is all or nothing).
    func write(_ f: OpenFile, _ p: Process, from buffer: IOBuffer, _ n: Int, at: UInt64? = nil) -> IOResult {
        guard f.canWrite else { return .failed(.EBADF) }
        switch f.object {
        case .pipeWrite(let pipe):
            if pipe.readers == 0 { return .brokenPipe }
            if n == 0 { return .done(0) }
            if pipe.space == 0 || (n <= Pipe.atomicLimit && pipe.space < n) { return .wouldBlock }
            var done = 0
            for (pointer, length) in pipe.writableRuns(max: n) {
                guard buffer.advanced(by: done).copy(to: pointer, length) else {
                    pipe.produced(done)
                    return done > 0 ? .done(done) : .failed(.EFAULT)
                }
                done += length
            }
            pipe.produced(done)
            wakePending = true
            return .done(done)
        case .pipeRead:
            return .failed(.EBADF)
        case .terminal:
            let r = terminal.write(from: buffer, n)
            return r < 0 ? .failed(Errno(rawValue: -r) ?? .EIO) : .done(Int(r))
        case .device:
            return .done(n)
        case .node(let node):
            if node.isDirectory { return .failed(.EISDIR) }
            let offset = at ?? (f.flags & OpenFlag.append != 0 ? node.currentSize : f.offset)
            let put = node.write(from: buffer, n, at: offset)
            if put < 0 { return .failed(Errno(rawValue: -put) ?? .EIO) }
            if at == nil { f.offset = offset + UInt64(put) }
            return .done(Int(put))
        }
    }

    /// The terminal: typed bytes, an end of file, or a wait (VMIN/VTIME in raw mode).
    func readTerminal(_ p: Process, into buffer: IOBuffer, _ n: Int) -> IOResult {
        let t = terminal.termios
        switch terminal.read(into: buffer, n) {
        case .data(let k): return .done(k)
        case .endOfFile: return .done(0)
        case .failed(let e): return .failed(e)
        case .empty:
            if !t.isCanonical && t.cc[Termios.VMIN] == 0 && t.cc[Termios.VTIME] == 0 { return .done(0) }
            return .wouldBlock
        }
    }
}
