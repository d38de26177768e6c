// Descriptor syscalls: openat, close, dup, dup3, fcntl, pipe2, and the
// path helpers every *at call uses (AT_FDCWD or a directory descriptor,
// AT_EMPTY_PATH).

enum AtFlag {
    static let cwd: Int64 = -100
    static let symlinkNoFollow: UInt64 = 0x100
    static let removeDir: UInt64 = 0x200
    static let symlinkFollow: UInt64 = 0x400
    static let emptyPath: UInt64 = 0x1000
}

extension Server {
    /// The absolute path `pathAddress` names relative to `dirfd`.
    func path(_ c: SyscallCall, dirfd: UInt64, _ pathAddress: UInt64, allowEmpty: Bool = false) -> Result<[UInt8], Errno> {
        let s: [UInt8]
        switch Guest.string(c.task, pathAddress) {
        case .failure(let e): return .failure(e)
        case .success(let v): s = v
        }
        let fd = SyscallCall.fd(dirfd)
        if s.isEmpty {
            guard allowEmpty else { return .failure(.ENOENT) }
            if fd == AtFlag.cwd { return .success(c.process.cwd) }
            guard fd >= 0, let f = c.process.files.get(UInt64(fd)) else { return .failure(.EBADF) }
            return .success(f.path)
        }
        if s.first == 0x2F { return .success(s) }
        if fd == AtFlag.cwd { return .success(PathName.join(c.process.cwd, s)) }
        guard fd >= 0, let f = c.process.files.get(UInt64(fd)) else { return .failure(.EBADF) }
        guard isDirectory(f) else { return .failure(.ENOTDIR) }
        return .success(PathName.join(f.path, s))
    }

    func isDirectory(_ f: OpenFile) -> Bool {
        if case .node(let n) = f.object { return n.isDirectory }
        return false
    }

    func install(_ c: SyscallCall, _ f: OpenFile, closeOnExec: Bool, minimum: Int = 0) -> Outcome {
        guard let fd = c.process.files.lowestFree(from: minimum) else {
            if f.references == 0 { release(f) }
            return .error(.EMFILE)
        }
        c.process.files.install(f, at: fd, closeOnExec: closeOnExec)
        return .success(fd)
    }

    /// openat(dirfd, path, flags, mode).
    func sysOpenat(_ c: inout SyscallCall) -> Outcome {
        let flags = c.a2
        let absolute: [UInt8]
        switch path(c, dirfd: c.a0, c.a1) {
        case .failure(let e): return .error(e)
        case .success(let p): absolute = p
        }
        let closeOnExec = flags & OpenFlag.closeOnExec != 0
        let kept = flags & ~(OpenFlag.closeOnExec | OpenFlag.create | OpenFlag.exclusive | OpenFlag.truncate
                             | OpenFlag.noCTTY | OpenFlag.noFollow)
        if let dev = DevNode.lookup(absolute) {
            let object: FileObject
            switch dev {
            case .device(let kind): object = .device(kind)
            case .console: object = .terminal
            case .tty:
                guard terminal.session == c.process.sid else { return .error(.ENXIO) }
                object = .terminal
            case .directory:
                guard flags & OpenFlag.accessMask == OpenFlag.readOnly else { return .error(.EISDIR) }
                object = .node(FileNode(.directory(DevNode.listing), dev.info))
            case .proc, .procSelf:
                guard flags & OpenFlag.accessMask == OpenFlag.readOnly else { return .error(.EISDIR) }
                object = .node(FileNode(.directory([DirEntry(name: [0x2E], type: .directory, inode: 3)]), dev.info))
            case .executable:
                // Opening it opens the program itself.
                return openNode(c, c.process.exe, flags: flags, kept: kept, closeOnExec: closeOnExec)
            }
            if flags & OpenFlag.directory != 0, dev != .directory, dev != .proc, dev != .procSelf { return .error(.ENOTDIR) }
            return install(c, OpenFile(object, flags: kept, path: PathName.normalize(absolute)), closeOnExec: closeOnExec)
        }
        return openNode(c, absolute, flags: flags, kept: kept, closeOnExec: closeOnExec)
    }

    private func openNode(_ c: SyscallCall, _ absolute: [UInt8], flags: UInt64, kept: UInt64, closeOnExec: Bool) -> Outcome {
        switch LinuxFiles.open(absolute, flags: flags, follow: flags & OpenFlag.noFollow == 0) {
        case .failure(let e): return .error(e)
        case .success(let node):
            return install(c, OpenFile(.node(node), flags: kept, path: PathName.normalize(absolute)), closeOnExec: closeOnExec)
        }
    }

    func sysClose(_ c: inout SyscallCall) -> Outcome {
        let fd = SyscallCall.fd(c.a0)
        guard fd >= 0, c.process.files.get(UInt64(fd)) != nil else { return .error(.EBADF) }
        if let last = c.process.files.remove(Int(fd)) { release(last) }
        return .success(0)
    }

    func sysDup(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        return install(c, f, closeOnExec: false)
    }

    func sysDup3(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        let new = SyscallCall.fd(c.a1)
        guard c.a2 & ~OpenFlag.closeOnExec == 0, new >= 0, new < Int64(FileTable.limit) else { return .error(.EINVAL) }
        guard SyscallCall.fd(c.a0) != new else { return .error(.EINVAL) }
        if let last = c.process.files.remove(Int(new)) { release(last) }
        c.process.files.install(f, at: Int(new), closeOnExec: c.a2 & OpenFlag.closeOnExec != 0)
        return .success(Int(new))
    }

    /// fcntl: F_DUPFD (0), F_GETFD (1), F_SETFD (2), F_GETFL (3), F_SETFL (4),
    /// F_DUPFD_CLOEXEC (1030); locks (5–7) succeed with nothing to lock.
    func sysFcntl(_ c: inout SyscallCall) -> Outcome {
        let fd = SyscallCall.fd(c.a0)
        guard fd >= 0, let d = c.process.files.descriptor(UInt64(fd)) else { return .error(.EBADF) }
        switch c.a1 {
        case 0, 1030:
            guard c.a2 < UInt64(FileTable.limit) else { return .error(.EINVAL) }
            return install(c, d.file, closeOnExec: c.a1 == 1030, minimum: Int(c.a2))
        case 1: return .success(d.closeOnExec ? 1 : 0)
        case 2: c.process.files.setCloseOnExec(Int(fd), c.a2 & 1 != 0); return .success(0)
        case 3: return .value(Int64(d.file.flags))
        case 4:
            d.file.flags = d.file.flags & ~OpenFlag.settable | c.a2 & OpenFlag.settable
            return .success(0)
        case 5, 6, 7: return .success(0)
        default: return .error(.EINVAL)
        }
    }

    /// pipe2(fds, flags): O_CLOEXEC and O_NONBLOCK.
    func sysPipe2(_ c: inout SyscallCall) -> Outcome {
        guard c.a1 & ~(OpenFlag.closeOnExec | OpenFlag.nonBlock) == 0 else { return .error(.EINVAL) }
        let p = c.process
        guard let r = p.files.lowestFree(), let w = p.files.lowestFree(from: r + 1) else { return .error(.EMFILE) }
        pipeCounter += 1
        guard let pipe = Pipe(id: pipeCounter) else { return .error(.ENFILE) }
        var b = [UInt8](repeating: 0, count: 8)
        LE.put32(&b, 0, UInt32(r)); LE.put32(&b, 4, UInt32(w))
        guard Guest.write(c.task, c.a0, b) else { return .error(.EFAULT) }
        let status = c.a1 & OpenFlag.nonBlock
        let name = PathName.bytes("pipe:")
        let reader = OpenFile(.pipeRead(pipe), flags: OpenFlag.readOnly | status, path: name)
        let writer = OpenFile(.pipeWrite(pipe), flags: OpenFlag.writeOnly | status, path: name)
        pipe.readers = 1
        pipe.writers = 1
        let cloexec = c.a1 & OpenFlag.closeOnExec != 0
        p.files.install(reader, at: r, closeOnExec: cloexec)
        p.files.install(writer, at: w, closeOnExec: cloexec)
        return .success(0)
    }
}
