// The FAT volume's node table: the files and directories someone holds,
// like a Unix inode cache. A node is found again by where its short entry
// lives (parent directory's first cluster, slot), and a directory also by
// its first cluster, so two lookups of one file share one node (one size,
// one cluster chain, one cursor). A node whose entry was removed while held
// keeps its clusters until its last release. NodeID = generation << 32 | index,
// so a stale id is refused, never confused with a newer node.

#if canImport(KenixABI)
import KenixABI
#endif

struct FATNodeRecord {
    var generation: UInt32 = 0
    var live = false
    var refs = 0
    var isDirectory = false
    var firstCluster: UInt32 = 0
    var size: UInt32 = 0
    /// The containing directory's first cluster and the short entry's slot.
    var parent: UInt32 = 0
    var slot: UInt32 = 0
    var firstSlot: UInt32 = 0
    /// False for the root (it has no entry) and for a removed node still held.
    var hasEntry = false
    /// Position cache for sequential access: chain index → cluster (0: none).
    var cursorIndex: UInt32 = 0
    var cursorCluster: UInt32 = 0
    /// Random access: the clusters at chain indices 0, stride, 2 × stride, …
    /// as far as a walk has gone (FATChainMarks), so a seek walks at most
    /// one stride of the chain rather than all of it from the start.
    var marks = FATChainMarks()

    static func root(cluster: UInt32) -> FATNodeRecord {
        var r = FATNodeRecord()
        r.live = true
        r.refs = 1   // never released
        r.isDirectory = true
        r.firstCluster = cluster
        return r
    }

    var locationKey: UInt64 { UInt64(parent) << 32 | UInt64(slot) }
}

extension FATVolume {
    public var rootNode: NodeID { 0 }

    func index(of id: NodeID) throws(FileError) -> Int {
        let i = Int(id & 0xFFFF_FFFF)
        guard i < nodes.count, nodes[i].live, UInt64(nodes[i].generation) == id >> 32 else { throw .badFile }
        return i
    }

    func id(of index: Int) -> NodeID { UInt64(nodes[index].generation) << 32 | UInt64(index) }

    /// The node for `entry` found in directory `parent` (first cluster), held.
    func node(for entry: FATEntry, in parent: UInt32) -> NodeID {
        let key = UInt64(parent) << 32 | UInt64(entry.slot)
        if let i = byLocation[key] {
            nodes[i].refs += 1
            return id(of: i)
        }
        if entry.isDirectory, let i = byDirectory[entry.firstCluster], i != 0 {
            // Reached before through "..": give it its location now.
            nodes[i].refs += 1
            if !nodes[i].hasEntry { place(i, parent: parent, slot: entry.slot, firstSlot: entry.firstSlot) }
            return id(of: i)
        }
        var record = FATNodeRecord()
        record.live = true
        record.refs = 1
        record.isDirectory = entry.isDirectory
        record.firstCluster = entry.firstCluster
        record.size = entry.isDirectory ? 0 : entry.size
        let i: Int
        if let free = freeNodes.popLast() {
            record.generation = nodes[free].generation &+ 1
            nodes[free] = record
            i = free
        } else {
            nodes.append(record)
            i = nodes.count - 1
        }
        place(i, parent: parent, slot: entry.slot, firstSlot: entry.firstSlot)
        if entry.isDirectory && entry.firstCluster != 0 { byDirectory[entry.firstCluster] = i }
        return id(of: i)
    }

    /// Records where node `i`'s entry lives (after a lookup or a rename).
    func place(_ i: Int, parent: UInt32, slot: UInt32, firstSlot: UInt32) {
        if nodes[i].hasEntry, byLocation[nodes[i].locationKey] == i { byLocation[nodes[i].locationKey] = nil }
        nodes[i].parent = parent
        nodes[i].slot = slot
        nodes[i].firstSlot = firstSlot
        nodes[i].hasEntry = true
        byLocation[nodes[i].locationKey] = i
    }

    /// Forgets node `i`'s entry (it was removed); the node lives on while held.
    func detachEntry(_ i: Int) {
        if nodes[i].hasEntry, byLocation[nodes[i].locationKey] == i { byLocation[nodes[i].locationKey] = nil }
        nodes[i].hasEntry = false
        if nodes[i].isDirectory, byDirectory[nodes[i].firstCluster] == i { byDirectory[nodes[i].firstCluster] = nil }
    }

    public func retain(_ node: NodeID) {
        guard let i = try? index(of: node), i != 0 else { return }
        nodes[i].refs += 1
    }

    public func release(_ node: NodeID) {
        guard let i = try? index(of: node), i != 0 else { return }
        nodes[i].refs -= 1
        guard nodes[i].refs <= 0 else { return }
        if !nodes[i].hasEntry, nodes[i].firstCluster != 0, !isReadOnly, isMounted {
            // Removed while held: its clusters go now, once the entry's removal
            // is on the disk. A failure leaves lost clusters (fsck.fat reclaims
            // them), never a damaged file.
            if (try? beginChange()) != nil, (try? cache.flush()) != nil { try? freeChain(nodes[i].firstCluster) }
        }
        detachEntry(i)
        nodes[i].live = false
        nodes[i].cursorCluster = 0
        nodes[i].marks = FATChainMarks()
        freeNodes.append(i)
    }

    /// Reads node `i`'s short entry from its directory.
    func readEntry(_ i: Int) throws(FileError) -> FATEntry {
        guard nodes[i].hasEntry, let offset = try slotOffset(nodes[i].parent, nodes[i].slot) else { throw .ioError }
        let raw = UnsafeMutableRawBufferPointer(rebasing: chunk[0..<32])
        try cache.read(at: offset, into: raw)
        var entry = FATEntry(short: UnsafeRawBufferPointer(raw), slot: nodes[i].slot)
        entry.firstSlot = nodes[i].firstSlot
        return entry
    }

    /// Writes node `i`'s size and first cluster (and, if `modified`, the
    /// modification time and archive bit) into its short entry.
    func updateEntry(_ i: Int, modified: Bool) throws(FileError) {
        guard nodes[i].hasEntry else { return }
        var entry = try readEntry(i)
        entry.firstCluster = nodes[i].firstCluster
        if !nodes[i].isDirectory { entry.size = nodes[i].size }
        if modified {
            let now = FATTime.encode(clock())
            entry.modified = FATTimestamp(date: now.date, time: now.time)
            entry.accessedDate = now.date
            if !nodes[i].isDirectory { entry.attributes |= FATAttribute.archive }
        }
        guard let offset = try slotOffset(nodes[i].parent, nodes[i].slot) else { throw .ioError }
        let raw = entry.encodeShort()
        try raw.withUnsafeBytesTyped { bytes throws(FileError) in try cache.write(at: offset, from: bytes, rank: .directory) }
    }

    public func info(_ node: NodeID) throws(FileError) -> NodeInfo {
        let i = try index(of: node)
        let r = nodes[i]
        let cs = UInt64(geometry.clusterSize)
        if i == 0 || !r.hasEntry {
            let clusters = r.isDirectory ? UInt64(try table.chainLength(r.firstCluster))
                                         : (UInt64(r.size) + cs - 1) / cs
            return NodeInfo(id: UInt64(r.firstCluster), kind: r.isDirectory ? .directory : .regular, size: UInt64(r.size),
                            modified: 0, accessed: 0, created: 0, readOnly: false,
                            links: r.isDirectory ? 2 : 0, allocated: clusters * cs)
        }
        let entry = try readEntry(i)
        let allocated: UInt64
        if r.isDirectory { allocated = UInt64(try table.chainLength(r.firstCluster)) * cs }
        else { allocated = (UInt64(r.size) + cs - 1) / cs * cs }
        return NodeInfo(id: UInt64(r.parent) << 32 | UInt64(r.slot), kind: r.isDirectory ? .directory : .regular, size: UInt64(r.size),
                        modified: FATTime.decode(entry.modified),
                        accessed: FATTime.decode(FATTimestamp(date: entry.accessedDate, time: 0)),
                        created: FATTime.decode(entry.created),
                        readOnly: entry.attributes & FATAttribute.readOnly != 0,
                        links: r.isDirectory ? 2 : 1, allocated: allocated)
    }

    public func kind(_ node: NodeID) throws(FileError) -> FileKind {
        nodes[try index(of: node)].isDirectory ? .directory : .regular
    }

    public func readLink(_ node: NodeID) throws(FileError) -> [UInt8] {
        _ = try index(of: node)
        throw .invalidArgument   // FAT has no symbolic links: nothing here is one
    }
}

extension Array where Element == UInt8 {
    /// withUnsafeBytes for a body with a typed error (the standard one rethrows untyped).
    func withUnsafeBytesTyped<R>(_ body: (UnsafeRawBufferPointer) throws(FileError) -> R) throws(FileError) -> R {
        let result: Result<R, FileError> = withUnsafeBytes { raw in
            do throws(FileError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
