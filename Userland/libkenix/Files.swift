// Files for Swift programs (docs/files.md): the name-space operations of the
// file service (docs/vfs.md) — directories, links, status, renames, sync,
// the current directory, usage, mounts and unmounting — over the task's one connection
// to the server, which the C runtime keeps (Userland/runtime/files.c) so the
// Swift and C APIs of a program share it. Paths are any PathRepresentable:
// a string literal or bytes. Errors are FileError values.

@_extern(c, "kx_file_buffer")
func kx_file_buffer(_ size: UnsafeMutablePointer<UInt64>?, _ error: UnsafeMutablePointer<Int64>?) -> UnsafeMutableRawPointer?

@_extern(c, "kx_file_call")
func kx_file_call(_ op: UInt64, _ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) -> Int64

@_extern(c, "kx_file_set_buffer_size")
func kx_file_set_buffer_size(_ size: UInt64) -> Int64

/// A path: bytes (UTF-8, "/"-separated; absolute, or relative to the current
/// directory), from a string literal, a String, a StaticString or [UInt8].
public protocol PathRepresentable {
    var pathBytes: [UInt8] { get }
}

extension Array: PathRepresentable where Element == UInt8 {
    public var pathBytes: [UInt8] { self }
}

extension StaticString: PathRepresentable {
    public var pathBytes: [UInt8] { Array(UnsafeBufferPointer(start: utf8Start, count: utf8CodeUnitCount)) }
}

/// String literals land here (the default literal type).
extension String: PathRepresentable {
    public var pathBytes: [UInt8] { Array(utf8) }
}

/// What `Files.status` reports. Times are nanoseconds since 1970-01-01 UTC.
public struct FileStatus {
    public var size: UInt64
    public var kind: FileKind
    public var id: UInt64
    public var modified: UInt64
    public var accessed: UInt64
    public var created: UInt64
    public var readOnly: Bool
    /// The mount it is on.
    public var device: UInt32
    public var links: UInt32
    /// Bytes it occupies on its medium.
    public var allocated: UInt64
}

/// Space on a mounted file system (`df`).
public struct VolumeUsage {
    public var blockSize: UInt64
    public var totalBlocks: UInt64
    public var freeBlocks: UInt64
    public var files: UInt64
    public var type: FileSystemType?
    public var readOnly: Bool
    public var device: UInt32
}

public struct MountInfo {
    public var path: [UInt8]
    public var usage: VolumeUsage
}

public enum Files {
    /// The connection's shared buffer, attaching first if needed.
    static func buffer() throws(FileError) -> UnsafeMutableRawBufferPointer {
        var size: UInt64 = 0
        var error: Int64 = 0
        guard let base = kx_file_buffer(&size, &error) else { throw FileError(rawValue: error) ?? .unavailable }
        return UnsafeMutableRawBufferPointer(start: base, count: Int(size))
    }

    /// One request; its result, or the error it returned.
    @discardableResult
    static func call(_ op: FileRequest, _ w0: UInt64 = 0, _ w1: UInt64 = 0, _ w2: UInt64 = 0,
                     _ w3: UInt64 = 0) throws(FileError) -> UInt64 {
        let result = kx_file_call(op.rawValue, w0, w1, w2, w3)
        if result < 0 { throw FileError(rawValue: result) ?? .ioError }
        return UInt64(result)
    }

    /// Copies `path` into the buffer at `offset`; returns its length.
    static func put(_ path: [UInt8], at offset: Int = 0) throws(FileError) -> UInt64 {
        let b = try buffer()
        guard path.count <= FileLimits.maxPathLength, offset + path.count <= b.count else { throw .nameTooLong }
        for i in 0..<path.count { b[offset + i] = path[i] }
        return UInt64(path.count)
    }

    @discardableResult
    static func pathCall(_ op: FileRequest, _ path: some PathRepresentable, _ w1: UInt64 = 0) throws(FileError) -> UInt64 {
        try call(op, try put(path.pathBytes), w1)
    }

    static func twoPaths(_ op: FileRequest, _ first: [UInt8], _ second: [UInt8]) throws(FileError) {
        let a = try put(first)
        let b = try put(second, at: Int(a))
        try call(op, a, b)
    }

    /// Bytes `0..<count` of the buffer.
    static func copyOut(_ count: Int) throws(FileError) -> [UInt8] {
        let b = try buffer()
        return Array(b[0..<min(count, b.count)])
    }

    /// The buffer size to attach with (4 KiB – 16 MiB); only before the first file operation.
    public static func setBufferSize(_ size: UInt64) throws(FileError) {
        let rc = kx_file_set_buffer_size(size)
        if rc < 0 { throw FileError(rawValue: rc) ?? .invalidArgument }
    }

    public static func makeDirectory(_ path: some PathRepresentable) throws(FileError) {
        try pathCall(.makeDirectory, path)
    }

    public static func removeDirectory(_ path: some PathRepresentable) throws(FileError) {
        try pathCall(.removeDirectory, path)
    }

    /// Removes a file or symbolic link (not a directory).
    public static func unlink(_ path: some PathRepresentable) throws(FileError) {
        try pathCall(.unlink, path)
    }

    public static func rename(_ from: some PathRepresentable, to: some PathRepresentable) throws(FileError) {
        try twoPaths(.rename, from.pathBytes, to.pathBytes)
    }

    public static func symlink(_ target: some PathRepresentable, at path: some PathRepresentable) throws(FileError) {
        try twoPaths(.symlink, target.pathBytes, path.pathBytes)
    }

    public static func readLink(_ path: some PathRepresentable) throws(FileError) -> [UInt8] {
        try copyOut(Int(try pathCall(.readLink, path)))
    }

    /// A path's status; with `followLinks` false, a symbolic link's own (lstat).
    public static func status(_ path: some PathRepresentable, followLinks: Bool = true) throws(FileError) -> FileStatus {
        try pathCall(.stat, path, followLinks ? 0 : StatFlags.noFollow)
        return try statusRecord()
    }

    static func statusRecord() throws(FileError) -> FileStatus {
        let b = UnsafeRawBufferPointer(try buffer())
        func u64(_ at: Int) -> UInt64 { b.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
        func u32(_ at: Int) -> UInt32 { b.loadUnaligned(fromByteOffset: at, as: UInt32.self) }
        return FileStatus(size: u64(FileStatLayout.size), kind: FileKind(rawValue: u32(FileStatLayout.kind)) ?? .regular,
                          id: u64(FileStatLayout.id), modified: u64(FileStatLayout.modified),
                          accessed: u64(FileStatLayout.accessed), created: u64(FileStatLayout.created),
                          readOnly: u32(FileStatLayout.flags) & FileStatLayout.readOnlyFlag != 0,
                          device: u32(FileStatLayout.device), links: u32(FileStatLayout.links),
                          allocated: u64(FileStatLayout.allocated))
    }

    public static func truncate(_ path: some PathRepresentable, to size: UInt64) throws(FileError) {
        try pathCall(.truncate, path, size)
    }

    /// Writes every mounted file system's changes to its disk.
    public static func sync() throws(FileError) {
        try call(.sync)
    }

    /// Syncs the file system mounted at `path` (absolute) and detaches it:
    /// `busy` while some task has a file or its current directory there.
    public static func unmount(_ path: some PathRepresentable) throws(FileError) {
        try pathCall(.unmount, path)
    }

    public static func changeDirectory(_ path: some PathRepresentable) throws(FileError) {
        try pathCall(.changeDirectory, path)
    }

    public static func currentDirectory() throws(FileError) -> [UInt8] {
        try copyOut(Int(try call(.currentDirectory)))
    }

    /// The usage of the file system holding `path`.
    public static func usage(_ path: some PathRepresentable) throws(FileError) -> VolumeUsage {
        try pathCall(.fileSystemInfo, path)
        return usageRecord(UnsafeRawBufferPointer(try buffer()), at: 0)
    }

    static func usageRecord(_ b: UnsafeRawBufferPointer, at offset: Int) -> VolumeUsage {
        func u64(_ at: Int) -> UInt64 { b.loadUnaligned(fromByteOffset: offset + at, as: UInt64.self) }
        func u32(_ at: Int) -> UInt32 { b.loadUnaligned(fromByteOffset: offset + at, as: UInt32.self) }
        return VolumeUsage(blockSize: u64(FileSystemInfoLayout.blockSize), totalBlocks: u64(FileSystemInfoLayout.totalBlocks),
                           freeBlocks: u64(FileSystemInfoLayout.freeBlocks), files: u64(FileSystemInfoLayout.files),
                           type: FileSystemType(rawValue: u32(FileSystemInfoLayout.type)),
                           readOnly: u32(FileSystemInfoLayout.flags) & FileSystemInfoLayout.readOnlyFlag != 0,
                           device: u32(FileSystemInfoLayout.device))
    }

    /// Every mounted file system with its mount point.
    public static func mounts() throws(FileError) -> [MountInfo] {
        let count = try call(.mounts)
        let b = UnsafeRawBufferPointer(try buffer())
        var out: [MountInfo] = []
        var offset = 0
        for _ in 0..<count {
            guard offset + MountRecordLayout.headerSize <= b.count else { throw .ioError }
            let pathLength = Int(b.loadUnaligned(fromByteOffset: offset + MountRecordLayout.pathLength, as: UInt16.self))
            let length = Int(b.loadUnaligned(fromByteOffset: offset + MountRecordLayout.recordLength, as: UInt16.self))
            guard length >= MountRecordLayout.headerSize + pathLength, offset + length <= b.count else { throw .ioError }
            let start = offset + MountRecordLayout.headerSize
            out.append(MountInfo(path: Array(b[start..<(start + pathLength)]), usage: usageRecord(b, at: offset)))
            offset += length
        }
        return out
    }

    /// The whole file at `path`.
    public static func contents(of path: some PathRepresentable) throws(FileError) -> [UInt8] {
        let file = try File.open(path)
        defer { try? file.close() }
        return try file.readAll()
    }

    /// Creates (or empties) the file at `path` and writes `bytes` to it.
    public static func write(_ bytes: [UInt8], to path: some PathRepresentable) throws(FileError) {
        let file = try File.open(path, OpenFlags.writeOnly | OpenFlags.create | OpenFlags.truncate)
        defer { try? file.close() }
        guard try file.write(bytes) == bytes.count else { throw .noSpace }
    }

    /// The entries of directory `path` ("." and ".." are never listed).
    public static func list(_ path: some PathRepresentable) throws(FileError) -> [DirectoryEntry] {
        var directory = try Directory.open(path)
        defer { directory.close() }
        var out: [DirectoryEntry] = []
        while let entry = try directory.next() { out.append(entry) }
        return out
    }
}
