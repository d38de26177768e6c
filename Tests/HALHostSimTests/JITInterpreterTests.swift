// The JIT engine's cold tier (CDynarmic/KenixJIT+FastPath.cpp, its
// predecoded common forms, and KenixJIT+Interpreter.cpp, the full decoder)
// against dynarmic, one random instruction at a time: every class the interpreter
// decodes, with random fields (so also the unallocated and unpredictable
// forms it must hand to dynarmic), random registers pointing into writable,
// read-only and unmapped pages and at other trials' code, random flags and
// vectors. The same trials run on a machine that interprets everything it
// can (hot threshold 65535) and on one that translates every block at once
// (0); each trial must end in the same trap, registers, flags, vectors,
// memory and instruction count. Seeded: a failure names its trial and word.
import CDynarmic
import HAL
import XCTest
@testable import HALHostSim

final class JITInterpreterTests: XCTestCase {
    static let trials = 3000
    static let dataPages: UInt64 = 4   // writable, writable, read-only, unmapped

    /// The interpreter's instruction classes: (fixed bits, their mask).
    static let classes: [(UInt32, UInt32)] = [
        (0x1000_0000, 0x1F00_0000),   // ADR, ADRP
        (0x1100_0000, 0x1F80_0000),   // ADD/SUB (immediate)
        (0x1200_0000, 0x1F80_0000),   // logical (immediate)
        (0x1280_0000, 0x1F80_0000),   // move wide
        (0x1300_0000, 0x1F80_0000),   // bitfield
        (0x1380_0000, 0x1F80_0000),   // EXTR
        (0x1400_0000, 0x7C00_0000),   // B, BL
        (0x3400_0000, 0x7E00_0000),   // CBZ, CBNZ
        (0x3600_0000, 0x7E00_0000),   // TBZ, TBNZ
        (0x5400_0000, 0xFF00_0010),   // B.cond
        (0xD61F_0000, 0xFF9F_FC1F),   // BR, BLR, RET (and their unallocated neighbours)
        (0xD400_0001, 0xFFE0_001F),   // SVC
        (0xD503_201F, 0xFFFF_FFFF),   // NOP
        (0xD503_309F, 0xFFFF_F09F),   // DSB, DMB, ISB, CLREX, SB
        (0xD53B_D040, 0xFFFF_FFC0),   // MRS TPIDR_EL0, TPIDRRO_EL0 (and op2 = 0, 1)
        (0xD51B_D040, 0xFFFF_FFE0),   // MSR TPIDR_EL0
        (0xD51B_4200, 0xFFDF_FFE0),   // MRS/MSR NZCV
        (0x1800_0000, 0x3B00_0000),   // load register (literal)
        (0x2800_0000, 0x3A00_0000),   // load/store pair
        (0x3800_0000, 0x3A00_0000),   // load/store register
        (0x3900_0000, 0x3B00_0000),   // load/store register (unsigned offset)
        (0x3820_0800, 0x3A20_0C00),   // load/store register (register offset)
        (0x085F_7C00, 0x3FFF_7C00),   // LDXR, LDAXR
        (0x0800_7C00, 0x3FE0_7C00),   // STXR, STLXR (the monitor is clear: they fail)
        (0x089F_FC00, 0x3FBF_FC00),   // LDAR, STLR
        (0x0800_0000, 0x3F00_0000),   // the rest of load/store exclusive and ordered
        (0x0A00_0000, 0x1F00_0000),   // logical (shifted register)
        (0x0B00_0000, 0x1F20_0000),   // ADD/SUB (shifted register)
        (0x0B20_0000, 0x1F20_0000),   // ADD/SUB (extended register)
        (0x1A00_0000, 0x1FE0_FC00),   // ADC, SBC
        (0x1A40_0000, 0x1FE0_0410),   // CCMN, CCMP
        (0x1A80_0000, 0x1FE0_0800),   // CSEL, CSINC, CSINV, CSNEG
        (0x1AC0_0000, 0x5FE0_0000),   // data processing (2 source)
        (0x5AC0_0000, 0x5FFF_0000),   // data processing (1 source)
        (0x1B00_0000, 0x1F00_0000),   // data processing (3 source)
        (0x0F00_0400, 0x9FF8_0C00),   // MOVI, MVNI, ORR, BIC, FMOV (vector, immediate)
    ]

    static func instruction(_ rng: inout SplitMix64) -> UInt32 {
        let (value, mask) = classes[Int(rng.next(below: UInt64(classes.count)))]
        var word = value | (UInt32(truncatingIfNeeded: rng.next()) & ~mask)
        // Branch offsets within a few trials (else nearly every branch is a
        // fetch fault): a small signed offset in the immediate's place.
        func near(_ low: UInt32, _ width: UInt32) {
            let offset = UInt32(bitPattern: Int32(rng.next(below: 33)) - 16) & ((1 << width) - 1)
            word = word & ~(((1 << width) - 1) << low) | offset << low
        }
        switch value {
        case 0x1400_0000: near(0, 26)
        case 0x3400_0000, 0x5400_0000: near(5, 19)
        case 0x3600_0000: near(5, 14)
        default: break
        }
        return word
    }

    /// A register value: random, small, negative, into the data pages (near
    /// a page boundary at times), or a trial's first instruction.
    static func value(_ rng: inout SplitMix64) -> UInt64 {
        switch rng.next(below: 7) {
        case 0: return rng.next()
        case 1: return rng.next(below: 64)
        case 2: return 0 &- rng.next(below: 64)
        case 3: return SimTestBed.dataVA + rng.next(below: dataPages * 4096)
        case 4: return SimTestBed.dataVA + (1 + rng.next(below: dataPages - 1)) * 4096 - rng.next(below: 24)
        case 5: return SimTestBed.dataVA + rng.next(below: 512) * 8
        default: return SimTestBed.codeVA + 8 * rng.next(below: UInt64(trials))
        }
    }

    struct Outcome: Equatable {
        var trap = ""
        var pc: UInt64 = 0
        var registers: [UInt64] = []
        var vectors: [UInt64] = []
        var nzcv: UInt64 = 0
        var retired: UInt64 = 0
        var data: [UInt64] = []
    }

    /// Runs every trial (its instruction, then `svc #0x77`) on one machine.
    func run(_ code: [UInt32], hotThreshold: UInt32) throws -> (outcomes: [Outcome], interpreted: UInt64) {
        let bed = try SimTestBed(SimTestBed.config(cpu: .jit, hotThreshold: hotThreshold))
        var frames: [PhysAddr] = []
        for page in 0..<Self.dataPages - 1 {
            frames.append(bed.map(SimTestBed.dataVA + page * 4096, writable: page < 2))
        }
        bed.load(code)
        bed.activate()
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        var outcomes: [Outcome] = []
        for trial in 0..<code.count / 2 {
            var rng = SplitMix64(seed: 0x5EED_0000 &+ UInt64(trial))
            for frame in frames {
                for i in 0..<UInt64(512) { bed.write64(frame.adding(i * 8), rng.next()) }
            }
            var ctx = bed.context(at: SimTestBed.codeVA + UInt64(trial) * 8)
            for r in 0..<31 { ctx.x[r] = Self.value(&rng) }
            ctx.sp = Self.value(&rng)
            ctx.tpidr = rng.next()
            ctx.nzcv = rng.next(below: 16) << 28
            for i in 0..<64 { ctx.fp.v[i] = rng.next() }
            // A branch back to itself spins until the timer stops it.
            let start = bed.machine.now
            bed.hal.timer.setDeadline(start + 3000)
            let trap = bed.hal.cpu.enterUser(&ctx)
            if case .interrupt = trap, let irq = bed.hal.interrupts.acknowledge() {
                bed.hal.interrupts.endOfInterrupt(irq)
            }
            var o = Outcome(trap: "\(trap)", pc: ctx.pc, nzcv: ctx.nzcv, retired: bed.machine.now - start)
            o.registers = (0..<31).map { ctx.x[$0] } + [ctx.sp, ctx.tpidr]
            o.vectors = (0..<64).map { ctx.fp.v[$0] }
            o.data = frames.flatMap { f in (0..<UInt64(512)).map { bed.read64(f.adding($0 * 8)) } }
            outcomes.append(o)
        }
        let jit = try XCTUnwrap(bed.machine.engine as? JITEngine)
        return (outcomes, jit.stats.instructions_interpreted)
    }

    func testTheInterpreterAgreesWithDynarmicOnRandomInstructions() throws {
        var rng = SplitMix64(seed: 12)
        var code: [UInt32] = []
        for _ in 0..<Self.trials { code += [Self.instruction(&rng), A64.svc(0x77)] }
        let interpreted = try run(code, hotThreshold: 0xFFFF)
        let translated = try run(code, hotThreshold: 0)
        XCTAssertEqual(translated.interpreted, 0, "threshold 0 translates everything")
        // Each trial retires its svc in the interpreter unless the instruction
        // before it was handed over; most words of these classes are run.
        XCTAssertGreaterThan(interpreted.interpreted, UInt64(Self.trials) * 3 / 2, "the interpreter ran too little to test")
        var failures = 0
        for trial in 0..<Self.trials where interpreted.outcomes[trial] != translated.outcomes[trial] && failures < 10 {
            failures += 1
            let a = interpreted.outcomes[trial], b = translated.outcomes[trial]
            let word = String(code[2 * trial], radix: 16)
            let registers = (0..<a.registers.count).filter { a.registers[$0] != b.registers[$0] }
            XCTFail("trial \(trial), word 0x\(word): interpreter \(a.trap) pc \(a.pc) nzcv \(a.nzcv) retired \(a.retired); "
                    + "dynarmic \(b.trap) pc \(b.pc) nzcv \(b.nzcv) retired \(b.retired); registers differing \(registers) "
                    + "(\(registers.map { "\(a.registers[$0]) vs \(b.registers[$0])" })), vectors equal \(a.vectors == b.vectors), "
                    + "data equal \(a.data == b.data)")
        }
    }

    /// Regression: dynarmic emits no IR for a constant moved into XZR
    /// (ADR, ADRP, MOVZ, MOVN, MOVK with Rd = 31), so a block of such a
    /// word alone could not be cut before a block that already started at
    /// the next instruction, and the translated tier ran on past the `svc`
    /// there (20,000-trial runs of the test above found it). For each word:
    /// a trial that branches straight to the `svc` after it (so a block
    /// starts there), then the word's own trial: two instructions retired,
    /// the trap at that `svc`, on both tiers.
    func testConstantMovesIntoXZRRetireOnEveryTier() throws {
        let words: [UInt32] = [0x1097_679F, 0xD074_39FF, 0x5282_B47F, 0xD28D_127F, 0x1280_001F, 0xF2A0_003F]
        var code: [UInt32] = []
        for word in words { code += [0x1400_0003, A64.svc(0x77), word, A64.svc(0x77)] }   // b .+12
        for threshold: UInt32 in [0xFFFF, 0] {
            let outcomes = try run(code, hotThreshold: threshold).outcomes
            for (i, word) in words.enumerated() {
                let o = outcomes[2 * i + 1], what = "word 0x\(String(word, radix: 16)), threshold \(threshold)"
                XCTAssertEqual(o.trap, "syscall", what)
                XCTAssertEqual(o.retired, 2, what)
                XCTAssertEqual(o.pc, SimTestBed.codeVA + UInt64(i) * 16 + 16, what)
            }
        }
    }

    /// Runs `code` once on a JIT with `threshold` (or on Unicorn) and
    /// returns x0, x1, the instructions retired and the JIT's counters.
    private func runLoop(_ code: [UInt32], cpu: SimCPUKind, threshold: UInt32) throws -> ([UInt64], kd_stats?) {
        let bed = try SimTestBed(SimTestBed.config(cpu: cpu, hotThreshold: threshold))
        var ctx = bed.context()
        bed.load(code)
        bed.activate()
        // The pool's core may have run code at these pcs for another test.
        (bed.machine.engine as? JITEngine)?.resetActiveCoreHeat()
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        return ([ctx.x[0], ctx.x[1], bed.machine.now], (bed.machine.engine as? JITEngine)?.stats)
    }

    /// Exclusives and ordered accesses in the interpreter, against
    /// dynarmic alone and Unicorn: an atomic add loop whose load-exclusive
    /// and store-exclusive lie in different blocks, so that at some
    /// thresholds one half runs translated and the other interpreted (the
    /// interpreter keeps the Jit's own exclusive flag); a store-exclusive
    /// after CLREX fails; LDAR/STLR of both sizes. Interpreting everything,
    /// the core hands none of them to dynarmic.
    func testExclusivesPairAcrossTheTiers() throws {
        let code: [UInt32] = [
            A64.movz(3, 40),
            A64.ldxr(1, 5, acquire: true),   // loop:
            0xF240_007F,                     // tst x3, #1
            A64.bne(8),                      // b.ne skip
            A64.add(1, 1, 1),
            A64.add(1, 1, 2),                // skip:
            A64.stxr(2, 1, 5, release: true),
            A64.cbnzW(2, -24),               // failed: again
            A64.subs(3, 3, 1),
            A64.bne(-32),                    // b.ne loop
            A64.ldxr(6, 5),
            A64.clrex,
            A64.stxr(7, 6, 5),               // fails: w7 = 1
            A64.ldar(8, 5),
            A64.add(9, 5, 8),
            A64.stlr(8, 9),
            A64.ldar(10, 9, word: true),
            A64.svc(0x52),                   // a nonce: no other test's code
        ]
        func run(_ cpu: SimCPUKind, threshold: UInt32) throws -> (registers: [UInt64], data: [UInt64], stats: kd_stats?) {
            let bed = try SimTestBed(SimTestBed.config(cpu: cpu, hotThreshold: threshold))
            let frame = bed.map(SimTestBed.dataVA)
            var ctx = bed.context()
            ctx.x[5] = SimTestBed.dataVA
            bed.load(code)
            bed.activate()
            (bed.machine.engine as? JITEngine)?.resetActiveCoreHeat()
            XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
            let data = [bed.read64(frame), bed.read64(frame.adding(8))]
            return ((0...10).map { ctx.x[$0] } + [bed.machine.now], data, (bed.machine.engine as? JITEngine)?.stats)
        }
        let unicorn = try run(.unicorn, threshold: 0)
        XCTAssertEqual(unicorn.registers[1], 100, "20 odd and 20 even rounds")
        XCTAssertEqual(unicorn.registers[2], 0, "every store-exclusive of the loop stored")
        XCTAssertEqual(unicorn.registers[7], 1, "CLREX: the store-exclusive failed")
        XCTAssertEqual(unicorn.registers[8], 100)
        XCTAssertEqual(unicorn.registers[10], 100)
        XCTAssertEqual(unicorn.data, [100, 100])
        for threshold: UInt32 in [0, 2, 3, 4, 5, 6, 65535] {
            let jit = try run(.jit, threshold: threshold)
            XCTAssertEqual(jit.registers, unicorn.registers, "threshold \(threshold)")
            XCTAssertEqual(jit.data, unicorn.data, "threshold \(threshold)")
            if threshold == 65535, let stats = jit.stats {
                XCTAssertEqual(stats.instructions_interpreted, unicorn.registers[11], "all of it interpreted \(stats)")
                XCTAssertEqual(stats.blocks_translated, 0, "nothing handed to dynarmic \(stats)")
            }
        }
    }

    /// A run that trapped within a few instructions last time it started
    /// at a pc is interpreted the next time, hot or not (entering the Jit
    /// costs more than a few interpreted instructions); a longer one goes
    /// to the Jit. Either way the result is the one Unicorn gives.
    func testShortRunsBetweenTrapsStayInTheInterpreter() throws {
        // x0 += 1; svc; b back: two instructions a trip once past the first.
        let short: [UInt32] = [A64.add(0, 0, 1), A64.svc(0x53), A64.b(-8)]
        // Twenty instructions between the traps: a trip the Jit runs.
        let long: [UInt32] = [A64.movz(3, 10), A64.add(0, 0, 1), A64.subs(3, 3, 1), A64.bne(-8), A64.svc(0x54), A64.b(-20)]
        for (code, expectJitRuns) in [(short, false), (long, true)] {
            var results: [[UInt64]] = []
            var counters: kd_stats?
            for cpu in [SimCPUKind.jit, .unicorn] {
                let bed = try SimTestBed(SimTestBed.config(cpu: cpu, hotThreshold: 2))
                var ctx = bed.context()
                bed.load(code)
                bed.activate()
                var trail: [UInt64] = []
                for _ in 0..<50 {
                    XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
                    trail.append(ctx.x[0])
                }
                // The first trips settle the tiers (a pooled core may know
                // these pcs from another test); the next 50 are counted.
                let before = (bed.machine.engine as? JITEngine)?.stats
                for _ in 0..<50 { XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall) }
                if cpu == .jit {
                    let after = try XCTUnwrap((bed.machine.engine as? JITEngine)?.stats)
                    counters = after
                    let runs = after.runs - (before?.runs ?? 0)
                    if expectJitRuns {
                        XCTAssertGreaterThanOrEqual(runs, 50, "a long trip enters the Jit every time")
                    } else {
                        XCTAssertEqual(runs, 0, "a two-instruction trip never enters the Jit")
                    }
                }
                trail.append(ctx.x[0])
                trail.append(bed.machine.now)
                results.append(trail)
            }
            XCTAssertEqual(results[0], results[1], "JIT \(String(describing: counters))")
        }
    }

    /// A run interpreted from entry to trap works on the kernel's context
    /// in place (kd_set_context lends it; nothing is copied into the Jit or
    /// back): what comes back must be what the Jit gives for the same run,
    /// bits it does not keep trimmed the same way (NZCV above and below its
    /// four flags, FPCR and FPSR all ones), vector registers and TPIDR_EL0
    /// untouched or written alike. Also across entries: the second entry
    /// starts from what the first handed back.
    func testALentContextComesBackAsTheJitGivesIt() throws {
        // x0 += 1, flags from x0 - 5, movi d1 (q1's high half cleared),
        // TPIDR_EL0 = x0; svc; again. All of it the interpreter's.
        let code: [UInt32] = [A64.add(0, 0, 1), A64.subs(2, 0, 5), 0x2F05_E541, 0xD51B_D040, A64.svc(0x56), A64.b(-20)]
        func run(threshold: UInt32) throws -> [[UInt64]] {
            let bed = try SimTestBed(SimTestBed.config(cpu: .jit, hotThreshold: threshold))
            var ctx = bed.context()
            ctx.nzcv = ~0
            ctx.fp.fpcr = ~0
            ctx.fp.fpsr = ~0
            for i in 0..<64 { ctx.fp.v[i] = 0x1111_1111_1111_1111 &* UInt64(i + 1) }
            bed.load(code)
            bed.activate()
            (bed.machine.engine as? JITEngine)?.resetActiveCoreHeat()
            var states: [[UInt64]] = []
            for _ in 0..<3 {
                XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
                states.append((0..<31).map { ctx.x[$0] } + [ctx.sp, ctx.pc, ctx.nzcv, ctx.tpidr, ctx.fp.fpcr, ctx.fp.fpsr]
                              + (0..<64).map { ctx.fp.v[$0] } + [bed.machine.now])
            }
            if threshold != 0, let stats = (bed.machine.engine as? JITEngine)?.stats {
                XCTAssertEqual(stats.runs, 0, "interpreted throughout \(stats)")
            }
            return states
        }
        let interpreted = try run(threshold: 0xFFFF)
        let translated = try run(threshold: 0)
        XCTAssertEqual(interpreted, translated)
        XCTAssertEqual(interpreted[2][0], 3, "x0 counted three trips")
        XCTAssertEqual(interpreted[2][33] >> 28, 0x8, "N: 3 - 5 is negative; the rest of NZCV's word is clear")
        XCTAssertEqual(interpreted[2][34], 3, "TPIDR_EL0")
        XCTAssertEqual(interpreted[2][37 + 2], 0xFF00_FF00_FF00_FF00, "q1's low half")
        XCTAssertEqual(interpreted[2][37 + 3], 0, "q1's high half")
        XCTAssertEqual(interpreted[2][37 + 4], 0x1111_1111_1111_1111 &* 5, "q2: untouched")
    }

    /// A loop runs in the interpreter until its start has been entered
    /// `threshold` times, then as translated code; its rarely taken path,
    /// a block the translated loop jumps to while it is still cold, gets a
    /// stub that hands it back to the interpreter. Same result as dynarmic
    /// alone and as Unicorn.
    func testALoopIsInterpretedUntilHotAndItsColdPathGoesBackToTheInterpreter() throws {
        let code: [UInt32] = [
            A64.movz(3, 200),
            A64.add(0, 0, 1),        // loop:
            0xF240_0C7F,             // tst x3, #15
            A64.bne(8),              // b.ne skip
            A64.add(1, 1, 1),        // taken every 16th time: a block of its own
            A64.subs(3, 3, 1),       // skip:
            A64.bne(-20),            // b.ne loop
            A64.svc(0x51),           // a nonce: no other test's code
        ]
        let (tiered, stats) = try runLoop(code, cpu: .jit, threshold: 8)
        let (translated, _) = try runLoop(code, cpu: .jit, threshold: 0)
        let (unicorn, _) = try runLoop(code, cpu: .unicorn, threshold: 0)
        XCTAssertEqual(tiered, [200, 12, 1 + 200 * 5 + 12 + 1])
        XCTAssertEqual(tiered, translated)
        XCTAssertEqual(tiered, unicorn)
        let counters = try XCTUnwrap(stats)
        // The first 7 entries of `loop` (5 instructions each, plus the movz
        // and the first entry's own), then translated code.
        XCTAssertGreaterThanOrEqual(counters.instructions_interpreted, 30)
        XCTAssertLessThan(counters.instructions_interpreted, 200, "the hot loop left the interpreter")
        XCTAssertGreaterThanOrEqual(counters.cold_stubs, 1, "the cold path got a stub")
        XCTAssertGreaterThanOrEqual(counters.blocks_translated, 1)
    }
}
