// CPIOArchive: the boot image, a cpio archive in "newc" format (magic 070701,
// 13 eight-digit hex fields, NUL-terminated name, data, each padded to 4
// bytes, ended by "TRAILER!!!"). The whole archive is validated once at boot,
// so a lookup later cannot run off the end.

public enum CPIOError: Error, Equatable, Sendable {
    case truncated
    case badMagic
    case badHeaderField
    case badName
    case missingTrailer
}

public struct CPIOArchive {
    private let reader: ByteReader
    private static let headerSize = 110

    public init(_ bytes: UnsafeRawBufferPointer) throws(CPIOError) {
        reader = ByteReader(bytes)
        var offset = 0
        while true {
            guard offset < reader.count else { throw .missingTrailer }
            let entry = try Self.entry(at: offset, in: reader)
            if entry.isTrailer { return }
            offset = entry.next
        }
    }

    /// The contents of the regular file called `name`, or nil.
    public func file(named name: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var offset = 0
        while let entry = try? Self.entry(at: offset, in: reader), !entry.isTrailer {
            if entry.isRegularFile && entry.name.count == name.count
                && memcmpEqual(entry.name, name) {
                return entry.data
            }
            offset = entry.next
        }
        return nil
    }

    public func file(named name: StaticString) -> UnsafeRawBufferPointer? {
        file(named: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    private struct Entry {
        var name: UnsafeRawBufferPointer
        var data: UnsafeRawBufferPointer
        var mode: UInt32
        var next: Int
        var isTrailer: Bool
        var isRegularFile: Bool { mode & 0o170000 == 0o100000 }
    }

    private static func entry(at offset: Int, in reader: ByteReader) throws(CPIOError) -> Entry {
        guard reader.contains(offset: UInt64(offset), length: UInt64(headerSize)) else { throw .truncated }
        let magic: StaticString = "070701"
        for i in 0..<6 where reader.u8(offset + i)! != magic.utf8Start[i] { throw .badMagic }
        let mode = try hexField(reader, offset, 1)
        let fileSize = try hexField(reader, offset, 6)
        let nameSize = try hexField(reader, offset, 11)
        guard nameSize >= 1, nameSize <= 4096 else { throw .badName }
        let nameOffset = offset + headerSize
        guard let nameWithNul = reader.slice(offset: UInt64(nameOffset), length: UInt64(nameSize)) else {
            throw .truncated
        }
        guard nameWithNul[Int(nameSize) - 1] == 0 else { throw .badName }
        let name = UnsafeRawBufferPointer(rebasing: nameWithNul[0..<(Int(nameSize) - 1)])
        let dataOffset = align4(nameOffset + Int(nameSize))
        guard let data = reader.slice(offset: UInt64(dataOffset), length: UInt64(fileSize)) else {
            throw .truncated
        }
        let trailer: StaticString = "TRAILER!!!"
        let isTrailer = name.count == trailer.utf8CodeUnitCount
            && memcmpEqual(name, UnsafeRawBufferPointer(start: trailer.utf8Start, count: trailer.utf8CodeUnitCount))
        return Entry(name: name, data: data, mode: mode, next: align4(dataOffset + Int(fileSize)),
                     isTrailer: isTrailer)
    }

    /// Header field `index` (0 = c_ino … 12 = c_check), eight ASCII hex digits.
    private static func hexField(_ reader: ByteReader, _ offset: Int, _ index: Int) throws(CPIOError) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<8 {
            let c = reader.u8(offset + 6 + index * 8 + i)!
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

    @inline(__always) private static func align4(_ x: Int) -> Int { (x + 3) & ~3 }
}

/// Byte equality of two equally long buffers.
@inline(__always)
func memcmpEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count where a[i] != b[i] { return false }
    return true
}
