// Files: the file system as the Linux processes see it, in one place, so the
// backend behind it can change without touching the syscalls. Paths reach
// it absolute (the caller joined them to the process's directory). The
// server's own nodes come first: /dev (DevFS) and /proc/self/exe; the rest
// is the backend: for now the boot image (BootFS: /bin with busybox and its
// applet links, /boot with every file of the initrd, an empty /tmp), read
// only. The VFS server replaces it when it is on main (docs/linux.md).

/// A directory entry as getdents64 lists it.
struct DirectoryEntry {
    var name: [UInt8]
    var type: FileType
    var inode: UInt64
}

/// An open file or directory of the backend.
final class FileNode {
    enum Body {
        /// Bytes of the boot image.
        case data(UnsafeRawPointer, Int)
        case directory([DirectoryEntry])
    }

    let body: Body
    let info: FileInfo

    init(_ body: Body, _ info: FileInfo) { self.body = body; self.info = info }

    var isDirectory: Bool { info.type == .directory }

    /// Reads up to `length` bytes at `offset` into `destination`: the
    /// count, or -errno.
    func read(into destination: IOBuffer, _ length: Int, at offset: UInt64) -> Int64 {
        switch body {
        case .directory: return Errno.EISDIR.result
        case .data(let base, let size):
            guard offset < UInt64(size) else { return 0 }
            let n = min(length, size - Int(offset))
            return destination.copy(from: base + Int(offset), n) ? Int64(n) : Errno.EFAULT.result
        }
    }

    /// The size now (O_APPEND writes go there).
    var currentSize: UInt64 { info.size }

    /// Reads into the server's own memory (execve staging); -1 on failure.
    func readLocal(into buffer: UnsafeMutableRawPointer, _ length: Int, at offset: UInt64) -> Int {
        switch body {
        case .directory: return -1
        case .data(let base, let size):
            guard offset < UInt64(size) else { return 0 }
            let n = min(length, size - Int(offset))
            buffer.copyMemory(from: base + Int(offset), byteCount: n)
            return n
        }
    }

    func write(from source: IOBuffer, _ length: Int, at offset: UInt64) -> Int64 {
        isDirectory ? Errno.EISDIR.result : Errno.EROFS.result
    }

    /// The entries of a directory ("." and ".." first), or nil for a file.
    var entries: [DirectoryEntry]? {
        if case .directory(let list) = body { return list }
        return nil
    }

    func truncate(_ size: UInt64) -> Errno? { Errno.EROFS }
    func sync() {}
    func close() {}

    /// The whole file, for execve (read into a shared-memory object).
    var contents: UnsafeRawBufferPointer? {
        if case .data(let base, let size) = body { return UnsafeRawBufferPointer(start: base, count: size) }
        return nil
    }
}

enum Files {
    static var boot = BootFS()

    static func start() { boot.load() }

    /// Opens `path` (absolute). `follow`: resolve a symbolic link in the
    /// last component.
    static func open(_ path: [UInt8], flags: UInt64, follow: Bool = true) -> Result<FileNode, Errno> {
        let wantsWrite = flags & OpenFlag.accessMask != OpenFlag.readOnly
        switch boot.resolve(path, follow: follow) {
        case .failure(let e):
            if e == .ENOENT && flags & OpenFlag.create != 0 { return .failure(.EROFS) }
            return .failure(e)
        case .success(let n):
            if n.type == .symlink { return .failure(.ELOOP) }
            if flags & OpenFlag.create != 0 && flags & OpenFlag.exclusive != 0 { return .failure(.EEXIST) }
            if n.type == .directory && wantsWrite { return .failure(.EISDIR) }
            if flags & OpenFlag.directory != 0 && n.type != .directory { return .failure(.ENOTDIR) }
            if wantsWrite || flags & OpenFlag.truncate != 0 { return .failure(.EROFS) }
            return .success(boot.node(n))
        }
    }

    static func stat(_ path: [UInt8], follow: Bool) -> Result<FileInfo, Errno> {
        boot.resolve(path, follow: follow).map { boot.info($0) }
    }

    static func readLink(_ path: [UInt8]) -> Result<[UInt8], Errno> {
        switch boot.resolve(path, follow: false) {
        case .failure(let e): return .failure(e)
        case .success(let n): return n.type == .symlink ? .success(n.target) : .failure(.EINVAL)
        }
    }

    static func makeDirectory(_ path: [UInt8]) -> Errno? { exists(path) ? .EEXIST : .EROFS }
    static func removeDirectory(_ path: [UInt8]) -> Errno? { exists(path) ? .EROFS : .ENOENT }
    static func unlink(_ path: [UInt8]) -> Errno? { exists(path) ? .EROFS : .ENOENT }
    static func rename(_ from: [UInt8], _ to: [UInt8]) -> Errno? { exists(from) ? .EROFS : .ENOENT }
    static func symlink(target: [UInt8], _ path: [UInt8]) -> Errno? { exists(path) ? .EEXIST : .EROFS }
    static func truncate(_ path: [UInt8], _ size: UInt64) -> Errno? { exists(path) ? .EROFS : .ENOENT }
    static func sync() {}

    static func exists(_ path: [UInt8]) -> Bool {
        if case .success = boot.resolve(path, follow: false) { return true }
        return false
    }

    /// statfs: (block size, blocks, free blocks, files, read-only).
    static func fileSystemInfo(_ path: [UInt8]) -> Result<(UInt64, UInt64, UInt64, UInt64, Bool), Errno> {
        switch boot.resolve(path, follow: true) {
        case .failure(let e): return .failure(e)
        case .success: return .success((4096, UInt64(boot.imageSize / 4096), 0, UInt64(boot.nodes.count), true))
        }
    }
}
