// AddressSpace: mapping builds the intermediate tables it needs (and only
// those), lookup/unmap see exactly what map wrote, a second mapping of a page
// is refused, and destroy frees exactly the frames the space owns.
import HAL
import KenixKernel
import XCTest

final class AddressSpaceTests: XCTestCase {
    let base: UInt64 = 0x4000_0000
    var machine: SimMachine!
    var memory: SimulatedRAM!
    var frames: FrameAllocator!

    override func setUp() {
        machine = SimMachine(ramBase: base, ramSize: 64 * PageGeometry.pageSize)
        memory = SimulatedRAM(machine: machine)
        frames = FrameAllocator(ram: PhysRange(base: PhysAddr(base), size: 64 * PageGeometry.pageSize), reserved: [])
    }

    func makeSpace() -> AddressSpace {
        guard let s = AddressSpace.create(asid: ASID(3), frames: &frames, memory: memory) else {
            fatalError("no frame for the root")
        }
        return s
    }

    func testCreateTakesOneZeroedRootFrame() {
        let space = makeSpace()
        XCTAssertEqual(frames.freeCount, 63)
        XCTAssertEqual(space.asid, ASID(3))
        XCTAssertTrue(frames.isAllocated(space.root))
        let table = UnsafeRawBufferPointer(start: machine.pointer(to: space.root), count: 4096)
        XCTAssertTrue(table.allSatisfy { $0 == 0 }, "the root must be zeroed (RAM starts as garbage)")
        let va = VirtAddr(0x40_0000)
        XCTAssertEqual(TranslationWalk.translate(va, root: space.root, memory: memory),
                       .failure(WalkFault(status: .translation(level: 0))))
    }

    func testMapBuildsThreeTablesAndTheWalkFindsTheFrame() {
        let space = makeSpace()
        let frame = frames.allocate(count: 1)!
        let before = frames.freeCount
        XCTAssertNoThrow(try space.map(VirtAddr(0x40_0000), to: frame, writable: false, executable: true,
                                       owned: true, frames: &frames, memory: memory).get())
        XCTAssertEqual(frames.freeCount, before - 3, "levels 1, 2 and 3 tables")

        let d = space.lookup(VirtAddr(0x40_0000), memory: memory)
        XCTAssertEqual(d?.outputAddress, frame)
        XCTAssertEqual(d?.isReadOnly, true)
        XCTAssertEqual(d?.isUserExecutable, true)
        XCTAssertEqual(d?.isUserAccessible, true)
        XCTAssertEqual(d?.accessed, true)
        XCTAssertEqual(d?.softwareBits, AddressSpace.ownedFrame)
        XCTAssertEqual(space.lookup(VirtAddr(0x40_0FF8), memory: memory), d, "lookup is per page")
        XCTAssertNil(space.lookup(VirtAddr(0x40_1000), memory: memory))

        guard case .success(let t) = TranslationWalk.translate(VirtAddr(0x40_0123), root: space.root,
                                                                memory: memory) else { return XCTFail() }
        XCTAssertEqual(t.physical, frame.adding(0x123))
        XCTAssertEqual(t.level, 3)
        XCTAssertEqual(t.bytesToEnd, 0x1000 - 0x123)
        XCTAssertEqual(t.descriptor, d)
    }

    func testNeighbouringPagesShareTablesAndDistantOnesDoNot() {
        let space = makeSpace()
        let f = frames.allocate(count: 4)!
        _ = space.map(VirtAddr(0x40_0000), to: f, writable: true, executable: false, owned: false,
                      frames: &frames, memory: memory)
        var free = frames.freeCount
        _ = space.map(VirtAddr(0x40_1000), to: f.adding(0x1000), writable: true, executable: false, owned: false,
                      frames: &frames, memory: memory)
        XCTAssertEqual(frames.freeCount, free, "same level-3 table")
        free = frames.freeCount
        _ = space.map(VirtAddr(0x60_0000), to: f.adding(0x2000), writable: true, executable: false, owned: false,
                      frames: &frames, memory: memory)
        XCTAssertEqual(frames.freeCount, free - 1, "new level-3 table only")
        free = frames.freeCount
        _ = space.map(VirtAddr(0x7FFF_F000), to: f.adding(0x3000), writable: true, executable: false,
                      owned: false, frames: &frames, memory: memory)
        XCTAssertEqual(frames.freeCount, free - 2, "new level-2 and level-3 tables")
        free = frames.freeCount
        _ = space.map(VirtAddr(0x7FFF_FFFF_F000), to: f, writable: true, executable: false,
                      owned: false, frames: &frames, memory: memory)
        XCTAssertEqual(frames.freeCount, free - 3, "new level-1, 2 and 3 tables")
        for (va, pa) in [(0x40_0008, f.adding(8)), (0x40_1010, f.adding(0x1010)), (0x60_0000, f.adding(0x2000)),
                         (0x7FFF_FFF8, f.adding(0x3FF8)), (0x7FFF_FFFF_F000, f)] as [(UInt64, PhysAddr)] {
            guard case .success(let t) = TranslationWalk.translate(VirtAddr(va), root: space.root, memory: memory)
            else { return XCTFail("0x\(String(va, radix: 16)) not mapped") }
            XCTAssertEqual(t.physical, pa)
        }
    }

    func testMappingAMappedPageIsRefusedAndChangesNothing() {
        let space = makeSpace()
        let a = frames.allocate(count: 1)!, b = frames.allocate(count: 1)!
        _ = space.map(VirtAddr(0x40_0000), to: a, writable: false, executable: true, owned: true,
                      frames: &frames, memory: memory)
        let before = frames.freeCount
        let result = space.map(VirtAddr(0x40_0000), to: b, writable: true, executable: false, owned: true,
                               frames: &frames, memory: memory)
        XCTAssertEqual(result.failure, .alreadyMapped)
        XCTAssertEqual(frames.freeCount, before)
        XCTAssertEqual(space.lookup(VirtAddr(0x40_0000), memory: memory)?.outputAddress, a)
        XCTAssertEqual(space.lookup(VirtAddr(0x40_0000), memory: memory)?.isReadOnly, true)
    }

    func testUnmapReturnsTheDescriptorAndTheWalkThenFaultsAtLevel3() {
        let space = makeSpace()
        let a = frames.allocate(count: 1)!
        _ = space.map(VirtAddr(0x40_0000), to: a, writable: true, executable: false, owned: false,
                      frames: &frames, memory: memory)
        let mapped = space.lookup(VirtAddr(0x40_0000), memory: memory)
        XCTAssertEqual(space.unmap(VirtAddr(0x40_0000), memory: memory), mapped)
        XCTAssertNil(space.lookup(VirtAddr(0x40_0000), memory: memory))
        XCTAssertNil(space.unmap(VirtAddr(0x40_0000), memory: memory), "nothing left to unmap")
        XCTAssertEqual(TranslationWalk.translate(VirtAddr(0x40_0000), root: space.root, memory: memory),
                       .failure(WalkFault(status: .translation(level: 3))))
        XCTAssertNil(space.unmap(VirtAddr(0x1_0000_0000), memory: memory), "no tables there at all")
        XCTAssertTrue(frames.isAllocated(a), "unmap never frees the frame itself")
    }

    func testLookupAndUnmapRejectAddressesAbove48Bits() {
        let space = makeSpace()
        let a = frames.allocate(count: 1)!
        _ = space.map(VirtAddr(0x40_0000), to: a, writable: true, executable: false, owned: false,
                      frames: &frames, memory: memory)
        let alias = VirtAddr(1 << 48 | 0x40_0000)
        XCTAssertNil(space.lookup(alias, memory: memory))
        XCTAssertNil(space.unmap(alias, memory: memory))
        XCTAssertNotNil(space.lookup(VirtAddr(0x40_0000), memory: memory))
        let b = frames.allocate(count: 1)!
        let refused = space.map(alias, to: b, writable: true, executable: false, owned: false,
                                frames: &frames, memory: memory)
        guard case .failure(.invalidAddress) = refused else { return XCTFail("mapped above 2^48: \(refused)") }
        XCTAssertEqual(space.lookup(VirtAddr(0x40_0000), memory: memory)?.outputAddress, a,
                       "the refused map must not alias the low page")
    }

    func testDestroyFreesTablesAndOwnedFramesButNotSharedOnes() {
        let start = frames.freeCount
        let space = makeSpace()
        var owned: [PhysAddr] = []
        for va in [0x40_0000, 0x40_1000, 0x60_0000, 0x7FFF_0000] as [UInt64] {
            let f = frames.allocate(zeroing: memory)!
            owned.append(f)
            _ = space.map(VirtAddr(va), to: f, writable: true, executable: false, owned: true,
                          frames: &frames, memory: memory)
        }
        let shared = frames.allocate(count: 1)!
        _ = space.map(VirtAddr(0x1_0000_0000), to: shared, writable: true, executable: false, owned: false,
                      frames: &frames, memory: memory)
        // The pages, the root, one L1, three L2 (0–1, 1–2 and 4–5 GiB) and four L3 tables.
        let pages: [UInt64] = [0x40_0000, 0x40_1000, 0x60_0000, 0x7FFF_0000, 0x1_0000_0000]
        XCTAssertEqual(start - frames.freeCount, PageTableModel.frames(forPages: pages))
        XCTAssertEqual(PageTableModel.frames(forPages: pages), 5 + 1 + 1 + 3 + 4)
        space.destroy(frames: &frames, memory: memory)
        XCTAssertEqual(frames.freeCount, start - 1, "everything but the shared frame is back")
        XCTAssertTrue(frames.isAllocated(shared))
        for f in owned { XCTAssertFalse(frames.isAllocated(f)) }
        XCTAssertFalse(frames.isAllocated(space.root))
    }

    func testMapFailsWithOutOfMemoryAndDestroyStillFreesThePartialTables() {
        var small = FrameAllocator(ram: PhysRange(base: PhysAddr(base), size: 3 * PageGeometry.pageSize), reserved: [])
        guard let space = AddressSpace.create(asid: ASID(1), frames: &small, memory: memory) else { return XCTFail() }
        XCTAssertEqual(small.freeCount, 2)
        // Needs three tables; only two frames are left.
        let result = space.map(VirtAddr(0x40_0000), to: PhysAddr(base + 0x1F000), writable: true, executable: false,
                               owned: false, frames: &small, memory: memory)
        XCTAssertEqual(result.failure, .outOfMemory)
        XCTAssertEqual(small.freeCount, 0)
        space.destroy(frames: &small, memory: memory)
        XCTAssertEqual(small.freeCount, 3)
    }

    func testCreateFailsWhenNoFrameIsLeft() {
        var none = FrameAllocator(ram: PhysRange(base: PhysAddr(base), size: PageGeometry.pageSize), reserved: [])
        _ = none.allocate(count: 1)
        XCTAssertNil(AddressSpace.create(asid: ASID(1), frames: &none, memory: memory))
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
