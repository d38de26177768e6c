// RamFS name index: each directory keeps its names sorted (with each
// entry's sequence number) beside its entries in creation order, so finding
// a name is two binary searches, not a scan of the directory.
//
// Why: with a scan, filling a directory of n entries was quadratic (every
// new name is looked up first): a boot image of 8,000 files took 1.5 s of
// simulated time to show under /boot, and any large directory in /tmp paid
// the same per lookup.

extension RamFS {
    /// A directory entry's name and its sequence number (Entry.sequence).
    struct NameKey {
        var name: [UInt8]
        var sequence: UInt64
    }

    /// The first position in `keys` (sorted by name, bytewise) whose name is
    /// not below `name`.
    static func firstPosition(notBelow name: [UInt8], in keys: [NameKey]) -> Int {
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid].name.lexicographicallyPrecedes(name) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The position in `entries` (in sequence order) of the entry numbered `sequence`.
    static func position(ofSequence sequence: UInt64, in entries: [Entry]) -> Int? {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].sequence < sequence { low = mid + 1 } else { high = mid }
        }
        return low < entries.count && entries[low].sequence == sequence ? low : nil
    }

    /// The position of `name` in directory `directory`'s entries, if it is there.
    func entryPosition(_ directory: Int, _ name: [UInt8]) -> Int? {
        let keys = nodes[directory].names
        let k = Self.firstPosition(notBelow: name, in: keys)
        guard k < keys.count, keys[k].name == name else { return nil }
        return Self.position(ofSequence: keys[k].sequence, in: nodes[directory].entries)
    }

    /// Adds `name` (entry `sequence`) to directory `d`'s index (link).
    func indexName(_ name: [UInt8], sequence: UInt64, in d: Int) {
        let k = Self.firstPosition(notBelow: name, in: nodes[d].names)
        nodes[d].names.insert(NameKey(name: name, sequence: sequence), at: k)
    }

    /// Takes `name` out of directory `d`'s index (unlink).
    func unindexName(_ name: [UInt8], in d: Int) {
        let k = Self.firstPosition(notBelow: name, in: nodes[d].names)
        if k < nodes[d].names.count, nodes[d].names[k].name == name { nodes[d].names.remove(at: k) }
    }
}
