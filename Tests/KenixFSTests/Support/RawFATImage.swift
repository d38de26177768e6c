// RawFATImage: a FAT32 image's bytes with just enough layout knowledge to
// damage it on purpose — FAT entries, directory entries found by short name.
import Foundation
@testable import KenixFS

struct RawFATImage {
    var bytes: [UInt8]

    init(path: String) throws { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    var bytesPerSector: Int { Int(bytes.le16(11)) }
    var clusterSize: Int { bytesPerSector * Int(bytes[13]) }
    var fatOffset: Int { Int(bytes.le16(14)) * bytesPerSector }
    var fatBytes: Int { Int(bytes.le32(36)) * bytesPerSector }
    var fatCount: Int { Int(bytes[16]) }
    var dataOffset: Int { fatOffset + fatCount * fatBytes }
    var rootCluster: UInt32 { bytes.le32(44) }
    var clusterCount: UInt32 { UInt32((Int(bytes.le32(32)) * bytesPerSector - dataOffset) / clusterSize) }

    func clusterOffset(_ c: UInt32) -> Int { dataOffset + Int(c - 2) * clusterSize }

    func fat(_ c: UInt32) -> UInt32 { bytes.le32(fatOffset + Int(c) * 4) & 0x0FFF_FFFF }

    /// Sets entry `c` in every FAT copy.
    mutating func setFAT(_ c: UInt32, _ value: UInt32) {
        for copy in 0..<fatCount { bytes.setLE32(fatOffset + copy * fatBytes + Int(c) * 4, value) }
    }

    func chain(_ first: UInt32) -> [UInt32] {
        var out: [UInt32] = []
        var c = first
        while c >= 2 && c < 0x0FFF_FFF8 && out.count < 100_000 { out.append(c); c = fat(c) }
        return out
    }

    /// Byte offset of the short entry named `short` (11 bytes, padded) in the directory at `directory`.
    func entryOffset(_ short: String, in directory: UInt32? = nil) -> Int? {
        let wanted = Array(short.utf8)
        for c in chain(directory ?? rootCluster) {
            for slot in 0..<(clusterSize / 32) {
                let at = clusterOffset(c) + slot * 32
                if bytes[at] == 0 { return nil }
                if Array(bytes[at..<(at + 11)]) == wanted { return at }
            }
        }
        return nil
    }

    func firstCluster(at entry: Int) -> UInt32 { UInt32(bytes.le16(entry + 20)) << 16 | UInt32(bytes.le16(entry + 26)) }

    mutating func setFirstCluster(at entry: Int, _ c: UInt32) {
        bytes.setLE16(entry + 20, UInt16(c >> 16))
        bytes.setLE16(entry + 26, UInt16(truncatingIfNeeded: c))
    }

    mutating func setSize(at entry: Int, _ size: UInt32) { bytes.setLE32(entry + 28, size) }

    func store() -> MemoryBlockStore { MemoryBlockStore(image: bytes) }
}
