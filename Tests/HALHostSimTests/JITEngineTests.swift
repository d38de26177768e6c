// The JIT engine's own promises: translated code follows the code bytes
// (TLBI of a page, TLBI ASIDE1 with new code in the ASID, a core moved to
// another machine), a core that leaves an address space keeps none of its
// translations, exact counts across block splits and long blocks, a hot
// loop that stays one block when slices end inside it, a budget whose end
// never cuts a block short, host resources that do not grow with the
// guest's pages (the 80k-page case), cold cores given away only when that
// costs less than waiting for a new one, cores shared while none is ready
// (each sharer runs its own code on its own frames), and calls and returns that stop
// exactly at every budget (against Unicorn). The Unicorn engine has its
// cap on host mappings tested here too.
import CDynarmic
import HAL
import XCTest
@testable import HALHostSim
#if canImport(Glibc)
import Glibc
#endif

final class JITEngineTests: XCTestCase {
    /// These tests are about translated code (blocks, splits, budgets), so
    /// the JIT translates every block at its first entry here; the cold
    /// tier has JITInterpreterTests.
    private func bed(_ cpu: SimCPUKind = .jit, ram: UInt64 = 16 << 20) throws -> SimTestBed {
        try SimTestBed(SimTestBed.config(ram: ram, cpu: cpu, hotThreshold: 0))
    }

    /// Puts an idle core in the pool (building one if need be), so that the
    /// next new address space takes it rather than sharing a live one's
    /// (which it does while the pool has none ready).
    private func readyACore() {
        if let spare = JITCorePool.shared.acquire() { JITCorePool.shared.release(spare) }
    }

    /// Activates `asid` on a core of its own with no translations: a pooled
    /// core keeps those of earlier tests whose code bytes still match (a
    /// page of zeros, say), which a test counting blocks must not see.
    private func activateOnAFreshCore(_ bed: SimTestBed, root: PhysAddr, asid: ASID) throws {
        readyACore()
        bed.activate(root: root, asid: asid)
        let jit = try XCTUnwrap(bed.machine.engine as? JITEngine)
        kd_forget(try XCTUnwrap(jit.binding(of: asid)).core)
    }

    /// Registers move into a core and out of it in place in dynarmic's own
    /// state on the library this project builds against (a library whose
    /// layout differs fails here, and would run on the accessors), and the
    /// accessors give the same results: every general and vector register,
    /// NZCV, and FPCR/FPSR, which the core skips setting when they are what
    /// it last handed out and the guest has not run since.
    func testRegistersMoveInPlaceAndThroughTheAccessorsAlike() throws {
        for direct in [true, false] {
            let b = try bed()
            let jit = try XCTUnwrap(b.machine.engine as? JITEngine)
            // msr fpsr, x7; mrs x3, fpsr; umov x8, v6.d[1]; ins v7.d[1], x9; svc
            // | mrs x4, fpsr; mrs x5, fpcr; svc | mrs x6, fpsr; svc
            b.load([A64.msrFPSR(7), A64.mrsFPSR(3), A64.umovHigh(8, 6), A64.insHigh(7, 9), A64.svc(),
                    A64.mrsFPSR(4), A64.mrsFPCR(5), A64.svc(),
                    A64.mrsFPSR(6), A64.svc()])
            b.activate()
            XCTAssertEqual(jit.activeCoreMovesRegistersInPlace(switchingTo: direct), direct,
                           direct ? "dynarmic's register file was not found" : "accessors")
            // Pooled cores go back in place for the tests after this one.
            defer { _ = jit.activeCoreMovesRegistersInPlace(switchingTo: true) }
            var ctx = b.context()
            for i in 0..<31 { ctx.x[i] = 0x1111_0000_0000_0000 &* UInt64(i + 1) &+ UInt64(i) }
            ctx.x[7] = 0x10  // IXC
            for i in 0..<64 { ctx.fp.v[i] = 0x0101_0101_0101_0101 &* UInt64(i + 3) }
            ctx.nzcv = 0x6000_0000
            ctx.fp.fpcr = 0x0200_0000  // DN
            ctx.fp.fpsr = 0
            let before = ctx
            XCTAssertEqual(b.hal.cpu.enterUser(&ctx), .syscall)
            XCTAssertEqual(ctx.x[3], 0x10, "the guest's FPSR write, read back by the guest")
            XCTAssertEqual(ctx.fp.fpsr, 0x10, "and handed out")
            XCTAssertEqual(ctx.x[8], before.fp.v[13], "v6's high half, as the guest reads it")
            XCTAssertEqual(ctx.fp.v[15], before.x[9], "v7's high half, as the guest wrote it")
            for i in 0..<31 where i != 3 && i != 8 { XCTAssertEqual(ctx.x[i], before.x[i], "x\(i), direct: \(direct)") }
            for i in 0..<64 where i != 15 { XCTAssertEqual(ctx.fp.v[i], before.fp.v[i], "v[\(i)], direct: \(direct)") }
            XCTAssertEqual(ctx.sp, before.sp)
            XCTAssertEqual(ctx.pc, SimTestBed.codeVA + 20)
            XCTAssertEqual(ctx.nzcv, 0x6000_0000)
            XCTAssertEqual(ctx.fp.fpcr, 0x0200_0000)

            // The kernel changes both (another task's values, a signal return).
            ctx.fp.fpsr = 0
            ctx.fp.fpcr = 0x0100_0000  // FZ
            ctx.x[20] = 0xABCD
            ctx.fp.v[40] = 0x5A5A
            XCTAssertEqual(b.hal.cpu.enterUser(&ctx), .syscall)
            XCTAssertEqual(ctx.x[4], 0, "FPSR as the kernel set it")
            XCTAssertEqual(ctx.x[5], 0x0100_0000, "FPCR as the kernel set it")
            XCTAssertEqual(ctx.x[20], 0xABCD)
            XCTAssertEqual(ctx.fp.v[40], 0x5A5A)

            // Unchanged values go back as they came out.
            XCTAssertEqual(b.hal.cpu.enterUser(&ctx), .syscall)
            XCTAssertEqual(ctx.x[6], 0)
            XCTAssertEqual(ctx.fp.fpcr, 0x0100_0000)
        }
    }

    func testNewCodeInAReusedASIDRunsAfterTLBIASIDE1() throws {
        for cpu in SimCPUKind.allCases {
            let bed = try bed(cpu)
            let frame = bed.load([A64.movz(0, 1), A64.svc()])
            var ctx = bed.context()
            bed.activate()
            XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
            XCTAssertEqual(ctx.x[0], 1)
            // Same frame, new bytes (a new program loaded into a reused
            // ASID): TLBI ASIDE1, then the new code must run.
            bed.write32(frame, A64.movz(0, 2))
            bed.hal.mmu.invalidateAll(asid: bed.asid)
            ctx = bed.context()
            XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
            XCTAssertEqual(ctx.x[0], 2, "\(cpu)")
            // Unchanged bytes after another TLBI ASIDE1: same result.
            bed.hal.mmu.invalidateAll(asid: bed.asid)
            ctx = bed.context()
            XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
            XCTAssertEqual(ctx.x[0], 2, "\(cpu)")
        }
    }

    func testACoreLeavingAnAddressSpaceTakesNoTranslationsWithIt() throws {
        // The fuzzer's forked children wrote into their parents' stacks: an
        // ASID invalidated while it ran (a fork's parent) went on running
        // and filling the core's TLB, and when it was activated again and
        // swapped cores, its old core went back to the pool with those
        // entries; the next address space with the same code took it and
        // wrote through them into the first one's frames.
        for cpu in SimCPUKind.allCases {
            let bed = try bed(cpu)
            // str x6, [x5]; ldr x0, [x5]; a nonce (no other test's code); svc.
            let code = [A64.str(6, 5), A64.ldr(0, 5), A64.movz(7, 0x5A17), A64.svc()]
            bed.load(code)
            let first = bed.map(SimTestBed.dataVA)
            // An idle core in the pool for the swap below to take.
            if cpu == .jit { readyACore() }
            var ctx = bed.context()
            ctx.x[5] = SimTestBed.dataVA
            ctx.x[6] = 0x1111
            bed.activate()
            XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
            // TLBI ASIDE1 while the space runs (fork), and it runs on
            // without activating again: the TLB fills again.
            bed.hal.mmu.invalidateAll(asid: bed.asid)
            ctx = bed.context()
            ctx.x[5] = SimTestBed.dataVA
            ctx.x[6] = 0x1111
            XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
            // Its code leaves (mprotect, munmap): activated again, it takes another core.
            bed.leafSlot(SimTestBed.codeVA).pointee = 0
            bed.activate()
            // A second space with the same code (a fork child), its own data frame.
            let root = bed.allocateFrame()
            bed.load(code, root: root)
            let second = bed.map(SimTestBed.dataVA, root: root)
            bed.activate(root: root, asid: ASID(2))
            ctx = bed.context()
            ctx.x[5] = SimTestBed.dataVA
            ctx.x[6] = 0x2222
            XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
            XCTAssertEqual(ctx.x[0], 0x2222, "\(cpu)")
            XCTAssertEqual(bed.read64(second), 0x2222, "\(cpu): the second space's store lands in its own frame")
            XCTAssertEqual(bed.read64(first), 0x1111, "\(cpu): the first space's frame is untouched")
        }
    }

    /// A new address space takes an ended task's core (invalidated since it
    /// last ran) however soon a new core would come, and a live but idle
    /// one's only when translating its blocks again costs less than the
    /// wait; of those, the one holding fewest blocks. Giving away live
    /// servers' cores whenever they were idle cost more than it saved: the
    /// boot's VFS server, idle while the self-tests ran, translated 1,400
    /// blocks again when they reached it.
    func testAColdCoreGoesToANewSpaceOnlyWhenThatCostsLessThanWaiting() throws {
        let bed = try bed()
        let jit = try XCTUnwrap(bed.machine.engine as? JITEngine)
        // ASID 1 runs three blocks (two branches), ASID 2 one; a nonce in
        // each (no other test's code) so their cores hold only this.
        let programs: [(ASID, [UInt32])] = [
            (ASID(1), [A64.movz(7, 0xC01D), A64.b(8), A64.svc(), A64.b(-4)]),
            (ASID(2), [A64.movz(7, 0xC01E), A64.svc()]),
            (ASID(3), [A64.movz(7, 0xC01F), A64.svc()]),
        ]
        var roots: [PhysAddr] = []
        for (asid, code) in programs {
            let root = bed.allocateFrame()
            roots.append(root)
            bed.load(code, root: root)
            try activateOnAFreshCore(bed, root: root, asid: asid)
            var ctx = bed.context()
            XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        }
        // ASID 3 goes on running: the first two go cold.
        for _ in 0...JITEngine.coldAfter { bed.activate(root: roots[2], asid: ASID(3)) }
        let first = try XCTUnwrap(jit.binding(of: ASID(1)))
        let second = try XCTUnwrap(jit.binding(of: ASID(2)))
        let cost = JITEngine.stealCosts
        XCTAssertEqual(first.blocks, 3)
        XCTAssertEqual(second.blocks, 1)
        let newcomer = JITBinding(engine: jit, core: OpaquePointer(bitPattern: 1)!, asid: ASID(4), root: bed.allocateFrame())

        XCTAssertNil(jit.coldBinding(for: newcomer, wait: 0), "a core is ready: keep every live one")
        XCTAssertNil(jit.coldBinding(for: newcomer, wait: cost(second)), "waiting costs no more than one block")
        XCTAssertTrue(jit.coldBinding(for: newcomer, wait: cost(second) + 1) === second, "the cheaper live one")
        XCTAssertTrue(jit.coldBinding(for: newcomer, wait: cost(first) + 1) === second, "still the cheaper one")
        // ASID 1's task ends (TLBI ASIDE1 as the kernel frees its space).
        bed.hal.mmu.invalidateAll(asid: ASID(1))
        XCTAssertTrue(jit.coldBinding(for: newcomer, wait: 0) === first, "an ended task's core costs nothing")
    }

    /// While no core is ready, a new address space shares a live one's
    /// core instead of waiting: one of its own program's whatever that
    /// core's translations are worth (they serve both), else the one whose
    /// blocks cost least to translate again, and only if that is less than
    /// the wait.
    func testANewSpaceSharesACoreOfItsOwnProgramRatherThanWait() throws {
        let bed = try bed()
        let jit = try XCTUnwrap(bed.machine.engine as? JITEngine)
        let programA = [A64.movz(7, 0x5A1A), A64.b(8), A64.svc(), A64.b(-4)]
        let programB = [A64.movz(7, 0x5A1B), A64.svc()]
        for (asid, code) in [(ASID(1), programA), (ASID(2), programB)] {
            let root = bed.allocateFrame()
            bed.load(code, root: root)
            try activateOnAFreshCore(bed, root: root, asid: asid)
            var ctx = bed.context()
            XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        }
        let first = try XCTUnwrap(jit.binding(of: ASID(1)))
        let second = try XCTUnwrap(jit.binding(of: ASID(2)))
        XCTAssertEqual(first.blocks, 3)
        XCTAssertEqual(second.blocks, 1)
        func newcomer(_ asid: UInt16, _ code: [UInt32]) -> JITBinding {
            let root = bed.allocateFrame()
            bed.load(code, root: root)
            return JITBinding(engine: jit, core: OpaquePointer(bitPattern: 1)!, asid: ASID(asid), root: root)
        }
        let sameProgram = newcomer(3, programA)
        let cost = JITEngine.stealCosts
        XCTAssertNil(jit.donor(for: sameProgram, wait: 0), "a core is ready: no sharing")
        XCTAssertTrue(jit.donor(for: sameProgram, wait: 1) === first, "its own program's core, however costly")
        let other = newcomer(4, [A64.movz(7, 0x5A1C), A64.svc()])
        XCTAssertNil(jit.donor(for: other, wait: cost(second)), "no cheaper than waiting")
        XCTAssertTrue(jit.donor(for: other, wait: cost(second) + 1) === second, "the cheapest to lose")
        XCTAssertTrue(jit.donor(for: other, wait: cost(first) + 1) === second, "still the cheapest")
    }

    /// Address spaces sharing a core take it over in turns: each runs its
    /// own code (different programs at the same addresses, and the same
    /// program twice) on its own frames, every time.
    func testAddressSpacesSharingACoreEachRunTheirOwnCodeAndMemory() throws {
        let bed = try bed()
        let jit = try XCTUnwrap(bed.machine.engine as? JITEngine)
        // Two programs at the same addresses: a store and a load back, in
        // different shapes (and nonces: no other test's code).
        let programA = [A64.str(6, 5), A64.ldr(0, 5), A64.movz(7, 0x5A2A), A64.svc()]
        let programB = [A64.movz(7, 0x5A2B), A64.str(6, 5), A64.ldr(0, 5), A64.svc()]
        var roots: [PhysAddr] = [], frames: [PhysAddr] = []
        for code in [programA, programB, programA] {
            let root = bed.allocateFrame()
            bed.load(code, root: root)
            frames.append(bed.map(SimTestBed.dataVA, root: root))
            roots.append(root)
        }
        func run(_ i: Int, storing value: UInt64) {
            var ctx = bed.context()
            ctx.x[5] = SimTestBed.dataVA
            ctx.x[6] = value
            XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
            XCTAssertEqual(ctx.x[0], value, "space \(i + 1) loads what it stored")
            XCTAssertEqual(ctx.x[7], i == 1 ? 0x5A2B : 0x5A2A, "space \(i + 1) ran its own program")
        }
        bed.activate(root: roots[0], asid: ASID(1))
        run(0, storing: 0x1000)
        let first = try XCTUnwrap(jit.binding(of: ASID(1)))
        jit.activate(root: roots[1], asid: ASID(2), sharingCoreOf: first)
        XCTAssertEqual(jit.sharers(of: first), 2)
        run(1, storing: 0x2000)
        jit.activate(root: roots[2], asid: ASID(3), sharingCoreOf: first)
        XCTAssertEqual(jit.sharers(of: first), 3)
        run(2, storing: 0x3000)
        for round in 1...3 {
            for i in 0..<3 {
                bed.activate(root: roots[i], asid: ASID(UInt16(i + 1)))
                run(i, storing: UInt64(0x1000 * (i + 1) + round))
            }
            for i in 0..<3 {
                XCTAssertEqual(bed.read64(frames[i]), UInt64(0x1000 * (i + 1) + round), "space \(i + 1)'s frame, round \(round)")
            }
        }
    }

    func testCodeThatLosesExecutePermissionStopsRunning() throws {
        let bed = try bed()
        bed.load([A64.movz(0, 1), A64.svc()])
        var ctx = bed.context()
        bed.activate()
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        let slot = bed.leafSlot(SimTestBed.codeVA)
        slot.pointee |= PageDescriptor.userExecuteNever
        bed.hal.mmu.invalidateAll(asid: bed.asid)
        ctx = bed.context()
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx),
                       .memoryFault(MemoryFault(address: VirtAddr(SimTestBed.codeVA), access: .execute,
                                                status: .permission(level: 3))))
    }

    func testMachinesInARowGiveTheSameRunOnReusedCores() throws {
        // Many machines, one after another, reuse pooled cores and their
        // translations: every one must still give the same result.
        var results: [[UInt64]] = []
        for round in 0..<6 {
            let bed = try bed()
            var rng = SplitMix64(seed: 5)
            let code = EngineRandomProgramTests.program(&rng)
            bed.load(code)
            for i in 0..<EngineRandomProgramTests.dataPages { bed.map(EngineRandomProgramTests.data + i * 4096) }
            var ctx = bed.context()
            ctx.x[5] = EngineRandomProgramTests.data
            bed.activate(asid: ASID(UInt16(1 + round % 3)))
            var trap = Trap.halt
            repeat { trap = bed.hal.cpu.enterUser(&ctx) } while trap == .syscall && !EngineRandomProgramTests.isFinalSvc(code, ctx.pc)
            XCTAssertEqual(trap, .syscall)
            results.append((0..<31).map { ctx.x[$0] } + [bed.machine.now])
        }
        XCTAssertEqual(Set(results.map { $0.description }).count, 1, "six machines, one result")
    }

    func testLongStraightLineCodeCountsExactlyAtEveryBudget() throws {
        // 300 adds: blocks are cut at 64 instructions; a timer at every
        // instant from 1 to 300 must stop after exactly that many.
        let code = Array(repeating: A64.add(0, 0, 1), count: 300) + [A64.svc()]
        for cpu in SimCPUKind.allCases {
            for stop: UInt64 in [1, 2, 63, 64, 65, 127, 128, 129, 191, 200, 299] {
                let bed = try bed(cpu)
                bed.hal.interrupts.enable(bed.hal.timer.irq)
                bed.hal.timer.setDeadline(stop)
                var ctx = bed.context()
                XCTAssertEqual(bed.run(code, &ctx), .interrupt)
                XCTAssertEqual(ctx.x[0], stop, "\(cpu), stop at \(stop)")
                XCTAssertEqual(bed.machine.now, stop)
                XCTAssertEqual(ctx.pc, SimTestBed.codeVA + 4 * stop)
            }
        }
    }

    /// Slices that end, and resume, at every instruction of a hot loop: the
    /// counts stay exact on both engines, and the JIT never splits the loop's
    /// block where a slice happened to end (it steps to the block's end), so
    /// the loop stays one translated block. Splitting there chopped the
    /// demo's pixel loop into blocks of one or two instructions for good.
    func testResumingInsideALoopKeepsItOneBlock() throws {
        // loop: add x0,#1; add x1,#2; add x3,#3; subs x2,#1; b.ne loop; svc
        let code = [A64.add(0, 0, 1), A64.add(1, 1, 2), A64.add(3, 3, 3), A64.subs(2, 2, 1), A64.bne(-16), A64.svc()]
        let iterations: UInt64 = 200
        for cpu in SimCPUKind.allCases {
            for slice: UInt64 in [3, 7] {
                let bed = try bed(cpu)
                bed.load(code)
                bed.activate()
                bed.hal.interrupts.enable(bed.hal.timer.irq)
                var ctx = bed.context()
                ctx.x[2] = iterations
                var interrupts: UInt64 = 0
                while true {
                    bed.hal.timer.setDeadline(bed.machine.now + slice)
                    let trap = bed.hal.cpu.enterUser(&ctx)
                    if trap == .syscall { break }
                    XCTAssertEqual(trap, .interrupt)
                    interrupts += 1
                    guard interrupts < 1000 else { return XCTFail("\(cpu): the loop never ended") }
                }
                XCTAssertEqual(bed.machine.now, 5 * iterations + 1, "\(cpu), slices of \(slice)")
                XCTAssertEqual([ctx.x[0], ctx.x[1], ctx.x[3]], [iterations, 2 * iterations, 3 * iterations])
                XCTAssertEqual(interrupts, 5 * iterations / slice, "the svc retires at the last deadline")
                if let jit = bed.machine.engine as? JITEngine {
                    XCTAssertEqual(jit.stats.block_splits, 0, "slices of \(slice)")
                    // At most the loop and the svc (none on a pooled core
                    // that ran this code for the previous bed).
                    XCTAssertLessThanOrEqual(jit.stats.blocks_translated, 2, "slices of \(slice)")
                }
            }
        }
    }

    /// The last instructions of a budget never cut a block short: a block
    /// first met there is translated whole (and not run: the core steps),
    /// so a timer after one instruction leaves no one-instruction block
    /// behind to split the code for good.
    func testTheEndOfABudgetDoesNotCutABlockShort() throws {
        // 300 × `add x0, x0, #3` (bytes no other test runs, so no pooled
        // core holds them), then svc: blocks of 64, 64, 64, 64 and 45.
        let code = Array(repeating: A64.add(0, 0, 3), count: 300) + [A64.svc()]
        let bed = try bed(.jit)
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        bed.hal.timer.setDeadline(1)
        var ctx = bed.context()
        XCTAssertEqual(bed.run(code, &ctx), .interrupt)
        XCTAssertEqual(ctx.x[0], 3, "exactly one instruction")
        bed.hal.timer.setDeadline(1_000_000)
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        XCTAssertEqual(ctx.x[0], 900)
        XCTAssertEqual(bed.machine.now, 301)
        let jit = try XCTUnwrap(bed.machine.engine as? JITEngine)
        XCTAssertEqual(jit.stats.block_splits, 0)
        XCTAssertEqual(jit.stats.blocks_translated, 5, "a cut after one instruction would make six")
    }

    /// A recursion `depth` levels deep on a stack: every level returns to
    /// the same address, the pattern that let dynarmic's return stack
    /// buffer chain blocks past the budget (blktest's retain loop caught it).
    static func recursion(depth: UInt16) -> [UInt32] {
        let stp: UInt32 = 0xA9BF_7BFD      // stp x29, x30, [sp, #-16]!
        let ldp: UInt32 = 0xA8C1_7BFD      // ldp x29, x30, [sp], #16
        let ret: UInt32 = 0xD65F_03C0
        let bl = { (offset: Int32) in 0x9400_0000 | (UInt32(bitPattern: offset / 4) & 0x03FF_FFFF) }
        let beq = { (offset: Int32) in 0x5400_0000 | (UInt32(bitPattern: offset / 4) & 0x7FFFF) << 5 }
        return [A64.movz(0, depth), bl(12), A64.svc(), 0xD503_201F,          // 0-3: call f, svc, nop
                stp, A64.subs(0, 0, 1), beq(8), bl(-12),                   // 4-7: f
                ldp, A64.add(1, 1, 1), ret]                                // 8-10: every return lands here
    }

    func testCallsAndReturnsStopExactlyAtEveryBudget() throws {
        let code = Self.recursion(depth: 12)   // deeper than dynarmic's 8-entry buffer
        func run(_ cpu: SimCPUKind, stop: UInt64?) throws -> (Trap, [UInt64]) {
            let bed = try bed(cpu)
            for page in 1...2 { bed.map(SimTestBed.stackTop - UInt64(page) * 4096) }
            if let stop {
                bed.hal.interrupts.enable(bed.hal.timer.irq)
                bed.hal.timer.setDeadline(stop)
            }
            var ctx = bed.context()
            let trap = bed.run(code, &ctx)
            return (trap, [ctx.pc, ctx.x[0], ctx.x[1], ctx.x[30], ctx.sp, bed.machine.now])
        }
        let (trap, whole) = try run(.jit, stop: nil)
        XCTAssertEqual(trap, .syscall)
        XCTAssertEqual(whole[2], 12, "every level returned")
        // movz, bl; 12 × (stp, subs, b.eq); 11 bl; 12 × (ldp, add, ret); svc.
        let total = whole[5]
        let expected: UInt64 = 2 + 36 + 11 + 36 + 1
        XCTAssertEqual(total, expected)
        // A timer at every instant: both engines stop after exactly that
        // many instructions, in the same state.
        for stop in 1..<total {
            let (jitTrap, jit) = try run(.jit, stop: stop)
            let (unicornTrap, unicorn) = try run(.unicorn, stop: stop)
            XCTAssertEqual(jitTrap, .interrupt)
            XCTAssertEqual(unicornTrap, .interrupt)
            XCTAssertEqual(jit[5], stop, "the JIT stops after exactly \(stop)")
            XCTAssertEqual(jit, unicorn, "stop at \(stop): pc, x0, x1, x30, sp, now (jit, unicorn)")
        }
    }

    /// Host mappings of this process (lines of /proc/self/maps).
    private func hostMappings() -> Int {
        guard let f = fopen("/proc/self/maps", "r") else { return 0 }
        defer { fclose(f) }
        var n = 0
        while true {
            let c = fgetc(f)
            if c == EOF { break }
            if c == 0x0A { n += 1 }
        }
        return n
    }

    /// Touches `count` pages, one store each, in one address space.
    private func touch(_ bed: SimTestBed, pages count: Int) {
        let base: UInt64 = 0x1_0000_0000
        var ctx = bed.context()
        ctx.x[1] = base
        ctx.x[2] = UInt64(count)
        // loop: str x2,[x1]; add x1,x1,#1,lsl #12; subs x2,x2,#1; b.ne loop; svc
        let code: [UInt32] = [A64.str(2, 1), 0x9140_0421, A64.subs(2, 2, 1), A64.bne(-12), A64.svc()]
        var resolver = DemandZero(bed: bed, base: base, count: count)
        bed.load(code)
        bed.activate()
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx, resolver: &resolver), .syscall)
        XCTAssertEqual(ctx.x[2], 0)
    }

    private struct DemandZero: FaultResolver {
        let bed: SimTestBed
        let base: UInt64
        let count: Int
        mutating func resolveUserFault(_ fault: MemoryFault) -> Bool {
            let page = fault.address.raw & ~0xFFF
            guard page >= base, page < base + UInt64(count) * 4096 else { return false }
            bed.map(page)
            return true
        }
    }

    func testEightyThousandPagesDoNotGrowHostMappings() throws {
        // One host mapping per page made the simulator die on
        // vm.max_map_count (65530) near 80k pages. 82k pages of 4 KiB: 328 MiB.
        let bed = try bed(ram: 384 << 20)
        let before = hostMappings()
        touch(bed, pages: 82_000)
        XCTAssertLessThan(hostMappings() - before, 200, "host mappings must not follow the guest's pages")
    }

    func testTheUnicornEngineCapsItsHostMappings() throws {
        let bed = try bed(.unicorn, ram: 64 << 20)
        let engine = try XCTUnwrap(bed.machine.engine as? UnicornCPUEngine)
        engine.maxAliasedPages = 2_000
        let before = hostMappings()
        touch(bed, pages: 9_000)
        XCTAssertLessThanOrEqual(engine.aliasedPages, 2_000 + 64)
        XCTAssertGreaterThan(bed.machine.stats.capEvictions, 0)
        XCTAssertLessThan(hostMappings() - before, 2_500, "at most the cap, plus windows")
    }
}
