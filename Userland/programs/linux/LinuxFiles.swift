// LinuxFiles: the file system as the Linux processes see it, in one place:
// the file server (docs/vfs.md) over the server's one connection (libkenix
// Files and File, whose shared buffer data moves through), with the Linux
// face: stat records, errno values, modes. Paths reach it absolute (the
// caller joined them to the process's directory); the server's own nodes
// (/dev, /proc/self/exe: DevFS) are looked up before it. The file server
// keeps no owners or permission bits: every file reads as root's, mode
// 0755 (directories and files alike, as Linux's vfat shows a FAT volume
// with umask 022), 0777 for symbolic links, the write bits cleared on a
// read-only file system; chmod and chown are accepted and change nothing.
// A directory's link count is 2 plus its subdirectories, as on Linux.
// At start the server makes /bin (busybox and a symbolic link per applet,
// from the boot image's busybox.links), /dev, /proc and /etc (passwd and
// group naming root) in the RAM file system.

/// A directory entry as getdents64 lists it.
struct DirEntry {
    var name: [UInt8]
    var type: FileType
    var inode: UInt64
}

/// An open file or directory.
final class FileNode {
    enum Body {
        /// A file open in the file server (its descriptor there).
        case file(Int)
        /// A directory, listed when it was opened ("." and ".." first).
        case directory([DirEntry])
    }

    let body: Body
    private let openInfo: FileInfo
    private var closed = false

    init(_ body: Body, _ info: FileInfo) { self.body = body; openInfo = info }

    var isDirectory: Bool { openInfo.type == .directory }

    /// What fstat reports: asked again for a file (its size and times change).
    var info: FileInfo {
        guard case .file(let fd) = body, !closed,
              (try? Files.call(.fstat, UInt64(fd))) != nil, let s = try? Files.statusRecord() else { return openInfo }
        return LinuxFiles.info(s)
    }

    var currentSize: UInt64 { info.size }

    /// Reads up to `length` bytes at `offset` into `destination`: the
    /// count, or -errno.
    func read(into destination: IOBuffer, _ length: Int, at offset: UInt64) -> Int64 {
        guard case .file(let fd) = body else { return Errno.EISDIR.result }
        guard let shared = try? Files.buffer() else { return Errno.EIO.result }
        var done = 0
        while done < length {
            let want = min(length - done, shared.count)
            let n: Int
            do throws(FileError) {
                n = Int(try Files.call(.readAt, UInt64(fd), UInt64(want), offset &+ UInt64(done)))
            } catch {
                return done > 0 ? Int64(done) : LinuxFiles.errno(error).result
            }
            guard destination.advanced(by: done).copy(from: shared.baseAddress!, n) else {
                return done > 0 ? Int64(done) : Errno.EFAULT.result
            }
            done += n
            if n < want { break }
        }
        return Int64(done)
    }

    /// Reads into the server's own memory (execve staging); -1 on failure.
    func readLocal(into buffer: UnsafeMutableRawPointer, _ length: Int, at offset: UInt64) -> Int {
        let n = read(into: .local(buffer), length, at: offset)
        return n < 0 ? -1 : Int(n)
    }

    func write(from source: IOBuffer, _ length: Int, at offset: UInt64) -> Int64 {
        guard case .file(let fd) = body else { return Errno.EISDIR.result }
        guard let shared = try? Files.buffer() else { return Errno.EIO.result }
        var done = 0
        repeat {
            let chunk = min(length - done, shared.count)
            guard source.advanced(by: done).copy(to: shared.baseAddress!, chunk) else {
                return done > 0 ? Int64(done) : Errno.EFAULT.result
            }
            let n: Int
            do throws(FileError) {
                n = Int(try Files.call(.writeAt, UInt64(fd), UInt64(chunk), offset &+ UInt64(done)))
            } catch {
                return done > 0 ? Int64(done) : LinuxFiles.errno(error).result
            }
            done += n
            if n < chunk { break }
        } while done < length
        return Int64(done)
    }

    var entries: [DirEntry]? {
        if case .directory(let list) = body { return list }
        return nil
    }

    func truncate(_ size: UInt64) -> Errno? {
        guard case .file(let fd) = body else { return .EISDIR }
        do throws(FileError) { try Files.call(.truncateFile, UInt64(fd), size) } catch { return LinuxFiles.errno(error) }
        return nil
    }

    func sync() {
        if case .file(let fd) = body { _ = try? Files.call(.syncFile, UInt64(fd)) }
    }

    /// The last description referring to it closed.
    func close() {
        guard !closed else { return }
        closed = true
        if case .file(let fd) = body { _ = try? Files.call(.close, UInt64(fd)) }
    }
}

enum LinuxFiles {
    /// The file server's buffer: large enough that a program loads in a few requests.
    static let bufferSize: UInt64 = 256 * 1024

    static func errno(_ e: FileError) -> Errno { Errno(rawValue: Int64(e.posixNumber)) ?? .EIO }

    static func type(_ kind: FileKind) -> FileType {
        switch kind {
        case .regular: .regular
        case .directory: .directory
        case .symlink: .symlink
        }
    }

    static func info(_ s: FileStatus) -> FileInfo {
        let t = type(s.kind)
        var permissions: UInt32 = t == .symlink ? 0o777 : 0o755
        if s.readOnly && t != .symlink { permissions &= ~0o222 }
        var i = FileInfo(type: t, permissions: permissions)
        i.size = s.size
        i.inode = s.id
        i.device = UInt64(s.device) + 1
        i.links = max(s.links, 1)
        i.allocated = s.allocated
        i.accessed = s.accessed
        i.modified = s.modified
        i.changed = s.modified
        return i
    }

    static func start() {
        _ = try? Files.setBufferSize(bufferSize)
        populate()
    }

    /// /bin with busybox and its applet links; /dev and /proc (served by DevFS).
    static func populate() {
        for dir: StaticString in ["/bin", "/dev", "/proc", "/etc"] { _ = try? Files.makeDirectory(dir) }
        // Names for uid and gid 0, so ls -l shows "root" as on a Linux system.
        _ = try? Files.write(PathName.bytes("root:x:0:0:root:/:/bin/sh\n"), to: "/etc/passwd")
        _ = try? Files.write(PathName.bytes("root:x:0:\n"), to: "/etc/group")
        guard (try? Files.status("/boot/busybox")) != nil else { return }
        _ = try? Files.symlink("/boot/busybox", at: "/bin/busybox")
        guard let list = try? Files.contents(of: "/boot/busybox.links") else { return }
        var line: [UInt8] = []
        var path = PathName.bytes("/bin/")
        for b in list + [0x0A] {
            if b != 0x0A { line.append(b); continue }
            if !line.isEmpty && !line.contains(0x2F) && line != PathName.bytes("busybox") {
                path.removeLast(path.count - 5)
                path += line
                _ = try? Files.symlink(PathName.bytes("busybox"), at: path)
            }
            line.removeAll()
        }
    }

    /// Opens `path` (absolute). `follow`: resolve a symbolic link in the
    /// last component (else O_NOFOLLOW semantics: ELOOP on a link).
    static func open(_ path: [UInt8], flags: UInt64, follow: Bool = true) -> Result<FileNode, Errno> {
        var f = flags & OpenFlags.all
        if !follow { f |= OpenFlags.noFollow }
        do throws(FileError) {
            let s = try Files.status(path, followLinks: follow)
            if s.kind == .directory {
                guard flags & OpenFlag.accessMask == OpenFlag.readOnly else { return .failure(.EISDIR) }
                let list = try listing(path, s)
                var i = info(s)
                i.links = 2 + UInt32(list.dropFirst(2).filter { $0.type == .directory }.count)
                return .success(FileNode(.directory(list), i))
            }
        } catch {
            if error != .notFound || flags & OpenFlag.create == 0 { return .failure(errno(error)) }
        }
        if flags & OpenFlag.directory != 0 { return .failure(.ENOTDIR) }
        do throws(FileError) {
            let fd = Int(try Files.pathCall(.open, path, f))
            try Files.call(.fstat, UInt64(fd))
            return .success(FileNode(.file(fd), info(try Files.statusRecord())))
        } catch {
            return .failure(errno(error))
        }
    }

    /// A directory's entries, with "." and ".." (whose inode is the parent's
    /// when it can be found).
    static func listing(_ path: [UInt8], _ s: FileStatus) throws(FileError) -> [DirEntry] {
        var parentInode = s.id
        if let (parent, _) = PathName.split(PathName.normalize(path)), let p = try? Files.status(parent) {
            parentInode = p.id
        }
        var list = [DirEntry(name: [0x2E], type: .directory, inode: s.id),
                    DirEntry(name: [0x2E, 0x2E], type: .directory, inode: parentInode)]
        var d = try Directory.open(path)
        defer { d.close() }
        while let e = try d.next() { list.append(DirEntry(name: e.name, type: type(e.kind), inode: e.id)) }
        return list
    }

    static func stat(_ path: [UInt8], follow: Bool) -> Result<FileInfo, Errno> {
        do throws(FileError) {
            let s = try Files.status(path, followLinks: follow)
            var i = info(s)
            if s.kind == .directory { i.links = directoryLinks(path) }
            return .success(i)
        } catch { return .failure(errno(error)) }
    }

    /// A directory's link count as Linux counts it: its entry in its
    /// parent, its own ".", and each subdirectory's "..". The file server
    /// keeps no count, so the directory is listed.
    static func directoryLinks(_ path: [UInt8]) -> UInt32 {
        guard var d = try? Directory.open(path) else { return 2 }
        defer { d.close() }
        var links: UInt32 = 2
        while let e = try? d.next() { if e.kind == .directory { links += 1 } }
        return links
    }

    static func readLink(_ path: [UInt8]) -> Result<[UInt8], Errno> {
        do throws(FileError) {
            let s = try Files.status(path, followLinks: false)
            guard s.kind == .symlink else { return .failure(.EINVAL) }
            return .success(try Files.readLink(path))
        } catch { return .failure(errno(error)) }
    }

    private static func run(_ body: () throws(FileError) -> Void) -> Errno? {
        do throws(FileError) { try body(); return nil } catch { return errno(error) }
    }

    static func makeDirectory(_ path: [UInt8]) -> Errno? { run { () throws(FileError) in try Files.makeDirectory(path) } }
    static func removeDirectory(_ path: [UInt8]) -> Errno? { run { () throws(FileError) in try Files.removeDirectory(path) } }
    static func unlink(_ path: [UInt8]) -> Errno? {
        // unlink(2) on a directory is EISDIR.
        if let s = try? Files.status(path, followLinks: false), s.kind == .directory { return .EISDIR }
        return run { () throws(FileError) in try Files.unlink(path) }
    }
    static func rename(_ from: [UInt8], _ to: [UInt8]) -> Errno? { run { () throws(FileError) in try Files.rename(from, to: to) } }
    static func symlink(target: [UInt8], _ path: [UInt8]) -> Errno? { run { () throws(FileError) in try Files.symlink(target, at: path) } }
    static func truncate(_ path: [UInt8], _ size: UInt64) -> Errno? { run { () throws(FileError) in try Files.truncate(path, to: size) } }
    static func sync() { _ = try? Files.sync() }

    /// statfs: (block size, blocks, free blocks, files, read-only).
    static func fileSystemInfo(_ path: [UInt8]) -> Result<(UInt64, UInt64, UInt64, UInt64, Bool), Errno> {
        do throws(FileError) {
            let u = try Files.usage(path)
            return .success((u.blockSize, u.totalBlocks, u.freeBlocks, u.files, u.readOnly))
        } catch { return .failure(errno(error)) }
    }
}
