// BlockClient: a disk of the block server (docs/block.md), as a run of
// equal sectors read and written many at a time. It owns a shared-memory
// buffer the server has attached: the disk moves sectors straight into or
// out of it, so a large transfer is one IPC call (the server splits it into
// device requests that are all in flight at once), with no per-sector IPC.
//
//     let disk = try BlockClient(disk: 0, bufferSize: 1 << 20)
//     try disk.read(sector: 0, count: 8, bufferOffset: 0)     // into disk.buffer
//     try disk.readSectors(100, count: 16, into: myBytes)      // copied out
//     try disk.flush()
//
// The `sectorSize`, `sectorCount`, `isReadOnly` members and the copying
// `readSectors`/`writeSectors`/`flush` have the shape a file system's block
// store wants; only the error type differs (`BlockError.isIOError` and
// `isReadOnly` say what an error means). Calls are synchronous; a server
// that dies answers `partnerDied`, never a hang.

public enum BlockError: Error, Equatable {
    /// The server's answer (`.ioError`: the device failed the transfer).
    case status(BlockStatus)
    /// A syscall failed: `notFound` (no block server), `partnerDied` (it
    /// ended), `outOfMemory` (no buffer), ...
    case system(SyscallError)

    public var isIOError: Bool { self == .status(.ioError) }
    public var isReadOnly: Bool { self == .status(.readOnly) }
}

public final class BlockClient {
    public let disk: UInt64
    public let server: TaskID
    public let sectorSize: Int
    public let sectorCount: UInt64
    public let isReadOnly: Bool
    /// The disk caches writes until `flush`.
    public let hasWriteCache: Bool
    /// Disks the server serves.
    public let diskCount: UInt64
    /// The shared-memory buffer: sectors move between it and the disk.
    public let buffer: UnsafeMutableRawBufferPointer
    public let bufferID: UInt64
    /// The client whose buffer this one uses (`init(disk:sharing:)`), kept alive with it.
    private let owner: BlockClient?

    /// Finds the block server, describes `disk`, and attaches a buffer of
    /// `bufferSize` bytes (rounded up to whole pages; at most 16 MiB).
    public init(disk: UInt64 = 0, bufferSize: Int = 128 * 1024) throws(BlockError) {
        self.disk = disk
        do throws(SyscallError) { server = try Service.lookup(.block) } catch { throw .system(error) }
        let info = try Self.call(server, Message(tag: BlockProtocol.tag(.info, disk: disk)))
        sectorSize = Int(info.w0)
        sectorCount = info.w1
        isReadOnly = info.w2 & BlockDiskFlags.readOnly != 0
        hasWriteCache = info.w2 & BlockDiskFlags.writeCache != 0
        diskCount = info.w3
        let id: UInt64
        let address: UInt64
        do throws(SyscallError) {
            id = try SharedMemory.create(size: UInt64(max(bufferSize, 1)))
            address = try SharedMemory.map(id)
            try SharedMemory.grant(id, to: server)
        } catch { throw .system(error) }
        bufferID = id
        owner = nil
        let size = try Self.call(server, Message(tag: BlockProtocol.tag(.attach, disk: disk), id)).w0
        buffer = UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: UInt(address)),
                                               count: Int(size))
    }

    /// Another disk of the same server through `other`'s buffer: no second
    /// buffer (a task maps only 8 objects), so the two must not be used at
    /// the same time — one thread of one server, say. `other` lives as long.
    public init(disk: UInt64, sharing other: BlockClient) throws(BlockError) {
        self.disk = disk
        server = other.server
        let info = try Self.call(server, Message(tag: BlockProtocol.tag(.info, disk: disk)))
        sectorSize = Int(info.w0)
        sectorCount = info.w1
        isReadOnly = info.w2 & BlockDiskFlags.readOnly != 0
        hasWriteCache = info.w2 & BlockDiskFlags.writeCache != 0
        diskCount = info.w3
        buffer = other.buffer
        bufferID = other.bufferID
        owner = other
    }

    deinit {
        guard owner == nil else { return }
        _ = try? Self.call(server, Message(tag: BlockProtocol.tag(.detach, disk: disk), bufferID))
        try? SharedMemory.release(bufferID)
    }

    /// Sends `message`; the reply, or the server's status as an error.
    private static func call(_ server: TaskID, _ message: Message) throws(BlockError) -> Message {
        let reply: Message
        do throws(SyscallError) { reply = try IPC.call(server, message) } catch { throw .system(error) }
        guard reply.tag == BlockStatus.ok.rawValue else {
            throw .status(BlockStatus(rawValue: reply.tag) ?? .invalidRequest)
        }
        return reply
    }

    // MARK: Zero-copy: sectors and the buffer

    /// Reads `count` sectors from `sector` into the buffer at `bufferOffset`.
    public func read(sector: UInt64, count: UInt64, bufferOffset: Int = 0) throws(BlockError) {
        _ = try Self.call(server, Message(tag: BlockProtocol.tag(.read, disk: disk), bufferID,
                                          UInt64(bufferOffset), sector, count))
    }

    /// Writes `count` sectors from the buffer at `bufferOffset` to `sector`;
    /// returns once the device has completed them (durable after `flush`).
    public func write(sector: UInt64, count: UInt64, bufferOffset: Int = 0) throws(BlockError) {
        _ = try Self.call(server, Message(tag: BlockProtocol.tag(.write, disk: disk), bufferID,
                                          UInt64(bufferOffset), sector, count))
    }

    /// Returns once every write completed so far is durable.
    public func flush() throws(BlockError) {
        _ = try Self.call(server, Message(tag: BlockProtocol.tag(.flush, disk: disk)))
    }

    /// The server's counts for this disk: device requests submitted, of
    /// them failed, client reads and writes served.
    public func statistics() throws(BlockError) -> (requests: UInt64, failed: UInt64, served: UInt64) {
        let r = try Self.call(server, Message(tag: BlockProtocol.tag(.stats, disk: disk)))
        return (r.w0, r.w1, r.w2)
    }

    // MARK: Copying: sectors and the caller's memory

    /// Reads sectors `sector ..< sector + count` into `target` (at least
    /// `count × sectorSize` bytes), a buffer's worth per request.
    public func readSectors(_ sector: UInt64, count: Int, into target: UnsafeMutableRawBufferPointer) throws(BlockError) {
        try inChunks(sector, count, target.count) { (s, n, done) throws(BlockError) in
            try read(sector: s, count: UInt64(n))
            target.baseAddress!.advanced(by: done).copyMemory(from: buffer.baseAddress!, byteCount: n * sectorSize)
        }
    }

    /// Writes `count` sectors from `source` to `sector`.
    public func writeSectors(_ sector: UInt64, count: Int, from source: UnsafeRawBufferPointer) throws(BlockError) {
        if isReadOnly { throw .status(.readOnly) }
        try inChunks(sector, count, source.count) { (s, n, done) throws(BlockError) in
            buffer.baseAddress!.copyMemory(from: source.baseAddress!.advanced(by: done), byteCount: n * sectorSize)
            try write(sector: s, count: UInt64(n))
        }
    }

    /// Runs `body(first sector, sectors, bytes done)` over buffer-sized pieces.
    private func inChunks(_ sector: UInt64, _ count: Int, _ bytes: Int,
                          _ body: (UInt64, Int, Int) throws(BlockError) -> Void) throws(BlockError) {
        let (need, overflow) = count.multipliedReportingOverflow(by: sectorSize)
        guard count >= 0, !overflow, bytes >= need else { throw .status(.invalidRequest) }
        let perRequest = buffer.count / sectorSize
        guard perRequest > 0 else { throw .status(.invalidRequest) }
        var done = 0
        while done < count {
            let n = min(perRequest, count - done)
            try body(sector + UInt64(done), n, done * sectorSize)
            done += n
        }
    }
}
