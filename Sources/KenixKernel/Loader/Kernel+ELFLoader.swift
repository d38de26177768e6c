// Loading a validated ELFFile into a fresh address space: every page of every
// PT_LOAD segment gets its own frame with the segment's rights (W^X was
// checked by ELFFile), the file bytes are copied in, and the stack is
// mapped below `UserLayout.stackTop`. A failure frees everything it took.
// Only pages the file bytes do not cover whole are zeroed first: a program's
// text is nearly all whole pages, and zeroing them before the copy cost
// about 600 instructions a page (a tenth of a Linux fork+exec of busybox).
import HAL
import KenixABI

enum SpawnError: Error, Equatable {
    case notFound
    case badExecutable(ELFError)
    case outOfMemory
    case tableFull
}

extension Kernel {
    /// Builds the address space of `file` (whose bytes are `bytes`), with the
    /// initial stack unless `stack` is false (a supervisor makes its own).
    mutating func loadImage(_ file: ELFFile, bytes: ByteReader, asid: ASID,
                            stack: Bool = true) -> Result<AddressSpace, SpawnError> {
        guard let space = AddressSpace.create(asid: asid, frames: &frames, memory: hal.memory) else {
            return .failure(.outOfMemory)
        }
        for i in 0..<file.segmentCount {
            let seg = file.segment(i)
            var page = seg.firstPage
            while page < seg.pageEnd {
                let covered = seg.virtualAddress <= page
                    && page + PageGeometry.pageSize <= seg.virtualAddress + seg.fileSize
                guard let frame = mapFreshPage(page, in: space, writable: seg.writable,
                                               executable: seg.executable, zeroed: !covered) else {
                    space.destroy(frames: &frames, memory: hal.memory)
                    return .failure(.outOfMemory)
                }
                copySegmentBytes(seg, page: page, bytes: bytes, into: frame)
                if seg.executable {
                    hal.memory.synchronizeInstructions(at: frame, length: Int(PageGeometry.pageSize))
                }
                page += PageGeometry.pageSize
            }
        }
        var page = stack ? UserLayout.stackTop - UserLayout.stackSize : UserLayout.stackTop
        while page < UserLayout.stackTop {
            guard mapFreshPage(page, in: space, writable: true, executable: false) != nil else {
                space.destroy(frames: &frames, memory: hal.memory)
                return .failure(.outOfMemory)
            }
            page += PageGeometry.pageSize
        }
        return .success(space)
    }

    /// Maps a frame owned by `space` at `page`, zeroed unless the caller
    /// overwrites it whole; nil when out of memory (nothing is left
    /// allocated for this page then).
    private mutating func mapFreshPage(_ page: UInt64, in space: AddressSpace, writable: Bool,
                                       executable: Bool, zeroed: Bool = true) -> PhysAddr? {
        guard let frame = zeroed ? frames.allocate(zeroing: hal.memory) : frames.allocate(count: 1) else {
            return nil
        }
        if case .failure = space.map(VirtAddr(page), to: frame, writable: writable, executable: executable,
                                     owned: true, frames: &frames, memory: hal.memory) {
            frames.free(frame)
            return nil
        }
        return frame
    }

    /// Copies the part of the segment's file bytes that falls in `page`.
    private mutating func copySegmentBytes(_ seg: ELFSegment, page: UInt64, bytes: ByteReader, into frame: PhysAddr) {
        let fileStart = seg.virtualAddress
        let fileEnd = seg.virtualAddress + seg.fileSize
        let from = max(page, fileStart)
        let to = min(page + PageGeometry.pageSize, fileEnd)
        guard from < to else { return }
        let source = bytes.slice(offset: seg.fileOffset + (from - fileStart), length: to - from)!
        hal.memory.pointer(to: frame).advanced(by: Int(from - page))
            .copyMemory(from: source.baseAddress!, byteCount: source.count)
    }
}
