// DevFS: the nodes the server itself provides: /dev (null, zero, random,
// urandom, console, tty), and /proc/self/exe (a link to the executable).
// They are looked up before the file system; /dev exists in the file system
// too (so `ls /` lists it), but what is in it comes from here.

enum DevNode: Equatable {
    case directory
    case device(DeviceKind)
    case console
    case tty
    /// /proc/self/exe, read with readlink.
    case executable
    case proc
    case procSelf

    static let entries: [(StaticString, DevNode)] = [
        ("console", .console), ("null", .device(.null)), ("random", .device(.random)),
        ("tty", .tty), ("urandom", .device(.random)), ("zero", .device(.zero)),
    ]

    static func lookup(_ path: [UInt8]) -> DevNode? {
        let parts = PathName.components(PathName.normalize(path))
        if parts.count == 1 && parts[0] == PathName.bytes("dev") { return .directory }
        if parts.count == 2 && parts[0] == PathName.bytes("dev") {
            for (name, node) in entries where PathName.bytes(name) == parts[1] { return node }
            return nil
        }
        if parts.count >= 1 && parts[0] == PathName.bytes("proc") {
            if parts.count == 1 { return .proc }
            if parts[1] == PathName.bytes("self") {
                if parts.count == 2 { return .procSelf }
                if parts.count == 3 && parts[2] == PathName.bytes("exe") { return .executable }
            }
        }
        return nil
    }

    /// Major and minor numbers as Linux has them.
    var info: FileInfo {
        switch self {
        case .directory, .proc, .procSelf:
            var i = FileInfo(type: .directory, permissions: 0o755)
            i.inode = self == .directory ? 2 : self == .proc ? 3 : 4
            i.device = 5
            i.links = 2
            return i
        case .executable:
            var i = FileInfo(type: .symlink, permissions: 0o777)
            i.inode = 5
            i.device = 5
            return i
        case .console, .tty, .device:
            var i = FileInfo(type: .characterDevice, permissions: 0o666)
            i.device = 5
            switch self {
            case .console: i.rdev = 5 << 8 | 1; i.inode = 10; i.permissions = 0o600
            case .tty: i.rdev = 5 << 8 | 0; i.inode = 11
            case .device(.null): i.rdev = 1 << 8 | 3; i.inode = 12
            case .device(.zero): i.rdev = 1 << 8 | 5; i.inode = 13
            default: i.rdev = 1 << 8 | 9; i.inode = 14
            }
            return i
        }
    }

    /// The /dev listing for getdents64.
    static var listing: [DirEntry] {
        var list = [DirEntry(name: [0x2E], type: .directory, inode: 2),
                    DirEntry(name: [0x2E, 0x2E], type: .directory, inode: 1)]
        for (name, node) in entries { list.append(DirEntry(name: PathName.bytes(name), type: .characterDevice,
                                                                inode: node.info.inode)) }
        return list
    }
}
