// Path syscalls: newfstatat, fstat, statx, getdents64, faccessat,
// readlinkat, getcwd, chdir, fchdir, mkdirat, unlinkat, symlinkat,
// renameat(2), truncate, ftruncate, chmod/chown (accepted: the file systems
// keep no owners or modes, docs/linux.md), utimensat, statfs, fstatfs, fsync.

extension Server {
    /// What `path` names: the server's own nodes, else the file system.
    func stat(path: [UInt8], follow: Bool, _ p: Process) -> Result<FileInfo, Errno> {
        if let dev = DevNode.lookup(path) {
            if dev == .executable && follow { return LinuxFiles.stat(p.exe, follow: true) }
            return .success(dev.info)
        }
        return LinuxFiles.stat(path, follow: follow)
    }

    /// What a description refers to.
    func info(_ f: OpenFile) -> FileInfo {
        switch f.object {
        case .pipeRead(let pipe), .pipeWrite(let pipe):
            var i = FileInfo(type: .fifo, permissions: 0o600)
            i.inode = UInt64(pipe.id) + 1000
            i.device = 6
            i.size = 0
            return i
        case .terminal: return DevNode.console.info
        case .device(let kind): return DevNode.device(kind).info
        case .node(let n): return n.info
        }
    }

    /// What newfstatat and statx describe: the file at (dirfd a0, path a1),
    /// or with AT_EMPTY_PATH and an empty path the descriptor itself.
    func statAt(_ c: SyscallCall, flags: UInt64) -> Result<FileInfo, Errno> {
        if flags & AtFlag.emptyPath != 0, let s = try? Guest.string(c.task, c.a1).get(), s.isEmpty {
            if SyscallCall.fd(c.a0) == AtFlag.cwd { return stat(path: c.process.cwd, follow: true, c.process) }
            guard let f = file(c, c.a0) else { return .failure(.EBADF) }
            return .success(info(f))
        }
        switch path(c, dirfd: c.a0, c.a1) {
        case .failure(let e): return .failure(e)
        case .success(let p): return stat(path: p, follow: flags & AtFlag.symlinkNoFollow == 0, c.process)
        }
    }

    func sysNewfstatat(_ c: inout SyscallCall) -> Outcome {
        let flags = c.a3
        guard flags & ~(AtFlag.symlinkNoFollow | AtFlag.emptyPath | 0x800 /* AT_NO_AUTOMOUNT */) == 0 else {
            return .error(.EINVAL)
        }
        switch statAt(c, flags: flags) {
        case .failure(let e): return .error(e)
        case .success(let i): return Guest.write(c.task, c.a2, i.stat) ? .success(0) : .error(.EFAULT)
        }
    }

    func sysFstat(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        return Guest.write(c.task, c.a1, info(f).stat) ? .success(0) : .error(.EFAULT)
    }

    /// statx(dirfd, path, flags, mask, buffer).
    func sysStatx(_ c: inout SyscallCall) -> Outcome {
        let flags = c.a2
        let buffer = c.a4()
        switch statAt(c, flags: flags) {
        case .failure(let e): return .error(e)
        case .success(let i): return Guest.write(c.task, buffer, i.statx) ? .success(0) : .error(.EFAULT)
        }
    }

    /// getdents64(fd, buffer, length): entries from the description's
    /// offset (an entry index), as many whole records as fit.
    func sysGetdents64(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        guard case .node(let node) = f.object else { return .error(.ENOTDIR) }
        guard let entries = node.entries else { return .error(.ENOTDIR) }
        let limit = Int(min(c.a2, 1 << 20))
        var out: [UInt8] = []
        var index = Int(min(f.offset, UInt64(Int.max)))
        while index < entries.count {
            let e = entries[index]
            guard Dirent.append(&out, limit: limit, inode: e.inode, next: UInt64(index + 1), type: e.type, name: e.name)
            else { break }
            index += 1
        }
        if out.isEmpty && index < entries.count { return .error(.EINVAL) }   // buffer too small for one
        guard Guest.write(c.task, c.a1, out) else { return .error(.EFAULT) }
        f.offset = UInt64(index)
        return .success(out.count)
    }

    /// faccessat(dirfd, path, mode[, flags]): root may read and write
    /// anything that exists; X_OK needs an executable type.
    func sysFaccessat(_ c: inout SyscallCall) -> Outcome {
        guard c.a2 & ~7 == 0 else { return .error(.EINVAL) }
        let follow = c.number == LinuxSyscall.faccessat2.rawValue ? c.a3 & AtFlag.symlinkNoFollow == 0 : true
        switch path(c, dirfd: c.a0, c.a1) {
        case .failure(let e): return .error(e)
        case .success(let p):
            switch stat(path: p, follow: follow, c.process) {
            case .failure(let e): return .error(e)
            case .success(let i):
                if c.a2 & 1 != 0 && i.permissions & 0o111 == 0 { return .error(.EACCES) }
                return .success(0)
            }
        }
    }

    func sysReadlinkat(_ c: inout SyscallCall) -> Outcome {
        guard Int64(bitPattern: c.a3) > 0 else { return .error(.EINVAL) }
        let target: [UInt8]
        switch path(c, dirfd: c.a0, c.a1) {
        case .failure(let e): return .error(e)
        case .success(let p):
            if DevNode.lookup(p) == .executable {
                target = c.process.exe
            } else if DevNode.lookup(p) != nil {
                return .error(.EINVAL)
            } else {
                switch LinuxFiles.readLink(p) {
                case .failure(let e): return .error(e)
                case .success(let t): target = t
                }
            }
        }
        let n = min(target.count, Int(min(c.a3, 1 << 20)))
        return Guest.write(c.task, c.a2, Array(target[0..<n])) ? .success(n) : .error(.EFAULT)
    }

    func sysGetcwd(_ c: inout SyscallCall) -> Outcome {
        let cwd = c.process.cwd + [0]
        guard c.a1 >= UInt64(cwd.count) else { return .error(.ERANGE) }
        return Guest.write(c.task, c.a0, cwd) ? .success(cwd.count) : .error(.EFAULT)
    }

    func changeDirectory(_ p: Process, to absolute: [UInt8]) -> Outcome {
        switch stat(path: absolute, follow: true, p) {
        case .failure(let e): return .error(e)
        case .success(let i):
            guard i.type == .directory else { return .error(.ENOTDIR) }
            p.cwd = PathName.normalize(absolute)
            return .success(0)
        }
    }

    func sysChdir(_ c: inout SyscallCall) -> Outcome {
        switch path(c, dirfd: UInt64(bitPattern: AtFlag.cwd), c.a0) {
        case .failure(let e): return .error(e)
        case .success(let p): return changeDirectory(c.process, to: p)
        }
    }

    func sysFchdir(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        guard isDirectory(f) else { return .error(.ENOTDIR) }
        c.process.cwd = f.path
        return .success(0)
    }

    private func simple(_ c: SyscallCall, dirfd: UInt64, _ address: UInt64, _ op: ([UInt8]) -> Errno?) -> Outcome {
        switch path(c, dirfd: dirfd, address) {
        case .failure(let e): return .error(e)
        case .success(let p):
            if DevNode.lookup(p) != nil { return .error(.EPERM) }
            if let e = op(p) { return .error(e) }
            return .success(0)
        }
    }

    func sysMkdirat(_ c: inout SyscallCall) -> Outcome {
        simple(c, dirfd: c.a0, c.a1) { LinuxFiles.makeDirectory($0) }
    }

    func sysUnlinkat(_ c: inout SyscallCall) -> Outcome {
        guard c.a2 & ~AtFlag.removeDir == 0 else { return .error(.EINVAL) }
        let rmdir = c.a2 & AtFlag.removeDir != 0
        return simple(c, dirfd: c.a0, c.a1) { rmdir ? LinuxFiles.removeDirectory($0) : LinuxFiles.unlink($0) }
    }

    func sysSymlinkat(_ c: inout SyscallCall) -> Outcome {
        let target: [UInt8]
        switch Guest.string(c.task, c.a0) {
        case .failure(let e): return .error(e)
        case .success(let t): target = t
        }
        guard !target.isEmpty else { return .error(.ENOENT) }
        return simple(c, dirfd: c.a1, c.a2) { LinuxFiles.symlink(target: target, $0) }
    }

    /// renameat(olddirfd, old, newdirfd, new) and renameat2 with flags 0
    /// (RENAME_NOREPLACE and RENAME_EXCHANGE: -EINVAL).
    func sysRenameat(_ c: inout SyscallCall, flags: UInt64) -> Outcome {
        guard flags == 0 else { return .error(.EINVAL) }
        let from: [UInt8], to: [UInt8]
        switch path(c, dirfd: c.a0, c.a1) {
        case .failure(let e): return .error(e)
        case .success(let p): from = p
        }
        switch path(c, dirfd: c.a2, c.a3) {
        case .failure(let e): return .error(e)
        case .success(let p): to = p
        }
        if DevNode.lookup(from) != nil || DevNode.lookup(to) != nil { return .error(.EXDEV) }
        if let e = LinuxFiles.rename(from, to) { return .error(e) }
        return .success(0)
    }

    func sysTruncate(_ c: inout SyscallCall) -> Outcome {
        guard Int64(bitPattern: c.a1) >= 0 else { return .error(.EINVAL) }
        let size = c.a1
        return simple(c, dirfd: UInt64(bitPattern: AtFlag.cwd), c.a0) { LinuxFiles.truncate($0, size) }
    }

    func sysFtruncate(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        guard Int64(bitPattern: c.a1) >= 0 else { return .error(.EINVAL) }
        guard case .node(let n) = f.object, !n.isDirectory else { return .error(.EINVAL) }
        guard f.canWrite else { return .error(.EINVAL) }
        if let e = n.truncate(c.a1) { return .error(e) }
        return .success(0)
    }

    /// fchmod, fchown: accepted on any open file.
    func sysFchmodown(_ c: inout SyscallCall) -> Outcome {
        file(c, c.a0) == nil ? .error(.EBADF) : .success(0)
    }

    /// fchmodat, fchownat: accepted when the path exists.
    func sysPathChmodown(_ c: inout SyscallCall) -> Outcome {
        let follow = c.number == LinuxSyscall.fchownat.rawValue ? c.a4() & AtFlag.symlinkNoFollow == 0 : true
        switch path(c, dirfd: c.a0, c.a1, allowEmpty: true) {
        case .failure(let e): return .error(e)
        case .success(let p):
            if case .failure(let e) = stat(path: p, follow: follow, c.process) { return .error(e) }
            return .success(0)
        }
    }

    /// utimensat(dirfd, path, times, flags): checks its arguments; the
    /// file server has no request to set times (docs/linux.md).
    func sysUtimensat(_ c: inout SyscallCall) -> Outcome {
        if c.a2 != 0, Guest.read(c.task, c.a2, 32) == nil { return .error(.EFAULT) }
        if c.a1 == 0 { return file(c, c.a0) == nil ? .error(.EBADF) : .success(0) }
        switch path(c, dirfd: c.a0, c.a1, allowEmpty: c.a3 & AtFlag.emptyPath != 0) {
        case .failure(let e): return .error(e)
        case .success(let p):
            if case .failure(let e) = stat(path: p, follow: c.a3 & AtFlag.symlinkNoFollow == 0, c.process) {
                return .error(e)
            }
            return .success(0)
        }
    }

    /// struct statfs (120 bytes on AArch64).
    private func statfsRecord(_ path: [UInt8]) -> Result<[UInt8], Errno> {
        switch LinuxFiles.fileSystemInfo(path) {
        case .failure(let e): return .failure(e)
        case .success(let (blockSize, blocks, free, files, readOnly)):
            var b = [UInt8](repeating: 0, count: 120)
            LE.put64(&b, 0, 0x0102_1994)         // f_type: TMPFS_MAGIC
            LE.put64(&b, 8, blockSize)
            LE.put64(&b, 16, blocks)
            LE.put64(&b, 24, free)
            LE.put64(&b, 32, free)
            LE.put64(&b, 40, files)
            LE.put64(&b, 48, 0)
            LE.put64(&b, 64, 255)                 // f_namelen
            LE.put64(&b, 72, blockSize)           // f_frsize
            LE.put64(&b, 80, readOnly ? 1 : 0)    // f_flags: ST_RDONLY
            return .success(b)
        }
    }

    func sysStatfs(_ c: inout SyscallCall) -> Outcome {
        switch path(c, dirfd: UInt64(bitPattern: AtFlag.cwd), c.a0) {
        case .failure(let e): return .error(e)
        case .success(let p):
            switch statfsRecord(p) {
            case .failure(let e): return .error(e)
            case .success(let b): return Guest.write(c.task, c.a1, b) ? .success(0) : .error(.EFAULT)
            }
        }
    }

    func sysFstatfs(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        switch statfsRecord(f.path.first == 0x2F ? f.path : [0x2F]) {
        case .failure(let e): return .error(e)
        case .success(let b): return Guest.write(c.task, c.a1, b) ? .success(0) : .error(.EFAULT)
        }
    }

    func sysFsync(_ c: inout SyscallCall) -> Outcome {
        guard let f = file(c, c.a0) else { return .error(.EBADF) }
        if case .node(let n) = f.object { n.sync() }
        return .success(0)
    }
}
