// ppoll and pselect6: readiness of pipes, the terminal, devices and files,
// with a timeout and a temporary signal mask. When nothing is ready the
// task stays stopped and the call is re-run whenever a pipe or the
// terminal changes (the console signals when input arrives), or at the
// deadline: they really block.

enum PollEvent {
    static let input: Int16 = 0x001
    static let priority: Int16 = 0x002
    static let output: Int16 = 0x004
    static let error: Int16 = 0x008
    static let hangUp: Int16 = 0x010
    static let invalid: Int16 = 0x020
    static let readNormal: Int16 = 0x040
    static let writeNormal: Int16 = 0x100
}

extension Server {
    /// The events `f` has now, of those asked (errors and hang-ups always).
    func readiness(_ f: OpenFile, asked: Int16) -> Int16 {
        var r: Int16 = 0
        let readable = PollEvent.input | PollEvent.readNormal
        let writable = PollEvent.output | PollEvent.writeNormal
        switch f.object {
        case .pipeRead(let pipe):
            if pipe.count > 0 { r |= readable }
            if pipe.writers == 0 { r |= PollEvent.hangUp }
        case .pipeWrite(let pipe):
            if pipe.readers == 0 { r |= PollEvent.error }
            else if pipe.space >= Pipe.atomicLimit { r |= writable }
        case .terminal:
            r |= writable
            if asked & readable != 0 && terminal.pollReadable() { r |= readable }
        case .device, .node:
            r |= readable | writable
        }
        return r & (asked | PollEvent.error | PollEvent.hangUp | PollEvent.invalid)
    }

    /// Applies a temporary mask for the wait (the old one comes back when
    /// the call ends, after any handler it lets in).
    private func applyTemporaryMask(_ c: SyscallCall, _ address: UInt64, _ size: UInt64) -> Errno? {
        guard address != 0, !c.isRetry else { return nil }
        guard size == 8 else { return .EINVAL }
        guard let b = Guest.read(c.task, address, 8) else { return .EFAULT }
        let p = c.process
        p.signals.restoreMask = p.signals.mask
        p.signals.mask = SignalSet(bits: LE.u64(b, 0)).blockable
        return nil
    }

    /// The deadline of a relative timeout at `address` (nil: none, wait for ever).
    private func timeoutDeadline(_ c: SyscallCall, _ address: UInt64) -> Result<UInt64?, Errno> {
        if c.isRetry { return .success(c.deadline) }
        guard address != 0 else { return .success(nil) }
        guard let t = readTimespec(c.task, address) else { return .failure(.EFAULT) }
        guard let ns = t else { return .failure(.EINVAL) }
        return .success(Kenix.clock() &+ ns)
    }

    /// ppoll(fds, nfds, timeout, sigmask, sigsetsize).
    func sysPpoll(_ c: inout SyscallCall) -> Outcome {
        let count = c.a1
        guard count <= UInt64(FileTable.limit) * 4 else { return .error(.EINVAL) }
        let deadline: UInt64?
        switch timeoutDeadline(c, c.a2) {
        case .failure(let e): return .error(e)
        case .success(let d): deadline = d
        }
        guard var fds = Guest.read(c.task, c.a0, Int(count) * 8) else { return .error(.EFAULT) }
        if let e = applyTemporaryMask(c, c.a3, c.a4()) { return .error(e) }
        var ready = 0
        for i in 0..<Int(count) {
            let fd = Int32(bitPattern: LE.u32(fds, 8 * i))
            let asked = Int16(bitPattern: LE.u16(fds, 8 * i + 4))
            var got: Int16 = 0
            if fd >= 0 {
                if let f = c.process.files.get(UInt64(fd)) { got = readiness(f, asked: asked) }
                else { got = PollEvent.invalid }
            }
            LE.put16(&fds, 8 * i + 6, UInt16(bitPattern: got))
            if got != 0 { ready += 1 }
        }
        if ready > 0 || (deadline != nil && Kenix.clock() >= deadline!) {
            guard Guest.write(c.task, c.a0, fds) else { return .error(.EFAULT) }
            if let d = deadline, c.a2 != 0 {
                let now = Kenix.clock()
                _ = Guest.write(c.task, c.a2, Self.timespec(d > now ? d - now : 0))
            }
            return .success(ready)
        }
        return .block(.retry, deadline: deadline, restart: .restartWithoutHandler)
    }

    /// pselect6(nfds, readfds, writefds, exceptfds, timeout, {sigmask, size}).
    func sysPselect6(_ c: inout SyscallCall) -> Outcome {
        let n = Int(c.a0 & 0xFFFF_FFFF)
        guard Int32(truncatingIfNeeded: c.a0) >= 0, n <= FileTable.limit else { return .error(.EINVAL) }
        let bytes = (n + 63) / 64 * 8
        let timeout = c.a4(), maskArg = c.a5()
        let deadline: UInt64?
        switch timeoutDeadline(c, timeout) {
        case .failure(let e): return .error(e)
        case .success(let d): deadline = d
        }
        var sets: [[UInt8]] = []
        for address in [c.a1, c.a2, c.a3] {
            if address == 0 { sets.append([UInt8](repeating: 0, count: bytes)); continue }
            guard let s = Guest.read(c.task, address, bytes) else { return .error(.EFAULT) }
            sets.append(s)
        }
        if maskArg != 0 && !c.isRetry {
            guard let m = Guest.read(c.task, maskArg, 16) else { return .error(.EFAULT) }
            if let e = applyTemporaryMask(c, LE.u64(m, 0), LE.u64(m, 8)) { return .error(e) }
        }
        var out = [[UInt8](repeating: 0, count: bytes), [UInt8](repeating: 0, count: bytes), [UInt8](repeating: 0, count: bytes)]
        var ready = 0
        for fd in 0..<n {
            let bit = UInt8(1) << UInt8(fd % 8)
            let wantRead = sets[0][fd / 8] & bit != 0, wantWrite = sets[1][fd / 8] & bit != 0
            let wantExcept = sets[2][fd / 8] & bit != 0
            guard wantRead || wantWrite || wantExcept else { continue }
            guard let f = c.process.files.get(UInt64(fd)) else { c.process.signals.dropTemporaryMask(); return .error(.EBADF) }
            let asked = (wantRead ? PollEvent.input : 0) | (wantWrite ? PollEvent.output : 0)
            let got = readiness(f, asked: asked)
            if wantRead && got & (PollEvent.input | PollEvent.hangUp | PollEvent.error) != 0 { out[0][fd / 8] |= bit; ready += 1 }
            if wantWrite && got & (PollEvent.output | PollEvent.error) != 0 { out[1][fd / 8] |= bit; ready += 1 }
        }
        if ready > 0 || (deadline != nil && Kenix.clock() >= deadline!) {
            for (i, address) in [c.a1, c.a2, c.a3].enumerated() where address != 0 {
                guard Guest.write(c.task, address, out[i]) else { return .error(.EFAULT) }
            }
            if let d = deadline, timeout != 0 {
                let now = Kenix.clock()
                _ = Guest.write(c.task, timeout, Self.timespec(d > now ? d - now : 0))
            }
            return .success(ready)
        }
        return .block(.retry, deadline: deadline, restart: .restartWithoutHandler)
    }
}
