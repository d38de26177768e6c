// CPIOBuilder: writes cpio "newc" archives (the initrd format) in memory:
// a 110-byte ASCII header (magic 070701 and 13 eight-digit hex fields), the
// NUL-terminated name, the data, each padded to 4 bytes, then "TRAILER!!!".
struct CPIOBuilder {
    static let headerSize = 110
    static let regularFile: UInt32 = 0o100644
    static let directory: UInt32 = 0o040755
    /// Offset of header field `i` (0 = c_ino … 6 = c_filesize … 11 = c_namesize).
    static func fieldOffset(_ i: Int) -> Int { 6 + 8 * i }

    struct Entry {
        var name: String
        var mode: UInt32
        var data: [UInt8]
    }
    var entries: [Entry] = []

    mutating func addFile(_ name: String, _ data: [UInt8]) {
        entries.append(Entry(name: name, mode: Self.regularFile, data: data))
    }

    mutating func addDirectory(_ name: String) {
        entries.append(Entry(name: name, mode: Self.directory, data: []))
    }

    func build(trailer: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        for (i, e) in entries.enumerated() { Self.append(e, ino: UInt32(i + 1), to: &out) }
        if trailer { Self.append(Entry(name: "TRAILER!!!", mode: 0, data: []), ino: 0, to: &out) }
        return out
    }

    /// Offset of entry `index`'s header in the built archive.
    func headerOffset(of index: Int) -> Int {
        var out: [UInt8] = []
        for (i, e) in entries.prefix(index).enumerated() { Self.append(e, ino: UInt32(i + 1), to: &out) }
        return out.count
    }

    private static func append(_ e: Entry, ino: UInt32, to out: inout [UInt8]) {
        let name = Array(e.name.utf8) + [0]
        let fields: [UInt32] = [ino, e.mode, 0, 0, 1, 0, UInt32(e.data.count), 0, 0, 0, 0,
                                UInt32(name.count), 0]
        out.append(contentsOf: Array("070701".utf8))
        for f in fields {
            let hex = String(f, radix: 16, uppercase: true)
            out.append(contentsOf: Array((String(repeating: "0", count: 8 - hex.count) + hex).utf8))
        }
        out.append(contentsOf: name)
        while out.count % 4 != 0 { out.append(0) }
        out.append(contentsOf: e.data)
        while out.count % 4 != 0 { out.append(0) }
    }
}
