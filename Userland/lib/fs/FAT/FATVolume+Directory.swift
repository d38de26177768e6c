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
        try forEachSlot(directory, from: start) { slot, _, raw in body(slot, raw) }
    }

    /// As above, with each slot's device offset.
    func forEachSlot(_ directory: UInt32, from start: UInt32,
                     _ body: (UInt32, UInt64, UnsafeRawBufferPointer) -> Bool) throws(FileError) {
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
                        let offset = geometry.clusterOffset(cluster) + UInt64(first) * 32
                        try cache.read(at: offset, into: chunk)
                        for s in 0..<chunkSlots where base + s >= start {
                            let raw = UnsafeRawBufferPointer(rebasing: chunk[Int(s * 32)..<Int(s * 32 + 32)])
                            if !body(base + s, offset + UInt64(s) * 32, raw) { return }
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
    /// zeroed clusters when it has none. The run lies in one cache block when
    /// it can, so the entry set reaches the disk in one write (a set cut in
    /// two by a power cut would leave orphaned long-name slots). Unused slots
    /// (0x00) skipped before the run are marked deleted, since nothing after
    /// an unused slot is read.
    func freeSlots(_ directory: UInt32, count: Int) throws(FileError) -> UInt32 {
        let blockSize = UInt64(cache.blockSize)
        var runStart: UInt32 = 0
        var runLength = 0
        var runBlock = UInt64.max
        var total: UInt32 = 0
        var found: UInt32? = nil
        var endSlot: UInt32? = nil
        try forEachSlot(directory, from: 0) { slot, offset, raw in
            total = slot + 1
            if endSlot == nil && raw[0] == 0 { endSlot = slot }
            guard endSlot != nil || raw[0] == FATSlot.deleted else { runLength = 0; return true }
            if runLength == 0 || offset / blockSize != runBlock {
                runStart = slot
                runLength = 0
                runBlock = offset / blockSize
            }
            runLength += 1
            if runLength == count { found = runStart; return false }
            return true
        }
        if let f = found {
            try markUnused(directory, from: endSlot, before: f)
            return f
        }
        // Grow: the run starts in the new clusters.
        let clusters = (UInt32(count) + slotsPerCluster - 1) / slotsPerCluster
        guard total + clusters * slotsPerCluster <= Self.maxDirectorySlots else { throw .noSpace }
        var last = directory
        var steps: UInt32 = 0
        while let n = try table.next(last) {
            last = n
            steps += 1
            guard steps <= geometry.clusterCount else { throw .ioError }
        }
        // The new clusters are zeroed on the disk before the directory's chain
        // reaches them: a cut in between leaves lost clusters, never a
        // directory of garbage entries.
        var first: UInt32? = nil
        var previous = last
        do throws(FileError) {
            for _ in 0..<clusters {
                let c = try table.allocate(after: previous, link: first != nil)
                if first == nil { first = c }
                try cache.zero(at: geometry.clusterOffset(c), count: UInt64(geometry.clusterSize), rank: .directory)
                previous = c
            }
            try cache.flush()
        } catch {
            if let f = first { try? freeChain(f) }
            throw error
        }
        try table.setEntry(last, first!)
        try markUnused(directory, from: endSlot, before: total)
        return total
    }

    /// Marks unused slots `from ..< before` deleted (nil: none are unused).
    private func markUnused(_ directory: UInt32, from: UInt32?, before: UInt32) throws(FileError) {
        guard var slot = from else { return }
        let mark = UnsafeMutableRawBufferPointer(rebasing: chunk[0..<1])
        while slot < before {
            guard let offset = try slotOffset(directory, slot) else { throw .ioError }
            mark[0] = FATSlot.deleted
            try cache.write(at: offset, from: UnsafeRawBufferPointer(mark), rank: .directory)
            slot += 1
        }
    }

    /// Writes `bytes` (whole slots) into the directory from slot `start`.
    func writeSlots(_ directory: UInt32, at start: UInt32, _ bytes: [UInt8]) throws(FileError) {
        let count = bytes.count / 32
        for k in 0..<count {
            guard let offset = try slotOffset(directory, start + UInt32(k)) else { throw .ioError }
            try bytes.withUnsafeBytesTyped { all throws(FileError) in
                try cache.write(at: offset, from: UnsafeRawBufferPointer(rebasing: all[(k * 32)..<(k * 32 + 32)]), rank: .directory)
            }
        }
    }

    /// Frees a chain; the directory position cache may point into it, so it goes too.
    func freeChain(_ first: UInt32) throws(FileError) {
        slotCursor = (0, 0, 0)
        try table.freeChain(first)
    }

    /// Whether slots `first ... last` of the directory lie in more than one
    /// cache block (so they may reach the disk in separate writes).
    func spansBlocks(_ directory: UInt32, _ first: UInt32, _ last: UInt32) throws(FileError) -> Bool {
        guard let a = try slotOffset(directory, first), let b = try slotOffset(directory, last) else { throw .ioError }
        return a / UInt64(cache.blockSize) != b / UInt64(cache.blockSize)
    }

    /// Marks the slots of an entry set deleted: the long-name slots before the
    /// short entry (on the disk first when they may go out separately), so a
    /// cut never leaves long-name slots without their entry.
    func deleteSlots(_ directory: UInt32, from first: UInt32, through last: UInt32) throws(FileError) {
        let ordered = last > first ? try spansBlocks(directory, first, last) : false
        var slot = first
        while slot <= last {
            if slot == last && ordered { try cache.flush() }
            guard let offset = try slotOffset(directory, slot) else { throw .ioError }
            let mark = UnsafeMutableRawBufferPointer(rebasing: chunk[0..<1])
            mark[0] = FATSlot.deleted
            try cache.write(at: offset, from: UnsafeRawBufferPointer(mark), rank: .directory)
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
        try cache.write(at: offset, from: UnsafeRawBufferPointer(raw), rank: .directory)
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
