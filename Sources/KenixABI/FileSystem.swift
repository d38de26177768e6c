// The file ABI between clients and the VFS server (docs/vfs.md): request op
// codes, open flags, the error codes, and the byte layouts of the records
// that travel in the client's shared buffer (stat, directory entries,
// file-system information). The server's service key is `ServiceKey.files`.
// Compiled into every Swift user program (libkenix), into the file-system
// library (Userland/lib/fs) and the kernel's ABI module; the C constants in
// Userland/include/kenix_abi.h are generated from it (`make abi`) and
// docs/vfs.md's tables are checked against it (Tests/KenixABITests).
//
// A request is an IPC `call` to the VFS: tag = op code, w0–w3 = the
// arguments below. The reply's tag is the result: >= 0 a value, < 0 a
// `FileError`. Paths, names, records and file data go through the client's
// buffer (the shared memory `FileRequest.attach` gives it), never through
// registers.

/// Errors the VFS returns (negated in the reply tag, like `SyscallError`).
/// `posixNumber` maps each to the Linux errno the C API sets.
public enum FileError: Int64, Error, CaseIterable {
    case notFound = -1
    case exists = -2
    case notDirectory = -3
    case isDirectory = -4
    case notEmpty = -5
    case noSpace = -6
    case readOnly = -7
    /// Not an open file of this client, or not open for this access.
    case badFile = -8
    /// The medium failed, or the file system's structure is damaged here.
    case ioError = -9
    case nameTooLong = -10
    /// rename (or link) across two mounted file systems.
    case crossDevice = -11
    /// A mount point, an open or current directory, a mounted volume.
    case busy = -12
    case invalidArgument = -13
    /// The client's open-file table is full.
    case tooManyOpenFiles = -14
    /// Beyond the file system's largest file (FAT: 4 GiB − 1 bytes).
    case fileTooLarge = -15
    /// Too many symbolic links while resolving a path (a loop).
    case tooManyLinks = -16
    /// The file system cannot do this (symbolic links on FAT; FAT12/FAT16 volumes).
    case notSupported = -17
    /// The server ran out of memory.
    case outOfMemory = -18
    /// Not attached, or the request does not fit in the buffer.
    case noBuffer = -19
    /// No file server is running, or it died during the request.
    case unavailable = -20
    /// The file does not allow this access (a read-only file opened for writing).
    case accessDenied = -21
    /// The server's client table is full.
    case tooManyClients = -22
}

extension FileError {
    /// The documented name (docs/vfs.md, messages): the Swift case name.
    public var name: StaticString {
        switch self {
        case .notFound: "notFound"
        case .exists: "exists"
        case .notDirectory: "notDirectory"
        case .isDirectory: "isDirectory"
        case .notEmpty: "notEmpty"
        case .noSpace: "noSpace"
        case .readOnly: "readOnly"
        case .badFile: "badFile"
        case .ioError: "ioError"
        case .nameTooLong: "nameTooLong"
        case .crossDevice: "crossDevice"
        case .busy: "busy"
        case .invalidArgument: "invalidArgument"
        case .tooManyOpenFiles: "tooManyOpenFiles"
        case .fileTooLarge: "fileTooLarge"
        case .tooManyLinks: "tooManyLinks"
        case .notSupported: "notSupported"
        case .outOfMemory: "outOfMemory"
        case .noBuffer: "noBuffer"
        case .unavailable: "unavailable"
        case .accessDenied: "accessDenied"
        case .tooManyClients: "tooManyClients"
        }
    }

    /// The Linux (asm-generic) errno value the C API reports for this error.
    public var posixNumber: Int32 {
        switch self {
        case .notFound: 2          // ENOENT
        case .exists: 17           // EEXIST
        case .notDirectory: 20     // ENOTDIR
        case .isDirectory: 21      // EISDIR
        case .notEmpty: 39         // ENOTEMPTY
        case .noSpace: 28          // ENOSPC
        case .readOnly: 30         // EROFS
        case .badFile: 9           // EBADF
        case .ioError: 5           // EIO
        case .nameTooLong: 36      // ENAMETOOLONG
        case .crossDevice: 18      // EXDEV
        case .busy: 16             // EBUSY
        case .invalidArgument: 22  // EINVAL
        case .tooManyOpenFiles: 24 // EMFILE
        case .fileTooLarge: 27     // EFBIG
        case .tooManyLinks: 40     // ELOOP
        case .notSupported: 95     // EOPNOTSUPP
        case .outOfMemory: 12      // ENOMEM
        case .noBuffer: 105        // ENOBUFS
        case .unavailable: 6       // ENXIO
        case .accessDenied: 13     // EACCES
        case .tooManyClients: 23   // ENFILE
        }
    }
}

/// Request op codes (the low 8 bits of the request tag). Registers are the
/// message words w0–w3 (x2–x5); "buf" is the client's attached buffer.
public enum FileRequest: UInt64, CaseIterable {
    /// w0 buffer size (`FileLimits.minBufferSize`–`maxBufferSize`; 0: `defaultBufferSize`)
    /// → the id of a shared-memory object the server made, zeroed, and granted to the
    /// caller, and in the reply's w0 its size (smaller than asked when memory is
    /// short): the client maps it, and it is the client's buffer from now on.
    case attach = 1
    /// Closes every open file, drops the buffer and the client's state.
    case detach = 2
    /// w0 path length, w1 flags (`OpenFlags`); path in buf. → file descriptor.
    case open = 3
    /// w0 fd.
    case close = 4
    /// w0 fd, w1 length (≤ buffer size) → bytes read, data in buf[0..<n].
    case read = 5
    /// w0 fd, w1 length, data in buf[0..<length] → bytes written.
    case write = 6
    /// w0 fd, w1 offset (signed), w2 origin (`SeekOrigin`) → new position.
    case seek = 7
    /// w0 path length, w1 flags (`StatFlags`); path in buf → `FileStat` record in buf.
    case stat = 8
    /// w0 fd → `FileStat` record in buf.
    case fstat = 9
    /// w0 fd (a directory), w1 byte limit (0: the whole buffer) → entries written to buf
    /// (0 at the end), `DirectoryEntryLayout` records.
    case readDirectory = 10
    /// w0 path length; path in buf.
    case makeDirectory = 11
    /// w0 path length; path in buf.
    case removeDirectory = 12
    /// w0 path length; path in buf.
    case unlink = 13
    /// w0 old path length, w1 new path length; old path at buf[0], new right after it.
    case rename = 14
    /// w0 path length, w1 new size; path in buf.
    case truncate = 15
    /// w0 fd, w1 new size.
    case truncateFile = 16
    /// Writes every mounted file system's cached changes to its disk.
    case sync = 17
    /// w0 fd: writes that file's file system's changes to disk.
    case syncFile = 18
    /// w0 path length; path in buf. Sets the client's current directory.
    case changeDirectory = 19
    /// → length of the current directory's absolute path, written to buf.
    case currentDirectory = 20
    /// w0 target length, w1 link path length; target at buf[0], link path right after it.
    case symlink = 21
    /// w0 path length; path in buf → the link's target length, target written to buf.
    case readLink = 22
    /// w0 path length; path in buf → `FileSystemInfo` record in buf.
    case fileSystemInfo = 23
    /// → mounts written to buf (`MountRecordLayout` records).
    case mounts = 24
    /// w0 fd, w1 length, w2 offset → bytes read at offset (the position does not move).
    case readAt = 25
    /// w0 fd, w1 length, w2 offset, data in buf → bytes written at offset.
    case writeAt = 26
    /// w0 path length; path in buf. Flushes and detaches the file system mounted there.
    case unmount = 27
}

/// `open` flags: the Linux (asm-generic, AArch64) O_* values, so C code and a
/// Linux personality pass them through unchanged.
public enum OpenFlags {
    public static let readOnly: UInt64 = 0
    public static let writeOnly: UInt64 = 1
    public static let readWrite: UInt64 = 2
    public static let accessMask: UInt64 = 3
    public static let create: UInt64 = 0x40
    public static let exclusive: UInt64 = 0x80
    public static let truncate: UInt64 = 0x200
    public static let append: UInt64 = 0x400
    /// Fail with `notDirectory` unless the path names a directory.
    public static let directory: UInt64 = 0x1_0000
    /// Do not follow a symbolic link in the last component (fail with `tooManyLinks`).
    public static let noFollow: UInt64 = 0x2_0000
    public static let all: UInt64 = accessMask | create | exclusive | truncate | append | directory | noFollow
}

/// `stat` flags.
public enum StatFlags {
    /// Describe a symbolic link itself, not what it points to (lstat).
    public static let noFollow: UInt64 = 1
}

public enum SeekOrigin: UInt64, CaseIterable {
    case start = 0
    case current = 1
    case end = 2
}

public enum FileKind: UInt32, CaseIterable {
    case regular = 1
    case directory = 2
    case symlink = 3
}

/// The `stat` record: 64 bytes, little-endian. Times are nanoseconds since
/// 1970-01-01 00:00 UTC.
public enum FileStatLayout {
    public static let size = 0          // u64 length in bytes
    public static let id = 8            // u64 node number, unique within the file system
    public static let modified = 16     // u64
    public static let accessed = 24     // u64
    public static let created = 32      // u64
    public static let kind = 40         // u32 FileKind
    public static let flags = 44        // u32 bit 0: read-only
    public static let device = 48       // u32 mount number
    public static let links = 52        // u32 hard links (directories count their subdirectories)
    public static let allocated = 56    // u64 bytes the file occupies on its medium
    public static let recordSize = 64
    public static let readOnlyFlag: UInt32 = 1
}

/// A `readDirectory` entry: a 24-byte header, then the name (UTF-8, no
/// separators), a NUL, and padding to a multiple of 8 bytes. Entries follow
/// one another; "." and ".." are never listed.
public enum DirectoryEntryLayout {
    public static let id = 0            // u64
    public static let size = 8          // u64
    public static let kind = 16         // u32 FileKind
    public static let nameLength = 20   // u16, without the NUL
    public static let recordLength = 22 // u16, header + name + NUL + padding
    public static let headerSize = 24
}

/// The `fileSystemInfo` record (statfs, `df`): 48 bytes.
public enum FileSystemInfoLayout {
    public static let blockSize = 0     // u64 allocation unit in bytes
    public static let totalBlocks = 8   // u64
    public static let freeBlocks = 16   // u64
    public static let files = 24        // u64 nodes in use (RAM fs) or 0
    public static let type = 32         // u32 FileSystemType
    public static let flags = 36        // u32 bit 0: mounted read-only
    public static let device = 40       // u32 mount number
    public static let recordSize = 48
    public static let readOnlyFlag: UInt32 = 1
}

/// A `mounts` record: a `FileSystemInfoLayout` record, then u16 path length
/// at 48, u16 record length at 50, 4 reserved bytes, the mount point's
/// absolute path, a NUL, padding to a multiple of 8.
public enum MountRecordLayout {
    public static let pathLength = 48
    public static let recordLength = 50
    public static let headerSize = 56
}

public enum FileSystemType: UInt32, CaseIterable {
    case ram = 1
    case fat32 = 2
}

public enum FileLimits {
    /// Longest path a request may carry, in bytes.
    public static let maxPathLength = 4096
    /// Longest name component in bytes (FAT: 255 UTF-16 units, up to 765 UTF-8 bytes;
    /// the RAM file system allows 255 bytes).
    public static let maxNameLength = 765
    /// Open files per client.
    public static let maxOpenFiles = 64
    /// Symbolic links followed while resolving one path.
    public static let maxSymlinkFollows = 40
    /// Attached buffer size bounds (the shared-memory object's size).
    public static let minBufferSize: UInt64 = 4096
    public static let maxBufferSize: UInt64 = 16 * 1024 * 1024
    public static let defaultBufferSize: UInt64 = 256 * 1024
}
