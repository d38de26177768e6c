// I/O syscalls: read, write, readv, writev, pread64, pwrite64, lseek,
// sendfile. A read that would block parks the task (retried when pipes or
// the terminal change) unless the description is O_NONBLOCK (EAGAIN); a
// write to a full pipe writes what fits and waits for room for the rest.

extension Server {
    /// Turns an IOResult into a syscall outcome for `p` (progress is what
    /// earlier rounds of a blocked write moved).
    func outcome(_ r: IOResult, _ c: SyscallCall, _ f: OpenFile, total: Int, isWrite: Bool) -> Outcome {
        let p = c.process
        switch r {
        case .done(let n):
            if isWrite, case .pipeWrite = f.object, p.progress + n < total, !f.isNonBlocking {
                p.progress += n
                return .block(.retry, deadline: nil, restart: .restartWithSARestart)
            }
            let moved = p.progress + n
            p.progress = 0
            return .success(moved)
        case .wouldBlock:
            if f.isNonBlocking {
                let moved = p.progress
                p.progress = 0
                return moved > 0 ? .success(moved) : .error(.EAGAIN)
            }
            return .block(.retry, deadline: terminalDeadline(c, f), restart: .restartWithSARestart)
        case .failed(let e):
            let moved = p.progress
            p.progress = 0
            return moved > 0 ? .success(moved) : .error(e)
        case .brokenPipe:
            p.progress = 0
            send(p, Signal.SIGPIPE, SignalInfo(signal: Signal.SIGPIPE, code: SignalInfo.kernelCode))
            return .error(.EPIPE)
        }
    }

    /// Raw terminal reads with VMIN 0 and VTIME > 0 end after VTIME tenths.
    private func terminalDeadline(_ c: SyscallCall, _ f: OpenFile) -> UInt64? {
        guard case .terminal = f.object else { return nil }
        let t = terminal.termios
        guard !t.isCanonical, t.cc[Termios.VMIN] == 0, t.cc[Termios.VTIME] > 0 else { return nil }
        return c.deadline ?? Kenix.clock() &+ UInt64(t.cc[Termios.VTIME]) * 100_000_000
    }

    func file(_ c: SyscallCall, _ fd: UInt64) -> OpenFile? {
        let n = SyscallCall.fd(fd)
        return n < 0 ? nil : c.process.files.get(UInt64(n))
    }

    func sysRead(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        let n = Int(min(c.a2, 0x7FFF_F000))
        if c.isRetry, let d = c.deadline, Kenix.clock() >= d { return .success(0) }   // VTIME ran out
        return outcome(read(f, c.process, into: .task(c.task, c.a1), n), c, f, total: n, isWrite: false)
    }

    func sysWrite(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        let n = Int(min(c.a2, 0x7FFF_F000))
        let done = c.process.progress
        return outcome(write(f, c.process, from: .task(c.task, c.a1 &+ UInt64(done)), n - done), c, f,
                       total: n, isWrite: true)
    }

    func sysPread(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        guard case .node = f.object else { return .error(.ESPIPE) }
        guard Int64(bitPattern: c.a3) >= 0 else { return .error(.EINVAL) }
        return outcome(read(f, c.process, into: .task(c.task, c.a1), Int(min(c.a2, 0x7FFF_F000)), at: c.a3),
                       c, f, total: 0, isWrite: false)
    }

    func sysPwrite(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        guard case .node = f.object else { return .error(.ESPIPE) }
        guard Int64(bitPattern: c.a3) >= 0 else { return .error(.EINVAL) }
        return outcome(write(f, c.process, from: .task(c.task, c.a1), Int(min(c.a2, 0x7FFF_F000)), at: c.a3),
                       c, f, total: 0, isWrite: false)
    }

    /// The iovec array (base, length pairs), at most IOV_MAX (1024) of them.
    func iovecs(_ c: SyscallCall, _ address: UInt64, _ count: UInt64) -> Result<[(UInt64, Int)], Errno> {
        guard count <= 1024 else { return .failure(.EINVAL) }
        guard let b = Guest.read(c.task, address, Int(count) * 16) else { return .failure(.EFAULT) }
        var out: [(UInt64, Int)] = []
        var total: UInt64 = 0
        for i in 0..<Int(count) {
            let length = LE.u64(b, 16 * i + 8)
            guard length <= 0x7FFF_FFFF, total + length <= 0x7FFF_FFFF else { return .failure(.EINVAL) }
            total += length
            out.append((LE.u64(b, 16 * i), Int(length)))
        }
        return .success(out)
    }

    /// readv: fills the buffers in order; it waits only for the first byte.
    func sysReadv(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        let vec: [(UInt64, Int)]
        switch iovecs(c, c.a1, c.a2) {
        case .failure(let e): return .error(e)
        case .success(let v): vec = v
        }
        var total = 0
        for (base, length) in vec where length > 0 {
            switch read(f, c.process, into: .task(c.task, base), length) {
            case .done(let n):
                total += n
                if n < length { return .success(total) }
            case .wouldBlock:
                if total > 0 { return .success(total) }
                return outcome(.wouldBlock, c, f, total: 0, isWrite: false)
            case .failed(let e): return total > 0 ? .success(total) : .error(e)
            case .brokenPipe: return .error(.EPIPE)
            }
        }
        return .success(total)
    }

    /// writev: the buffers in order, as one write would.
    func sysWritev(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        let vec: [(UInt64, Int)]
        switch iovecs(c, c.a1, c.a2) {
        case .failure(let e): return .error(e)
        case .success(let v): vec = v
        }
        let p = c.process
        var skip = p.progress   // bytes of earlier rounds (a blocked pipe write)
        var total = 0
        for (_, length) in vec { total += length }
        for (base, length) in vec where length > 0 {
            if skip >= length { skip -= length; continue }
            let r = write(f, p, from: .task(c.task, base &+ UInt64(skip)), length - skip)
            skip = 0
            switch r {
            case .done(let n):
                p.progress += n
                if n < length { return outcome(.done(0), c, f, total: total, isWrite: true) }
            default:
                return outcome(r, c, f, total: total, isWrite: true)
            }
        }
        let moved = p.progress
        p.progress = 0
        return .success(moved)
    }

    func sysLseek(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        let offset = Int64(bitPattern: c.a1)
        switch f.object {
        case .pipeRead, .pipeWrite, .terminal: return .error(.ESPIPE)
        case .device: return .success(0)
        case .node(let node):
            let base: Int64
            switch c.a2 {
            case 0: base = 0
            case 1: base = Int64(f.offset)
            case 2: base = Int64(node.currentSize)
            default: return .error(.EINVAL)
            }
            let (target, overflow) = base.addingReportingOverflow(offset)
            guard !overflow, target >= 0 else { return .error(.EINVAL) }
            f.offset = UInt64(target)
            return .value(target)
        }
    }

    /// sendfile(out, in, offset, count): through the server's scratch
    /// buffer, as much as the output takes without waiting.
    func sysSendfile(_ c: inout SyscallCall) -> Outcome {
        guard let out = file(c, c.a0), let input = file(c, c.a1) else { return .error(.EBADF) }
        guard out.canWrite, input.canRead else { return .error(.EBADF) }
        // As Linux: the input must be a file-like object (a terminal is not).
        if case .terminal = input.object { return .error(.EINVAL) }
        if case .node(let n) = input.object, n.isDirectory { return .error(.EINVAL) }
        var offset: UInt64? = nil
        if c.a2 != 0 {
            guard case .node = input.object else { return .error(.ESPIPE) }
            guard let o = Guest.readU64(c.task, c.a2) else { return .error(.EFAULT) }
            guard Int64(bitPattern: o) >= 0 else { return .error(.EINVAL) }
            offset = o
        }
        var want = Int(min(c.a3, 0x7FFF_F000))
        want = min(want, Self.scratchSize)
        if case .pipeWrite(let pipe) = out.object {
            if pipe.readers == 0 { return outcome(.brokenPipe, c, out, total: 0, isWrite: true) }
            if pipe.space == 0 { return outcome(.wouldBlock, c, out, total: 0, isWrite: true) }
            want = min(want, pipe.space)
        }
        if want == 0 { return .success(0) }
        let got: Int
        switch read(input, c.process, into: .local(scratch), want, at: offset) {
        case .done(let n): got = n
        case let other: return outcome(other, c, input, total: 0, isWrite: false)
        }
        if got == 0 { return .success(0) }
        switch write(out, c.process, from: .local(scratch), got) {
        case .done(let n):
            if let o = offset, !Guest.writeU64(c.task, c.a2, o + UInt64(n)) { return .error(.EFAULT) }
            return .success(n)
        case let other:
            return outcome(other, c, out, total: 0, isWrite: true)
        }
    }
}
