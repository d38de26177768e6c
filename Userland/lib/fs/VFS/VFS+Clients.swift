// Per-client state: a current directory and an open-file table of
// FileLimits.maxOpenFiles slots (descriptors are slot numbers, lowest free
// first). `attach` makes the state, `releaseClient` ends it — closing every
// file and dropping the current directory — whether the client detached,
// died, or stopped answering. It is the one place a client's resources go.

#if canImport(KenixABI)
import KenixABI
#endif

struct OpenFile {
    var ref: NodeRef
    var readable: Bool
    var writable: Bool
    var append: Bool
    var isDirectory: Bool
    var position: UInt64 = 0
    /// Where the next readDirectory resumes.
    var cookie: UInt64 = 0
}

struct Client {
    var cwd: NodeRef
    var files: [OpenFile?]
}

extension VFS {
    /// Starts state for `client` (its current directory is "/"); nothing
    /// changes if it has some already. `tooManyClients` when the table is full.
    public func attach(_ client: UInt64) throws(FileError) {
        guard clients[client] == nil else { return }
        guard clients.count < maxClients else { throw .tooManyClients }
        let root = rootRef
        retain(root)
        use(root)
        clients[client] = Client(cwd: root, files: [OpenFile?](repeating: nil, count: FileLimits.maxOpenFiles))
    }

    public func isAttached(_ client: UInt64) -> Bool { clients[client] != nil }

    /// Every attached client, for a liveness sweep.
    public var attachedClients: [UInt64] { Array(clients.keys) }

    /// Closes all of `client`'s files and forgets it.
    public func releaseClient(_ client: UInt64) {
        guard let state = clients[client] else { return }
        for case let file? in state.files {
            unuse(file.ref)
            release(file.ref)
        }
        unuse(state.cwd)
        release(state.cwd)
        clients[client] = nil
    }

    /// How many files `client` has open (tests, statistics).
    public func openFileCount(_ client: UInt64) -> Int {
        clients[client]?.files.reduce(0) { $0 + ($1 == nil ? 0 : 1) } ?? 0
    }

    func state(_ client: UInt64) throws(FileError) -> Client {
        guard let c = clients[client] else { throw .noBuffer }
        return c
    }

    func file(_ client: UInt64, _ fd: Int) throws(FileError) -> OpenFile {
        let c = try state(client)
        guard fd >= 0, fd < c.files.count, let f = c.files[fd] else { throw .badFile }
        return f
    }

    func setFile(_ client: UInt64, _ fd: Int, _ file: OpenFile) {
        clients[client]?.files[fd] = file
    }

    /// Puts `file` in the lowest free slot; the VFS then holds its node.
    func install(_ client: UInt64, _ file: OpenFile) throws(FileError) -> Int {
        let c = try state(client)
        guard let fd = c.files.firstIndex(where: { $0 == nil }) else { throw .tooManyOpenFiles }
        clients[client]!.files[fd] = file
        use(file.ref)
        return fd
    }
}
