// TranslationWalk and PageDescriptor: the architectural walk over hand-built
// tables (translation faults at each level, reserved encodings, blocks) and
// the EL0 rights check (access flag before permission, W and X bits).
import HAL
import XCTest

final class TranslationWalkTests: XCTestCase {
    let base: UInt64 = 0x4000_0000
    var machine: SimMachine!
    var memory: SimulatedRAM!

    override func setUp() {
        machine = SimMachine(ramBase: base, ramSize: 16 * PageGeometry.pageSize)
        memory = SimulatedRAM(machine: machine)
        for i in 0..<8 { zero(table(i)) }
    }

    func table(_ i: Int) -> PhysAddr { PhysAddr(base + UInt64(i) * PageGeometry.pageSize) }
    func zero(_ t: PhysAddr) { machine.pointer(to: t).initializeMemory(as: UInt8.self, repeating: 0, count: 4096) }
    func set(_ t: PhysAddr, _ index: Int, _ d: PageDescriptor) {
        machine.pointer(to: t).storeBytes(of: d.raw, toByteOffset: index * 8, as: UInt64.self)
    }
    func walk(_ va: UInt64) -> Result<Translation, WalkFault> {
        TranslationWalk.translate(VirtAddr(va), root: table(0), memory: memory)
    }
    func fault(_ level: UInt8) -> Result<Translation, WalkFault> { .failure(WalkFault(status: .translation(level: level))) }

    func testIndexTakesNineBitsPerLevel() {
        let va = VirtAddr(255 << 39 | 2 << 30 | 1 << 21 | 3 << 12 | 0x123)
        XCTAssertEqual(TranslationWalk.index(of: va, level: 0), 255)
        XCTAssertEqual(TranslationWalk.index(of: va, level: 1), 2)
        XCTAssertEqual(TranslationWalk.index(of: va, level: 2), 1)
        XCTAssertEqual(TranslationWalk.index(of: va, level: 3), 3)
    }

    func testTranslationFaultIsReportedAtTheLevelOfTheMissingDescriptor() {
        let va: UInt64 = 0x40_2000          // L0 0, L1 0, L2 2, L3 2
        XCTAssertEqual(walk(va), fault(0))
        set(table(0), 0, .table(table(1)))
        XCTAssertEqual(walk(va), fault(1))
        set(table(1), 0, .table(table(2)))
        XCTAssertEqual(walk(va), fault(2))
        set(table(2), 2, .table(table(3)))
        XCTAssertEqual(walk(va), fault(3))
        let frame = table(9)
        set(table(3), 2, .userPage(frame, writable: true, executable: false))
        guard case .success(let t) = walk(va + 0x18) else { return XCTFail() }
        XCTAssertEqual(t.physical, frame.adding(0x18))
        XCTAssertEqual(t.level, 3)
        XCTAssertEqual(t.bytesToEnd, 0x1000 - 0x18)
        XCTAssertEqual(walk(va + 0x1000), fault(3), "the next page is still unmapped")
    }

    func testAddressesAbove48BitsFaultAtLevel0() {
        set(table(0), 0, .table(table(1)))
        XCTAssertEqual(walk(1 << 48), fault(0))
        XCTAssertEqual(walk(UInt64.max), fault(0))
    }

    func testBlockAtLevel0AndBlockEncodingAtLevel3AreTranslationFaults() {
        set(table(0), 0, PageDescriptor(raw: PageDescriptor.validBit | PageDescriptor.accessFlag))
        XCTAssertEqual(walk(0x1000), fault(0))
        set(table(0), 0, .table(table(1)))
        set(table(1), 0, .table(table(2)))
        set(table(2), 0, .table(table(3)))
        set(table(3), 1, PageDescriptor(raw: 0x8000_0000 | PageDescriptor.validBit | PageDescriptor.accessFlag))
        XCTAssertEqual(walk(0x1000), fault(3))
    }

    func testLevel1And2BlocksTranslateWholeRegions() {
        set(table(0), 0, .table(table(1)))
        // A 1 GiB block at L1 index 1 and a 2 MiB block at L2 index 3 (under L1 index 0).
        let flags = PageDescriptor.validBit | PageDescriptor.accessFlag | PageDescriptor.userBit
        set(table(1), 1, PageDescriptor(raw: 0x80_0000_0000 | flags))
        set(table(1), 0, .table(table(2)))
        set(table(2), 3, PageDescriptor(raw: 0x1_0020_0000 | flags | 0x1F_F000))   // low bits ignored
        guard case .success(let big) = walk(0x4123_4567) else { return XCTFail() }
        XCTAssertEqual(big.level, 1)
        XCTAssertEqual(big.physical, PhysAddr(0x80_0123_4567))
        XCTAssertEqual(big.bytesToEnd, 0x4000_0000 - 0x0123_4567)
        guard case .success(let mid) = walk(0x60_0010) else { return XCTFail() }
        XCTAssertEqual(mid.level, 2)
        XCTAssertEqual(mid.physical, PhysAddr(0x1_0020_0010))
        XCTAssertEqual(mid.bytesToEnd, 0x20_0000 - 0x10)
    }

    // MARK: PageDescriptor

    func testUserPageEncodesRightsInTheArchitecturalBits() {
        let frame = PhysAddr(0x4567_8000)
        let rx = PageDescriptor.userPage(frame, writable: false, executable: true)
        XCTAssertEqual(rx.raw & PageDescriptor.outputAddressMask, frame.raw)
        XCTAssertTrue(rx.isValid)
        XCTAssertTrue(rx.isTable, "a level-3 page has bit 1 set")
        XCTAssertTrue(rx.isUserAccessible)
        XCTAssertTrue(rx.isReadOnly)
        XCTAssertTrue(rx.isUserExecutable)
        XCTAssertTrue(rx.accessed)
        XCTAssertNotEqual(rx.raw & PageDescriptor.privilegedExecuteNever, 0, "EL1 never executes user pages")
        XCTAssertNotEqual(rx.raw & PageDescriptor.notGlobal, 0, "user pages are ASID-tagged")
        let rw = PageDescriptor.userPage(frame, writable: true, executable: false, software: 0xF)
        XCTAssertFalse(rw.isReadOnly)
        XCTAssertFalse(rw.isUserExecutable)
        XCTAssertEqual(rw.softwareBits, 0xF)
        XCTAssertEqual(rw.outputAddress, frame)
        let unaligned = PageDescriptor.userPage(PhysAddr(0x4567_8123), writable: true, executable: false,
                                                software: 0x1F)
        XCTAssertEqual(unaligned.outputAddress, frame, "the offset bits are not part of the output address")
        XCTAssertEqual(unaligned.softwareBits, 0xF, "software bits are 4 wide")
    }

    func testTableDescriptor() {
        let d = PageDescriptor.table(PhysAddr(0x4000_3FFF))
        XCTAssertTrue(d.isValid && d.isTable)
        XCTAssertEqual(d.outputAddress, PhysAddr(0x4000_3000))
        XCTAssertFalse(PageDescriptor.invalid.isValid)
    }

    func testUserFaultChecksRightsPerAccess() {
        let f = PhysAddr(0x4000_0000)
        let ro = PageDescriptor.userPage(f, writable: false, executable: false)
        XCTAssertNil(ro.userFault(for: .read, level: 3))
        XCTAssertEqual(ro.userFault(for: .write, level: 3), .permission(level: 3))
        XCTAssertEqual(ro.userFault(for: .execute, level: 3), .permission(level: 3))
        let rw = PageDescriptor.userPage(f, writable: true, executable: false)
        XCTAssertNil(rw.userFault(for: .read, level: 3))
        XCTAssertNil(rw.userFault(for: .write, level: 3))
        XCTAssertEqual(rw.userFault(for: .execute, level: 3), .permission(level: 3))
        let rx = PageDescriptor.userPage(f, writable: false, executable: true)
        XCTAssertNil(rx.userFault(for: .read, level: 3))
        XCTAssertNil(rx.userFault(for: .execute, level: 3))
        XCTAssertEqual(rx.userFault(for: .write, level: 2), .permission(level: 2), "the level is the leaf's")
    }

    func testKernelOnlyPageFaultsEveryUserAccess() {
        let kernelOnly = PageDescriptor(raw: PageDescriptor.userPage(PhysAddr(0x4000_0000), writable: true,
                                                                     executable: true).raw & ~PageDescriptor.userBit)
        for access in [MemoryAccess.read, .write, .execute] {
            XCTAssertEqual(kernelOnly.userFault(for: access, level: 3), .permission(level: 3))
        }
    }

    func testAccessFlagFaultTakesPriorityOverPermissionFault() {
        let f = PhysAddr(0x4000_0000)
        let notAccessed = PageDescriptor.userPage(f, writable: false, executable: false, accessed: false)
        XCTAssertFalse(notAccessed.accessed)
        XCTAssertEqual(notAccessed.userFault(for: .read, level: 3), .accessFlag(level: 3))
        XCTAssertEqual(notAccessed.userFault(for: .write, level: 3), .accessFlag(level: 3))
        XCTAssertEqual(notAccessed.userFault(for: .execute, level: 3), .accessFlag(level: 3))
        let kernelOnly = PageDescriptor(raw: notAccessed.raw & ~PageDescriptor.userBit)
        XCTAssertEqual(kernelOnly.userFault(for: .read, level: 3), .accessFlag(level: 3))
    }
}
