// PathName: Linux path strings as the server handles them before it asks the
// file server: joining a relative path to a directory, lexical
// normalization (".", "..", repeated slashes) for the working directory,
// and splitting off the last component. Paths are bytes (any encoding but
// NUL), at most `maxLength` (PATH_MAX, 4096 with the NUL).

public enum PathName {
    public static let maxLength = 4095
    public static let maxComponent = 255

    /// `path` if absolute, else `directory` + "/" + `path`.
    public static func join(_ directory: [UInt8], _ path: [UInt8]) -> [UInt8] {
        if path.first == 0x2F { return path }
        if path.isEmpty { return directory }
        var out = directory
        if out.last != 0x2F { out.append(0x2F) }
        return out + path
    }

    /// An absolute path with ".", ".." and empty components removed (".."
    /// at the root stays at the root). Lexical: symbolic links are not
    /// followed, as the shell's `cd` does for the logical working directory.
    public static func normalize(_ path: [UInt8]) -> [UInt8] {
        var parts: [[UInt8]] = []
        for part in components(path) {
            if part == [0x2E] { continue }
            if part == [0x2E, 0x2E] { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        var out: [UInt8] = []
        for p in parts { out.append(0x2F); out += p }
        return out.isEmpty ? [0x2F] : out
    }

    /// The non-empty components.
    public static func components(_ path: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var current: [UInt8] = []
        for b in path {
            if b == 0x2F {
                if !current.isEmpty { result.append(current); current.removeAll() }
            } else {
                current.append(b)
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// (parent directory, last component) of an absolute path; the root has
    /// no last component.
    public static func split(_ path: [UInt8]) -> (parent: [UInt8], name: [UInt8])? {
        let parts = components(path)
        guard let name = parts.last else { return nil }
        var parent: [UInt8] = []
        for p in parts.dropLast() { parent.append(0x2F); parent += p }
        return (parent.isEmpty ? [0x2F] : parent, name)
    }

    /// Whether `path` (normalized) is `prefix` or below it.
    public static func isWithin(_ path: [UInt8], _ prefix: [UInt8]) -> Bool {
        guard path.count >= prefix.count, Array(path[0..<prefix.count]) == prefix else { return false }
        return path.count == prefix.count || path[prefix.count] == 0x2F || prefix == [0x2F]
    }

    public static func bytes(_ s: StaticString) -> [UInt8] {
        var out: [UInt8] = []
        for i in 0..<s.utf8CodeUnitCount { out.append(s.utf8Start[i]) }
        return out
    }
}
