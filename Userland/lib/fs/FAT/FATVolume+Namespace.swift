// The FAT volume's namespace operations (FileSystem): lookup, parent,
// create, remove, rename and directory listing. New entries get a long name
// unless the name is a plain 8.3 name (FATName), and a short name that no
// other entry of the directory uses (numeric tails). A rename writes the new
// entry set before deleting the old one, and a moved directory's ".." is
// repointed. FAT has no symbolic links (`notSupported`).
//
// Write order (docs/vfs.md): a new directory's cluster is on the disk before
// an entry names it; a removed entry is off the disk before its clusters are
// free there; a renamed entry's new set is on the disk before the old one
// goes. A cut at any point leaves lost clusters at worst.

#if canImport(KenixABI)
import KenixABI
#endif

extension FATVolume {
    func directoryIndex(_ node: NodeID) throws(FileError) -> Int {
        let i = try index(of: node)
        guard nodes[i].isDirectory else { throw .notDirectory }
        return i
    }

    /// A name from the API as UTF-16 for comparing; nil if it cannot name anything here.
    func utf16(_ name: [UInt8]) throws(FileError) -> [UInt16]? {
        guard name.count <= FileLimits.maxNameLength else { throw .nameTooLong }
        guard let units = Unicode16.fromUTF8(name) else { return nil }
        guard units.count <= FATName.maxLongName else { throw .nameTooLong }
        return units
    }

    public func lookup(_ directory: NodeID, _ name: [UInt8]) throws(FileError) -> NodeID {
        let d = try directoryIndex(directory)
        guard let wanted = try utf16(name), let entry = try find(nodes[d].firstCluster, wanted) else { throw .notFound }
        return node(for: entry, in: nodes[d].firstCluster)
    }

    public func parent(of directory: NodeID) throws(FileError) -> NodeID {
        let d = try directoryIndex(directory)
        if d == 0 { return rootNode }
        let up = try dotDot(nodes[d].firstCluster)
        return try directoryNode(up == 0 ? geometry.rootCluster : up)
    }

    /// The node of the directory whose first cluster is `cluster`, held.
    func directoryNode(_ cluster: UInt32) throws(FileError) -> NodeID {
        if cluster == geometry.rootCluster { return rootNode }
        if let i = byDirectory[cluster] {
            nodes[i].refs += 1
            return id(of: i)
        }
        let up = try dotDot(cluster)
        let grandparent = up == 0 ? geometry.rootCluster : up
        var found: FATEntry? = nil
        try forEachEntry(grandparent, from: 0) { entry in
            if entry.isDirectory && entry.firstCluster == cluster { found = entry; return false }
            return true
        }
        guard let entry = found else { throw .ioError }
        return node(for: entry, in: grandparent)
    }

    public func name(of child: NodeID, in directory: NodeID) throws(FileError) -> [UInt8] {
        let c = try index(of: child)
        let d = try directoryIndex(directory)
        guard nodes[c].hasEntry, nodes[c].parent == nodes[d].firstCluster else { throw .notFound }
        var name: [UInt16]? = nil
        try forEachEntry(nodes[d].firstCluster, from: nodes[c].firstSlot) { entry in
            if entry.slot == nodes[c].slot { name = entry.name }
            return false
        }
        guard let found = name else { throw .ioError }
        return Unicode16.toUTF8(found)
    }

    public func create(in directory: NodeID, _ name: [UInt8], kind: FileKind, target: [UInt8]) throws(FileError) -> NodeID {
        let d = try directoryIndex(directory)
        guard kind != .symlink else { throw .notSupported }
        guard let long = try utf16(name) else { throw .invalidArgument }
        if let problem = FATName.validate(long) { throw problem }
        let parent = nodes[d].firstCluster
        try beginChange()
        if try find(parent, long) != nil { throw .exists }
        var (entry, needsLong) = try newEntry(named: long, in: parent, excluding: nil)
        let stamp = FATTime.encode(clock())
        entry.attributes = kind == .directory ? FATAttribute.directory : FATAttribute.archive
        entry.created = stamp
        entry.modified = FATTimestamp(date: stamp.date, time: stamp.time)
        entry.accessedDate = stamp.date
        if kind == .directory {
            let c = try table.allocate(after: nil)
            do throws(FileError) {
                try cache.zero(at: geometry.clusterOffset(c), count: UInt64(geometry.clusterSize), rank: .directory)
                try writeSlots(c, at: 0, dotEntries(c, parent: parent, stamp: entry.modified))
                try cache.flush()
            } catch {
                try? freeChain(c)
                throw error
            }
            entry.firstCluster = c
        }
        do throws(FileError) { try place(&entry, longName: needsLong ? long : nil, in: parent) } catch {
            if entry.firstCluster != 0 { try? freeChain(entry.firstCluster) }
            throw error
        }
        return node(for: entry, in: parent)
    }

    /// A fresh entry for `long` in `parent`: its short name (exact 8.3, or a
    /// basis name with a numeric tail when needed) and whether it needs
    /// long-name slots. `excluding` is a short name about to be freed (a
    /// rename within one directory).
    func newEntry(named long: [UInt16], in parent: UInt32,
                  excluding: [UInt8]?) throws(FileError) -> (FATEntry, needsLong: Bool) {
        var short: [UInt8]
        var flags: UInt8 = 0
        var needsLong = true
        var used = try shortNames(parent)
        if let old = excluding { used.remove(old) }
        if let exact = FATName.exactShortName(long), !used.contains(exact.short) {
            short = exact.short
            flags = exact.flags
            needsLong = false
        } else {
            let (basis, lossy, fits) = FATName.basisName(long)
            if !lossy && fits && !used.contains(basis) {
                short = basis
            } else {
                var n = 1
                short = FATName.withTail(basis, n)
                while used.contains(short) {
                    n += 1
                    guard n <= 999_999 else { throw .noSpace }
                    short = FATName.withTail(basis, n)
                }
            }
        }
        let zero = [UInt8](repeating: 0, count: 32)
        var entry = zero.withUnsafeBytes { FATEntry(short: $0, slot: 0) }
        entry.short = short
        entry.ntFlags = flags
        entry.name = long
        return (entry, needsLong)
    }

    /// Finds free slots for `entry` (and its long name) in `parent` and writes them.
    func place(_ entry: inout FATEntry, longName: [UInt16]?, in parent: UInt32) throws(FileError) {
        let count = FATEntry.longSlotCount(longName) + 1
        let start = try freeSlots(parent, count: count)
        entry.firstSlot = start
        entry.slot = start + UInt32(count - 1)
        let set = entry.encodeSet(longName: longName)
        if count > 1, try spansBlocks(parent, start, entry.slot) {
            // The short entry first: alone it is a valid entry; long-name slots alone would be orphans.
            try writeSlots(parent, at: entry.slot, Array(set[((count - 1) * 32)...]))
            try cache.flush()
            try writeSlots(parent, at: start, Array(set[0..<((count - 1) * 32)]))
        } else {
            try writeSlots(parent, at: start, set)
        }
    }

    public func remove(in parent: NodeID, _ name: [UInt8], directory: Bool) throws(FileError) {
        let d = try directoryIndex(parent)
        guard let wanted = try utf16(name), let entry = try find(nodes[d].firstCluster, wanted) else { throw .notFound }
        if directory {
            guard entry.isDirectory else { throw .notDirectory }
            guard try isEmpty(entry.firstCluster) else { throw .notEmpty }
        } else if entry.isDirectory {
            throw .isDirectory
        }
        try beginChange()
        try removeEntry(entry, in: nodes[d].firstCluster)
    }

    /// Deletes `entry`'s slots; its clusters go now, or at the last release
    /// of a node someone still holds. A chain that is already damaged is left
    /// alone (lost clusters rather than freeing someone else's).
    func removeEntry(_ entry: FATEntry, in parent: UInt32) throws(FileError) {
        try deleteSlots(parent, from: entry.firstSlot, through: entry.slot)
        if let i = byLocation[UInt64(parent) << 32 | UInt64(entry.slot)], nodes[i].refs > 0 {
            detachEntry(i)
            return
        }
        guard entry.firstCluster != 0, (try? table.checkChainStart(entry.firstCluster)) != nil else { return }
        try cache.flush()
        try freeChain(entry.firstCluster)
    }

    public func rename(from: NodeID, _ oldName: [UInt8], to: NodeID, _ newName: [UInt8]) throws(FileError) {
        let fd = try directoryIndex(from), td = try directoryIndex(to)
        let source = nodes[fd].firstCluster, destination = nodes[td].firstCluster
        guard let oldLong = try utf16(oldName), let old = try find(source, oldLong) else { throw .notFound }
        guard let newLong = try utf16(newName) else { throw .invalidArgument }
        if let problem = FATName.validate(newLong) { throw problem }
        try beginChange()
        if let existing = try find(destination, newLong) {
            if source == destination && existing.slot == old.slot {
                if existing.name == newLong { return }   // nothing changes
            } else {
                if old.isDirectory {
                    guard existing.isDirectory else { throw .notDirectory }
                    guard try isEmpty(existing.firstCluster) else { throw .notEmpty }
                } else if existing.isDirectory {
                    throw .isDirectory
                }
                try removeEntry(existing, in: destination)
            }
        }
        var (entry, needsLong) = try newEntry(named: newLong, in: destination,
                                              excluding: source == destination ? old.short : nil)
        entry.attributes = old.attributes
        entry.firstCluster = old.firstCluster
        entry.size = old.size
        entry.created = old.created
        entry.modified = old.modified
        entry.accessedDate = old.accessedDate
        // Excluded or not, the old short name is still on disk until the old
        // set is deleted; a name equal to it must wait for that.
        if source == destination && entry.short == old.short {
            try deleteSlots(source, from: old.firstSlot, through: old.slot)
            try place(&entry, longName: needsLong ? newLong : nil, in: destination)
        } else {
            try place(&entry, longName: needsLong ? newLong : nil, in: destination)
            try cache.flush()
            try deleteSlots(source, from: old.firstSlot, through: old.slot)
        }
        if let i = byLocation[UInt64(source) << 32 | UInt64(old.slot)] {
            place(i, parent: destination, slot: entry.slot, firstSlot: entry.firstSlot)
        }
        if old.isDirectory && source != destination && old.firstCluster != 0 {
            try setDotDot(old.firstCluster, to: destination == geometry.rootCluster ? 0 : destination)
        }
    }

    public func readDirectory(_ directory: NodeID, from cookie: UInt64,
                              _ emit: (DirectoryItem, UInt64) -> Bool) throws(FileError) {
        let d = try directoryIndex(directory)
        guard cookie < UInt64(Self.maxDirectorySlots) else { return }
        let parent = nodes[d].firstCluster
        try forEachEntry(parent, from: UInt32(cookie)) { entry in
            let item = DirectoryItem(name: Unicode16.toUTF8(entry.name), id: UInt64(parent) << 32 | UInt64(entry.slot),
                                     kind: entry.isDirectory ? .directory : .regular,
                                     size: entry.isDirectory ? 0 : UInt64(entry.size))
            return emit(item, UInt64(entry.slot) + 1)
        }
    }
}
