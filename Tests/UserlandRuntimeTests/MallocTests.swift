// The user runtime's allocator (Userland/runtime/malloc.c), on the host: it
// grows past its first step with brk, falls back to mmap arenas when brk is
// refused, keeps its boundary tags consistent under random use, aligns as
// asked and reuses freed memory.
import CMallocHost
import XCTest

final class MallocTests: XCTestCase {
    func testGrowsWithBrkFarPastTheOld256KiBHeap() {
        kxt_reset(64 << 20, 0)
        var blocks: [UnsafeMutableRawPointer] = []
        for i in 0..<40 {
            let p = kxt_malloc(100_000)!
            p.initializeMemory(as: UInt8.self, repeating: UInt8(i), count: 100_000)
            blocks.append(p)
        }
        XCTAssertGreaterThan(kxt_brk_used(), 4_000_000)
        XCTAssertEqual(kxt_mmap_calls(), 0)
        for (i, p) in blocks.enumerated() {
            XCTAssertEqual(p.load(fromByteOffset: 99_999, as: UInt8.self), UInt8(i))
            XCTAssertEqual(Int(bitPattern: p) % 16, 0)
        }
        XCTAssertGreaterThanOrEqual(kxt_check_heap(), 0)
        for p in blocks { kxt_free(p) }
        // Everything is free again: the static arena and the brk arena, each less its sentinel.
        let brkArena = kxt_brk_used() - 8   // the simulated break starts 8 bytes below a 16-byte boundary
        XCTAssertEqual(UInt64(kxt_check_heap()), (32 * 1024 - 16) + (brkArena - 16))
    }

    func testFallsBackToMmapWhenBrkIsRefused() {
        kxt_reset(512 << 10, 1)
        var blocks: [UnsafeMutableRawPointer] = []
        for _ in 0..<20 { blocks.append(kxt_malloc(200_000)!) }
        XCTAssertGreaterThan(kxt_mmap_calls(), 0)
        XCTAssertGreaterThanOrEqual(kxt_check_heap(), 0)
        for p in blocks { kxt_free(p) }
        XCTAssertGreaterThanOrEqual(kxt_check_heap(), 0)
    }

    func testOutOfMemoryIsNilNotACrash() {
        kxt_reset(1 << 20, 0)
        XCTAssertNil(kxt_malloc(2 << 20))
        XCTAssertNil(kxt_malloc(Int.max))
        XCTAssertNil(kxt_calloc(Int.max / 2, 4))
        XCTAssertNotNil(kxt_malloc(1000))
        var p: UnsafeMutableRawPointer? = nil
        XCTAssertEqual(kxt_posix_memalign(&p, 3, 10), 22)
        XCTAssertEqual(kxt_posix_memalign(&p, 4096, 4 << 20), 12)
    }

    func testAlignmentAndReuse() {
        kxt_reset(16 << 20, 0)
        for align in [16, 32, 64, 256, 4096, 65536] {
            var p: UnsafeMutableRawPointer? = nil
            XCTAssertEqual(kxt_posix_memalign(&p, align, 1000), 0)
            XCTAssertEqual(Int(bitPattern: p) % align, 0, "align \(align)")
            p!.initializeMemory(as: UInt8.self, repeating: 0xAA, count: 1000)
            XCTAssertGreaterThanOrEqual(kxt_check_heap(), 0)
            kxt_free(p)
        }
        let a = kxt_malloc(5000)!
        kxt_free(a)
        let b = kxt_malloc(5000)!
        XCTAssertEqual(a, b)   // the freed block comes back
        kxt_free(b)
        kxt_free(b)            // a second free is ignored
        kxt_free(UnsafeMutableRawPointer(bitPattern: 0x1000))   // not the heap: ignored
        XCTAssertGreaterThanOrEqual(kxt_check_heap(), 0)
    }

    func testReallocAndCalloc() {
        kxt_reset(16 << 20, 0)
        var p = kxt_malloc(10)!
        for i in 0..<10 { p.storeBytes(of: UInt8(i), toByteOffset: i, as: UInt8.self) }
        p = kxt_realloc(p, 100_000)!
        for i in 0..<10 { XCTAssertEqual(p.load(fromByteOffset: i, as: UInt8.self), UInt8(i)) }
        p = kxt_realloc(p, 50)!
        XCTAssertEqual(p.load(fromByteOffset: 9, as: UInt8.self), 9)
        kxt_free(p)
        let z = kxt_calloc(1000, 8)!.assumingMemoryBound(to: UInt64.self)
        for i in 0..<1000 { XCTAssertEqual(z[i], 0) }
        kxt_free(z)
        XCTAssertGreaterThanOrEqual(kxt_check_heap(), 0)
    }

    func testRandomUseKeepsTheHeapConsistent() {
        kxt_reset(32 << 20, 1)
        var live: [(UnsafeMutableRawPointer, Int, UInt8)] = []
        var rng: UInt64 = 42
        func next(_ n: Int) -> Int { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Int(rng >> 33) % n }
        for step in 0..<20_000 {
            if live.isEmpty || next(3) > 0 {
                let size = next(10) == 0 ? next(300_000) + 1 : next(2000) + 1
                guard let p = kxt_malloc(size) else { continue }
                let tag = UInt8(truncatingIfNeeded: step)
                p.initializeMemory(as: UInt8.self, repeating: tag, count: size)
                live.append((p, size, tag))
            } else {
                let (p, size, tag) = live.remove(at: next(live.count))
                XCTAssertEqual(p.load(fromByteOffset: 0, as: UInt8.self), tag)
                XCTAssertEqual(p.load(fromByteOffset: size - 1, as: UInt8.self), tag)
                kxt_free(p)
            }
            if step % 2000 == 0 { XCTAssertGreaterThanOrEqual(kxt_check_heap(), 0, "step \(step)") }
        }
        for (p, _, _) in live { kxt_free(p) }
        XCTAssertGreaterThanOrEqual(kxt_check_heap(), 0)
    }
}
