// RamFS: the root file system, held in the server's memory. Directories,
// regular files, symbolic links, and read-only files whose bytes live
// outside the heap (the boot image's files under /boot: mapped memory or a
// reader, never copied). Node table with generation-checked ids, like the
// FAT volume's; a removed node still held keeps its data until the last
// release. File data counts against a capacity (`noSpace` beyond it), so one
// client cannot exhaust the server's heap. Names are case-sensitive UTF-8,
// at most 255 bytes. The namespace operations are in RamFS+Namespace.swift.

#if canImport(KenixABI)
import KenixABI
#endif

public final class RamFS: FileSystem {
    /// Contents kept outside the heap: `bytes` (mapped, read-only), or
    /// `key` handed to the reader.
    public struct External {
        public var size: UInt64
        public var bytes: UnsafeRawBufferPointer?
        public var key: UInt32
        public init(size: UInt64, bytes: UnsafeRawBufferPointer?, key: UInt32) {
            self.size = size
            self.bytes = bytes
            self.key = key
        }
    }

    /// Reads external contents `key` from `offset` into the buffer; returns bytes read.
    public typealias ExternalReader = (UInt32, UInt64, UnsafeMutableRawBufferPointer) -> Int

    struct Entry {
        var name: [UInt8]
        var node: Int
        /// Order of creation: the readdir cookie, stable while entries come and go.
        var sequence: UInt64
    }

    struct Node {
        var generation: UInt32 = 0
        var live = false
        var kind: FileKind = .regular
        var refs = 0
        var linked = false
        var parent = 0
        var data = FileData()
        var entries: [Entry] = []
        /// The entries' names, sorted (RamFS+NameIndex.swift).
        var names: [NameKey] = []
        var nextSequence: UInt64 = 1
        var external: External? = nil
        var readOnly = false
        var created: UInt64 = 0
        var modified: UInt64 = 0
        var accessed: UInt64 = 0
    }

    static let maxName = 255
    static let blockSize: UInt64 = 4096

    var nodes: [Node] = []
    var freeNodes: [Int] = []
    let clock: WallClock
    public let capacity: UInt64
    public internal(set) var usedBytes: UInt64 = 0
    public var externalReader: ExternalReader?
    public internal(set) var liveNodes = 0

    /// A RAM file system holding at most `capacity` bytes of file data.
    public init(capacity: UInt64, clock: @escaping WallClock) {
        self.capacity = capacity
        self.clock = clock
        var root = Node()
        root.live = true
        root.kind = .directory
        root.refs = 1
        root.linked = true
        let now = clock()
        root.created = now
        root.modified = now
        root.accessed = now
        nodes.append(root)
        liveNodes = 1
    }

    public var rootNode: NodeID { 0 }
    public var isReadOnly: Bool { false }

    func index(of id: NodeID) throws(FileError) -> Int {
        let i = Int(id & 0xFFFF_FFFF)
        guard i < nodes.count, nodes[i].live, UInt64(nodes[i].generation) == id >> 32 else { throw .badFile }
        return i
    }

    func id(of i: Int) -> NodeID { UInt64(nodes[i].generation) << 32 | UInt64(i) }

    func newNode(_ kind: FileKind, parent: Int) -> Int {
        var node = Node()
        node.live = true
        node.kind = kind
        node.refs = 1
        node.linked = true
        node.parent = parent
        let now = clock()
        node.created = now
        node.modified = now
        node.accessed = now
        liveNodes += 1
        if let i = freeNodes.popLast() {
            node.generation = nodes[i].generation &+ 1
            nodes[i] = node
            return i
        }
        nodes.append(node)
        return nodes.count - 1
    }

    public func retain(_ node: NodeID) {
        guard let i = try? index(of: node), i != 0 else { return }
        nodes[i].refs += 1
    }

    public func release(_ node: NodeID) {
        guard let i = try? index(of: node), i != 0 else { return }
        nodes[i].refs -= 1
        freeIfUnused(i)
    }

    /// Frees node `i` once it is neither held nor named by a directory.
    func freeIfUnused(_ i: Int) {
        guard nodes[i].refs <= 0, !nodes[i].linked else { return }
        usedBytes -= UInt64(nodes[i].data.count)
        nodes[i].data = FileData()
        nodes[i].entries = []
        nodes[i].names = []
        nodes[i].external = nil
        nodes[i].live = false
        liveNodes -= 1
        freeNodes.append(i)
    }

    public func info(_ node: NodeID) throws(FileError) -> NodeInfo {
        let i = try index(of: node)
        let n = nodes[i]
        let size = n.external?.size ?? (n.kind == .directory ? UInt64(n.entries.count) : UInt64(n.data.count))
        let allocated = n.external != nil ? 0 : (UInt64(n.data.count) + Self.blockSize - 1) / Self.blockSize * Self.blockSize
        return NodeInfo(id: node, kind: n.kind, size: size, modified: n.modified, accessed: n.accessed,
                        created: n.created, readOnly: n.readOnly, links: n.kind == .directory ? 2 : (n.linked ? 1 : 0),
                        allocated: allocated)
    }

    public func kind(_ node: NodeID) throws(FileError) -> FileKind { nodes[try index(of: node)].kind }

    // MARK: data

    public func read(_ node: NodeID, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        let i = try index(of: node)
        switch nodes[i].kind {
        case .directory: throw .isDirectory
        case .symlink: throw .invalidArgument
        case .regular: break
        }
        if let ext = nodes[i].external {
            guard offset < ext.size, buffer.count > 0 else { return 0 }
            let n = Int(min(UInt64(buffer.count), ext.size - offset))
            if let bytes = ext.bytes {
                buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + Int(offset), byteCount: n)
                return n
            }
            guard let reader = externalReader else { throw .ioError }
            let got = reader(ext.key, offset, UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n]))
            guard got >= 0 else { throw .ioError }
            return got
        }
        let count = UInt64(nodes[i].data.count)
        guard offset < count, buffer.count > 0 else { return 0 }
        let n = Int(min(UInt64(buffer.count), count - offset))
        nodes[i].data.withUnsafeBytes { data in
            buffer.baseAddress!.copyMemory(from: data.baseAddress! + Int(offset), byteCount: n)
        }
        return n
    }

    public func write(_ node: NodeID, at offset: UInt64, from buffer: UnsafeRawBufferPointer) throws(FileError) -> Int {
        let i = try index(of: node)
        try checkWritableFile(i)
        guard buffer.count > 0 else { return 0 }
        let old = UInt64(nodes[i].data.count)
        guard offset <= UInt64(Int.max) - UInt64(buffer.count) else { throw .fileTooLarge }
        let end = offset + UInt64(buffer.count)
        if end > old {
            guard end - old <= capacity - usedBytes else { throw .noSpace }
            nodes[i].data.grow(to: Int(end))
            usedBytes += end - old
        }
        nodes[i].data.withUnsafeMutableBytes { data in
            (data.baseAddress! + Int(offset)).copyMemory(from: buffer.baseAddress!, byteCount: buffer.count)
        }
        nodes[i].modified = clock()
        return buffer.count
    }

    public func resize(_ node: NodeID, to size: UInt64) throws(FileError) {
        let i = try index(of: node)
        try checkWritableFile(i)
        let old = UInt64(nodes[i].data.count)
        if size > old {
            guard size - old <= capacity - usedBytes else { throw .noSpace }
            nodes[i].data.grow(to: Int(size))
            usedBytes += size - old
        } else if size < old {
            nodes[i].data.truncate(to: Int(size))
            usedBytes -= old - size
        }
        nodes[i].modified = clock()
    }

    func checkWritableFile(_ i: Int) throws(FileError) {
        switch nodes[i].kind {
        case .directory: throw .isDirectory
        case .symlink: throw .invalidArgument
        case .regular: break
        }
        guard !nodes[i].readOnly, nodes[i].external == nil else { throw .accessDenied }
    }

    public func readLink(_ node: NodeID) throws(FileError) -> [UInt8] {
        let i = try index(of: node)
        guard nodes[i].kind == .symlink else { throw .invalidArgument }
        return nodes[i].data.bytes
    }

    public func sync() throws(FileError) {}

    public func unmount() throws(FileError) {}

    public func usage() -> FileSystemUsage {
        let used = (usedBytes + Self.blockSize - 1) / Self.blockSize
        let total = capacity / Self.blockSize
        return FileSystemUsage(blockSize: Self.blockSize, totalBlocks: total, freeBlocks: total > used ? total - used : 0,
                               files: UInt64(liveNodes), type: .ram, readOnly: false)
    }
}
