// FileSystem: the interface every file system (RamFS, FATVolume) gives the
// VFS. Nodes are named by opaque NodeIDs and counted: `lookup`, `parent`
// and `create` return a node the caller holds and must `release`; `retain`
// takes another hold. A removed node that is still held keeps its data until
// the last release (POSIX unlink semantics). Names are UTF-8 bytes without
// "/" and never "." or ".." (the VFS resolves those). All failures are
// `FileError` values; a damaged medium gives `ioError`, never a trap.
//
// Embedded Swift has no existentials, so the VFS holds file systems in an
// enum over the concrete types (MountedFileSystem) and calls these through it.

#if canImport(KenixABI)
import KenixABI
#endif

public typealias NodeID = UInt64

/// What `stat` reports about a node.
public struct NodeInfo: Equatable {
    public var id: UInt64
    public var kind: FileKind
    public var size: UInt64
    /// Nanoseconds since 1970-01-01 UTC.
    public var modified: UInt64
    public var accessed: UInt64
    public var created: UInt64
    public var readOnly: Bool
    public var links: UInt32
    public var allocated: UInt64

    public init(id: UInt64, kind: FileKind, size: UInt64, modified: UInt64, accessed: UInt64, created: UInt64,
                readOnly: Bool, links: UInt32, allocated: UInt64) {
        self.id = id
        self.kind = kind
        self.size = size
        self.modified = modified
        self.accessed = accessed
        self.created = created
        self.readOnly = readOnly
        self.links = links
        self.allocated = allocated
    }
}

/// One directory entry as `readDirectory` reports it.
public struct DirectoryItem {
    public var name: [UInt8]
    public var id: UInt64
    public var kind: FileKind
    public var size: UInt64
}

/// Space and counts for `df` / statfs.
public struct FileSystemUsage: Equatable {
    public var blockSize: UInt64
    public var totalBlocks: UInt64
    public var freeBlocks: UInt64
    public var files: UInt64
    public var type: FileSystemType
    public var readOnly: Bool
}

/// Wall-clock time for time stamps: nanoseconds since 1970-01-01 UTC.
public typealias WallClock = () -> UInt64

public protocol FileSystem {
    var rootNode: NodeID { get }
    var isReadOnly: Bool { get }
    /// The entry `name` of `directory`, held.
    func lookup(_ directory: NodeID, _ name: [UInt8]) throws(FileError) -> NodeID
    /// The directory holding `directory`, held (the root's parent is itself).
    func parent(of directory: NodeID) throws(FileError) -> NodeID
    /// The name under which `directory` lists `child`.
    func name(of child: NodeID, in directory: NodeID) throws(FileError) -> [UInt8]
    func retain(_ node: NodeID)
    func release(_ node: NodeID)
    func info(_ node: NodeID) throws(FileError) -> NodeInfo
    /// The node's kind alone (cheaper than `info`: path resolution asks it per component).
    func kind(_ node: NodeID) throws(FileError) -> FileKind
    /// Reads from `offset`; returns fewer bytes at the end of the file, 0 past it.
    func read(_ node: NodeID, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int
    /// Writes at `offset` (a gap past the end reads as zeros); returns the
    /// bytes written, fewer only when the medium or the file-size limit is reached.
    func write(_ node: NodeID, at offset: UInt64, from buffer: UnsafeRawBufferPointer) throws(FileError) -> Int
    func resize(_ node: NodeID, to size: UInt64) throws(FileError)
    /// Creates `name` in `directory` (a file, a directory, or a symbolic link
    /// to `target`); `exists` if the name is taken. Returns the node, held.
    func create(in directory: NodeID, _ name: [UInt8], kind: FileKind, target: [UInt8]) throws(FileError) -> NodeID
    /// Removes `name`: a directory (must be empty) when `directory` is true,
    /// otherwise anything else.
    func remove(in parent: NodeID, _ name: [UInt8], directory: Bool) throws(FileError)
    /// Moves `oldName` in `from` to `newName` in `to`, replacing a file (or an
    /// empty directory, for a directory) already there (POSIX rename rules).
    func rename(from: NodeID, _ oldName: [UInt8], to: NodeID, _ newName: [UInt8]) throws(FileError)
    /// Calls `emit(item, cookie)` for entries from `cookie` on (0 = the start)
    /// until it returns false; `cookie` passed back resumes after that item.
    func readDirectory(_ directory: NodeID, from cookie: UInt64,
                       _ emit: (DirectoryItem, UInt64) -> Bool) throws(FileError)
    func readLink(_ node: NodeID) throws(FileError) -> [UInt8]
    /// Writes every change to the medium.
    func sync() throws(FileError)
    func usage() -> FileSystemUsage
    /// Syncs and lets go of the medium; the file system is unusable afterwards.
    func unmount() throws(FileError)
}
