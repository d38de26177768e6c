// The file operations, per client, in the terms of POSIX: open (with
// create, exclusive, truncate, append, directory, no-follow), close, read,
// write, positioned read and write, seek, stat, readdir, mkdir, rmdir,
// unlink, rename, truncate, sync, chdir, getcwd, symlink, readlink and
// statfs. Errors are FileError values; nothing is held after an error.

#if canImport(KenixABI)
import KenixABI
#endif

extension VFS {
    // MARK: open and close

    public func open(_ client: UInt64, _ path: [UInt8], flags: UInt64) throws(FileError) -> Int {
        guard flags & ~OpenFlags.all == 0, flags & OpenFlags.accessMask != 3 else { throw .invalidArgument }
        let access = flags & OpenFlags.accessMask
        let writable = access != OpenFlags.readOnly
        let ref = try openTarget(client, path, flags: flags)
        do throws(FileError) {
            let info = try self.info(ref)
            switch info.kind {
            case .symlink: throw .tooManyLinks   // O_NOFOLLOW on a link
            case .directory: if writable { throw .isDirectory }
            case .regular: if flags & OpenFlags.directory != 0 { throw .notDirectory }
            }
            if writable {
                if fs(ref).isReadOnly { throw .readOnly }
                if info.readOnly { throw .accessDenied }
                if flags & OpenFlags.truncate != 0 && info.size > 0 { try fs(ref).resize(ref.node, to: 0) }
            }
            let file = OpenFile(ref: ref, readable: access != OpenFlags.writeOnly, writable: writable,
                                append: flags & OpenFlags.append != 0, isDirectory: info.kind == .directory)
            return try install(client, file)
        } catch {
            release(ref)
            throw error
        }
    }

    /// The node `open` acts on, held: resolved, or created with `create`.
    func openTarget(_ client: UInt64, _ path: [UInt8], flags: UInt64) throws(FileError) -> NodeRef {
        let cwd = try state(client).cwd
        let follow = flags & OpenFlags.noFollow == 0
        guard flags & OpenFlags.create != 0 else { return try resolve(path, from: cwd, follow: follow) }
        let exclusive = flags & OpenFlags.exclusive != 0
        var target = path
        var start = cwd
        retain(start)
        defer { release(start) }
        var links = 0
        while true {
            let (parent, last, trailing) = try resolveParent(target, from: start)
            defer { release(parent) }
            guard let name = last else {   // "/"
                if exclusive { throw .exists }
                throw .isDirectory
            }
            let existing: NodeRef
            do throws(FileError) { existing = try child(parent, name) } catch {
                guard error == .notFound else { throw error }
                if trailing { throw .isDirectory }
                return NodeRef(mount: parent.mount,
                               node: try fs(parent).create(in: parent.node, name, kind: .regular, target: []))
            }
            if exclusive { release(existing); throw .exists }
            let isLink: Bool
            do throws(FileError) { isLink = try fs(existing).kind(existing.node) == .symlink } catch {
                release(existing)
                throw error
            }
            guard isLink && follow else { return existing }
            links += 1
            let link: [UInt8]
            do throws(FileError) {
                guard links <= FileLimits.maxSymlinkFollows else { throw .tooManyLinks }
                link = try fs(existing).readLink(existing.node)
            } catch {
                release(existing)
                throw error
            }
            release(existing)
            target = link   // a relative target starts at the link's directory
            release(start)
            start = parent
            retain(start)
        }
    }

    public func close(_ client: UInt64, _ fd: Int) throws(FileError) {
        let f = try file(client, fd)
        clients[client]!.files[fd] = nil
        unuse(f.ref)
        release(f.ref)
    }

    // MARK: data

    public func read(_ client: UInt64, _ fd: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        var f = try file(client, fd)
        let n = try read(f, at: f.position, into: buffer)
        f.position += UInt64(n)
        setFile(client, fd, f)
        return n
    }

    public func read(_ client: UInt64, _ fd: Int, at offset: UInt64,
                     into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        try read(try file(client, fd), at: offset, into: buffer)
    }

    func read(_ f: OpenFile, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        guard f.readable else { throw .badFile }
        guard !f.isDirectory else { throw .isDirectory }
        return try fs(f.ref).read(f.ref.node, at: offset, into: buffer)
    }

    public func write(_ client: UInt64, _ fd: Int, from buffer: UnsafeRawBufferPointer) throws(FileError) -> Int {
        var f = try file(client, fd)
        guard f.writable else { throw .badFile }
        if f.append { f.position = try info(f.ref).size }
        let n = try fs(f.ref).write(f.ref.node, at: f.position, from: buffer)
        f.position += UInt64(n)
        setFile(client, fd, f)
        return n
    }

    public func write(_ client: UInt64, _ fd: Int, at offset: UInt64,
                      from buffer: UnsafeRawBufferPointer) throws(FileError) -> Int {
        let f = try file(client, fd)
        guard f.writable else { throw .badFile }
        return try fs(f.ref).write(f.ref.node, at: offset, from: buffer)
    }

    /// Moves the position; on a directory only back to the start (rewinddir).
    public func seek(_ client: UInt64, _ fd: Int, offset: Int64, origin: SeekOrigin) throws(FileError) -> UInt64 {
        var f = try file(client, fd)
        if f.isDirectory {
            guard offset == 0, origin == .start else { throw .invalidArgument }
            f.cookie = 0
            f.position = 0
            setFile(client, fd, f)
            return 0
        }
        let base: Int64
        switch origin {
        case .start: base = 0
        case .current: base = Int64(clamping: f.position)
        case .end: base = Int64(clamping: try info(f.ref).size)
        }
        let (sum, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, sum >= 0 else { throw .invalidArgument }
        f.position = UInt64(sum)
        setFile(client, fd, f)
        return f.position
    }

    public func truncate(_ client: UInt64, _ fd: Int, size: UInt64) throws(FileError) {
        let f = try file(client, fd)
        guard f.writable, !f.isDirectory else { throw .badFile }
        try fs(f.ref).resize(f.ref.node, to: size)
    }

    public func truncate(_ client: UInt64, _ path: [UInt8], size: UInt64) throws(FileError) {
        let ref = try resolve(path, from: try state(client).cwd, follow: true)
        defer { release(ref) }
        let info = try self.info(ref)
        guard info.kind != .directory else { throw .isDirectory }
        if fs(ref).isReadOnly { throw .readOnly }
        if info.readOnly { throw .accessDenied }
        try fs(ref).resize(ref.node, to: size)
    }

    // MARK: information

    /// A node's information and its mount (the stat record's device).
    public func stat(_ client: UInt64, _ path: [UInt8], follow: Bool) throws(FileError) -> (NodeInfo, UInt32) {
        let ref = try resolve(path, from: try state(client).cwd, follow: follow)
        defer { release(ref) }
        return (try info(ref), UInt32(ref.mount))
    }

    public func fstat(_ client: UInt64, _ fd: Int) throws(FileError) -> (NodeInfo, UInt32) {
        let f = try file(client, fd)
        return (try info(f.ref), UInt32(f.ref.mount))
    }

    /// Hands `emit` the next entries of directory `fd` until it returns false
    /// (that entry is given again next time) or the directory ends.
    public func readDirectory(_ client: UInt64, _ fd: Int, _ emit: (DirectoryItem) -> Bool) throws(FileError) {
        var f = try file(client, fd)
        guard f.isDirectory else { throw .notDirectory }
        var cookie = f.cookie
        try fs(f.ref).readDirectory(f.ref.node, from: cookie) { item, next in
            guard emit(item) else { return false }
            cookie = next
            return true
        }
        f.cookie = cookie
        setFile(client, fd, f)
    }

    public func readLink(_ client: UInt64, _ path: [UInt8]) throws(FileError) -> [UInt8] {
        let ref = try resolve(path, from: try state(client).cwd, follow: false)
        defer { release(ref) }
        guard try fs(ref).kind(ref.node) == .symlink else { throw .invalidArgument }
        return try fs(ref).readLink(ref.node)
    }

    public func fileSystemInfo(_ client: UInt64, _ path: [UInt8]) throws(FileError) -> (FileSystemUsage, UInt32) {
        let ref = try resolve(path, from: try state(client).cwd, follow: true)
        release(ref)
        return (mounts[ref.mount].fs.usage(), UInt32(ref.mount))
    }

    /// Every mounted file system: usage, mount number, mount point.
    public func mountList() -> [(FileSystemUsage, UInt32, [UInt8])] {
        var out: [(FileSystemUsage, UInt32, [UInt8])] = []
        for m in 0..<mounts.count where mounts[m].live { out.append((mounts[m].fs.usage(), UInt32(m), mounts[m].path)) }
        return out
    }

    // MARK: directories

    public func changeDirectory(_ client: UInt64, _ path: [UInt8]) throws(FileError) {
        let old = try state(client).cwd
        let ref = try resolve(path, from: old, follow: true)
        guard try fs(ref).kind(ref.node) == .directory else { release(ref); throw .notDirectory }
        use(ref)
        clients[client]!.cwd = ref
        unuse(old)
        release(old)
    }

    public func currentDirectory(_ client: UInt64) throws(FileError) -> [UInt8] {
        try absolutePath(of: try state(client).cwd)
    }
}
