// The two CPU engines, instruction by instruction: the same code on the JIT
// and on Unicorn gives the same trap, registers, flags, FP state, memory and
// instruction count. Covers the CPU baseline (KenixABI.CPUBaseline: what EL0
// may read and write in the system space, DC ZVA, no cache maintenance, no
// LSE or ARMv8.1+ instructions, the A72's crypto and CRC32), exclusives
// across traps, page crossings, and random programs with faults at random
// places and slices of random lengths (exact counting).
import HAL
import KenixABI
import XCTest
@testable import HALHostSim

/// What one engine did with a program.
struct EngineOutcome: Equatable {
    var traps: [Trap] = []
    var pcs: [UInt64] = []
    var registers: [UInt64] = []
    var vectors: [UInt64] = []
    var flags: [UInt64] = []
    var now: UInt64 = 0
    var data: [UInt64] = []
}

extension XCTestCase {
    /// Runs `code` with the data page mapped (and `prepare` applied to the
    /// bed and the context) on both engines, entering user mode up to
    /// `entries` times (the kernel would resume after each trap), and
    /// requires the same outcome. The JIT runs twice: as configured by
    /// default (cold code, which this short code is, runs in its
    /// interpreter) and with every block translated at once (dynarmic
    /// only); both must match Unicorn. Returns the JIT's.
    @discardableResult
    func onBothEngines(_ code: [UInt32], entries: Int = 1, slice: UInt64 = 1_000_000,
                       prepare: (SimTestBed, inout UserContext) -> Void = { _, _ in },
                       afterTrap: (SimTestBed, inout UserContext) -> Void = { _, _ in },
                       file: StaticString = #filePath, line: UInt = #line) throws -> EngineOutcome {
        var outcomes: [EngineOutcome] = []
        let engines: [(SimCPUKind, UInt32)] = [(.jit, SimConfig.defaultHotThreshold), (.unicorn, 0), (.jit, 0)]
        for (cpu, threshold) in engines {
            let bed = try SimTestBed(SimTestBed.config(slice: slice, cpu: cpu, hotThreshold: threshold))
            let dataFrame = bed.map(SimTestBed.dataVA)
            var ctx = bed.context()
            ctx.x[1] = SimTestBed.dataVA
            prepare(bed, &ctx)
            bed.load(code)
            bed.activate()
            var o = EngineOutcome()
            for _ in 0..<entries {
                let trap = bed.hal.cpu.enterUser(&ctx)
                o.traps.append(trap)
                o.pcs.append(ctx.pc)
                if trap == .halt { break }
                afterTrap(bed, &ctx)
            }
            o.registers = (0..<31).map { ctx.x[$0] } + [ctx.sp, ctx.tpidr]
            o.vectors = (0..<64).map { ctx.fp.v[$0] }
            o.flags = [ctx.nzcv, ctx.fp.fpcr, ctx.fp.fpsr]
            o.now = bed.machine.now
            o.data = (0..<512).map { bed.read64(dataFrame.adding(UInt64($0) * 8)) }
            outcomes.append(o)
        }
        XCTAssertEqual(outcomes[0].traps, outcomes[1].traps, "traps (jit, unicorn)", file: file, line: line)
        XCTAssertEqual(outcomes[0].pcs, outcomes[1].pcs, "pcs", file: file, line: line)
        XCTAssertEqual(outcomes[0].registers, outcomes[1].registers, "x0-x30, sp, tpidr", file: file, line: line)
        XCTAssertEqual(outcomes[0].vectors, outcomes[1].vectors, "q0-q31", file: file, line: line)
        XCTAssertEqual(outcomes[0].flags, outcomes[1].flags, "nzcv, fpcr, fpsr", file: file, line: line)
        XCTAssertEqual(outcomes[0].now, outcomes[1].now, "instructions retired", file: file, line: line)
        XCTAssertEqual(outcomes[0].data, outcomes[1].data, "the data page", file: file, line: line)
        XCTAssertEqual(outcomes[2], outcomes[1], "the JIT with every block translated, against Unicorn", file: file, line: line)
        return outcomes[0]
    }
}

final class EngineDifferentialTests: XCTestCase {
    func testEL0ReadsTheBaselineSystemRegisters() throws {
        for reg in CPUBaseline.EL0.readable {
            let o = try onBothEngines([reg.mrs(0), A64.svc()], prepare: { _, c in c.x[0] = 0xAAAA; c.tpidr = 77 })
            XCTAssertEqual(o.traps, [.syscall], "mrs \(reg)")
        }
        let ctr = try onBothEngines([SystemRegister.ctr.mrs(0), SystemRegister.dczid.mrs(2),
                                     SystemRegister.pmuserenr.mrs(3), SystemRegister.tpidrro.mrs(4), A64.svc()])
        XCTAssertEqual(ctr.registers[0], CPUBaseline.ctr)
        XCTAssertEqual(ctr.registers[2], CPUBaseline.dczid)
        XCTAssertEqual(ctr.registers[3], 0)
        XCTAssertEqual(ctr.registers[4], 0)
    }

    func testEverythingElseInTheSystemSpaceIsUndefined() throws {
        let undefined: [UInt32] = [
            0xD538_0000, // mrs x0, midr_el1
            0xD538_0600, // mrs x0, id_aa64isar0_el1
            0xD53B_E000, // mrs x0, cntfrq_el0
            0xD53B_E020, // mrs x0, cntpct_el0
            0xD53B_E040, // mrs x0, cntvct_el0
            0xD53B_4220, // mrs x0, daif
            0xD538_4200, // mrs x0, spsel
            0xD51B_4220, // msr daif, x0
            0xD503_43DF, // msr daifset, #3
            0xD500_401F, // cfinv (ARMv8.4)
            0xD500_403F, // xaflag (ARMv8.5)
            0xD50B_7E20, // dc civac, x0
            0xD50B_7A20, // dc cvac, x0
            0xD50B_7B20, // dc cvau, x0
            0xD508_7620, // dc ivac, x0
            0xD50B_7520, // ic ivau, x0
            0xD508_751F, // ic iallu
            0xD508_871F, // tlbi vmalle1
            0xD503_30FF, // sb (ARMv8.5)
        ]
        for insn in undefined {
            let o = try onBothEngines([A64.movz(5, 1), insn, A64.svc()], prepare: { _, c in c.x[0] = SimTestBed.dataVA })
            XCTAssertEqual(o.traps, [.undefinedInstruction], "0x\(String(insn, radix: 16))")
            XCTAssertEqual(o.pcs, [SimTestBed.codeVA + 4])
        }
    }

    func testCacheMaintenanceOnTheKernelHalfIsUndefinedAsOnQEMU() throws {
        // UCI = 0 on both backends: EL0 DC CIVAC traps whatever the address.
        let o = try onBothEngines([0xD50B_7E20 /* dc civac, x0 */, A64.svc()],
                                  prepare: { _, c in c.x[0] = 0xFFFF_0000_4000_0000 })
        XCTAssertEqual(o.traps, [.undefinedInstruction])
    }

    func testInstructionsBeyondTheBaselineAreUndefined() throws {
        let beyond: [UInt32] = [
            0xF820_0020, // ldadd x0, x0, [x1]      (LSE, ARMv8.1)
            0xC8A0_7C20, // cas x0, x0, [x1]         (LSE)
            0xF820_8020, // swp x0, x0, [x1]         (LSE)
            0xC8DF_7C20, // ldlar x0, [x1]           (LOR, ARMv8.1)
            0x4E80_9420, // sdot v0.4s, v1.16b, v0.16b (ARMv8.2)
            0xCE00_0420, // eor3 v0.16b, v1.16b, v0.16b, v1.16b (SHA3)
            0xCE60_8020, // sha512h q0, q1, v0.2d    (SHA512)
            0x6E80_C420, // fcmla v0.4s, v1.4s, v0.4s, #0 (ARMv8.3)
            0x1E7E_0020, // fjcvtzs w0, d1           (ARMv8.3)
            0x7E80_8420, // sqrdmlah s0, s1, s0      (RDM, ARMv8.1)
            0x1EE0_2820, // fadd h0, h1, h0          (FP16, ARMv8.2)
            0xBA00_0420, // rmif x1, #0, #0          (ARMv8.4)
        ]
        for insn in beyond {
            let o = try onBothEngines([insn, A64.svc()])
            XCTAssertEqual(o.traps, [.undefinedInstruction], "0x\(String(insn, radix: 16))")
        }
    }

    func testTheBaselinesCryptoAndCRC32Work() throws {
        let code: [UInt32] = [
            0x4E28_4820, // aese v0.16b, v1.16b
            0x4E28_6800, // aesmc v0.16b, v0.16b
            0x5E02_4041, // sha256h q1, q2, v2.4s
            0x0EE1_E002, // pmull v2.1q, v0.1d, v1.1d
            0x9AC2_4C23, // crc32x w3, w1, x2
            0x9AC2_5C24, // crc32cx w4, w1, x2
            A64.svc()]
        let o = try onBothEngines(code, prepare: { _, c in
            for i in 0..<8 { c.fp.v[i] = 0x0123_4567_89AB_CDEF &* UInt64(i + 3) }
            c.x[1] = 0xFEED_FACE; c.x[2] = 0x1234_5678_9ABC_DEF0
        })
        XCTAssertEqual(o.traps, [.syscall])
    }

    func testDCZVAZeroesTheAlignedBlockAndFaultsAtItsStart() throws {
        let o = try onBothEngines([0xD50B_7420 /* dc zva, x0 */, A64.svc()], prepare: { bed, c in
            c.x[0] = SimTestBed.dataVA + 0x4A   // unaligned: the block at 0x40 is zeroed
            let f = bed.leafFrame(SimTestBed.dataVA)
            for i in 0..<32 { bed.write64(f.adding(UInt64(8 * i)), ~0) }
        })
        XCTAssertEqual(o.traps, [.syscall])
        XCTAssertEqual(Array(o.data[0..<8]), Array(repeating: ~0, count: 8))
        XCTAssertEqual(Array(o.data[8..<16]), Array(repeating: 0, count: 8))
        XCTAssertEqual(Array(o.data[16..<32]), Array(repeating: ~0, count: 16))
        let fault = try onBothEngines([0xD50B_7420, A64.svc()], prepare: { _, c in c.x[0] = 0x1234_5678 })
        XCTAssertEqual(fault.traps, [.memoryFault(MemoryFault(address: VirtAddr(0x1234_5678), access: .write,
                                                             status: .translation(level: 2)))],
                       "the fault reports Xt itself, as QEMU does")
        XCTAssertEqual(fault.pcs, [SimTestBed.codeVA], "at the dc zva, which did not retire")
        XCTAssertEqual(fault.now, 0)
    }

    func testAnExclusivePairFailsAcrossATrapAndSucceedsWithinARun() throws {
        let ldxr: UInt32 = 0xC85F_7C20, stxr: UInt32 = 0xC802_7C23 // ldxr x0,[x1]; stxr w2,x3,[x1]
        let within = try onBothEngines([ldxr, stxr, A64.svc()], prepare: { _, c in c.x[3] = 7 })
        XCTAssertEqual(within.registers[2], 0, "stxr succeeded")
        XCTAssertEqual(within.data[0], 7)
        let across = try onBothEngines([ldxr, A64.svc(), stxr, A64.svc()], entries: 2,
                                       prepare: { _, c in c.x[3] = 7 })
        XCTAssertEqual(across.registers[2], 1, "an entry to EL0 clears the monitor: stxr failed")
        XCTAssertEqual(across.data[0], 0)
    }

    /// A load into the zero register accesses memory on QEMU (and faults
    /// there); dynarmic 6.4.5's dead-code elimination dropped the access,
    /// so the JIT core runs it without constant propagation (KenixJIT.cpp).
    func testALoadIntoTheZeroRegisterStillAccessesMemory() throws {
        for insn: UInt32 in [0xF940_003F /* ldr xzr,[x1] */, 0x3940_003F /* ldrb wzr,[x1] */, 0x39C0_003F /* ldrsb wzr,[x1] */,
                             0xF840_843F /* ldr xzr,[x1],#8 */, 0xF865_683F /* ldr xzr,[x1,x5] */, 0xB880_403F /* ldursw xzr,[x1,#4] */,
                             0xA940_7C20 /* ldp x0,xzr,[x1] */, 0xA940_003F /* ldp xzr,x0,[x1] */, 0x6940_003F /* ldpsw xzr,x0,[x1] */] {
            let o = try onBothEngines([A64.movz(5, 1), insn, A64.svc()], prepare: { _, c in
                c.x[1] = SimTestBed.dataVA + 0x3000
            })
            guard case .memoryFault = o.traps.first else { XCTFail("0x\(String(insn, radix: 16)): no fault"); continue }
        }
    }

    func testPageCrossingAccessesFaultAtTheSameAddress() throws {
        for (offset, insn) in [(UInt64(0xFFC), A64.ldr(0, 1)), (0xFFC, A64.str(0, 1)), (0xFF8, 0x3DC0_0020 /* ldr q0,[x1] */),
                               (0xFFC, 0x3DC0_0020), (0xFFD, 0xB840_0020 /* ldr w0,[x1] */), (0xFFE, 0xB800_0020 /* str w0,[x1] */)] {
            let o = try onBothEngines([A64.movz(5, 1), insn, A64.svc()], prepare: { _, c in
                c.x[1] = SimTestBed.dataVA + offset
                c.x[0] = 0x1122_3344_5566_7788
            })
            guard case .memoryFault(let f) = o.traps.first else { XCTFail("no fault"); continue }
            XCTAssertEqual(f.address.raw, SimTestBed.dataVA + 0x1000, "0x\(String(insn, radix: 16)) at +0x\(String(offset, radix: 16))")
        }
    }

    func testUndefinedBreakpointsAndAMisalignedPC() throws {
        XCTAssertEqual(try onBothEngines([A64.movz(0, 1), A64.udf]).traps, [.undefinedInstruction])
        XCTAssertEqual(try onBothEngines([A64.nop, A64.brk(0x2A)]).traps, [.breakpoint(immediate: 42)])
        let misaligned = try onBothEngines([A64.br(9)], prepare: { _, c in c.x[9] = SimTestBed.codeVA + 0x102 })
        XCTAssertEqual(misaligned.traps, [.memoryFault(MemoryFault(address: VirtAddr(SimTestBed.codeVA + 0x102),
                                                                  access: .execute, status: .alignment))])
        XCTAssertEqual(try onBothEngines([A64.wfi, 0xD503_205F, 0xD503_203F, 0xD503_209F, A64.svc()]).traps, [.syscall],
                       "wfi, wfe, yield, sev are NOPs")
    }

    func testFloatingPointControlAndStatus() throws {
        // msr fpcr/fpsr with every bit set, then read them back; some FP work.
        let code: [UInt32] = [0xD51B_4400 /* msr fpcr, x0 */, 0xD51B_4421 /* msr fpsr, x1 */,
                              0xD53B_4402 /* mrs x2, fpcr */, 0xD53B_4423 /* mrs x3, fpsr */,
                              0x1E60_2820 /* fadd d0, d1, d0 */, 0x1E61_1800 /* fdiv d0, d0, d1 */, A64.svc()]
        let o = try onBothEngines(code, prepare: { _, c in
            c.x[0] = 0xFFFF_FFFF; c.x[1] = 0xFFFF_FFFF
            c.fp.v[0] = (1.0 as Double).bitPattern; c.fp.v[2] = (3.0 as Double).bitPattern
        })
        XCTAssertEqual(o.registers[2], 0x07F7_0000, "FPCR: the A72 keeps AHP, DN, FZ, RMode, Stride, Len")
        XCTAssertEqual(o.registers[3], 0xF800_009F, "FPSR: N, Z, C, V, QC and the exception flags")
    }
}

extension SimTestBed {
    /// The frame mapped at `va` (its level-3 leaf).
    func leafFrame(_ va: UInt64) -> PhysAddr { PageDescriptor(raw: leafSlot(va).pointee).outputAddress }
}
