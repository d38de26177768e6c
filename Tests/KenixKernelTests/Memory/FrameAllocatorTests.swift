// FrameAllocator: counting, reserved ranges (rounded outwards), zeroing,
// contiguous runs, exhaustion, reuse of freed frames, and two scan/rounding
// edge cases that were kernel bugs (regression tests, fixed in 1fce163).
import HAL
@testable import KenixKernel
import XCTest

final class FrameAllocatorTests: XCTestCase {
    let base: UInt64 = 0x4000_0000
    let page = PageGeometry.pageSize

    func frame(_ i: Int) -> PhysAddr { PhysAddr(base + UInt64(i) * page) }
    func ram(_ frames: Int) -> PhysRange { PhysRange(base: PhysAddr(base), size: UInt64(frames) * page) }

    func testFreshAllocatorManagesEveryFrameOfRAM() {
        let a = FrameAllocator(ram: ram(100), reserved: [])
        XCTAssertEqual(a.base, PhysAddr(base))
        XCTAssertEqual(a.frameCount, 100)
        XCTAssertEqual(a.freeCount, 100)
        XCTAssertFalse(a.isAllocated(frame(0)))
        XCTAssertFalse(a.isAllocated(frame(99)))
    }

    func testAllocationsAreDistinctPageAlignedAndCounted() {
        var a = FrameAllocator(ram: ram(70), reserved: [])
        var seen = Set<UInt64>()
        for n in 1...70 {
            guard let f = a.allocate(count: 1) else { return XCTFail("ran out after \(n - 1)") }
            XCTAssertEqual(f.raw % page, 0)
            XCTAssertTrue(f.raw >= base && f.raw < base + 70 * page)
            XCTAssertTrue(seen.insert(f.raw).inserted, "frame handed out twice")
            XCTAssertTrue(a.isAllocated(f))
            XCTAssertEqual(a.freeCount, 70 - n)
        }
        XCTAssertNil(a.allocate(count: 1), "exhausted RAM must return nil")
        XCTAssertEqual(a.freeCount, 0)
    }

    func testReservedRangesAreRoundedOutwardsAndNeverHandedOut() {
        // [base+0x1800, base+0x2800) touches frames 1 and 2; [base+9*page, +1) touches frame 9.
        let reserved = [PhysRange(base: PhysAddr(base + 0x1800), size: 0x1000),
                        PhysRange(base: PhysAddr(base + 9 * page), size: 1)]
        var a = FrameAllocator(ram: ram(16), reserved: reserved)
        XCTAssertEqual(a.freeCount, 13)
        for i in [1, 2, 9] { XCTAssertTrue(a.isAllocated(frame(i)), "frame \(i) should be reserved") }
        var got = Set<UInt64>()
        while let f = a.allocate(count: 1) { got.insert(f.raw) }
        XCTAssertEqual(got.count, 13)
        XCTAssertEqual(got, Set([0, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15].map { frame($0).raw }))
    }

    func testReservedRangesOutsideRAMAreIgnoredAndEmptyOnesTakeNothing() {
        let a = FrameAllocator(ram: ram(8), reserved: [
            PhysRange(base: PhysAddr(0x1000_0000), size: 0x10000),        // below RAM
            PhysRange(base: PhysAddr(base + 64 * page), size: 0x10000),   // above RAM
            PhysRange(base: PhysAddr(base + 3 * page), size: 0),          // empty
        ])
        XCTAssertEqual(a.freeCount, 8)
    }

    func testReservedRangeStraddlingTheStartOfRAM() {
        let a = FrameAllocator(ram: ram(8), reserved: [PhysRange(base: PhysAddr(base - 0x800), size: 0x1000)])
        XCTAssertEqual(a.freeCount, 7)
        XCTAssertTrue(a.isAllocated(frame(0)))
        XCTAssertFalse(a.isAllocated(frame(1)))
    }

    func testMarkUsedCountsEachFrameOnce() {
        var a = FrameAllocator(ram: ram(8), reserved: [])
        a.markUsed(PhysRange(base: frame(2), size: 2 * page))
        a.markUsed(PhysRange(base: frame(3), size: 2 * page))
        XCTAssertEqual(a.freeCount, 5)
    }

    func testZeroingAllocationClearsTheWholeFrame() {
        let machine = SimMachine(ramBase: base, ramSize: 8 * page)   // RAM starts as 0xA5 garbage
        var a = FrameAllocator(ram: ram(8), reserved: [])
        guard let f = a.allocate(zeroing: SimulatedRAM(machine: machine)) else { return XCTFail() }
        let bytes = UnsafeRawBufferPointer(start: machine.pointer(to: f), count: Int(page))
        XCTAssertTrue(bytes.allSatisfy { $0 == 0 })
        // The next frame was not touched.
        XCTAssertEqual(machine.pointer(to: f.adding(page)).load(as: UInt8.self), 0xA5)
    }

    func testFreedFrameIsCountedAndReused() {
        var a = FrameAllocator(ram: ram(10), reserved: [])
        var frames: [PhysAddr] = []
        while let f = a.allocate(count: 1) { frames.append(f) }
        a.free(frames[6])
        XCTAssertEqual(a.freeCount, 1)
        XCTAssertFalse(a.isAllocated(frames[6]))
        XCTAssertEqual(a.allocate(count: 1), frames[6])
        XCTAssertEqual(a.freeCount, 0)
    }

    func testContiguousRunIsFoundInAFragmentedPool() {
        var a = FrameAllocator(ram: ram(16), reserved: [])
        guard let all = a.allocate(count: 16) else { return XCTFail() }
        XCTAssertEqual(all, frame(0))
        a.free(frame(2), count: 2)          // hole of 2 at 2–3
        a.free(frame(9), count: 4)          // hole of 4 at 9–12
        XCTAssertEqual(a.freeCount, 6)
        XCTAssertNil(a.allocate(count: 5), "no run of 5 exists")
        XCTAssertEqual(a.freeCount, 6, "a failed allocation takes nothing")
        XCTAssertEqual(a.allocate(count: 3), frame(9))
        for i in 9...11 { XCTAssertTrue(a.isAllocated(frame(i))) }
        XCTAssertEqual(a.freeCount, 3)
        XCTAssertEqual(a.allocate(count: 2), frame(2))
        XCTAssertEqual(a.allocate(count: 1), frame(12))
        XCTAssertNil(a.allocate(count: 1))
    }

    func testContiguousRunNeverSpansAReservedFrame() {
        var a = FrameAllocator(ram: ram(8), reserved: [PhysRange(base: frame(4), size: page)])
        XCTAssertNil(a.allocate(count: 5))
        XCTAssertEqual(a.allocate(count: 4), frame(0))
        XCTAssertEqual(a.allocate(count: 3), frame(5))
    }

    func testInvalidCountsReturnNil() {
        var a = FrameAllocator(ram: ram(8), reserved: [])
        XCTAssertNil(a.allocate(count: 0))
        XCTAssertNil(a.allocate(count: 9))
        XCTAssertEqual(a.freeCount, 8)
    }

    func testRunsAcrossBitmapWordBoundaries() {
        var a = FrameAllocator(ram: ram(200), reserved: [])
        XCTAssertEqual(a.allocate(count: 60), frame(0))
        XCTAssertEqual(a.allocate(count: 10), frame(60), "a run may cross from word 0 into word 1")
        XCTAssertEqual(a.allocate(count: 130), frame(70))
        XCTAssertEqual(a.freeCount, 0)
        a.free(frame(120), count: 70)
        XCTAssertEqual(a.allocate(count: 70), frame(120))
    }

    /// Regression: the scan's lower bound moved only when a run started
    /// exactly on it, so with used frames at the bottom of RAM (the kernel's
    /// image, on AArch64) it stayed at frame 0 and every allocation scanned
    /// all the used frames below the first free one (a Linux fork+exec of
    /// busybox took 2.85 M instructions instead of 1.6 M on QEMU).
    func testTheScanStartsAtTheLowestFreeFrame() {
        var a = FrameAllocator(ram: ram(1000), reserved: [PhysRange(base: PhysAddr(base), size: 300 * page)])
        XCTAssertEqual(a.allocate(count: 1), frame(300))
        XCTAssertEqual(a.lowestFree, 301)
        XCTAssertEqual(a.allocate(count: 4), frame(301))
        XCTAssertEqual(a.lowestFree, 305)
        // A hole too short for a run stays the bound; the run comes after it.
        a.free(frame(302))
        XCTAssertEqual(a.lowestFree, 302)
        XCTAssertEqual(a.allocate(count: 2), frame(305))
        XCTAssertEqual(a.lowestFree, 302)
        XCTAssertEqual(a.allocate(count: 1), frame(302))
        XCTAssertEqual(a.lowestFree, 303)
        XCTAssertEqual(a.allocate(count: 1), frame(307))
        XCTAssertEqual(a.lowestFree, 308)
    }

    /// The bound's promise, after any mix of requests and frees: no frame
    /// below it is free; and it moves past every run handed out from it.
    func testNoFreeFrameLiesBelowTheScanBound() {
        var a = FrameAllocator(ram: ram(700), reserved: [PhysRange(base: PhysAddr(base), size: 70 * page)])
        var held: [(PhysAddr, Int)] = []
        var seed: UInt64 = 12345
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        for step in 0..<3000 {
            if held.isEmpty || next(3) != 0 {
                let count = 1 + next(4)
                let lowestBefore = (0..<700).first { !a.isAllocated(frame($0)) } ?? 700
                if let f = a.allocate(count: count) {
                    held.append((f, count))
                    if f == frame(lowestBefore) {
                        XCTAssertEqual(a.lowestFree, lowestBefore + count, "step \(step): the bound stayed behind")
                    }
                }
            } else {
                let (f, count) = held.remove(at: next(held.count))
                a.free(f, count: count)
            }
            let lowest = (0..<700).first { !a.isAllocated(frame($0)) } ?? 700
            if a.lowestFree > lowest {
                return XCTFail("step \(step): frame \(lowest) is free, below the bound \(a.lowestFree)")
            }
        }
    }

    /// Regression (fixed in 1fce163): when frameCount was not a multiple of 64,
    /// skipping the last (full) bitmap word over-counted the scan, which gave
    /// up before it found the free frames below the last allocation.
    func testAllocationFindsFreeFramesBelowTheLastAllocation() {
        var a = FrameAllocator(ram: ram(100), reserved: [])
        XCTAssertEqual(a.allocate(count: 100), frame(0))
        a.free(frame(10), count: 10)
        XCTAssertEqual(a.allocate(count: 10), frame(10))
        a.free(frame(0), count: 10)                        // only frames 0–9 are free
        XCTAssertEqual(a.freeCount, 10)
        let f = a.allocate(count: 1)
        XCTAssertNotNil(f, "10 frames are free, yet allocation failed")
        if let f { XCTAssertTrue(f.raw < frame(10).raw) }
    }

    /// A freed frame is the next one handed out (lowest address first), so a
    /// workload touches no more distinct frames than it holds at once.
    func testTheLowestFreeFrameIsHandedOutFirst() {
        var a = FrameAllocator(ram: ram(200), reserved: [])
        for i in 0..<10 { XCTAssertEqual(a.allocate(count: 1), frame(i)) }
        a.free(frame(7))
        a.free(frame(3))
        XCTAssertEqual(a.allocate(count: 1), frame(3))
        XCTAssertEqual(a.allocate(count: 1), frame(7))
        XCTAssertEqual(a.allocate(count: 1), frame(10))
        // The last copy-on-write reference going frees the frame for reuse too.
        a.retain(frame(5))
        a.release(frame(5))
        XCTAssertEqual(a.allocate(count: 1), frame(11), "frame 5 still has a reference")
        a.release(frame(5))
        XCTAssertEqual(a.allocate(count: 1), frame(5))
        // A run that does not fit the hole at 2 skips it and leaves it for the next single frame.
        a.free(frame(2))
        XCTAssertEqual(a.allocate(count: 3), frame(12))
        XCTAssertEqual(a.allocate(count: 1), frame(2))
        // Allocate and free in a loop: the same frame every time.
        for _ in 0..<100 {
            guard let f = a.allocate(count: 1) else { return XCTFail("RAM is not full") }
            XCTAssertEqual(f, frame(15))
            a.free(f)
        }
    }

    /// Regression (fixed in 1fce163): the RAM base used to be rounded *down*,
    /// so the first frame handed out started below an unaligned RAM base.
    func testUnalignedRAMBaseHandsOutOnlyFramesInsideRAM() {
        let ram = PhysRange(base: PhysAddr(base + 0x800), size: 8 * page)
        var a = FrameAllocator(ram: ram, reserved: [])
        var frames: [PhysAddr] = []
        while let f = a.allocate(count: 1) { frames.append(f) }
        for f in frames {
            XCTAssertTrue(f >= ram.base && f.raw + page <= ram.end.raw,
                          "frame 0x\(String(f.raw, radix: 16)) is not inside RAM")
        }
        XCTAssertEqual(frames.count, 7, "exactly 7 whole frames lie inside this RAM")
    }
}
