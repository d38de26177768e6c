// ELFBuilder: writes small ELF64 AArch64 executables (ET_EXEC) with chosen
// PT_LOAD segments, for the loader tests and the scripted programs. Every
// header field can be overridden afterwards to make malformed files.
struct ELFBuilder {
    struct Segment {
        var type: UInt32 = 1          // PT_LOAD
        var flags: UInt32             // PF_X = 1, PF_W = 2, PF_R = 4
        var vaddr: UInt64
        var bytes: [UInt8]
        /// Defaults to `bytes.count`.
        var memsz: UInt64? = nil
        /// Overrides for malformed files.
        var fileOffset: UInt64? = nil
        var filesz: UInt64? = nil

        static let r: UInt32 = 4, rw: UInt32 = 6, rx: UInt32 = 5, rwx: UInt32 = 7
    }

    static let headerSize = 64
    static let programHeaderSize = 56
    // Header field offsets.
    static let classOffset = 4, dataOffset = 5, identVersionOffset = 6
    static let typeOffset = 16, machineOffset = 18, versionOffset = 20, entryOffset = 24
    static let phoffOffset = 32, phentsizeOffset = 54, phnumOffset = 56

    var entry: UInt64
    var segments: [Segment]
    /// Appends a PT_NOTE with the Kenix note (what the kernel requires of a
    /// program it starts natively) after the given segments.
    var kenixNote: Bool

    init(entry: UInt64, segments: [Segment], kenixNote: Bool = true) {
        self.entry = entry
        self.segments = segments
        self.kenixNote = kenixNote
    }

    /// The Kenix note's bytes (KenixNote in KenixABI, Userland/runtime/note.S).
    static let kenixNoteBytes: [UInt8] = {
        var note = [UInt8](repeating: 0, count: 24)
        note.setLE(UInt32(6), at: 0)
        note.setLE(UInt32(4), at: 4)
        note.setLE(UInt32(1), at: 8)
        note.replaceSubrange(12..<17, with: Array("Kenix".utf8))
        note.setLE(UInt32(1), at: 20)
        return note
    }()

    /// Offset of program header `i` in the built file.
    static func programHeaderOffset(_ i: Int) -> Int { headerSize + i * programHeaderSize }

    func build() -> [UInt8] {
        let segments = kenixNote
            ? self.segments + [Segment(type: 4, flags: Segment.r, vaddr: 0, bytes: Self.kenixNoteBytes)]
            : self.segments
        var out = [UInt8](repeating: 0, count: Self.headerSize + segments.count * Self.programHeaderSize)
        out.replaceSubrange(0..<4, with: [0x7F, 0x45, 0x4C, 0x46])
        out[Self.classOffset] = 2                // ELFCLASS64
        out[Self.dataOffset] = 1                 // ELFDATA2LSB
        out[Self.identVersionOffset] = 1         // EV_CURRENT
        out.setLE(UInt16(2), at: Self.typeOffset)       // ET_EXEC
        out.setLE(UInt16(183), at: Self.machineOffset)  // EM_AARCH64
        out.setLE(UInt32(1), at: Self.versionOffset)
        out.setLE(entry, at: Self.entryOffset)
        out.setLE(UInt64(Self.headerSize), at: Self.phoffOffset)
        out.setLE(UInt16(Self.headerSize), at: 52)      // e_ehsize
        out.setLE(UInt16(Self.programHeaderSize), at: Self.phentsizeOffset)
        out.setLE(UInt16(segments.count), at: Self.phnumOffset)
        for (i, s) in segments.enumerated() {
            while out.count % 16 != 0 { out.append(0) }
            let offset = UInt64(out.count)
            out.append(contentsOf: s.bytes)
            let ph = Self.programHeaderOffset(i)
            out.setLE(s.type, at: ph)
            out.setLE(s.flags, at: ph + 4)
            out.setLE(s.fileOffset ?? offset, at: ph + 8)
            out.setLE(s.vaddr, at: ph + 16)
            out.setLE(s.vaddr, at: ph + 24)                       // p_paddr
            out.setLE(s.filesz ?? UInt64(s.bytes.count), at: ph + 32)
            out.setLE(s.memsz ?? UInt64(s.bytes.count), at: ph + 40)
            out.setLE(UInt64(0x1000), at: ph + 48)                // p_align
        }
        return out
    }
}

extension Array where Element == UInt8 {
    /// Stores `value` little-endian at `offset`.
    mutating func setLE<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for i in 0..<MemoryLayout<T>.size { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    func readLE<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v |= T(self[offset + i]) << (8 * i) }
        return v
    }
}
