// VFS: the file name space the server gives its clients — a mount table of
// file systems (a RamFS at "/", others on directories of it), path
// resolution (VFS+Paths), per-client state (VFS+Clients), the operations
// (VFS+Operations) and the request decoding (VFS+Protocol).
//
// A place in the name space is a NodeRef: a mount number and a node of that
// mount's file system. The VFS holds every node it keeps (open files,
// current directories, mount points) through the file system's retain and
// release, and counts its own uses per NodeRef: a directory in use, or a
// mount point, cannot be removed or replaced (`busy`).

#if canImport(KenixABI)
import KenixABI
#endif

public struct NodeRef: Hashable {
    public var mount: Int
    public var node: NodeID
}

public final class VFS<Store: BlockStore> {
    struct Mount {
        var fs: MountedFileSystem<Store>
        var live: Bool
        /// The mount point: a directory of another mount (held); none for "/".
        var parent: NodeRef?
        var path: [UInt8]
    }

    var mounts: [Mount] = []
    /// Open files and current directories per node.
    var uses: [NodeRef: Int] = [:]
    var clients: [UInt64: Client] = [:]
    public let maxClients: Int
    let clock: WallClock

    /// A name space with `root` mounted at "/".
    public init(root: MountedFileSystem<Store>, clock: @escaping WallClock, maxClients: Int = 32) {
        self.clock = clock
        self.maxClients = maxClients
        mounts.append(Mount(fs: root, live: true, parent: nil, path: [0x2F]))
    }

    var rootRef: NodeRef { NodeRef(mount: 0, node: mounts[0].fs.rootNode) }

    func fs(_ ref: NodeRef) -> MountedFileSystem<Store> { mounts[ref.mount].fs }

    func retain(_ ref: NodeRef) { mounts[ref.mount].fs.retain(ref.node) }
    func release(_ ref: NodeRef) { mounts[ref.mount].fs.release(ref.node) }

    func use(_ ref: NodeRef) { uses[ref, default: 0] += 1 }

    func unuse(_ ref: NodeRef) {
        guard let n = uses[ref] else { return }
        uses[ref] = n > 1 ? n - 1 : nil
    }

    /// The mount whose mount point is `ref`, if any.
    func mount(on ref: NodeRef) -> Int? {
        for m in 1..<mounts.count where mounts[m].live && mounts[m].parent == ref { return m }
        return nil
    }

    func isMountRoot(_ ref: NodeRef) -> Bool { ref.node == mounts[ref.mount].fs.rootNode }

    /// Whether `ref` is a mount point, a mount's root, or in use by a client.
    func isBusy(_ ref: NodeRef) -> Bool {
        mount(on: ref) != nil || (isMountRoot(ref)) || uses[ref] != nil
    }

    // MARK: mounting

    /// Mounts `fs` on the directory `path` (absolute). `busy` if something is
    /// mounted there already.
    public func mount(_ fs: MountedFileSystem<Store>, at path: [UInt8]) throws(FileError) {
        guard path.first == 0x2F else { throw .invalidArgument }
        let point = try resolve(path, from: rootRef, follow: true)
        guard try info(point).kind == .directory else {
            release(point)
            throw .notDirectory
        }
        guard mount(on: point) == nil, !isMountRoot(point) else {   // no stacking, not on "/"
            release(point)
            throw .busy
        }
        let entry = Mount(fs: fs, live: true, parent: point, path: try absolutePath(of: point))
        if let free = mounts.firstIndex(where: { !$0.live }) { mounts[free] = entry } else { mounts.append(entry) }
    }

    /// Syncs and detaches the file system mounted at `path`: `busy` while a
    /// client has a file or its current directory there, or while another
    /// file system is mounted inside it.
    public func unmount(at path: [UInt8]) throws(FileError) {
        let ref = try resolve(path, from: rootRef, follow: true)
        release(ref)
        guard isMountRoot(ref), ref.mount != 0 else { throw .invalidArgument }
        let m = ref.mount
        for (r, _) in uses where r.mount == m { throw .busy }
        for other in 1..<mounts.count where mounts[other].live && mounts[other].parent?.mount == m { throw .busy }
        try mounts[m].fs.unmount()
        mounts[m].live = false
        if let point = mounts[m].parent { release(point) }
    }

    /// Unmounts everything but "/", innermost first (shutdown). Returns the
    /// first error; the others are still tried.
    public func unmountAll() -> FileError? {
        var first: FileError? = nil
        for m in stride(from: mounts.count - 1, through: 1, by: -1) where mounts[m].live {
            do throws(FileError) { try mounts[m].fs.unmount() } catch { if first == nil { first = error } }
            mounts[m].live = false
        }
        return first
    }

    /// Syncs every mounted file system; returns the first error.
    public func syncAll() throws(FileError) {
        var first: FileError? = nil
        for m in 0..<mounts.count where mounts[m].live {
            do throws(FileError) { try mounts[m].fs.sync() } catch { if first == nil { first = error } }
        }
        if let e = first { throw e }
    }

    func info(_ ref: NodeRef) throws(FileError) -> NodeInfo { try fs(ref).info(ref.node) }
}
