// RamFS namespace: lookup, create, remove, rename and listing. A directory
// keeps its entries in creation order, each with a sequence number that
// serves as the readdir cookie, so removing entries while listing never
// skips the others. A read-only directory (/boot) accepts no new or removed
// entries (`accessDenied`).

#if canImport(KenixABI)
import KenixABI
#endif

extension RamFS {
    func directoryIndex(_ node: NodeID) throws(FileError) -> Int {
        let i = try index(of: node)
        guard nodes[i].kind == .directory else { throw .notDirectory }
        return i
    }

    /// Checks a name for a new entry.
    func checkName(_ name: [UInt8]) throws(FileError) {
        guard !name.isEmpty else { throw .invalidArgument }
        guard name.count <= Self.maxName else { throw .nameTooLong }
        guard name != [0x2E], name != [0x2E, 0x2E], !name.contains(0x2F), !name.contains(0),
              Unicode16.fromUTF8(name) != nil else { throw .invalidArgument }
    }

    public func lookup(_ directory: NodeID, _ name: [UInt8]) throws(FileError) -> NodeID {
        let d = try directoryIndex(directory)
        guard name.count <= FileLimits.maxNameLength else { throw .nameTooLong }
        guard let p = entryPosition(d, name) else { throw .notFound }
        let i = nodes[d].entries[p].node
        nodes[i].refs += 1
        return id(of: i)
    }

    public func parent(of directory: NodeID) throws(FileError) -> NodeID {
        let d = try directoryIndex(directory)
        let p = nodes[d].parent
        if p != 0 { nodes[p].refs += 1 }
        return id(of: p)
    }

    public func name(of child: NodeID, in directory: NodeID) throws(FileError) -> [UInt8] {
        let c = try index(of: child)
        let d = try directoryIndex(directory)
        guard let entry = nodes[d].entries.first(where: { $0.node == c }) else { throw .notFound }
        return entry.name
    }

    public func create(in directory: NodeID, _ name: [UInt8], kind: FileKind, target: [UInt8]) throws(FileError) -> NodeID {
        let d = try directoryIndex(directory)
        try checkName(name)
        guard entryPosition(d, name) == nil else { throw .exists }
        guard !nodes[d].readOnly else { throw .accessDenied }
        if kind == .symlink {
            guard !target.isEmpty, target.count <= FileLimits.maxPathLength, !target.contains(0) else { throw .invalidArgument }
            guard UInt64(target.count) <= capacity - usedBytes else { throw .noSpace }
        }
        let i = newNode(kind, parent: d)
        if kind == .symlink {
            nodes[i].data = FileData(target)
            usedBytes += UInt64(target.count)
        }
        link(i, name, into: d)
        return id(of: i)
    }

    func link(_ i: Int, _ name: [UInt8], into d: Int) {
        nodes[d].entries.append(Entry(name: name, node: i, sequence: nodes[d].nextSequence))
        indexName(name, sequence: nodes[d].nextSequence, in: d)
        nodes[d].nextSequence += 1
        nodes[d].modified = clock()
        nodes[i].linked = true
        if nodes[i].kind == .directory { nodes[i].parent = d }
    }

    func unlink(at position: Int, from d: Int) {
        let i = nodes[d].entries[position].node
        unindexName(nodes[d].entries[position].name, in: d)
        nodes[d].entries.remove(at: position)
        nodes[d].modified = clock()
        nodes[i].linked = false
        freeIfUnused(i)
    }

    public func remove(in parent: NodeID, _ name: [UInt8], directory: Bool) throws(FileError) {
        let d = try directoryIndex(parent)
        guard let p = entryPosition(d, name) else { throw .notFound }
        let i = nodes[d].entries[p].node
        if directory {
            guard nodes[i].kind == .directory else { throw .notDirectory }
            guard nodes[i].entries.isEmpty else { throw .notEmpty }
        } else if nodes[i].kind == .directory {
            throw .isDirectory
        }
        guard !nodes[d].readOnly else { throw .accessDenied }
        unlink(at: p, from: d)
    }

    public func rename(from: NodeID, _ oldName: [UInt8], to: NodeID, _ newName: [UInt8]) throws(FileError) {
        let fd = try directoryIndex(from), td = try directoryIndex(to)
        guard let p = entryPosition(fd, oldName) else { throw .notFound }
        try checkName(newName)
        guard !nodes[fd].readOnly, !nodes[td].readOnly else { throw .accessDenied }
        let i = nodes[fd].entries[p].node
        if let q = entryPosition(td, newName) {
            let existing = nodes[td].entries[q].node
            if existing == i { return }   // the same entry: nothing to do
            if nodes[i].kind == .directory {
                guard nodes[existing].kind == .directory else { throw .notDirectory }
                guard nodes[existing].entries.isEmpty else { throw .notEmpty }
            } else if nodes[existing].kind == .directory {
                throw .isDirectory
            }
            unlink(at: q, from: td)
        }
        let position = entryPosition(fd, oldName)!   // unchanged unless fd == td and an entry before it went
        nodes[i].refs += 1                            // keep it alive between unlink and link
        unlink(at: position, from: fd)
        link(i, newName, into: td)
        nodes[i].refs -= 1
    }

    public func readDirectory(_ directory: NodeID, from cookie: UInt64,
                              _ emit: (DirectoryItem, UInt64) -> Bool) throws(FileError) {
        let d = try directoryIndex(directory)
        let entries = nodes[d].entries
        // Entries are in sequence order: the first one after `cookie`.
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].sequence <= cookie { low = mid + 1 } else { high = mid }
        }
        for k in low..<entries.count {
            let e = entries[k]
            let n = nodes[e.node]
            let size = n.external?.size ?? (n.kind == .directory ? UInt64(n.entries.count) : UInt64(n.data.count))
            let item = DirectoryItem(name: e.name, id: id(of: e.node), kind: n.kind, size: size)
            if !emit(item, e.sequence) { return }
        }
    }

    // MARK: populating (the server's own use)

    /// Adds a read-only file whose contents live outside the heap.
    @discardableResult
    public func addExternalFile(in directory: NodeID, _ name: [UInt8], _ external: External) throws(FileError) -> NodeID {
        let d = try directoryIndex(directory)
        try checkName(name)
        guard entryPosition(d, name) == nil else { throw .exists }
        let i = newNode(.regular, parent: d)
        nodes[i].external = external
        nodes[i].readOnly = true
        nodes[i].refs = 0
        link(i, name, into: d)
        return id(of: i)
    }

    /// Makes a directory accept no new or removed entries.
    public func setReadOnly(_ directory: NodeID) throws(FileError) {
        let d = try directoryIndex(directory)
        nodes[d].readOnly = true
    }
}
