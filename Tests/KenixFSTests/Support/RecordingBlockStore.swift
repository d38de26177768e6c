// RecordingBlockStore: a disk in memory that keeps a log of every write it
// completes, in order, so a test can rebuild the medium as it was after any
// number of writes: what a power cut at that moment would leave behind
// (a write reaches the medium whole or not at all, in completion order, as
// kenix-sim's disks do).
import Foundation
import KenixABI
@testable import KenixFS

final class RecordingBlockStore: BlockStore {
    let sectorSize = 512
    let sectorCount: UInt64
    let isReadOnly = false
    private(set) var bytes: [UInt8]
    /// Completed writes: first byte offset and the bytes.
    private(set) var writes: [(offset: Int, data: [UInt8])] = []
    /// The write count at each successful flush (a barrier between what came before and after).
    private(set) var flushes: [Int] = []

    init(image: [UInt8]) {
        bytes = image
        sectorCount = UInt64(image.count / 512)
    }

    func read(sector: UInt64, count: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) {
        guard sector + UInt64(count) <= sectorCount, buffer.count >= count * 512 else { throw .ioError }
        bytes.withUnsafeBytes { all in
            buffer.baseAddress!.copyMemory(from: all.baseAddress! + Int(sector) * 512, byteCount: count * 512)
        }
    }

    func write(sector: UInt64, count: Int, from buffer: UnsafeRawBufferPointer) throws(FileError) {
        guard sector + UInt64(count) <= sectorCount, buffer.count >= count * 512 else { throw .ioError }
        let data = Array(UnsafeRawBufferPointer(rebasing: buffer[0..<(count * 512)]))
        let offset = Int(sector) * 512
        bytes.replaceSubrange(offset..<(offset + data.count), with: data)
        writes.append((offset, data))
    }

    /// Makes flushes fail (writes still complete, but no barrier is recorded).
    var failFlushes = false

    func flush() throws(FileError) {
        if failFlushes { throw .ioError }
        flushes.append(writes.count)
    }

    /// `base` with the first `count` logged writes applied.
    func medium(from base: [UInt8], after count: Int) -> [UInt8] {
        var out = base
        for w in writes.prefix(count) { out.replaceSubrange(w.offset..<(w.offset + w.data.count), with: w.data) }
        return out
    }
}
