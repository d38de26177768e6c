// BootFS: the read-only file tree Files serves from the boot image until the
// VFS server is on main. The initrd (a cpio newc archive, mapped with
// image_map) gives /boot/NAME for each file; /bin holds busybox and a
// symbolic link to it for every applet the boot image's `busybox.links`
// lists (one name a line, written by the build); /tmp is an empty directory.

struct BootNode {
    var name: [UInt8]
    var type: FileType
    var parent: Int
    var children: [Int] = []
    /// Regular files: where the bytes are. Symbolic links: `target`.
    var data: UnsafeRawPointer? = nil
    var size = 0
    var target: [UInt8] = []
}

struct BootFS {
    var nodes: [BootNode] = []
    var imageSize = 0
    /// Timestamps: the boot's real time (the initrd holds none).
    var time: UInt64 = 0

    mutating func load() {
        time = (try? Kenix.realTime()) ?? 0
        nodes = [BootNode(name: [], type: .directory, parent: 0)]
        let bin = add(PathName.bytes("bin"), .directory, under: 0)
        let boot = add(PathName.bytes("boot"), .directory, under: 0)
        _ = add(PathName.bytes("dev"), .directory, under: 0)
        _ = add(PathName.bytes("tmp"), .directory, under: 0)
        guard let image = try? BootImage.map() else { return }
        imageSize = image.count
        var links: [UInt8] = []
        CPIO.forEach(image) { name, data in
            var node = BootNode(name: name, type: .regular, parent: boot)
            node.data = data.baseAddress
            node.size = data.count
            nodes.append(node)
            nodes[boot].children.append(nodes.count - 1)
            if name == PathName.bytes("busybox") {
                var exe = node
                exe.parent = bin
                nodes.append(exe)
                nodes[bin].children.append(nodes.count - 1)
            }
            if name == PathName.bytes("busybox.links") { links = Array(data) }
        }
        var line: [UInt8] = []
        for b in links + [0x0A] {
            if b != 0x0A { line.append(b); continue }
            if !line.isEmpty && !line.contains(0x2F) && lookup(line, in: bin) == nil && line != PathName.bytes("busybox") {
                let l = add(line, .symlink, under: bin)
                nodes[l].target = PathName.bytes("busybox")
            }
            line.removeAll()
        }
    }

    private mutating func add(_ name: [UInt8], _ type: FileType, under parent: Int) -> Int {
        nodes.append(BootNode(name: name, type: type, parent: parent))
        nodes[parent].children.append(nodes.count - 1)
        return nodes.count - 1
    }

    func lookup(_ name: [UInt8], in dir: Int) -> Int? {
        for c in nodes[dir].children where nodes[c].name == name { return c }
        return nil
    }

    /// Resolves an absolute path (symbolic links in the middle always
    /// followed, in the last component when `follow`).
    func resolve(_ path: [UInt8], follow: Bool) -> Result<BootNodeRef, Errno> {
        var current = 0
        var parts = PathName.components(path)
        var hops = 0
        var i = 0
        while i < parts.count {
            let part = parts[i]
            guard nodes[current].type == .directory else { return .failure(.ENOTDIR) }
            if part == [0x2E] { i += 1; continue }
            if part == [0x2E, 0x2E] { current = nodes[current].parent; i += 1; continue }
            guard part.count <= PathName.maxComponent else { return .failure(.ENAMETOOLONG) }
            guard let next = lookup(part, in: current) else { return .failure(.ENOENT) }
            let isLast = i == parts.count - 1
            if nodes[next].type == .symlink && (!isLast || follow) {
                hops += 1
                guard hops <= 40 else { return .failure(.ELOOP) }
                let target = nodes[next].target
                let rest = Array(parts[(i + 1)...])
                if target.first == 0x2F { current = 0 }
                parts = PathName.components(target) + rest
                i = 0
                continue
            }
            current = next
            i += 1
        }
        return .success(BootNodeRef(index: current, type: nodes[current].type, target: nodes[current].target))
    }

    func info(_ r: BootNodeRef) -> FileInfo {
        let n = nodes[r.index]
        var i = FileInfo(type: n.type, permissions: n.type == .symlink ? 0o777 : 0o755)
        i.inode = UInt64(r.index + 1)
        i.device = 1
        i.size = n.type == .symlink ? UInt64(n.target.count) : UInt64(n.size)
        i.allocated = (i.size + 4095) & ~4095
        i.links = n.type == .directory ? 2 : 1
        i.accessed = time; i.modified = time; i.changed = time
        return i
    }

    func node(_ r: BootNodeRef) -> FileNode {
        let n = nodes[r.index]
        if n.type == .directory {
            var list = [DirectoryEntry(name: [0x2E], type: .directory, inode: UInt64(r.index + 1)),
                        DirectoryEntry(name: [0x2E, 0x2E], type: .directory, inode: UInt64(n.parent + 1))]
            for c in n.children { list.append(DirectoryEntry(name: nodes[c].name, type: nodes[c].type, inode: UInt64(c + 1))) }
            return FileNode(.directory(list), info(r))
        }
        return FileNode(.data(n.data ?? UnsafeRawPointer(bitPattern: 16)!, n.size), info(r))
    }
}

struct BootNodeRef {
    var index: Int
    var type: FileType
    var target: [UInt8]
}

/// The cpio newc archive of the boot image: each file's name and bytes.
enum CPIO {
    static func forEach(_ image: UnsafeRawBufferPointer, _ body: ([UInt8], UnsafeRawBufferPointer) -> Void) {
        var at = 0
        while at + 110 <= image.count {
            guard image[at] == 0x30, image[at + 1] == 0x37, image[at + 2] == 0x30, image[at + 3] == 0x37,
                  image[at + 4] == 0x30, image[at + 5] == 0x31 else { return }
            func field(_ i: Int) -> Int? {
                var v = 0
                for k in 0..<8 {
                    let c = image[at + 6 + i * 8 + k]
                    guard let d = hex(c) else { return nil }
                    v = v << 4 | d
                }
                return v
            }
            guard let size = field(6), let nameSize = field(11), nameSize > 0 else { return }
            let nameAt = at + 110
            let dataAt = (nameAt + nameSize + 3) & ~3
            guard dataAt <= image.count, size <= image.count - dataAt else { return }
            let name = Array(image[nameAt..<(nameAt + nameSize - 1)])
            if name == PathName.bytes("TRAILER!!!") { return }
            body(name, UnsafeRawBufferPointer(rebasing: image[dataAt..<(dataAt + size)]))
            at = (dataAt + size + 3) & ~3
        }
    }

    static func hex(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x41...0x46: return Int(c - 0x41 + 10)
        case 0x61...0x66: return Int(c - 0x61 + 10)
        default: return nil
        }
    }
}
