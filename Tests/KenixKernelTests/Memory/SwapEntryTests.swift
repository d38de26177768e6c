// The pager's pure types: SwapEntry (an invalid leaf naming a swap slot and
// keeping every other bit of the page, so the MMU faults on it and the page
// comes back exactly as it left), SwapSpace (reference-counted slots),
// PageTransfers (the requests in flight) and PagerPolicy (the watermarks).
import HAL
@testable import KenixKernel
import XCTest

final class SwapEntryTests: XCTestCase {
    private let frame = PhysAddr(0x4123_4000)
    private let owned = AddressSpace.ownedFrame, cow = AddressSpace.copyOnWrite

    // MARK: SwapEntry

    func testOnlyInvalidLeavesWithTheSwappedBitAreSwapEntries() {
        XCTAssertNil(SwapEntry(raw: 0), "an empty leaf")
        let page = PageDescriptor.userPage(frame, writable: true, executable: false, software: owned)
        XCTAssertNil(SwapEntry(raw: page.raw), "a present page")
        XCTAssertNil(SwapEntry(raw: page.raw | SwapEntry.swapped << PageDescriptor.softwareShift),
                     "a valid descriptor is a page whatever its software bits")
        XCTAssertNil(SwapEntry(raw: page.raw & ~PageDescriptor.validBit), "invalid, but not marked")
        let entry = SwapEntry(paging: page, to: 5)
        XCTAssertEqual(SwapEntry(raw: entry.raw), entry)
        XCTAssertFalse(PageDescriptor(raw: entry.raw).isValid, "the MMU faults on it")
    }

    func testTheMMUSeesATranslationFaultOnASwapEntry() {
        let machine = SimMachine(ramBase: 0x4000_0000, ramSize: 8 * PageGeometry.pageSize)
        let memory = SimulatedRAM(machine: machine)
        var frames = FrameAllocator(ram: PhysRange(base: PhysAddr(0x4000_0000), size: 8 * PageGeometry.pageSize),
                                    reserved: [])
        let space = AddressSpace.create(asid: ASID(1), frames: &frames, memory: memory)!
        let va = VirtAddr(0x20_0000_0000)
        let page = PageDescriptor.userPage(frame, writable: true, executable: false, software: owned)
        XCTAssertNoThrow(try space.install(va, PageDescriptor(raw: SwapEntry(paging: page, to: 9).raw),
                                           frames: &frames, memory: memory).get())
        XCTAssertEqual(TranslationWalk.translate(va, root: space.root, memory: memory),
                       .failure(WalkFault(status: .translation(level: 3))))
        XCTAssertNil(space.lookup(va, memory: memory), "not a mapping")
        var seen: [UInt64] = []
        space.forEachLeaf(memory: memory) { va, _ in seen.append(va.raw) }
        XCTAssertEqual(seen, [], "not a leaf for walks over pages")
        space.forEachEntry(memory: memory) { va, _ in seen.append(va.raw) }
        XCTAssertEqual(seen, [va.raw], "but an entry for what must follow the page")
    }

    func testAPageComesBackWithEveryBitButItsFrame() {
        let cases: [PageDescriptor] = [
            .userPage(frame, writable: true, executable: false, software: owned),
            .userPage(frame, writable: false, executable: true, accessed: false, software: owned),
            .userPage(frame, writable: false, executable: false, software: owned | cow),
        ]
        let other = PhysAddr(0x4FFF_F000)
        for (i, page) in cases.enumerated() {
            let slot = UInt64(1000 + i)
            let entry = SwapEntry(paging: page, to: slot)
            XCTAssertEqual(entry.slot, slot)
            let back = entry.descriptor(in: other)
            XCTAssertEqual(back.outputAddress, other)
            XCTAssertTrue(back.isValid && back.accessed, "present, and marked accessed: it is being touched")
            XCTAssertEqual(back.raw & ~PageDescriptor.outputAddressMask,
                           (page.raw | PageDescriptor.accessFlag) & ~PageDescriptor.outputAddressMask,
                           "rights, attributes and software bits kept (case \(i))")
        }
    }

    func testEverySlotFitsWithoutTouchingTheOtherBits() {
        let page = PageDescriptor.userPage(frame, writable: true, executable: false, software: owned | cow)
        for slot in [0, 1, 0x1234_5678, SwapEntry.maximumSlot] {
            let entry = SwapEntry(paging: page, to: slot)
            XCTAssertEqual(entry.slot, slot)
            XCTAssertEqual(entry.descriptor(in: frame).raw, page.raw, "slot \(slot)")
        }
        XCTAssertEqual(SwapEntry.maximumSlot, (1 << 36) - 1, "36 bits of a 48-bit output address")
    }

    func testTheSwappedBitIsNotAnAddressSpaceBit() {
        XCTAssertEqual(SwapEntry.swapped & (owned | cow), 0)
        XCTAssertEqual((SwapEntry.swapped << PageDescriptor.softwareShift) & ~PageDescriptor.softwareMask, 0)
    }

    func testReprotectingKeepsTheSlotAndChangesOnlyTheRights() {
        let page = PageDescriptor.userPage(frame, writable: true, executable: false, software: owned)
        let entry = SwapEntry(paging: page, to: 77)
        let readOnly = entry.reprotected(readable: true, writable: false, executable: false)
        XCTAssertEqual(readOnly.slot, 77)
        XCTAssertNotNil(SwapEntry(raw: readOnly.raw))
        let back = readOnly.descriptor(in: frame)
        XCTAssertTrue(back.isReadOnly)
        XCTAssertFalse(back.isUserExecutable)
        XCTAssertEqual(back.softwareBits, owned)
        let executable = entry.reprotected(readable: true, writable: false, executable: true).descriptor(in: frame)
        XCTAssertTrue(executable.isUserExecutable && executable.isReadOnly)
        XCTAssertFalse(entry.reprotected(readable: true, writable: true, executable: false).descriptor(in: frame).isReadOnly)
        let none = entry.reprotected(readable: false, writable: false, executable: false).descriptor(in: frame)
        XCTAssertEqual(none.userFault(for: .read, level: 3), .permission(level: 3), "PROT_NONE survives swap")
        XCTAssertEqual(none.outputAddress, frame)
    }

    func testACopyOnWritePageStaysReadOnlyWhenMadeWritable() {
        let page = PageDescriptor.userPage(frame, writable: false, executable: false, software: owned | cow)
        let back = SwapEntry(paging: page, to: 3).reprotected(readable: true, writable: true, executable: false).descriptor(in: frame)
        XCTAssertTrue(back.isReadOnly, "the first write must still copy it")
        XCTAssertEqual(back.softwareBits, owned | cow)
    }

    // MARK: SwapSpace

    func testTheSwapAreaIsCutIntoPages() {
        let space = try! XCTUnwrap(SwapSpace(sectorCount: 100, sectorSize: 512))
        XCTAssertEqual(space.slotCount, 12, "whole pages only")
        XCTAssertEqual(space.sectorsPerSlot, 8)
        XCTAssertEqual(space.freeCount, 12)
        XCTAssertEqual(space.sector(of: 5), 40)
        XCTAssertEqual(SwapSpace(sectorCount: 3, sectorSize: 4096)?.sectorsPerSlot, 1)
        XCTAssertEqual(SwapSpace(sectorCount: UInt64(1) << 40, sectorSize: 512)?.slotCount, 1 << 20, "bounded")
    }

    func testDisksThatCannotHoldAPageHaveNoSwap() {
        XCTAssertNil(SwapSpace(sectorCount: 7, sectorSize: 512), "less than one page")
        XCTAssertNil(SwapSpace(sectorCount: 0, sectorSize: 512))
        XCTAssertNil(SwapSpace(sectorCount: 100, sectorSize: 0))
        XCTAssertNil(SwapSpace(sectorCount: 100, sectorSize: 8192), "sectors larger than a page")
        XCTAssertNil(SwapSpace(sectorCount: 100, sectorSize: 1000), "a page is not whole sectors")
    }

    func testSlotsAreHandedOutOnceUntilFull() {
        var space = SwapSpace(sectorCount: 32, sectorSize: 512)!
        let slots = (0..<4).compactMap { _ in space.allocate() }
        XCTAssertEqual(Set(slots).count, 4)
        XCTAssertTrue(slots.allSatisfy { $0 < 4 })
        XCTAssertEqual(space.freeCount, 0)
        XCTAssertNil(space.allocate(), "swap is full")
        for s in slots { XCTAssertEqual(space.referenceCount(s), 1) }
    }

    func testASlotIsFreeOnlyWhenItsLastReferenceGoes() {
        var space = SwapSpace(sectorCount: 16, sectorSize: 512)!
        let a = space.allocate()!, b = space.allocate()!
        space.retain(a)      // a fork's second leaf, or a transfer
        space.retain(a)
        XCTAssertEqual(space.referenceCount(a), 3)
        space.release(a)
        space.release(a)
        XCTAssertEqual(space.freeCount, 0, "still referenced")
        XCTAssertNil(space.allocate())
        space.release(a)
        XCTAssertEqual(space.freeCount, 1)
        XCTAssertEqual(space.allocate(), a, "the only free slot is handed out again")
        XCTAssertEqual(space.referenceCount(b), 1)
    }

    // MARK: PageTransfers

    func testTransfersAreTaggedByTheirIndexAndTrackWrites() {
        var transfers = PageTransfers(capacity: 2)
        let write = PageTransfer(operation: .write, frame: frame, slot: 4, owner: TaskID(raw: 1), page: 0x1000)
        let read = PageTransfer(operation: .read, frame: frame, slot: 9, owner: TaskID(raw: 1), page: 0x2000)
        let w = transfers.insert(write), r = transfers.insert(read)
        XCTAssertEqual(w, 0)
        XCTAssertEqual(r, 1)
        XCTAssertTrue(transfers.isFull)
        XCTAssertNil(transfers.insert(read))
        XCTAssertEqual(transfers.writesInFlight, 1)
        XCTAssertTrue(transfers.isBusy(slot: 4) && transfers.isBusy(slot: 9))
        XCTAssertFalse(transfers.isBusy(slot: 5))
        XCTAssertEqual(transfers.take(0)?.slot, 4)
        XCTAssertNil(transfers.take(0), "taken once")
        XCTAssertNil(transfers.take(7), "an unknown tag")
        XCTAssertEqual(transfers.writesInFlight, 0)
        XCTAssertFalse(transfers.isBusy(slot: 4))
        XCTAssertEqual(transfers.count, 1)
        XCTAssertEqual(transfers.insert(write), 0, "the free entry is reused")
    }

    func testWithoutCapacityNothingIsEverInFlight() {
        var transfers = PageTransfers(capacity: 0)
        XCTAssertTrue(transfers.isFull)
        XCTAssertNil(transfers.insert(PageTransfer()))
    }

    // MARK: PagerPolicy

    func testWatermarksKeepTheKernelsReserveBelowThem() {
        for frames in [8, 64, 128, 1024, 65536] {
            let p = PagerPolicy(frameCount: frames)
            XCTAssertLessThanOrEqual(p.reserve, 16)
            XCTAssertLessThanOrEqual(p.reserve, frames / 8)
            XCTAssertLessThan(p.reserve, p.low, "\(frames)")
            XCTAssertLessThan(p.low, p.high, "\(frames)")
        }
        let small = PagerPolicy(frameCount: 128)
        XCTAssertEqual([small.reserve, small.low, small.high], [16, 32, 48])
    }
}
