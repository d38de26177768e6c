// FATEntry: one directory entry as a file system sees it — its name (the
// long name if a valid VFAT set precedes it, else the short name), the
// fields of its 32-byte short entry, and where its slots are. FATEntrySet
// builds the slots for a new entry: LFN entries in reverse order (the one
// flagged 0x40 first), then the short entry (fatgen103, sections 6 and 7).
// LFNAssembler is the state machine that pairs long-name slots with the
// short entry they belong to, dropping orphans (bad order or checksum), as
// the specification asks.

enum FATAttribute {
    static let readOnly: UInt8 = 0x01
    static let hidden: UInt8 = 0x02
    static let system: UInt8 = 0x04
    static let volumeID: UInt8 = 0x08
    static let directory: UInt8 = 0x10
    static let archive: UInt8 = 0x20
    static let longName: UInt8 = 0x0F
    static let longNameMask: UInt8 = 0x3F
}

/// Offsets in a 32-byte short directory entry.
enum FATSlot {
    static let size = 32
    static let attributes = 11
    static let ntFlags = 12
    static let createdTenths = 13
    static let createdTime = 14
    static let createdDate = 16
    static let accessedDate = 18
    static let clusterHigh = 20
    static let modifiedTime = 22
    static let modifiedDate = 24
    static let clusterLow = 26
    static let fileSize = 28
    static let deleted: UInt8 = 0xE5
    static let lastLongEntry: UInt8 = 0x40
    static let charsPerLongEntry = 13
    /// UTF-16 unit offsets in a long-name slot.
    static let longNameOffsets = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30]
}

struct FATEntry {
    var name: [UInt16]
    var short: [UInt8]
    var attributes: UInt8
    var ntFlags: UInt8
    var firstCluster: UInt32
    var size: UInt32
    var created: FATTimestamp
    var modified: FATTimestamp
    var accessedDate: UInt16
    /// Slot index of the short entry, and of the first slot of its set.
    var slot: UInt32
    var firstSlot: UInt32

    var isDirectory: Bool { attributes & FATAttribute.directory != 0 }
    var hasLongName: Bool { firstSlot != slot }

    /// `name` matches the long name or the short name, case-insensitively.
    func matches(_ wanted: [UInt16]) -> Bool {
        if CaseFolding.equal(name, wanted) { return true }
        return hasLongName && CaseFolding.equal(FATName.decodeShort(short, flags: 0), wanted)
    }

    init(short raw: UnsafeRawBufferPointer, slot: UInt32) {
        short = Array(raw[0..<11])
        attributes = raw[FATSlot.attributes]
        ntFlags = raw[FATSlot.ntFlags]
        firstCluster = UInt32(raw.le16(FATSlot.clusterHigh)) << 16 | UInt32(raw.le16(FATSlot.clusterLow))
        size = raw.le32(FATSlot.fileSize)
        created = FATTimestamp(date: raw.le16(FATSlot.createdDate), time: raw.le16(FATSlot.createdTime),
                               tenths: raw[FATSlot.createdTenths])
        modified = FATTimestamp(date: raw.le16(FATSlot.modifiedDate), time: raw.le16(FATSlot.modifiedTime))
        accessedDate = raw.le16(FATSlot.accessedDate)
        self.slot = slot
        firstSlot = slot
        name = FATName.decodeShort(short, flags: ntFlags)
    }

    /// The 32 bytes of the short entry.
    func encodeShort() -> [UInt8] {
        var raw = [UInt8](repeating: 0, count: 32)
        for i in 0..<11 { raw[i] = short[i] }
        raw[FATSlot.attributes] = attributes
        raw[FATSlot.ntFlags] = ntFlags
        raw[FATSlot.createdTenths] = created.tenths
        raw.setLE16(FATSlot.createdTime, created.time)
        raw.setLE16(FATSlot.createdDate, created.date)
        raw.setLE16(FATSlot.accessedDate, accessedDate)
        raw.setLE16(FATSlot.clusterHigh, UInt16(firstCluster >> 16))
        raw.setLE16(FATSlot.modifiedTime, modified.time)
        raw.setLE16(FATSlot.modifiedDate, modified.date)
        raw.setLE16(FATSlot.clusterLow, UInt16(truncatingIfNeeded: firstCluster))
        raw.setLE32(FATSlot.fileSize, size)
        return raw
    }

    /// The slots of this entry with long name `longName` (none if nil): LFN
    /// slots first, the short entry last; `32 * count` bytes.
    func encodeSet(longName: [UInt16]?) -> [UInt8] {
        var out: [UInt8] = []
        if let long = longName {
            let sum = FATName.checksum(short)
            let count = (long.count + FATSlot.charsPerLongEntry - 1) / FATSlot.charsPerLongEntry
            for ord in stride(from: count, through: 1, by: -1) {
                var raw = [UInt8](repeating: 0, count: 32)
                raw[0] = UInt8(ord) | (ord == count ? FATSlot.lastLongEntry : 0)
                raw[FATSlot.attributes] = FATAttribute.longName
                raw[13] = sum
                for k in 0..<FATSlot.charsPerLongEntry {
                    let i = (ord - 1) * FATSlot.charsPerLongEntry + k
                    // After the name: one 0x0000, then 0xFFFF padding.
                    let unit: UInt16 = i < long.count ? long[i] : (i == long.count ? 0 : 0xFFFF)
                    raw.setLE16(FATSlot.longNameOffsets[k], unit)
                }
                out.append(contentsOf: raw)
            }
        }
        out.append(contentsOf: encodeShort())
        return out
    }

    static func longSlotCount(_ long: [UInt16]?) -> Int {
        guard let long else { return 0 }
        return (long.count + FATSlot.charsPerLongEntry - 1) / FATSlot.charsPerLongEntry
    }
}

/// Collects long-name slots until the short entry they describe.
struct LFNAssembler {
    private var units = [UInt16](repeating: 0xFFFF, count: 20 * FATSlot.charsPerLongEntry)
    private var expected = 0
    private var count = 0
    private var sum: UInt8 = 0
    private var start: UInt32 = 0

    mutating func reset() { expected = 0; count = 0 }

    /// Takes a long-name slot at `slot`.
    mutating func add(_ raw: UnsafeRawBufferPointer, slot: UInt32) {
        let ord = Int(raw[0] & 0x1F)
        if raw[0] & FATSlot.lastLongEntry != 0 {
            guard ord >= 1, ord <= 20 else { reset(); return }
            count = ord
            expected = ord
            sum = raw[13]
            start = slot
        }
        guard expected > 0, ord == expected, raw[13] == sum else { reset(); return }
        for k in 0..<FATSlot.charsPerLongEntry {
            units[(ord - 1) * FATSlot.charsPerLongEntry + k] = raw.le16(FATSlot.longNameOffsets[k])
        }
        expected -= 1
    }

    /// Completes `entry` with the collected long name if it belongs to it.
    mutating func finish(_ entry: inout FATEntry) {
        defer { reset() }
        guard count > 0, expected == 0, FATName.checksum(entry.short) == sum else { return }
        var name: [UInt16] = []
        for i in 0..<(count * FATSlot.charsPerLongEntry) {
            if units[i] == 0 || units[i] == 0xFFFF { break }
            name.append(units[i])
        }
        guard !name.isEmpty, name.count <= FATName.maxLongName else { return }
        entry.name = name
        entry.firstSlot = start
    }
}
