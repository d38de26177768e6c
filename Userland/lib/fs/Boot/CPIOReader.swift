// CPIOReader: the files of a boot image, a cpio archive in "newc" format
// (magic 070701, 13 eight-digit hex fields, NUL-terminated name, data, each
// padded to 4 bytes, ended by "TRAILER!!!"), over bytes the caller holds
// (the mapped initrd). The whole archive is validated first; a damaged one
// is an error, never a trap. `populate` makes its regular files read-only
// entries of a RAM file system directory without copying their bytes.

#if canImport(KenixABI)
import KenixABI
#endif

public struct CPIOEntry {
    public var name: [UInt8]
    public var mode: UInt32
    public var data: UnsafeRawBufferPointer
    public var isRegularFile: Bool { mode & 0o170000 == 0o100000 }
    public var isDirectory: Bool { mode & 0o170000 == 0o040000 }
}

public enum CPIOReader {
    public enum Failure: Error, Equatable {
        case truncated, badMagic, badHeaderField, badName, missingTrailer
    }

    static let headerSize = 110

    /// Every entry before the trailer, or why the archive is malformed.
    public static func entries(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> [CPIOEntry] {
        var out: [CPIOEntry] = []
        var offset = 0
        while true {
            guard offset < bytes.count else { throw .missingTrailer }
            guard bytes.count - offset >= headerSize else { throw .truncated }
            let magic: [UInt8] = [0x30, 0x37, 0x30, 0x37, 0x30, 0x31]
            for i in 0..<6 where bytes[offset + i] != magic[i] { throw .badMagic }
            let mode = try field(bytes, offset, 1)
            let size = Int(try field(bytes, offset, 6))
            let nameSize = Int(try field(bytes, offset, 11))
            guard nameSize >= 1, nameSize <= 4096 else { throw .badName }
            let nameStart = offset + headerSize
            guard bytes.count - nameStart >= nameSize else { throw .truncated }
            guard bytes[nameStart + nameSize - 1] == 0 else { throw .badName }
            let name = Array(bytes[nameStart..<(nameStart + nameSize - 1)])
            let dataStart = align4(nameStart + nameSize)
            guard dataStart <= bytes.count, bytes.count - dataStart >= size else { throw .truncated }
            if bytesEqual(name, "TRAILER!!!") { return out }
            out.append(CPIOEntry(name: name, mode: mode,
                                 data: UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + size)])))
            offset = align4(dataStart + size)
        }
    }

    /// Header field `index` (0 = c_ino … 12 = c_check): eight ASCII hex digits.
    static func field(_ bytes: UnsafeRawBufferPointer, _ offset: Int, _ index: Int) throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<8 {
            let c = bytes[offset + 6 + index * 8 + i]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            case 0x61...0x66: digit = c - 0x61 + 10
            default: throw .badHeaderField
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    static func align4(_ x: Int) -> Int { (x + 3) & ~3 }

    /// Adds the archive's regular files to `directory` of `fs` as read-only
    /// files over their bytes in the archive ("./" prefixes dropped, "a/b"
    /// names make read-only subdirectories). Returns how many were added.
    @discardableResult
    public static func populate(_ fs: RamFS, directory: NodeID, from bytes: UnsafeRawBufferPointer) throws(FileError) -> Int {
        let list: [CPIOEntry]
        do throws(Failure) { list = try entries(bytes) } catch { throw .ioError }
        var added = 0
        for entry in list where entry.isRegularFile {
            var parts = split(entry.name)
            guard let last = parts.popLast() else { continue }
            var dir = directory
            fs.retain(dir)
            for part in parts {
                let next: NodeID
                if let found = try? fs.lookup(dir, part) { next = found } else {
                    next = try fs.create(in: dir, part, kind: .directory, target: [])
                }
                fs.release(dir)
                dir = next
            }
            defer { fs.release(dir) }
            if let existing = try? fs.lookup(dir, last) {   // the first of two equal names wins
                fs.release(existing)
                continue
            }
            try fs.addExternalFile(in: dir, last, RamFS.External(size: UInt64(entry.data.count), bytes: entry.data, key: 0))
            added += 1
        }
        try setTreeReadOnly(fs, directory)
        return added
    }

    static func setTreeReadOnly(_ fs: RamFS, _ directory: NodeID) throws(FileError) {
        try fs.setReadOnly(directory)
        var subdirectories: [[UInt8]] = []
        try fs.readDirectory(directory, from: 0) { item, _ in
            if item.kind == .directory { subdirectories.append(item.name) }
            return true
        }
        for name in subdirectories {
            let d = try fs.lookup(directory, name)
            defer { fs.release(d) }
            try setTreeReadOnly(fs, d)
        }
    }

    /// Name components: "./a//b" → ["a", "b"].
    static func split(_ name: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        for b in name {
            if b == 0x2F {
                if !current.isEmpty && current != [0x2E] { parts.append(current) }
                current = []
            } else {
                current.append(b)
            }
        }
        if !current.isEmpty && current != [0x2E] { parts.append(current) }
        return parts
    }
}
