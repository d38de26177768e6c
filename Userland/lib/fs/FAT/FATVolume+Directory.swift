// Directory slots of a FAT volume: a directory is a cluster chain of 32-byte
// slots (the FAT32 root too). Here: walking the slots, assembling entries
// (long names with their short entries), finding a run of free slots,
// growing a directory by a zeroed cluster, writing and deleting entry sets,
// and the "." / ".." entries. A directory may hold at most 65,536 slots
// (fatgen103, section 6); a longer chain is damage (`ioError`).

#if canImport(KenixABI)
import KenixABI
#endif

extension FATVolume {
    static var maxDirectorySlots: UInt32 { 65_536 }
    var slotsPerCluster: UInt32 { UInt32(geometry.clusterSize / 32) }

    /// Device offset of slot `index` of the directory starting at cluster
    /// `directory`, or nil if the directory is shorter.
    func slotOffset(_ directory: UInt32, _ index: UInt32) throws(FileError) -> UInt64? {
        let clusterIndex = index / slotsPerCluster
        var (c, k): (UInt32, UInt32)
        if slotCursor.directory == directory, slotCursor.cluster != 0, slotCursor.index <= clusterIndex {
            (c, k) = (slotCursor.cluster, slotCursor.index)
        } else {
            try table.checkChainStart(directory)
            (c, k) = (directory, 0)
        }
        while k < clusterIndex {
            guard let n = try table.next(c) else { return nil }
            c = n
            k += 1
        }
        slotCursor = (directory, k, c)
        return geometry.clusterOffset(c) + UInt64(index % slotsPerCluster) * 32
    }

    /// Calls `body(slot, bytes)` for each slot from `start` until it returns
    /// false or the chain ends.
    func forEachSlot(_ directory: UInt32, from start: UInt32,
                     _ body: (UInt32, UnsafeRawBufferPointer) -> Bool) throws(FileError) {
        try table.checkChainStart(directory)
        let chunkSlots = UInt32(chunk.count / 32)
        var cluster = directory
        var clusterIndex: UInt32 = 0
        let startCluster = start / slotsPerCluster
        while true {
            guard clusterIndex * slotsPerCluster < Self.maxDirectorySlots else { throw .ioError }
            if clusterIndex >= startCluster {
                var first: UInt32 = 0
                while first < slotsPerCluster {
                    let base = clusterIndex * slotsPerCluster + first
                    if base + chunkSlots > start {
                        try cache.read(at: geometry.clusterOffset(cluster) + UInt64(first) * 32, into: chunk)
                        for s in 0..<chunkSlots where base + s >= start {
                            let raw = UnsafeRawBufferPointer(rebasing: chunk[Int(s * 32)..<Int(s * 32 + 32)])
                            if !body(base + s, raw) { return }
                        }
                    }
                    first += chunkSlots
                }
            }
            guard let n = try table.next(cluster) else { return }
            cluster = n
            clusterIndex += 1
        }
    }

    /// Calls `body` for each entry (not ".", "..", deleted slots or volume
    /// labels) whose short entry is at or after slot `start`.
    func forEachEntry(_ directory: UInt32, from start: UInt32, _ body: (FATEntry) -> Bool) throws(FileError) {
        var assembler = LFNAssembler()
        try forEachSlot(directory, from: start) { slot, raw in
            let first = raw[0]
            if first == 0 { return false }                          // the end of the directory
            if first == FATSlot.deleted { assembler.reset(); return true }
            let attributes = raw[FATSlot.attributes]
            if attributes & FATAttribute.longNameMask == FATAttribute.longName {
                assembler.add(raw, slot: slot)
                return true
            }
            if attributes & FATAttribute.volumeID != 0 || first == 0x2E { assembler.reset(); return true }
            var entry = FATEntry(short: raw, slot: slot)
            assembler.finish(&entry)
            return body(entry)
        }
    }

    /// The entry named `name` (compared case-insensitively with long and short names).
    func find(_ directory: UInt32, _ name: [UInt16]) throws(FileError) -> FATEntry? {
        var found: FATEntry? = nil
        try forEachEntry(directory, from: 0) { entry in
            if entry.matches(name) { found = entry; return false }
            return true
        }
        return found
    }

    /// Whether the directory holds no entries besides "." and "..".
    func isEmpty(_ directory: UInt32) throws(FileError) -> Bool {
        var empty = true
        try forEachEntry(directory, from: 0) { _ in empty = false; return false }
        return empty
    }

    /// The first cluster named by the directory's ".." entry (0: the root).
    func dotDot(_ directory: UInt32) throws(FileError) -> UInt32 {
        var cluster: UInt32? = nil
        try forEachSlot(directory, from: 0) { slot, raw in
            if raw[0] == 0x2E && raw[1] == 0x2E && raw[2] == 0x20 {
                cluster = UInt32(raw.le16(FATSlot.clusterHigh)) << 16 | UInt32(raw.le16(FATSlot.clusterLow))
                return false
            }
            return slot < 1
        }
        guard let c = cluster else { throw .ioError }
        return c
    }

    /// The start of `count` consecutive free slots, growing the directory by
    /// zeroed clusters when it has none.
    func freeSlots(_ directory: UInt32, count: Int) throws(FileError) -> UInt32 {
        var runStart: UInt32 = 0
        var runLength = 0
        var total: UInt32 = 0
        var found: UInt32? = nil
        var ended = false
        try forEachSlot(directory, from: 0) { slot, raw in
            total = slot + 1
            if ended || raw[0] == 0 || raw[0] == FATSlot.deleted {
                if raw[0] == 0 { ended = true }
                if runLength == 0 { runStart = slot }
                runLength += 1
                if runLength == count { found = runStart; return false }
            } else {
                runLength = 0
            }
            return true
        }
        if let f = found { return f }
        if runLength == 0 { runStart = total }
        // Grow: the run at the end continues into the new clusters.
        let needed = UInt32(count - runLength)
        let clusters = (needed + slotsPerCluster - 1) / slotsPerCluster
        guard total + clusters * slotsPerCluster <= Self.maxDirectorySlots else { throw .noSpace }
        var last = directory
        var steps: UInt32 = 0
        while let n = try table.next(last) {
            last = n
            steps += 1
            guard steps <= geometry.clusterCount else { throw .ioError }
        }
        for _ in 0..<clusters {
            let c = try table.allocate(after: last)
            try cache.zero(at: geometry.clusterOffset(c), count: UInt64(geometry.clusterSize))
            last = c
        }
        return runStart
    }

    /// Writes `bytes` (whole slots) into the directory from slot `start`.
    func writeSlots(_ directory: UInt32, at start: UInt32, _ bytes: [UInt8]) throws(FileError) {
        let count = bytes.count / 32
        for k in 0..<count {
            guard let offset = try slotOffset(directory, start + UInt32(k)) else { throw .ioError }
            try bytes.withUnsafeBytesTyped { all throws(FileError) in
                try cache.write(at: offset, from: UnsafeRawBufferPointer(rebasing: all[(k * 32)..<(k * 32 + 32)]))
            }
        }
    }

    /// Frees a chain; the directory position cache may point into it, so it goes too.
    func freeChain(_ first: UInt32) throws(FileError) {
        slotCursor = (0, 0, 0)
        try table.freeChain(first)
    }

    /// Marks the slots of an entry set deleted.
    func deleteSlots(_ directory: UInt32, from first: UInt32, through last: UInt32) throws(FileError) {
        var slot = first
        while slot <= last {
            guard let offset = try slotOffset(directory, slot) else { throw .ioError }
            let mark = UnsafeMutableRawBufferPointer(rebasing: chunk[0..<1])
            mark[0] = FATSlot.deleted
            try cache.write(at: offset, from: UnsafeRawBufferPointer(mark))
            slot += 1
        }
    }

    /// The 11-byte short names in use in the directory.
    func shortNames(_ directory: UInt32) throws(FileError) -> Set<[UInt8]> {
        var names = Set<[UInt8]>()
        try forEachSlot(directory, from: 0) { _, raw in
            if raw[0] == 0 { return false }
            if raw[0] != FATSlot.deleted, raw[FATSlot.attributes] & FATAttribute.longNameMask != FATAttribute.longName {
                names.insert(Array(raw[0..<11]))
            }
            return true
        }
        return names
    }

    /// Points the ".." entry of directory `directory` at `parent` (0 = the root).
    func setDotDot(_ directory: UInt32, to parent: UInt32) throws(FileError) {
        var slotFound: UInt32? = nil
        try forEachSlot(directory, from: 0) { slot, raw in
            if raw[0] == 0x2E && raw[1] == 0x2E && raw[2] == 0x20 { slotFound = slot; return false }
            return slot < 1
        }
        guard let slot = slotFound, let offset = try slotOffset(directory, slot) else { throw .ioError }
        let raw = UnsafeMutableRawBufferPointer(rebasing: chunk[0..<32])
        try cache.read(at: offset, into: raw)
        raw.setLE16(FATSlot.clusterHigh, UInt16(parent >> 16))
        raw.setLE16(FATSlot.clusterLow, UInt16(truncatingIfNeeded: parent))
        try cache.write(at: offset, from: UnsafeRawBufferPointer(raw))
    }

    /// "." and ".." for a new directory at `cluster` inside `parent`, stamped `stamp`.
    func dotEntries(_ cluster: UInt32, parent: UInt32, stamp: FATTimestamp) -> [UInt8] {
        var out: [UInt8] = []
        for (name, target) in [([UInt8(0x2E)], cluster), ([UInt8(0x2E), 0x2E], parent == geometry.rootCluster ? 0 : parent)] {
            var short = [UInt8](repeating: 0x20, count: 11)
            for k in 0..<name.count { short[k] = name[k] }
            var raw = [UInt8](repeating: 0, count: 32)
            for k in 0..<11 { raw[k] = short[k] }
            raw[FATSlot.attributes] = FATAttribute.directory
            raw[FATSlot.createdTenths] = stamp.tenths
            raw.setLE16(FATSlot.createdTime, stamp.time)
            raw.setLE16(FATSlot.createdDate, stamp.date)
            raw.setLE16(FATSlot.accessedDate, stamp.date)
            raw.setLE16(FATSlot.modifiedTime, stamp.time)
            raw.setLE16(FATSlot.modifiedDate, stamp.date)
            raw.setLE16(FATSlot.clusterHigh, UInt16(target >> 16))
            raw.setLE16(FATSlot.clusterLow, UInt16(truncatingIfNeeded: target))
            out.append(contentsOf: raw)
        }
        return out
    }
}
