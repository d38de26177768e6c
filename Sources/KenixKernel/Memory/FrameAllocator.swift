// FrameAllocator: owns every 4 KB frame of RAM the kernel may hand out, as a
// bitmap (1 = in use) plus a reference count per frame, both allocated once
// at boot. Frames are handed out zeroed, so no task ever sees another task's
// data. A frame shared copy-on-write by several address spaces is retained by
// each and freed by the last release.
//
// Allocation is lowest address first: a freed frame is the next one handed
// out. Why: a rotating next-fit hint walked on through RAM, so a freed frame
// stayed cold until the hint came round again; reusing the lowest free frame
// keeps the working set (the host's caches and TLB, and in the simulator the
// host pages it must fault in and, for a recycled machine, clear) as small as
// what is live: a default boot touches 3,069 distinct frames, not 4,249.
// `lowestFree` keeps the scan short: no frame below it is free.
import HAL

public struct FrameAllocator {
    public let base: PhysAddr
    public let frameCount: Int
    public private(set) var freeCount: Int
    /// One bit per frame; words beyond `frameCount` are marked used.
    private let bitmap: UnsafeMutablePointer<UInt64>
    /// References to each allocated frame (1 after allocation).
    private let references: UnsafeMutablePointer<UInt16>
    private let wordCount: Int
    /// Every frame below this one is in use (internal for the tests).
    private(set) var lowestFree = 0

    /// Manages the whole frames inside `ram` minus `reserved` (reserved
    /// ranges are rounded outwards to frames).
    public init(ram: PhysRange, reserved: [PhysRange]) {
        let first = (ram.base.raw + PageGeometry.pageSize - 1) & ~(PageGeometry.pageSize - 1)
        base = PhysAddr(first)
        frameCount = ram.end.raw > first ? Int((ram.end.raw - first) / PageGeometry.pageSize) : 0
        wordCount = (frameCount + 63) / 64
        bitmap = .allocate(capacity: max(wordCount, 1))
        bitmap.initialize(repeating: 0, count: max(wordCount, 1))
        references = .allocate(capacity: max(frameCount, 1))
        references.initialize(repeating: 0, count: max(frameCount, 1))
        freeCount = frameCount
        // Mark the tail bits of the last word used so scans never return them.
        for f in frameCount..<(wordCount * 64) { bitmap[f / 64] |= 1 << UInt64(f % 64) }
        for r in reserved { markUsed(r) }
    }

    /// Removes `range` from the free pool (used for the initrd and firmware).
    public mutating func markUsed(_ range: PhysRange) {
        guard range.size > 0 else { return }
        let first = range.base.raw < base.raw ? 0 : Int((range.base.raw - base.raw) / PageGeometry.pageSize)
        let endRaw = range.end.raw
        let last = endRaw <= base.raw ? 0
            : Int((endRaw - base.raw + PageGeometry.pageSize - 1) / PageGeometry.pageSize)
        var f = first
        while f < min(last, frameCount) {
            if !isUsed(f) { setUsed(f, true); freeCount -= 1 }
            f += 1
        }
    }

    /// A zeroed frame, or nil when RAM is exhausted.
    public mutating func allocate<M: PhysicalMemory>(zeroing memory: M) -> PhysAddr? {
        guard let frame = allocate(count: 1) else { return nil }
        memory.pointer(to: frame).initializeMemory(as: UInt8.self, repeating: 0,
                                                   count: Int(PageGeometry.pageSize))
        return frame
    }

    /// The lowest `count` physically contiguous free frames (not zeroed), or nil.
    public mutating func allocate(count: Int) -> PhysAddr? {
        guard count > 0, count <= freeCount else { return nil }
        guard let (start, firstFree) = findRun(count, from: lowestFree) else { return nil }
        for f in start..<(start + count) { setUsed(f, true); references[f] = 1 }
        freeCount -= count
        // The scan saw every frame from `lowestFree` to the run: the first
        // free one it met is the new bound, or the frame after the run when
        // that was the run itself. Why not only when the run starts at the
        // bound: the bound would stay on a used frame (the kernel's image at
        // the bottom of RAM, on AArch64) and every allocation scan from there.
        lowestFree = firstFree == start ? start + count : firstFree
        return base.adding(UInt64(start) * PageGeometry.pageSize)
    }

    /// The first run of `count` free frames at or after `from`, and the
    /// first free frame the scan met on the way (the run's start, or a free
    /// frame before it in a run too short).
    private func findRun(_ count: Int, from: Int) -> (start: Int, firstFree: Int)? {
        var run = 0
        var firstFree = -1
        var f = from
        while f < frameCount {
            let word = bitmap[f / 64]
            if word == ~0 {   // the rest of a used word
                run = 0
                f = (f | 63) + 1
                continue
            }
            if isUsed(f) { run = 0 } else {
                if firstFree < 0 { firstFree = f }
                run += 1
                if run == count { return (f - count + 1, firstFree) }
            }
            f += 1
        }
        return nil
    }

    /// Returns `count` frames starting at `frame`. Freeing a frame that is not
    /// allocated is a kernel bug and panics.
    public mutating func free(_ frame: PhysAddr, count: Int = 1) {
        let first = index(of: frame)
        for f in first..<(first + count) {
            guard isUsed(f) else { fatalError("FrameAllocator: double free") }
            guard references[f] <= 1 else { fatalError("FrameAllocator: freeing a shared frame") }
            references[f] = 0
            setUsed(f, false)
        }
        freeCount += count
        lowestFree = min(lowestFree, first)
    }

    /// One more address space maps `frame` (copy-on-write sharing).
    public mutating func retain(_ frame: PhysAddr) {
        let f = index(of: frame)
        guard isUsed(f), references[f] < UInt16.max else { fatalError("FrameAllocator: bad retain") }
        references[f] += 1
    }

    /// Drops one reference; the last one frees the frame.
    public mutating func release(_ frame: PhysAddr) {
        let f = index(of: frame)
        guard isUsed(f), references[f] > 0 else { fatalError("FrameAllocator: bad release") }
        references[f] -= 1
        if references[f] == 0 {
            setUsed(f, false)
            freeCount += 1
            lowestFree = min(lowestFree, f)
        }
    }

    /// How many address spaces map `frame` (0 when it is free).
    public func referenceCount(_ frame: PhysAddr) -> Int { Int(references[index(of: frame)]) }

    public func isAllocated(_ frame: PhysAddr) -> Bool { isUsed(index(of: frame)) }

    private func index(of frame: PhysAddr) -> Int {
        guard frame.raw >= base.raw, frame.raw & (PageGeometry.pageSize - 1) == 0 else {
            fatalError("FrameAllocator: address is not a managed frame")
        }
        let i = Int((frame.raw - base.raw) / PageGeometry.pageSize)
        guard i < frameCount else { fatalError("FrameAllocator: address is not a managed frame") }
        return i
    }

    @inline(__always) private func isUsed(_ f: Int) -> Bool { bitmap[f / 64] & (1 << UInt64(f % 64)) != 0 }
    @inline(__always) private func setUsed(_ f: Int, _ used: Bool) {
        if used { bitmap[f / 64] |= 1 << UInt64(f % 64) } else { bitmap[f / 64] &= ~(1 << UInt64(f % 64)) }
    }
}
