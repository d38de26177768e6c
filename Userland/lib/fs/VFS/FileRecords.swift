// FileRecords: the byte layouts of KenixABI/FileSystem.swift written into a
// client's buffer — stat, directory entries, file-system information and
// mount records. Callers check the buffer is large enough.

#if canImport(KenixABI)
import KenixABI
#endif

enum FileRecords {
    static func align8(_ n: Int) -> Int { (n + 7) & ~7 }

    static func writeStat(_ info: NodeInfo, device: UInt32, into b: UnsafeMutableRawBufferPointer) {
        memsetZero(b, FileStatLayout.recordSize)
        b.setLE64(FileStatLayout.size, info.size)
        b.setLE64(FileStatLayout.id, info.id)
        b.setLE64(FileStatLayout.modified, info.modified)
        b.setLE64(FileStatLayout.accessed, info.accessed)
        b.setLE64(FileStatLayout.created, info.created)
        b.setLE32(FileStatLayout.kind, info.kind.rawValue)
        b.setLE32(FileStatLayout.flags, info.readOnly ? FileStatLayout.readOnlyFlag : 0)
        b.setLE32(FileStatLayout.device, device)
        b.setLE32(FileStatLayout.links, info.links)
        b.setLE64(FileStatLayout.allocated, info.allocated)
    }

    static func readStat(_ b: UnsafeRawBufferPointer) -> (NodeInfo, device: UInt32) {
        let info = NodeInfo(id: b.le64(FileStatLayout.id), kind: FileKind(rawValue: b.le32(FileStatLayout.kind)) ?? .regular,
                            size: b.le64(FileStatLayout.size), modified: b.le64(FileStatLayout.modified),
                            accessed: b.le64(FileStatLayout.accessed), created: b.le64(FileStatLayout.created),
                            readOnly: b.le32(FileStatLayout.flags) & FileStatLayout.readOnlyFlag != 0,
                            links: b.le32(FileStatLayout.links), allocated: b.le64(FileStatLayout.allocated))
        return (info, b.le32(FileStatLayout.device))
    }

    static func writeUsage(_ u: FileSystemUsage, device: UInt32, into b: UnsafeMutableRawBufferPointer) {
        memsetZero(b, FileSystemInfoLayout.recordSize)
        b.setLE64(FileSystemInfoLayout.blockSize, u.blockSize)
        b.setLE64(FileSystemInfoLayout.totalBlocks, u.totalBlocks)
        b.setLE64(FileSystemInfoLayout.freeBlocks, u.freeBlocks)
        b.setLE64(FileSystemInfoLayout.files, u.files)
        b.setLE32(FileSystemInfoLayout.type, u.type.rawValue)
        b.setLE32(FileSystemInfoLayout.flags, u.readOnly ? FileSystemInfoLayout.readOnlyFlag : 0)
        b.setLE32(FileSystemInfoLayout.device, device)
    }

    static func directoryEntryLength(_ nameLength: Int) -> Int {
        align8(DirectoryEntryLayout.headerSize + nameLength + 1)
    }

    /// Writes one entry at `offset`; returns its length, or nil if it does not fit.
    static func writeDirectoryEntry(_ item: DirectoryItem, into b: UnsafeMutableRawBufferPointer, at offset: Int) -> Int? {
        let length = directoryEntryLength(item.name.count)
        guard offset + length <= b.count else { return nil }
        let r = UnsafeMutableRawBufferPointer(rebasing: b[offset..<(offset + length)])
        memsetZero(r, length)
        r.setLE64(DirectoryEntryLayout.id, item.id)
        r.setLE64(DirectoryEntryLayout.size, item.size)
        r.setLE32(DirectoryEntryLayout.kind, item.kind.rawValue)
        r.setLE16(DirectoryEntryLayout.nameLength, UInt16(item.name.count))
        r.setLE16(DirectoryEntryLayout.recordLength, UInt16(length))
        for k in 0..<item.name.count { r[DirectoryEntryLayout.headerSize + k] = item.name[k] }
        return length
    }

    /// Writes a mount record at `offset`; returns its length, or nil if it does not fit.
    static func writeMount(_ u: FileSystemUsage, device: UInt32, path: [UInt8],
                           into b: UnsafeMutableRawBufferPointer, at offset: Int) -> Int? {
        let length = align8(MountRecordLayout.headerSize + path.count + 1)
        guard offset + length <= b.count else { return nil }
        let r = UnsafeMutableRawBufferPointer(rebasing: b[offset..<(offset + length)])
        memsetZero(r, length)
        writeUsage(u, device: device, into: r)
        r.setLE16(MountRecordLayout.pathLength, UInt16(path.count))
        r.setLE16(MountRecordLayout.recordLength, UInt16(length))
        for k in 0..<path.count { r[MountRecordLayout.headerSize + k] = path[k] }
        return length
    }
}
