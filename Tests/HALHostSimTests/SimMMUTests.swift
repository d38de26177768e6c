// The software MMU: faults as hardware reports them, lazy mapping, TLB
// invalidation, many pages, several address spaces.
import HAL
import XCTest
@testable import HALHostSim

final class SimMMUTests: XCTestCase {
    private func fault(_ va: UInt64, _ access: MemoryAccess, _ status: FaultStatus) -> Trap {
        .memoryFault(MemoryFault(address: VirtAddr(va), access: access, status: status))
    }

    func testReadOfUnmappedAddressIsATranslationFaultAtTheRightLevel() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        // Same level-0 and level-1 tables as the code; no level-2 entry.
        ctx.x[1] = 0x1234_5678
        XCTAssertEqual(bed.run([A64.movz(0, 5), A64.ldr(2, 1), A64.svc()], &ctx),
                       fault(0x1234_5678, .read, .translation(level: 2)))
        XCTAssertEqual(ctx.pc, SimTestBed.codeVA + 4, "pc at the load")
        XCTAssertEqual(ctx.x[0], 5)

        // A neighbour of the code page: the level-3 table exists.
        ctx = bed.context()
        ctx.x[1] = SimTestBed.codeVA + 0x5008
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), fault(SimTestBed.codeVA + 0x5008, .read, .translation(level: 3)))

        // Another level-0 entry, and the kernel half.
        for va: UInt64 in [0x8000_0000_0000, 0xFFFF_0000_0000_0010] {
            ctx = bed.context()
            ctx.x[1] = va
            XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), fault(va, .read, .translation(level: 0)))
        }
    }

    func testWriteToReadOnlyPageIsAPermissionFault() throws {
        let bed = try SimTestBed()
        bed.map(SimTestBed.dataVA, writable: false)
        var ctx = bed.context()
        ctx.x[1] = SimTestBed.dataVA + 0x18
        // The read maps the page; the write then hits its permissions.
        XCTAssertEqual(bed.run([A64.ldr(2, 1), A64.str(2, 1), A64.svc()], &ctx),
                       fault(SimTestBed.dataVA + 0x18, .write, .permission(level: 3)))
        XCTAssertEqual(ctx.pc, SimTestBed.codeVA + 4)
        // A first touch by a write faults in the walk itself.
        ctx = bed.context(at: SimTestBed.codeVA + 4)
        ctx.x[1] = SimTestBed.dataVA + 0x18
        bed.hal.mmu.invalidateAll(asid: bed.asid)
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), fault(SimTestBed.dataVA + 0x18, .write, .permission(level: 3)))
    }

    func testExecutingANonExecutablePageIsAnExecutePermissionFault() throws {
        let bed = try SimTestBed()
        let frame = bed.map(SimTestBed.dataVA, writable: true, executable: false)
        bed.write32(frame, A64.svc())
        var ctx = bed.context()
        ctx.x[9] = SimTestBed.dataVA
        XCTAssertEqual(bed.run([A64.br(9)], &ctx), fault(SimTestBed.dataVA, .execute, .permission(level: 3)))
        XCTAssertEqual(ctx.pc, SimTestBed.dataVA)
        // Also when the page is already mapped (by a read) before the jump.
        ctx = bed.context(at: SimTestBed.codeVA + 0x1000)
        ctx.x[9] = SimTestBed.dataVA
        bed.load([A64.ldr(0, 9), A64.br(9)], at: SimTestBed.codeVA + 0x1000)
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), fault(SimTestBed.dataVA, .execute, .permission(level: 3)))
    }

    func testFaultsArePreciseInsideABasicBlock() throws {
        // Unicorn 2.0.1 leaves PC at the block start on a refused access
        // unless a code hook syncs it; the prefix must not run twice.
        let bed = try SimTestBed()
        var ctx = bed.context()
        ctx.x[1] = 0x1234_5000
        let code = [A64.add(0, 0, 1), A64.add(0, 0, 1), A64.add(3, 3, 1), A64.str(0, 1), A64.add(4, 4, 1), A64.svc()]
        XCTAssertEqual(bed.run(code, &ctx), fault(0x1234_5000, .write, .translation(level: 2)))
        XCTAssertEqual(ctx.pc, SimTestBed.codeVA + 12)
        XCTAssertEqual(ctx.x[0], 2)
        XCTAssertEqual(ctx.x[3], 1)
        XCTAssertEqual(ctx.x[4], 0)
        XCTAssertEqual(bed.machine.now, 3, "three instructions retired")
        // The kernel maps the page and resumes at the faulting store.
        let f = bed.map(0x1234_5000)
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        XCTAssertEqual(bed.read64(f), 2)
        XCTAssertEqual(ctx.x[0], 2)
        XCTAssertEqual(ctx.x[4], 1)
        XCTAssertEqual(bed.machine.now, 6)
    }

    func testUnalignedAccessAcrossAPageBoundary() throws {
        let bed = try SimTestBed()
        let f = bed.map(SimTestBed.dataVA)
        bed.write64(f.adding(0xFF8), 0x8877_6655_4433_2211)
        var ctx = bed.context()
        ctx.x[1] = SimTestBed.dataVA + 0xFFC
        let code = [A64.movz(5, 1), A64.ldr(0, 1), A64.svc(), A64.b(-8)]
        XCTAssertEqual(bed.run(code, &ctx), fault(SimTestBed.dataVA + 0x1000, .read, .translation(level: 3)))
        XCTAssertEqual(ctx.pc, SimTestBed.codeVA + 4)
        XCTAssertEqual(ctx.x[5], 1)
        let g = bed.map(SimTestBed.dataVA + 0x1000)
        bed.write64(g, 0xFFEE_DDCC_BBAA_9988)
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        XCTAssertEqual(ctx.x[0], 0xBBAA_9988_8877_6655)
    }

    func testDCZVAZeroesAtEL0() throws {
        let bed = try SimTestBed()
        let f = bed.map(SimTestBed.dataVA)
        for i in 0..<16 { bed.write64(f.adding(UInt64(8 * i)), ~0) }
        var ctx = bed.context()
        ctx.x[1] = SimTestBed.dataVA
        let code = [0xD53B_00E0 /* mrs x0, dczid_el0 */, 0xD50B_7421 /* dc zva, x1 */, A64.svc()]
        XCTAssertEqual(bed.run(code, &ctx), .syscall)
        let block = 4 << (ctx.x[0] & 0xF)
        XCTAssertEqual(ctx.x[0] & 0x10, 0, "DZP clear: DC ZVA allowed")
        for i in 0..<16 {
            XCTAssertEqual(bed.read64(f.adding(UInt64(8 * i))), 8 * i < block ? 0 : ~0, "word \(i)")
        }
    }

    func testAccessFlagZeroIsAnAccessFlagFault() throws {
        let bed = try SimTestBed()
        bed.map(SimTestBed.dataVA, accessed: false)
        var ctx = bed.context()
        ctx.x[1] = SimTestBed.dataVA + 0x40
        XCTAssertEqual(bed.run([A64.ldr(2, 1), A64.svc()], &ctx),
                       fault(SimTestBed.dataVA + 0x40, .read, .accessFlag(level: 3)))
    }

    func testKernelOnlyPageIsAPermissionFault() throws {
        let bed = try SimTestBed()
        let f = bed.allocateFrame()
        var d = PageDescriptor.userPage(f, writable: true, executable: false)
        d.raw &= ~PageDescriptor.userBit
        bed.setLeaf(SimTestBed.dataVA, d)
        var ctx = bed.context()
        ctx.x[1] = SimTestBed.dataVA
        XCTAssertEqual(bed.run([A64.ldr(2, 1), A64.svc()], &ctx),
                       fault(SimTestBed.dataVA, .read, .permission(level: 3)))
    }

    func testLeafOutsideRAMIsAnExternalAbort() throws {
        let bed = try SimTestBed()
        bed.setLeaf(SimTestBed.dataVA, .userPage(PhysAddr(0x1000_0000), writable: true, executable: false))
        var ctx = bed.context()
        ctx.x[1] = SimTestBed.dataVA
        let trap = bed.run([A64.str(2, 1), A64.svc()], &ctx)
        XCTAssertEqual(trap, fault(SimTestBed.dataVA, .write, .other(esr: 0x24 << 26 | 1 << 25 | 1 << 6 | 0x10)))
    }

    func testTableOutsideRAMIsATranslationFaultNotACrash() throws {
        let bed = try SimTestBed()
        // Level-1 entry for 0x80_0000_0000 pointing far outside RAM.
        let l0 = bed.hal.memory.pointer(to: bed.root).assumingMemoryBound(to: UInt64.self)
        l0[1] = PageDescriptor.table(PhysAddr(0x7_0000_0000)).raw
        var ctx = bed.context()
        ctx.x[1] = 0x80_0000_0000
        XCTAssertEqual(bed.run([A64.ldr(2, 1), A64.svc()], &ctx), fault(0x80_0000_0000, .read, .translation(level: 1)))
    }

    func testBlockMappingsAreWalked() throws {
        let bed = try SimTestBed()
        // A 2 MiB level-2 block at VA 0x4000_0000 onto the 2 MiB-aligned frame 0x4080_0000.
        let va: UInt64 = 0x4000_0000
        _ = bed.leafSlot(SimTestBed.codeVA) // level-0 entry 0 and its level-1 table
        let l0 = bed.hal.memory.pointer(to: bed.root).assumingMemoryBound(to: UInt64.self)
        let l1 = PageDescriptor(raw: l0[0]).outputAddress
        let l2 = bed.allocateFrame()
        bed.hal.memory.pointer(to: l1).assumingMemoryBound(to: UInt64.self)[1] = PageDescriptor.table(l2).raw
        let block = PageDescriptor.userPage(PhysAddr(0x4080_0000), writable: true, executable: false).raw
            & ~PageDescriptor.tableOrPageBit
        bed.hal.memory.pointer(to: l2).assumingMemoryBound(to: UInt64.self)[0] = block
        bed.write64(PhysAddr(0x4080_0000 + 0x1_2340), 0xB10C)
        var ctx = bed.context()
        ctx.x[1] = va + 0x1_2340
        XCTAssertEqual(bed.run([A64.ldr(0, 1), A64.str(0, 1, offset: 8), A64.svc()], &ctx), .syscall)
        XCTAssertEqual(ctx.x[0], 0xB10C)
        XCTAssertEqual(bed.read64(PhysAddr(0x4080_0000 + 0x1_2348)), 0xB10C)
    }

    func testInvalidateDropsTheMappingAndStaleTranslationsStayUntilThen() throws {
        let bed = try SimTestBed()
        let f1 = bed.map(SimTestBed.dataVA)
        let f2 = bed.allocateFrame()
        bed.write64(f1, 111)
        bed.write64(f2, 222)
        let code = [A64.ldr(0, 1), A64.svc(), A64.b(-8)]
        var ctx = bed.context()
        ctx.x[1] = SimTestBed.dataVA
        XCTAssertEqual(bed.run(code, &ctx), .syscall)
        XCTAssertEqual(ctx.x[0], 111)

        // Change the descriptor without invalidating: the old frame stays.
        bed.setLeaf(SimTestBed.dataVA, .userPage(f2, writable: true, executable: false))
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        XCTAssertEqual(ctx.x[0], 111, "a cached translation survives until invalidated")

        bed.hal.mmu.invalidate(asid: bed.asid, page: VirtAddr(SimTestBed.dataVA + 0x10))
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        XCTAssertEqual(ctx.x[0], 222, "the new frame after invalidation")

        // Unmap and invalidate: the next touch faults.
        bed.setLeaf(SimTestBed.dataVA, .invalid)
        bed.hal.mmu.invalidateAll(asid: bed.asid)
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx),
                       fault(SimTestBed.dataVA, .read, .translation(level: 3)))
    }

    func testInvalidatingCodeDropsTranslatedBlocks() throws {
        let bed = try SimTestBed()
        let f1 = bed.load([A64.movz(0, 1), A64.svc()])
        var ctx = bed.context()
        bed.activate()
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        XCTAssertEqual(ctx.x[0], 1)
        // New code in a new frame at the same VA, as exec() would do.
        let f2 = bed.allocateFrame()
        bed.write32(f2, A64.movz(0, 2))
        bed.write32(f2.adding(4), A64.svc())
        bed.setLeaf(SimTestBed.codeVA, .userPage(f2, writable: false, executable: true))
        bed.hal.mmu.invalidate(asid: bed.asid, page: VirtAddr(SimTestBed.codeVA))
        // Reuse the old frame for unrelated code: must not resurrect anything.
        bed.write32(f1, A64.movz(0, 3))
        ctx = bed.context()
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        XCTAssertEqual(ctx.x[0], 2)
    }

    func testWritesReachRAMAndKernelWritesReachUserCode() throws {
        let bed = try SimTestBed()
        let f = bed.map(SimTestBed.dataVA)
        var ctx = bed.context()
        ctx.x[1] = SimTestBed.dataVA
        ctx.x[2] = 0xABCD
        XCTAssertEqual(bed.run([A64.str(2, 1), A64.ldr(3, 1, offset: 8), A64.svc(), A64.b(-8)], &ctx), .syscall)
        XCTAssertEqual(bed.read64(f), 0xABCD)
        bed.write64(f.adding(8), 0x5555)
        ctx.pc = SimTestBed.codeVA + 4
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        XCTAssertEqual(ctx.x[3], 0x5555)
    }

    func testAddressSpacesAreSeparateAndKeepTheirTranslations() throws {
        let bed = try SimTestBed()
        let rootB = bed.allocateFrame()
        let code = [A64.ldr(0, 1), A64.svc(), A64.b(-8)]
        bed.load(code)
        bed.load(code, root: rootB)
        let fa = bed.map(SimTestBed.dataVA)
        let fb = bed.map(SimTestBed.dataVA, root: rootB)
        bed.write64(fa, 0xA)
        bed.write64(fb, 0xB)
        var a = bed.context(), b = bed.context()
        a.x[1] = SimTestBed.dataVA
        b.x[1] = SimTestBed.dataVA
        for _ in 0..<3 {
            bed.activate(root: bed.root, asid: ASID(1))
            XCTAssertEqual(bed.hal.cpu.enterUser(&a), .syscall)
            XCTAssertEqual(a.x[0], 0xA)
            bed.activate(root: rootB, asid: ASID(2))
            XCTAssertEqual(bed.hal.cpu.enterUser(&b), .syscall)
            XCTAssertEqual(b.x[0], 0xB)
        }
        XCTAssertEqual(bed.machine.stats.addressSpaces, 2)
    }

    /// Touches `count` pages `stride` pages apart, writing each page's index,
    /// then checks RAM and the values read back.
    private func touchPages(count: Int, stride: UInt64) throws -> SimTestBed {
        let bed = try SimTestBed()
        let base: UInt64 = 0x1_0000_0000
        var frames: [PhysAddr] = []
        for i in 0..<count { frames.append(bed.map(base + UInt64(i) * stride * 4096)) }
        // x1 = base, x2 = count, x0 = 0:
        // loop: str x0,[x1]; add x0,x0,#1; add x1,x1,#stride pages; subs x2,x2,#1; b.ne loop; svc
        let step = UInt32(stride * 4096)
        let code: [UInt32] = [A64.str(0, 1), A64.add(0, 0, 1),
                              0x9140_0021 | (step >> 12) << 10, // add x1, x1, #step, lsl #12
                              A64.subs(2, 2, 1), A64.bne(-16), A64.svc()]
        var ctx = bed.context()
        ctx.x[1] = base
        ctx.x[2] = UInt64(count)
        XCTAssertEqual(bed.run(code, &ctx), .syscall)
        XCTAssertEqual(ctx.x[0], UInt64(count))
        for (i, f) in frames.enumerated() where bed.read64(f) != UInt64(i) {
            XCTFail("page \(i) holds \(bed.read64(f))"); break
        }
        // Read them all back through the (compacted or evicted) mappings.
        let sum: [UInt32] = [A64.ldr(3, 1), 0x8B03_0000 /* add x0, x0, x3 */,
                             0x9140_0021 | (step >> 12) << 10, A64.subs(2, 2, 1), A64.bne(-16), A64.svc()]
        bed.load(sum, at: SimTestBed.codeVA + 0x1000)
        ctx = bed.context(at: SimTestBed.codeVA + 0x1000)
        ctx.x[1] = base
        ctx.x[2] = UInt64(count)
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        XCTAssertEqual(ctx.x[0], UInt64(count * (count - 1) / 2))
        return bed
    }

    /// The Unicorn engine's region bookkeeping (the JIT needs none).
    private func unicornSpace(_ bed: SimTestBed) throws -> AddressSpaceEngine {
        guard let engine = bed.machine.engine as? UnicornCPUEngine else {
            throw XCTSkip("Unicorn regions: run with KENIX_SIM_CPU=unicorn")
        }
        return try XCTUnwrap(engine.current)
    }

    func testThousandsOfContiguousPagesAreCompactedIntoFewRegions() throws {
        let bed = try touchPages(count: 3000, stride: 1)
        let space = try unicornSpace(bed)
        XCTAssertGreaterThan(bed.machine.stats.regionCompactions, 0)
        XCTAssertLessThanOrEqual(space.regions.count, AddressSpaceEngine.compactThreshold + 8)
        XCTAssertEqual(space.pages.count, 3000 + 2)
    }

    func testSparsePagesAreEvictedLikeATLB() throws {
        let bed = try touchPages(count: 400, stride: 2)
        let space = try unicornSpace(bed)
        XCTAssertGreaterThan(bed.machine.stats.regionEvictions, 0)
        XCTAssertLessThanOrEqual(space.regions.count, AddressSpaceEngine.maxRegions + 8)
    }
}
