// Directory: iteration over an open directory of the file service. Entries
// arrive in batches (as many records as fit the shared buffer) and are
// handed out one at a time; "." and ".." are never listed. Removing entries
// while iterating skips none of the others.

public struct DirectoryEntry {
    /// UTF-8, without "/".
    public var name: [UInt8]
    public var kind: FileKind
    public var size: UInt64
    public var id: UInt64
}

public struct Directory {
    let file: File
    private var batch: [DirectoryEntry] = []
    private var position = 0

    public static func open(_ path: some PathRepresentable) throws(FileError) -> Directory {
        Directory(file: try File.open(path, OpenFlags.readOnly | OpenFlags.directory))
    }

    private init(file: File) { self.file = file }

    /// The next entry, or nil at the end.
    public mutating func next() throws(FileError) -> DirectoryEntry? {
        if position == batch.count {
            let count = try Files.call(.readDirectory, UInt64(file.descriptor))
            guard count > 0 else { return nil }
            let b = UnsafeRawBufferPointer(try Files.buffer())
            batch.removeAll(keepingCapacity: true)
            position = 0
            var offset = 0
            for _ in 0..<count {
                guard offset + DirectoryEntryLayout.headerSize <= b.count else { throw .ioError }
                let nameLength = Int(b.loadUnaligned(fromByteOffset: offset + DirectoryEntryLayout.nameLength, as: UInt16.self))
                let length = Int(b.loadUnaligned(fromByteOffset: offset + DirectoryEntryLayout.recordLength, as: UInt16.self))
                guard length >= DirectoryEntryLayout.headerSize + nameLength, offset + length <= b.count else { throw .ioError }
                let start = offset + DirectoryEntryLayout.headerSize
                batch.append(DirectoryEntry(
                    name: Array(b[start..<(start + nameLength)]),
                    kind: FileKind(rawValue: b.loadUnaligned(fromByteOffset: offset + DirectoryEntryLayout.kind, as: UInt32.self)) ?? .regular,
                    size: b.loadUnaligned(fromByteOffset: offset + DirectoryEntryLayout.size, as: UInt64.self),
                    id: b.loadUnaligned(fromByteOffset: offset + DirectoryEntryLayout.id, as: UInt64.self)))
                offset += length
            }
        }
        defer { position += 1 }
        return batch[position]
    }

    /// Starts over from the first entry.
    public mutating func rewind() throws(FileError) {
        try file.seek(to: 0)
        batch.removeAll()
        position = 0
    }

    public func close() {
        try? file.close()
    }
}
