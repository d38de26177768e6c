// FileBlockStore: a BlockStore over a disk-image file on the host (pread and
// pwrite), so the FAT code works on the same bytes mkfs.fat, mtools and
// fsck.fat read and write.
import Foundation
import KenixABI
@testable import KenixFS

final class FileBlockStore: BlockStore {
    let sectorSize: Int
    let sectorCount: UInt64
    let isReadOnly: Bool
    private let fd: Int32
    private(set) var reads = 0
    private(set) var writes = 0
    var failWrites = false
    var failReads = false

    init(path: String, sectorSize: Int = 512, readOnly: Bool = false) throws {
        fd = open(path, readOnly ? O_RDONLY : O_RDWR)
        guard fd >= 0 else { throw TestFailure("cannot open \(path)") }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw TestFailure("cannot stat \(path)") }
        self.sectorSize = sectorSize
        sectorCount = UInt64(st.st_size) / UInt64(sectorSize)
        isReadOnly = readOnly
    }

    deinit { close(fd) }

    func read(sector: UInt64, count: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) {
        reads += 1
        guard !failReads, sector + UInt64(count) <= sectorCount, buffer.count >= count * sectorSize else { throw .ioError }
        let n = pread(fd, buffer.baseAddress, count * sectorSize, off_t(sector) * off_t(sectorSize))
        guard n == count * sectorSize else { throw .ioError }
    }

    func write(sector: UInt64, count: Int, from buffer: UnsafeRawBufferPointer) throws(FileError) {
        writes += 1
        guard !isReadOnly else { throw .readOnly }
        guard !failWrites, sector + UInt64(count) <= sectorCount, buffer.count >= count * sectorSize else { throw .ioError }
        let n = pwrite(fd, buffer.baseAddress, count * sectorSize, off_t(sector) * off_t(sectorSize))
        guard n == count * sectorSize else { throw .ioError }
    }

    func flush() throws(FileError) {
        guard fsync(fd) == 0 || isReadOnly else { throw .ioError }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A store that reads a shared base image and keeps its own changed sectors,
/// so many damaged variants of one 64 MiB image cost no copies.
final class OverlayBlockStore: BlockStore {
    let sectorSize = 512
    let sectorCount: UInt64
    let isReadOnly = false
    private let base: [UInt8]
    private var changed: [UInt64: [UInt8]] = [:]

    init(base: [UInt8]) {
        self.base = base
        sectorCount = UInt64(base.count / 512)
    }

    /// Sets byte `offset` of the image to `value` in this variant.
    func poke(_ offset: Int, _ value: UInt8) {
        let sector = UInt64(offset / 512)
        var bytes = changed[sector] ?? Array(base[(Int(sector) * 512)..<(Int(sector) * 512 + 512)])
        bytes[offset % 512] = value
        changed[sector] = bytes
    }

    func read(sector: UInt64, count: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) {
        guard sector + UInt64(count) <= sectorCount else { throw .ioError }
        for k in 0..<count {
            let s = sector + UInt64(k)
            if let bytes = changed[s] {
                bytes.withUnsafeBytes { (buffer.baseAddress! + k * 512).copyMemory(from: $0.baseAddress!, byteCount: 512) }
            } else {
                base.withUnsafeBytes { (buffer.baseAddress! + k * 512).copyMemory(from: $0.baseAddress! + Int(s) * 512, byteCount: 512) }
            }
        }
    }

    func write(sector: UInt64, count: Int, from buffer: UnsafeRawBufferPointer) throws(FileError) {
        guard sector + UInt64(count) <= sectorCount else { throw .ioError }
        for k in 0..<count {
            changed[sector + UInt64(k)] = Array(UnsafeRawBufferPointer(rebasing: buffer[(k * 512)..<(k * 512 + 512)]))
        }
    }

    func flush() throws(FileError) {}
}
