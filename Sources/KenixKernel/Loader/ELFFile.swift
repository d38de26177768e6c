// ELFFile: decodes and validates an ELF64 AArch64 executable before anything
// is mapped (decode, then act). Every rule a loader relies on is checked here:
// header fields, program headers inside the file, segments inside the user
// image area, W^X per segment, no two segments sharing a page, and an entry
// point inside an executable segment. See the ELF-64 Object File Format spec
// and the AArch64 ELF ABI (EM_AARCH64 = 183).
import HAL
import KenixABI

public enum ELFError: Error, Equatable, Sendable {
    case truncated
    case badMagic
    case notELF64
    case notLittleEndian
    case badVersion
    case notExecutable
    case wrongMachine
    case badProgramHeaders
    case tooManySegments
    case noLoadableSegments
    case segmentOutsideFile
    case segmentOutsideImageArea
    case segmentSizeMismatch
    case writableAndExecutable
    case overlappingSegments
    case entryNotExecutable
    /// A valid executable without the Kenix note: a foreign (Linux) program,
    /// which the kernel does not start natively (KenixNote).
    case notAKenixProgram
}

public struct ELFSegment: Equatable, Sendable {
    public var virtualAddress: UInt64
    public var memorySize: UInt64
    public var fileOffset: UInt64
    public var fileSize: UInt64
    public var writable: Bool
    public var executable: Bool

    /// First page and end (exclusive, page-rounded) the segment touches.
    public var firstPage: UInt64 { virtualAddress & ~(PageGeometry.pageSize - 1) }
    public var pageEnd: UInt64 {
        (virtualAddress + memorySize + PageGeometry.pageSize - 1) & ~(PageGeometry.pageSize - 1)
    }

    static let none = ELFSegment(virtualAddress: 0, memorySize: 0, fileOffset: 0, fileSize: 0,
                                 writable: false, executable: false)
}

public struct ELFFile {
    public static let maxSegments = KernelCapacity.elfSegments

    public let entry: UInt64
    public let segmentCount: Int
    /// The file carries the Kenix note (KenixNote): a Kenix program.
    public let isKenixProgram: Bool
    private var segmentStorage: SegmentStorage

    public func segment(_ i: Int) -> ELFSegment { segmentStorage[i] }

    public init(_ reader: ByteReader) throws(ELFError) {
        guard reader.count >= 64 else { throw .truncated }
        guard reader.u32(0) == 0x464C_457F else { throw .badMagic }          // "\x7FELF"
        guard reader.u8(4) == 2 else { throw .notELF64 }                      // ELFCLASS64
        guard reader.u8(5) == 1 else { throw .notLittleEndian }               // ELFDATA2LSB
        guard reader.u8(6) == 1, reader.u32(20) == 1 else { throw .badVersion }
        guard reader.u16(16) == 2 else { throw .notExecutable }               // ET_EXEC
        guard reader.u16(18) == 183 else { throw .wrongMachine }              // EM_AARCH64
        let entry = reader.u64(24)!
        let phoff = reader.u64(32)!
        let phentsize = reader.u16(54)!
        let phnum = UInt64(reader.u16(56)!)
        guard phentsize == 56, phnum > 0,
              reader.contains(offset: phoff, length: phnum * 56) else { throw .badProgramHeaders }

        var segments = SegmentStorage(repeating: .none)
        var count = 0
        var kenixNote = false
        for i in 0..<Int(phnum) {
            let ph = Int(phoff) + i * 56
            if reader.u32(ph) == 4 {                                          // PT_NOTE
                kenixNote = kenixNote || Self.holdsKenixNote(reader, offset: reader.u64(ph + 8)!,
                                                             size: reader.u64(ph + 32)!)
                continue
            }
            guard reader.u32(ph) == 1 else { continue }                       // PT_LOAD only
            let flags = reader.u32(ph + 4)!
            let seg = ELFSegment(virtualAddress: reader.u64(ph + 16)!, memorySize: reader.u64(ph + 40)!,
                                 fileOffset: reader.u64(ph + 8)!, fileSize: reader.u64(ph + 32)!,
                                 writable: flags & 2 != 0, executable: flags & 1 != 0)
            guard seg.fileSize <= seg.memorySize else { throw .segmentSizeMismatch }
            if seg.memorySize == 0 { continue }
            guard count < Self.maxSegments else { throw .tooManySegments }
            guard reader.contains(offset: seg.fileOffset, length: seg.fileSize) else { throw .segmentOutsideFile }
            let (end, overflow) = seg.virtualAddress.addingReportingOverflow(seg.memorySize)
            guard !overflow, seg.virtualAddress >= UserLayout.imageBase,
                  end <= UserLayout.imageLimit else { throw .segmentOutsideImageArea }
            guard !(seg.writable && seg.executable) else { throw .writableAndExecutable }
            // Page permissions are per page, so two segments may not share one.
            for j in 0..<count {
                let other = segments[j]
                if seg.firstPage < other.pageEnd && other.firstPage < seg.pageEnd { throw .overlappingSegments }
            }
            segments[count] = seg
            count += 1
        }
        guard count > 0 else { throw .noLoadableSegments }
        var entryOK = false
        for j in 0..<count {
            let s = segments[j]
            if s.executable && entry >= s.virtualAddress && entry < s.virtualAddress + s.memorySize { entryOK = true }
        }
        guard entryOK, entry & 3 == 0 else { throw .entryNotExecutable }
        self.entry = entry
        self.isKenixProgram = kenixNote
        self.segmentCount = count
        self.segmentStorage = segments
    }

    /// Whether the notes in [offset, offset + size) of the file include the
    /// Kenix note. Malformed notes end the search; they are not an error.
    private static func holdsKenixNote(_ reader: ByteReader, offset: UInt64, size: UInt64) -> Bool {
        guard reader.contains(offset: offset, length: size) else { return false }
        var cursor = offset
        let end = offset + size
        while end - cursor >= 12 {
            let nameSize = UInt64(reader.u32(Int(cursor))!), descSize = UInt64(reader.u32(Int(cursor) + 4)!)
            let type = reader.u32(Int(cursor) + 8)!
            let name = cursor + 12
            let desc = name + (nameSize + 3) & ~3
            let next = desc + (descSize + 3) & ~3
            guard nameSize <= size, descSize <= size, next <= end else { return false }
            if type == KenixNote.type, nameSize == UInt64(KenixNote.name.utf8CodeUnitCount) + 1, descSize == 4,
               reader.u32(Int(desc)) == KenixNote.abiVersion, matches(reader, at: name, KenixNote.name) {
                return true
            }
            cursor = next
        }
        return false
    }

    private static func matches(_ reader: ByteReader, at offset: UInt64, _ name: StaticString) -> Bool {
        for i in 0..<name.utf8CodeUnitCount where reader.u8(Int(offset) + i) != name.utf8Start[i] { return false }
        return reader.u8(Int(offset) + name.utf8CodeUnitCount) == 0
    }
}
