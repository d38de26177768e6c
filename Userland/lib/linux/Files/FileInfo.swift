// FileInfo: what the server knows about a file, whatever holds it (the file
// server, its own devices, pipes, the terminal), and its Linux encodings:
// struct stat (newfstatat, fstat: 128 bytes on AArch64), struct statx (256
// bytes), and linux_dirent64 records (getdents64).

public enum FileType: Equatable {
    case regular
    case directory
    case symlink
    case characterDevice
    case fifo

    /// The S_IFMT bits.
    public var modeBits: UInt32 {
        switch self {
        case .regular: 0o100000
        case .directory: 0o040000
        case .symlink: 0o120000
        case .characterDevice: 0o020000
        case .fifo: 0o010000
        }
    }

    /// d_type of a directory entry.
    public var direntType: UInt8 {
        switch self {
        case .regular: 8
        case .directory: 4
        case .symlink: 10
        case .characterDevice: 2
        case .fifo: 1
        }
    }
}

public struct FileInfo: Equatable {
    public var type: FileType
    /// Permission bits (0o7777).
    public var permissions: UInt32
    public var size: UInt64 = 0
    public var inode: UInt64 = 0
    public var device: UInt64 = 0
    /// For a device: major << 8 | minor.
    public var rdev: UInt64 = 0
    public var links: UInt32 = 1
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    /// Bytes it occupies on its medium.
    public var allocated: UInt64 = 0
    /// Nanoseconds since 1970.
    public var accessed: UInt64 = 0
    public var modified: UInt64 = 0
    public var changed: UInt64 = 0

    public init(type: FileType, permissions: UInt32) { self.type = type; self.permissions = permissions }

    public var mode: UInt32 { type.modeBits | permissions & 0o7777 }
    public var blocks: UInt64 { (allocated + 511) / 512 }

    public static let blockSize: UInt64 = 4096
    public static let statSize = 128
    public static let statxSize = 256

    /// struct stat (asm-generic/stat.h).
    public var stat: [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.statSize)
        LE.put64(&b, 0, device)
        LE.put64(&b, 8, inode)
        LE.put32(&b, 16, mode)
        LE.put32(&b, 20, links)
        LE.put32(&b, 24, uid)
        LE.put32(&b, 28, gid)
        LE.put64(&b, 32, rdev)
        LE.put64(&b, 48, size)
        LE.put32(&b, 56, UInt32(Self.blockSize))
        LE.put64(&b, 64, blocks)
        LE.put64(&b, 72, accessed / 1_000_000_000); LE.put64(&b, 80, accessed % 1_000_000_000)
        LE.put64(&b, 88, modified / 1_000_000_000); LE.put64(&b, 96, modified % 1_000_000_000)
        LE.put64(&b, 104, changed / 1_000_000_000); LE.put64(&b, 112, changed % 1_000_000_000)
        return b
    }

    /// STATX_BASIC_STATS: what every statx answer holds.
    public static let statxBasic: UInt32 = 0x7FF

    /// struct statx (linux/stat.h).
    public var statx: [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.statxSize)
        LE.put32(&b, 0, Self.statxBasic)
        LE.put32(&b, 4, UInt32(Self.blockSize))
        LE.put32(&b, 16, links)
        LE.put32(&b, 20, uid)
        LE.put32(&b, 24, gid)
        LE.put16(&b, 28, UInt16(truncatingIfNeeded: mode))
        LE.put64(&b, 32, inode)
        LE.put64(&b, 40, size)
        LE.put64(&b, 48, blocks)
        func time(_ at: Int, _ ns: UInt64) {
            LE.put64(&b, at, ns / 1_000_000_000); LE.put32(&b, at + 8, UInt32(ns % 1_000_000_000))
        }
        time(64, accessed); time(80, modified); time(96, changed); time(112, modified)
        LE.put32(&b, 128, UInt32(truncatingIfNeeded: rdev >> 8)); LE.put32(&b, 132, UInt32(truncatingIfNeeded: rdev & 0xFF))
        LE.put32(&b, 136, UInt32(truncatingIfNeeded: device >> 8)); LE.put32(&b, 140, UInt32(truncatingIfNeeded: device & 0xFF))
        return b
    }
}

/// linux_dirent64: u64 inode, s64 offset of the next entry, u16 record
/// length, u8 type, the name and a NUL, padded to 8 bytes.
public enum Dirent {
    public static func recordLength(nameLength: Int) -> Int { (19 + nameLength + 1 + 7) & ~7 }

    /// Appends a record to `out` if it fits in `limit` bytes; false otherwise.
    public static func append(_ out: inout [UInt8], limit: Int, inode: UInt64, next: UInt64, type: FileType,
                              name: [UInt8]) -> Bool {
        let length = recordLength(nameLength: name.count)
        guard out.count + length <= limit else { return false }
        let at = out.count
        out += [UInt8](repeating: 0, count: length)
        LE.put64(&out, at, inode)
        LE.put64(&out, at + 8, next)
        LE.put16(&out, at + 16, UInt16(length))
        out[at + 18] = type.direntType
        for i in 0..<name.count { out[at + 19 + i] = name[i] }
        return true
    }
}
