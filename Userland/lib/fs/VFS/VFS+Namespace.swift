// Operations that change names: mkdir, rmdir, unlink, rename, symlink.
// The VFS adds what no single file system can know: `busy` for mount points,
// mount roots and directories a client has open or as its current
// directory; `crossDevice` for a rename between mounts; `invalidArgument`
// for moving a directory into itself. The last component is never followed
// (these act on a symbolic link itself).

#if canImport(KenixABI)
import KenixABI
#endif

extension VFS {
    /// The parent directory and last name of `path` for a name-changing
    /// operation; `whenRoot` / `whenDot` are the errors for "/" and for a
    /// last component of "." or "..".
    func nameTarget(_ client: UInt64, _ path: [UInt8], whenRoot: FileError,
                    whenDot: FileError) throws(FileError) -> (NodeRef, [UInt8], Bool) {
        let (parent, last, trailing) = try resolveParent(path, from: try state(client).cwd)
        guard let name = last else { release(parent); throw whenRoot }
        guard name != Self.dot, name != Self.dotDot else { release(parent); throw whenDot }
        return (parent, name, trailing)
    }

    func checkWritable(_ ref: NodeRef) throws(FileError) {
        if fs(ref).isReadOnly { throw .readOnly }
    }

    public func makeDirectory(_ client: UInt64, _ path: [UInt8]) throws(FileError) {
        let (parent, name, _) = try nameTarget(client, path, whenRoot: .exists, whenDot: .exists)
        defer { release(parent) }
        try checkWritable(parent)
        release(NodeRef(mount: parent.mount, node: try fs(parent).create(in: parent.node, name, kind: .directory, target: [])))
    }

    public func symlink(_ client: UInt64, target: [UInt8], _ path: [UInt8]) throws(FileError) {
        guard !target.isEmpty, target.count <= FileLimits.maxPathLength else { throw .invalidArgument }
        let (parent, name, trailing) = try nameTarget(client, path, whenRoot: .exists, whenDot: .exists)
        defer { release(parent) }
        if trailing { throw .notDirectory }
        try checkWritable(parent)
        release(NodeRef(mount: parent.mount, node: try fs(parent).create(in: parent.node, name, kind: .symlink, target: target)))
    }

    public func removeDirectory(_ client: UInt64, _ path: [UInt8]) throws(FileError) {
        let (parent, name, _) = try nameTarget(client, path, whenRoot: .busy, whenDot: .invalidArgument)
        defer { release(parent) }
        let target = try child(parent, name)
        let busy = isBusy(target)
        let kind = try? fs(target).kind(target.node)
        release(target)
        guard kind == .directory else { throw .notDirectory }
        if busy { throw .busy }
        try checkWritable(parent)
        try fs(parent).remove(in: parent.node, name, directory: true)
    }

    public func unlink(_ client: UInt64, _ path: [UInt8]) throws(FileError) {
        let (parent, name, trailing) = try nameTarget(client, path, whenRoot: .isDirectory, whenDot: .isDirectory)
        defer { release(parent) }
        if trailing {
            let target = try child(parent, name)
            let kind = try? fs(target).kind(target.node)
            release(target)
            throw kind == .directory ? .isDirectory : .notDirectory
        }
        try checkWritable(parent)
        try fs(parent).remove(in: parent.node, name, directory: false)
    }

    public func rename(_ client: UInt64, _ oldPath: [UInt8], _ newPath: [UInt8]) throws(FileError) {
        let (from, oldName, _) = try nameTarget(client, oldPath, whenRoot: .busy, whenDot: .invalidArgument)
        defer { release(from) }
        let (to, newName, _) = try nameTarget(client, newPath, whenRoot: .busy, whenDot: .invalidArgument)
        defer { release(to) }
        let source = try child(from, oldName)
        defer { release(source) }
        guard source.mount == from.mount, from.mount == to.mount else {
            // A mount point moves nothing; a move between mounts needs a copy.
            throw source.mount != from.mount ? .busy : .crossDevice
        }
        if isBusy(source) && (mount(on: source) != nil || isMountRoot(source)) { throw .busy }
        if let existing = try? child(to, newName) {
            let replacingBusy = existing.mount != to.mount || mount(on: existing) != nil
                || (existing != source && uses[existing] != nil && (try? fs(existing).kind(existing.node)) == .directory)
            release(existing)
            if replacingBusy { throw .busy }
        }
        try checkWritable(from)
        if try fs(source).kind(source.node) == .directory {
            // The destination may not lie inside the directory being moved.
            var at = to
            retain(at)
            defer { release(at) }
            for _ in 0..<4096 {
                if at == source { throw .invalidArgument }
                if at.mount != source.mount || isMountRoot(at) { break }
                let up = try parent(of: at)
                release(at)
                at = up
            }
        }
        try fs(from).rename(from: from.node, oldName, to: to.node, newName)
    }

    public func sync(_ client: UInt64, _ fd: Int) throws(FileError) {
        let f = try file(client, fd)
        try fs(f.ref).sync()
    }
}
