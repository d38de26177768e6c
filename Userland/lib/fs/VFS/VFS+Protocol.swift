// The wire protocol (docs/vfs.md): one request — op code and four words —
// from a client whose attached buffer is `buffer`, decoded, checked and
// served; the reply's tag is the result (>= 0) or a negated FileError.
// Everything read from the buffer is copied out before use (another task
// may share it); lengths are checked against the buffer, so a lying client
// gets `noBuffer`, never a fault in the server. Mapping and unmapping the
// buffer is the server program's part; here attach and detach only make
// and end the client's state.

#if canImport(KenixABI)
import KenixABI
#endif

public struct FileReply: Equatable {
    public var result: Int64
    public var w0: UInt64 = 0

    public init(result: Int64, w0: UInt64 = 0) {
        self.result = result
        self.w0 = w0
    }

    static func error(_ e: FileError) -> FileReply { FileReply(result: e.rawValue) }
    static func value(_ v: Int) -> FileReply { FileReply(result: Int64(v)) }
}

extension VFS {
    public func handle(_ client: UInt64, op: UInt64, _ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64,
                       buffer: UnsafeMutableRawBufferPointer?) -> FileReply {
        do throws(FileError) {
            return try serve(client, op, w0, w1, w2, w3, buffer)
        } catch {
            return .error(error)
        }
    }

    private func serve(_ client: UInt64, _ op: UInt64, _ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64,
                       _ buffer: UnsafeMutableRawBufferPointer?) throws(FileError) -> FileReply {
        guard let request = FileRequest(rawValue: op & 0xFF) else { throw .invalidArgument }
        if request == .attach { try attach(client); return .value(0) }
        if request == .detach { releaseClient(client); return .value(0) }
        _ = try state(client)
        switch request {
        case .attach, .detach:
            return .value(0)
        case .open:
            return .value(try open(client, try path(buffer, w0), flags: w1))
        case .close:
            try close(client, try fd(w0))
            return .value(0)
        case .read:
            return .value(try read(client, try fd(w0), into: try window(buffer, w1)))
        case .readAt:
            return .value(try read(client, try fd(w0), at: w2, into: try window(buffer, w1)))
        case .write:
            return .value(try write(client, try fd(w0), from: UnsafeRawBufferPointer(try window(buffer, w1))))
        case .writeAt:
            return .value(try write(client, try fd(w0), at: w2, from: UnsafeRawBufferPointer(try window(buffer, w1))))
        case .seek:
            guard let origin = SeekOrigin(rawValue: w2) else { throw .invalidArgument }
            let position = try seek(client, try fd(w0), offset: Int64(bitPattern: w1), origin: origin)
            guard position <= UInt64(Int64.max) else { throw .invalidArgument }
            return FileReply(result: Int64(position))
        case .stat:
            guard w1 & ~StatFlags.noFollow == 0 else { throw .invalidArgument }
            let p = try path(buffer, w0)
            let (info, device) = try stat(client, p, follow: w1 & StatFlags.noFollow == 0)
            FileRecords.writeStat(info, device: device, into: try window(buffer, UInt64(FileStatLayout.recordSize)))
            return .value(0)
        case .fstat:
            let (info, device) = try fstat(client, try fd(w0))
            FileRecords.writeStat(info, device: device, into: try window(buffer, UInt64(FileStatLayout.recordSize)))
            return .value(0)
        case .readDirectory:
            guard let whole = buffer else { throw .noBuffer }
            let b = w1 == 0 ? whole : try window(buffer, w1)
            var offset = 0
            var count = 0
            var full = false
            try readDirectory(client, try fd(w0)) { item in
                guard let length = FileRecords.writeDirectoryEntry(item, into: b, at: offset) else { full = true; return false }
                offset += length
                count += 1
                return true
            }
            if count == 0 && full { throw .noBuffer }   // not even one entry fits the limit
            return .value(count)
        case .makeDirectory:
            try makeDirectory(client, try path(buffer, w0))
            return .value(0)
        case .removeDirectory:
            try removeDirectory(client, try path(buffer, w0))
            return .value(0)
        case .unlink:
            try unlink(client, try path(buffer, w0))
            return .value(0)
        case .rename:
            let (old, new) = try twoPaths(buffer, w0, w1)
            try rename(client, old, new)
            return .value(0)
        case .symlink:
            let (target, link) = try twoPaths(buffer, w0, w1)
            try symlink(client, target: target, link)
            return .value(0)
        case .truncate:
            try truncate(client, try path(buffer, w0), size: w1)
            return .value(0)
        case .truncateFile:
            try truncate(client, try fd(w0), size: w1)
            return .value(0)
        case .sync:
            try syncAll()
            return .value(0)
        case .syncFile:
            try sync(client, try fd(w0))
            return .value(0)
        case .changeDirectory:
            try changeDirectory(client, try path(buffer, w0))
            return .value(0)
        case .currentDirectory:
            return .value(try put(try currentDirectory(client), buffer))
        case .readLink:
            return .value(try put(try readLink(client, try path(buffer, w0)), buffer))
        case .fileSystemInfo:
            let (usage, device) = try fileSystemInfo(client, try path(buffer, w0))
            FileRecords.writeUsage(usage, device: device, into: try window(buffer, UInt64(FileSystemInfoLayout.recordSize)))
            return .value(0)
        case .mounts:
            guard let b = buffer else { throw .noBuffer }
            var offset = 0
            var count = 0
            for (usage, device, mountPath) in mountList() {
                guard let length = FileRecords.writeMount(usage, device: device, path: mountPath, into: b, at: offset) else {
                    throw .noBuffer
                }
                offset += length
                count += 1
            }
            return .value(count)
        case .unmount:
            let p = try path(buffer, w0)
            guard p.first == 0x2F else { throw .invalidArgument }
            try unmount(at: p)
            return .value(0)
        }
    }

    /// The first `length` bytes of the buffer.
    private func window(_ buffer: UnsafeMutableRawBufferPointer?, _ length: UInt64) throws(FileError) -> UnsafeMutableRawBufferPointer {
        guard let b = buffer else { throw .noBuffer }
        guard length <= UInt64(b.count) else { throw .noBuffer }
        return UnsafeMutableRawBufferPointer(rebasing: b[0..<Int(length)])
    }

    /// A path of `length` bytes at the start of the buffer, copied out.
    private func path(_ buffer: UnsafeMutableRawBufferPointer?, _ length: UInt64) throws(FileError) -> [UInt8] {
        guard length <= UInt64(FileLimits.maxPathLength) else { throw .nameTooLong }
        return Array(try window(buffer, length))
    }

    /// Two paths back to back (rename, symlink).
    private func twoPaths(_ buffer: UnsafeMutableRawBufferPointer?, _ first: UInt64,
                          _ second: UInt64) throws(FileError) -> ([UInt8], [UInt8]) {
        guard first <= UInt64(FileLimits.maxPathLength), second <= UInt64(FileLimits.maxPathLength) else { throw .nameTooLong }
        let both = Array(try window(buffer, first + second))
        return (Array(both[0..<Int(first)]), Array(both[Int(first)...]))
    }

    /// Copies `bytes` to the start of the buffer; returns their length.
    private func put(_ bytes: [UInt8], _ buffer: UnsafeMutableRawBufferPointer?) throws(FileError) -> Int {
        let b = try window(buffer, UInt64(bytes.count))
        for k in 0..<bytes.count { b[k] = bytes[k] }
        return bytes.count
    }

    private func fd(_ word: UInt64) throws(FileError) -> Int {
        guard word < UInt64(FileLimits.maxOpenFiles) else { throw .badFile }
        return Int(word)
    }
}
