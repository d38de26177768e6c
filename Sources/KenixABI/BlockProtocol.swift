// The block server's IPC protocol (docs/block.md). The server registers as
// `ServiceKey.block`. A request's tag holds the operation in bits 0–7 and
// the disk in bits 8–15; the reply's tag is a `BlockStatus` (0 = ok). Data
// never travels in messages: a client attaches a shared-memory buffer once
// (creates it, grants it to the server, sends `attach`), then names runs of
// sectors and a place in that buffer; the disk moves the bytes straight into
// or out of the buffer (DMA), many sectors per request.

public enum BlockOp: UInt64, CaseIterable {
    /// Reply: w0 sector size, w1 sector count, w2 `BlockDiskFlags`, w3 the
    /// number of disks the server serves.
    case info = 1
    /// w0 = a shared-memory object the client holds and has granted to the
    /// server. Reply: w0 = its size in bytes. Any disk (the tag's disk is
    /// ignored).
    case attach = 2
    /// w0 = an attached object: the server lets go of it.
    case detach = 3
    /// w0 = attached object, w1 = byte offset in it (a multiple of the
    /// sector size), w2 = first sector, w3 = sector count. The reply comes
    /// once every sector is in the buffer: w0 = sectors read.
    case read = 4
    /// As `read`, from the buffer to the disk; the reply comes once the
    /// device has completed every sector (durable after a `flush`).
    case write = 5
    /// Reply once every write completed before this request is durable.
    case flush = 6
    /// Reply: w0 device requests submitted, w1 of them failed, w2 client
    /// reads and writes served, for the tag's disk since the server started.
    case stats = 7
}

/// A reply's tag.
public enum BlockStatus: UInt64, CaseIterable {
    case ok = 0
    /// The device failed (part of) the transfer; no sector of a failed
    /// write is reported written.
    case ioError = 1
    /// Unknown operation, count 0, an offset not a multiple of the sector
    /// size, or a transfer that runs past the end of the buffer.
    case invalidRequest = 2
    /// The server has no such disk.
    case noSuchDisk = 3
    /// Sectors outside the disk.
    case outOfRange = 4
    /// A write or flush on a read-only disk.
    case readOnly = 5
    /// The object is not attached by this client.
    case noBuffer = 6
    /// Attach: the client does not hold the object, or has not granted it
    /// to the server.
    case notGranted = 7
    /// Too many clients or buffers; or detach while the buffer is in use.
    case busy = 8
}

extension BlockStatus {
    public var name: StaticString {
        switch self {
        case .ok: "ok"
        case .ioError: "ioError"
        case .invalidRequest: "invalidRequest"
        case .noSuchDisk: "noSuchDisk"
        case .outOfRange: "outOfRange"
        case .readOnly: "readOnly"
        case .noBuffer: "noBuffer"
        case .notGranted: "notGranted"
        case .busy: "busy"
        }
    }
}

public enum BlockProtocol {
    public static let opMask: UInt64 = 0xFF
    /// Where the disk index sits in a request's tag.
    public static let diskShift: UInt64 = 8
    public static let diskMask: UInt64 = 0xFF
    /// The server splits a client's run into device requests of at most
    /// this many bytes, all in flight together (a 2 MiB read is 4).
    public static let maxDeviceRequest: UInt64 = 512 * 1024
    /// Shared-memory buffers one client may have attached at once.
    public static let buffersPerClient = 4

    /// A request's tag.
    public static func tag(_ op: BlockOp, disk: UInt64) -> UInt64 {
        op.rawValue | (disk & diskMask) << diskShift
    }
}
