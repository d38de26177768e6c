// OpenFile and FileTable: Linux's open file descriptions and per-process
// descriptor tables. A description (offset, status flags, what it reads and
// writes) is shared by the descriptors dup and fork make; close-on-exec
// belongs to the descriptor. The last close of a description releases its
// object (a pipe end, a file of the file server).

/// What a description refers to.
enum FileObject {
    case pipeRead(Pipe)
    case pipeWrite(Pipe)
    /// The console terminal (/dev/console, /dev/tty, the launched program's 0–2).
    case terminal
    case device(DeviceKind)
    /// A file or directory of the file system, open in the backend.
    case node(FileNode)
}

enum DeviceKind: Equatable {
    case null
    case zero
    case random
}

/// Linux open(2) flags the server keeps or acts on (asm-generic/fcntl.h).
enum OpenFlag {
    static let accessMask: UInt64 = 3
    static let readOnly: UInt64 = 0
    static let writeOnly: UInt64 = 1
    static let readWrite: UInt64 = 2
    static let create: UInt64 = 0o100
    static let exclusive: UInt64 = 0o200
    static let noCTTY: UInt64 = 0o400
    static let truncate: UInt64 = 0o1000
    static let append: UInt64 = 0o2000
    static let nonBlock: UInt64 = 0o4000
    static let directory: UInt64 = 0o200000
    static let noFollow: UInt64 = 0o400000
    static let closeOnExec: UInt64 = 0o2000000
    static let path: UInt64 = 0o10000000
    /// What F_SETFL may change.
    static let settable: UInt64 = append | nonBlock | 0o20000 /* O_ASYNC */ | 0o40000 /* O_DIRECT */ | 0o1000000 /* O_NOATIME */
}

final class OpenFile {
    let object: FileObject
    /// Access mode and status flags (O_APPEND, O_NONBLOCK, ...).
    var flags: UInt64
    var offset: UInt64 = 0
    /// The path it was opened by (openat relative to it, fchdir, /proc/self/fd).
    var path: [UInt8]
    /// Descriptors (in any process) that refer to it.
    var references = 0

    init(_ object: FileObject, flags: UInt64, path: [UInt8]) {
        self.object = object; self.flags = flags; self.path = path
    }

    var canRead: Bool { flags & OpenFlag.accessMask != OpenFlag.writeOnly }
    var canWrite: Bool { flags & OpenFlag.accessMask != OpenFlag.readOnly }
    var isNonBlocking: Bool { flags & OpenFlag.nonBlock != 0 }
}

struct Descriptor {
    var file: OpenFile
    var closeOnExec: Bool
}

struct FileTable {
    static let limit = 256
    var slots: [Descriptor?] = []

    func get(_ fd: UInt64) -> OpenFile? {
        guard fd < UInt64(slots.count), let d = slots[Int(fd)] else { return nil }
        return d.file
    }

    func descriptor(_ fd: UInt64) -> Descriptor? {
        fd < UInt64(slots.count) ? slots[Int(fd)] : nil
    }

    /// The lowest free descriptor at or above `minimum`, or nil (EMFILE).
    func lowestFree(from minimum: Int = 0) -> Int? {
        var fd = minimum
        while fd < Self.limit {
            if fd >= slots.count || slots[fd] == nil { return fd }
            fd += 1
        }
        return nil
    }

    /// Installs `file` at `fd` (which the caller found free or closed).
    mutating func install(_ file: OpenFile, at fd: Int, closeOnExec: Bool) {
        while slots.count <= fd { slots.append(nil) }
        file.references += 1
        slots[fd] = Descriptor(file: file, closeOnExec: closeOnExec)
    }

    /// Takes `fd` out; returns its description if that was its last reference.
    mutating func remove(_ fd: Int) -> OpenFile? {
        guard fd < slots.count, let d = slots[fd] else { return nil }
        slots[fd] = nil
        while let last = slots.last, last == nil { slots.removeLast() }
        d.file.references -= 1
        return d.file.references == 0 ? d.file : nil
    }

    mutating func setCloseOnExec(_ fd: Int, _ on: Bool) {
        if fd < slots.count, slots[fd] != nil { slots[fd]!.closeOnExec = on }
    }

    /// A copy for a forked child: same descriptions, one more reference each.
    func duplicate() -> FileTable {
        for case let d? in slots { d.file.references += 1 }
        return self
    }

    var openDescriptors: [Int] {
        var fds: [Int] = []
        for i in 0..<slots.count where slots[i] != nil { fds.append(i) }
        return fds
    }
}
