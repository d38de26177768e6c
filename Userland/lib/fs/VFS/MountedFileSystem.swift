// MountedFileSystem: the file systems the VFS can mount, as one enum —
// Embedded Swift has no existentials (`any FileSystem`), so the VFS calls
// through this switch, which the compiler specialises completely. Adding a
// file system type means a case here and nothing else in the VFS.

#if canImport(KenixABI)
import KenixABI
#endif

public enum MountedFileSystem<Store: BlockStore>: FileSystem {
    case ram(RamFS)
    case fat(FATVolume<Store>)

    public var rootNode: NodeID {
        switch self { case .ram(let f): f.rootNode; case .fat(let f): f.rootNode }
    }

    public var isReadOnly: Bool {
        switch self { case .ram(let f): f.isReadOnly; case .fat(let f): f.isReadOnly }
    }

    public func lookup(_ directory: NodeID, _ name: [UInt8]) throws(FileError) -> NodeID {
        switch self { case .ram(let f): try f.lookup(directory, name); case .fat(let f): try f.lookup(directory, name) }
    }

    public func parent(of directory: NodeID) throws(FileError) -> NodeID {
        switch self { case .ram(let f): try f.parent(of: directory); case .fat(let f): try f.parent(of: directory) }
    }

    public func name(of child: NodeID, in directory: NodeID) throws(FileError) -> [UInt8] {
        switch self {
        case .ram(let f): try f.name(of: child, in: directory)
        case .fat(let f): try f.name(of: child, in: directory)
        }
    }

    public func retain(_ node: NodeID) {
        switch self { case .ram(let f): f.retain(node); case .fat(let f): f.retain(node) }
    }

    public func release(_ node: NodeID) {
        switch self { case .ram(let f): f.release(node); case .fat(let f): f.release(node) }
    }

    public func info(_ node: NodeID) throws(FileError) -> NodeInfo {
        switch self { case .ram(let f): try f.info(node); case .fat(let f): try f.info(node) }
    }

    public func kind(_ node: NodeID) throws(FileError) -> FileKind {
        switch self { case .ram(let f): try f.kind(node); case .fat(let f): try f.kind(node) }
    }

    public func read(_ node: NodeID, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        switch self {
        case .ram(let f): try f.read(node, at: offset, into: buffer)
        case .fat(let f): try f.read(node, at: offset, into: buffer)
        }
    }

    public func write(_ node: NodeID, at offset: UInt64, from buffer: UnsafeRawBufferPointer) throws(FileError) -> Int {
        switch self {
        case .ram(let f): try f.write(node, at: offset, from: buffer)
        case .fat(let f): try f.write(node, at: offset, from: buffer)
        }
    }

    public func resize(_ node: NodeID, to size: UInt64) throws(FileError) {
        switch self { case .ram(let f): try f.resize(node, to: size); case .fat(let f): try f.resize(node, to: size) }
    }

    public func create(in directory: NodeID, _ name: [UInt8], kind: FileKind, target: [UInt8]) throws(FileError) -> NodeID {
        switch self {
        case .ram(let f): try f.create(in: directory, name, kind: kind, target: target)
        case .fat(let f): try f.create(in: directory, name, kind: kind, target: target)
        }
    }

    public func remove(in parent: NodeID, _ name: [UInt8], directory: Bool) throws(FileError) {
        switch self {
        case .ram(let f): try f.remove(in: parent, name, directory: directory)
        case .fat(let f): try f.remove(in: parent, name, directory: directory)
        }
    }

    public func rename(from: NodeID, _ oldName: [UInt8], to: NodeID, _ newName: [UInt8]) throws(FileError) {
        switch self {
        case .ram(let f): try f.rename(from: from, oldName, to: to, newName)
        case .fat(let f): try f.rename(from: from, oldName, to: to, newName)
        }
    }

    public func readDirectory(_ directory: NodeID, from cookie: UInt64,
                              _ emit: (DirectoryItem, UInt64) -> Bool) throws(FileError) {
        switch self {
        case .ram(let f): try f.readDirectory(directory, from: cookie, emit)
        case .fat(let f): try f.readDirectory(directory, from: cookie, emit)
        }
    }

    public func readLink(_ node: NodeID) throws(FileError) -> [UInt8] {
        switch self { case .ram(let f): try f.readLink(node); case .fat(let f): try f.readLink(node) }
    }

    public func sync() throws(FileError) {
        switch self { case .ram(let f): try f.sync(); case .fat(let f): try f.sync() }
    }

    public func usage() -> FileSystemUsage {
        switch self { case .ram(let f): f.usage(); case .fat(let f): f.usage() }
    }

    public func unmount() throws(FileError) {
        switch self { case .ram(let f): try f.unmount(); case .fat(let f): try f.unmount() }
    }
}
