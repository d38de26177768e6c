// Path resolution. A path is bytes separated by "/": absolute from the root,
// else from the client's current directory. "." stays, ".." goes to the
// parent — across mount points in both directions (the root's ".." is the
// root). Symbolic links are expanded in place in every component but the
// last, and in the last when asked; more than FileLimits.maxSymlinkFollows
// expansions is `tooManyLinks`. A trailing "/" requires a directory.
// Every function returns nodes held (release them) and holds nothing after
// an error.

#if canImport(KenixABI)
import KenixABI
#endif

struct ParsedPath {
    var components: [[UInt8]]
    var absolute: Bool
    var trailingSlash: Bool
}

extension VFS {
    static var dot: [UInt8] { [0x2E] }
    static var dotDot: [UInt8] { [0x2E, 0x2E] }

    func parse(_ path: [UInt8]) throws(FileError) -> ParsedPath {
        guard !path.isEmpty else { throw .notFound }
        guard path.count <= FileLimits.maxPathLength else { throw .nameTooLong }
        var components: [[UInt8]] = []
        var current: [UInt8] = []
        for b in path {
            if b == 0 { throw .invalidArgument }
            if b == 0x2F {
                if !current.isEmpty { components.append(current); current = [] }
            } else {
                current.append(b)
            }
        }
        let trailing = current.isEmpty && !components.isEmpty
        if !current.isEmpty { components.append(current) }
        for c in components where c.count > FileLimits.maxNameLength { throw .nameTooLong }
        return ParsedPath(components: components, absolute: path[0] == 0x2F, trailingSlash: trailing)
    }

    /// The node `path` names, held.
    func resolve(_ path: [UInt8], from start: NodeRef, follow: Bool) throws(FileError) -> NodeRef {
        let parsed = try parse(path)
        let ref = try walk(parsed.components, from: parsed.absolute ? rootRef : start,
                           followLast: follow || parsed.trailingSlash)
        if parsed.trailingSlash {
            let kind: FileKind
            do throws(FileError) { kind = try fs(ref).kind(ref.node) } catch { release(ref); throw error }
            guard kind == .directory else { release(ref); throw .notDirectory }
        }
        return ref
    }

    /// The directory holding the last component of `path` (held) and that
    /// component; nil when the path has none ("/").
    func resolveParent(_ path: [UInt8], from start: NodeRef) throws(FileError) -> (NodeRef, [UInt8]?, Bool) {
        var parsed = try parse(path)
        let last = parsed.components.popLast()
        let directory = try walk(parsed.components, from: parsed.absolute ? rootRef : start, followLast: true)
        return (directory, last, parsed.trailingSlash)
    }

    /// Walks `components` from `start`; returns the node reached, held.
    func walk(_ components: [[UInt8]], from start: NodeRef, followLast: Bool) throws(FileError) -> NodeRef {
        var pending = Array(components.reversed())
        var current = start
        retain(current)
        var links = 0
        do throws(FileError) {
            while let name = pending.popLast() {
                let next = try child(current, name)
                let isLink: Bool
                do throws(FileError) { isLink = try fs(next).kind(next.node) == .symlink } catch {
                    release(next)
                    throw error
                }
                if isLink && (!pending.isEmpty || followLast) {
                    links += 1
                    let target: [UInt8]
                    do throws(FileError) {
                        guard links <= FileLimits.maxSymlinkFollows else { throw .tooManyLinks }
                        target = try fs(next).readLink(next.node)
                    } catch {
                        release(next)
                        throw error
                    }
                    release(next)
                    let parsed = try parse(target)
                    if parsed.absolute {
                        release(current)
                        current = rootRef
                        retain(current)
                    }
                    pending.append(contentsOf: parsed.components.reversed())
                    continue
                }
                release(current)
                current = next
            }
        } catch {
            release(current)
            throw error
        }
        return current
    }

    /// The entry `name` of directory `directory` (".", ".." and mount points
    /// included), held; `directory` stays held.
    func child(_ directory: NodeRef, _ name: [UInt8]) throws(FileError) -> NodeRef {
        if name == Self.dot {
            guard try fs(directory).kind(directory.node) == .directory else { throw .notDirectory }
            retain(directory)
            return directory
        }
        if name == Self.dotDot { return try parent(of: directory) }
        let found = NodeRef(mount: directory.mount, node: try fs(directory).lookup(directory.node, name))
        if let m = mount(on: found) {
            release(found)
            let root = NodeRef(mount: m, node: mounts[m].fs.rootNode)
            retain(root)
            return root
        }
        return found
    }

    /// The parent directory of `directory`, held (crossing out of a mount at its root).
    func parent(of directory: NodeRef) throws(FileError) -> NodeRef {
        var at = directory
        if isMountRoot(at) {
            guard let point = mounts[at.mount].parent else {   // the root of "/"
                retain(at)
                return at
            }
            at = point
        }
        return NodeRef(mount: at.mount, node: try fs(at).parent(of: at.node))
    }

    /// The absolute path of directory `ref`, from its names on the way up.
    func absolutePath(of ref: NodeRef) throws(FileError) -> [UInt8] {
        var parts: [[UInt8]] = []
        var current = ref
        retain(current)
        defer { release(current) }
        for _ in 0..<4096 {
            if isMountRoot(current) {
                guard let point = mounts[current.mount].parent else {
                    var path: [UInt8] = []
                    for part in parts.reversed() { path.append(0x2F); path.append(contentsOf: part) }
                    return path.isEmpty ? [0x2F] : path
                }
                release(current)
                current = point
                retain(current)
                continue
            }
            let up = NodeRef(mount: current.mount, node: try fs(current).parent(of: current.node))
            let name: [UInt8]
            do throws(FileError) { name = try fs(current).name(of: current.node, in: up.node) } catch {
                release(up)
                throw error
            }
            parts.append(name)
            release(current)
            current = up
        }
        throw .ioError
    }
}
