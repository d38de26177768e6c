// BlockStore: a disk as the file systems see it — a run of equal sectors,
// read and written many at a time (one request per run, so a store behind
// IPC and shared memory costs a handful of requests per megabyte), and a
// flush that returns once everything written is on the medium. Failures are
// values (`FileError.ioError`, `.readOnly`), never traps. MemoryBlockStore is
// the in-memory implementation (RAM disks and tests).

#if canImport(KenixABI)
import KenixABI
#endif

public protocol BlockStore: AnyObject {
    /// Bytes per sector: a power of two from 512 to 4096.
    var sectorSize: Int { get }
    var sectorCount: UInt64 { get }
    var isReadOnly: Bool { get }
    /// Reads sectors `sector ..< sector + count` into `buffer` (at least
    /// `count * sectorSize` bytes). Reading past the end is `ioError`.
    func read(sector: UInt64, count: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileError)
    /// Writes `count` sectors from `buffer`; `readOnly` on a read-only store.
    func write(sector: UInt64, count: Int, from buffer: UnsafeRawBufferPointer) throws(FileError)
    /// Returns once every completed write is durable.
    func flush() throws(FileError)
}

/// A disk held in memory. `failReads`/`failWrites` (and `badSectors` for
/// reads) make it fail like a medium error (for tests of the error paths).
public final class MemoryBlockStore: BlockStore {
    public let sectorSize: Int
    public let sectorCount: UInt64
    public var isReadOnly: Bool
    public private(set) var bytes: [UInt8]
    public var failReads = false
    public var failWrites = false
    /// A read that touches one of these sectors fails (a bad spot on the medium).
    public var badSectors: Range<UInt64> = 0..<0
    /// Requests served, for tests that count them.
    public private(set) var readRequests = 0
    public private(set) var writeRequests = 0
    public private(set) var flushes = 0

    public init(sectorSize: Int = 512, sectorCount: UInt64, readOnly: Bool = false) {
        self.sectorSize = sectorSize
        self.sectorCount = sectorCount
        self.isReadOnly = readOnly
        bytes = [UInt8](repeating: 0, count: Int(sectorCount) * sectorSize)
    }

    public init(image: [UInt8], sectorSize: Int = 512, readOnly: Bool = false) {
        self.sectorSize = sectorSize
        self.sectorCount = UInt64(image.count / sectorSize)
        self.isReadOnly = readOnly
        bytes = image
    }

    private func range(_ sector: UInt64, _ count: Int, _ buffer: Int) throws(FileError) -> Range<Int> {
        guard count >= 0, sector <= sectorCount, UInt64(count) <= sectorCount - sector,
              buffer >= count * sectorSize else { throw .ioError }
        let start = Int(sector) * sectorSize
        return start..<(start + count * sectorSize)
    }

    public func read(sector: UInt64, count: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) {
        readRequests += 1
        if failReads || (sector < badSectors.upperBound && sector + UInt64(max(count, 0)) > badSectors.lowerBound) {
            throw .ioError
        }
        let r = try range(sector, count, buffer.count)
        guard !r.isEmpty else { return }
        bytes.withUnsafeBytes { all in
            buffer.baseAddress!.copyMemory(from: all.baseAddress! + r.lowerBound, byteCount: r.count)
        }
    }

    public func write(sector: UInt64, count: Int, from buffer: UnsafeRawBufferPointer) throws(FileError) {
        writeRequests += 1
        if isReadOnly { throw .readOnly }
        if failWrites { throw .ioError }
        let r = try range(sector, count, buffer.count)
        guard !r.isEmpty else { return }
        bytes.withUnsafeMutableBytes { all in
            (all.baseAddress! + r.lowerBound).copyMemory(from: buffer.baseAddress!, byteCount: r.count)
        }
    }

    public func flush() throws(FileError) {
        flushes += 1
        if failWrites { throw .ioError }
    }
}
