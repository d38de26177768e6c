// Little-endian loads and stores at byte offsets of raw buffers and byte
// arrays: the on-disk structures (FAT boot sector, FAT entries, directory
// entries) and the wire records (stat, directory entries) are all
// little-endian and unaligned. Callers check bounds first; these do not.

extension UnsafeRawBufferPointer {
    @inline(__always) func le16(_ at: Int) -> UInt16 {
        UInt16(self[at]) | UInt16(self[at + 1]) << 8
    }

    @inline(__always) func le32(_ at: Int) -> UInt32 {
        UInt32(le16(at)) | UInt32(le16(at + 2)) << 16
    }

    @inline(__always) func le64(_ at: Int) -> UInt64 {
        UInt64(le32(at)) | UInt64(le32(at + 4)) << 32
    }
}

extension UnsafeMutableRawBufferPointer {
    @inline(__always) func le16(_ at: Int) -> UInt16 { UnsafeRawBufferPointer(self).le16(at) }
    @inline(__always) func le32(_ at: Int) -> UInt32 { UnsafeRawBufferPointer(self).le32(at) }
    @inline(__always) func le64(_ at: Int) -> UInt64 { UnsafeRawBufferPointer(self).le64(at) }

    @inline(__always) func setLE16(_ at: Int, _ v: UInt16) {
        self[at] = UInt8(truncatingIfNeeded: v)
        self[at + 1] = UInt8(truncatingIfNeeded: v >> 8)
    }

    @inline(__always) func setLE32(_ at: Int, _ v: UInt32) {
        setLE16(at, UInt16(truncatingIfNeeded: v))
        setLE16(at + 2, UInt16(truncatingIfNeeded: v >> 16))
    }

    @inline(__always) func setLE64(_ at: Int, _ v: UInt64) {
        setLE32(at, UInt32(truncatingIfNeeded: v))
        setLE32(at + 4, UInt32(truncatingIfNeeded: v >> 32))
    }
}

extension Array where Element == UInt8 {
    @inline(__always) func le16(_ at: Int) -> UInt16 {
        UInt16(self[at]) | UInt16(self[at + 1]) << 8
    }

    @inline(__always) func le32(_ at: Int) -> UInt32 {
        UInt32(le16(at)) | UInt32(le16(at + 2)) << 16
    }

    @inline(__always) mutating func setLE16(_ at: Int, _ v: UInt16) {
        self[at] = UInt8(truncatingIfNeeded: v)
        self[at + 1] = UInt8(truncatingIfNeeded: v >> 8)
    }

    @inline(__always) mutating func setLE32(_ at: Int, _ v: UInt32) {
        setLE16(at, UInt16(truncatingIfNeeded: v))
        setLE16(at + 2, UInt16(truncatingIfNeeded: v >> 16))
    }
}

/// Byte-wise equality of a byte array and a static string (command words, names).
@inline(__always)
func bytesEqual(_ a: [UInt8], _ s: StaticString) -> Bool {
    guard a.count == s.utf8CodeUnitCount else { return false }
    for i in 0..<a.count where a[i] != s.utf8Start[i] { return false }
    return true
}

/// A fixed bit set over 0..<count (free clusters, predecessors).
struct BitSet {
    private var words: [UInt64]
    let count: Int

    init(count: Int) {
        self.count = count
        words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    @inline(__always) subscript(i: Int) -> Bool {
        get { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
        set {
            if newValue { words[i >> 6] |= 1 << UInt64(i & 63) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
        }
    }

    /// The first set bit at or after `start` and before `end`, or nil.
    func firstSet(from start: Int, to end: Int) -> Int? {
        var i = start
        while i < end {
            let word = words[i >> 6] >> UInt64(i & 63)
            if word != 0 {
                let found = i + word.trailingZeroBitCount
                return found < end ? found : nil
            }
            i = (i | 63) + 1
        }
        return nil
    }
}
