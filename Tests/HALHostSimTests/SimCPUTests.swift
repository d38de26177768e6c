// SimCPU: traps, registers, undefined and privileged instructions at EL0.
import HAL
import XCTest
@testable import HALHostSim

final class SimCPUTests: XCTestCase {
    func testSvcReturnsSyscallWithRegistersAndPC() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        ctx.x[8] = 4
        let trap = bed.run([A64.movz(0, 42), A64.svc()], &ctx)
        XCTAssertEqual(trap, .syscall)
        XCTAssertEqual(ctx.x[0], 42)
        XCTAssertEqual(ctx.x[8], 4)
        XCTAssertEqual(ctx.pc, SimTestBed.codeVA + 8)
        XCTAssertEqual(ctx.sp, SimTestBed.stackTop)
        XCTAssertEqual(bed.machine.now, 2, "two instructions, one tick each")
    }

    func testResumeAfterSyscallContinuesWithKernelEditedRegisters() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        // x0 += 1 ; svc ; b .-8  -> each round returns x0 + 1
        XCTAssertEqual(bed.run([A64.add(0, 0, 1), A64.svc(), A64.b(-8)], &ctx), .syscall)
        XCTAssertEqual(ctx.x[0], 1)
        ctx.x[0] = 100 // the kernel's result
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        XCTAssertEqual(ctx.x[0], 101)
        XCTAssertEqual(ctx.pc, SimTestBed.codeVA + 8)
    }

    func testAllIntegerRegistersSurviveATrap() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        for i in 0..<31 { ctx.x[i] = 0x1111_0000_0000_0000 &* UInt64(i + 1) &+ UInt64(i) }
        ctx.sp = 0x7FFF_FF00
        ctx.tpidr = 0xDEAD_BEEF_0000_1234
        ctx.nzcv = 0xA000_0000
        let before = ctx
        XCTAssertEqual(bed.run([A64.svc()], &ctx), .syscall)
        for i in 0..<31 { XCTAssertEqual(ctx.x[i], before.x[i], "x\(i)") }
        XCTAssertEqual(ctx.sp, before.sp)
        XCTAssertEqual(ctx.tpidr, before.tpidr)
        XCTAssertEqual(ctx.nzcv, before.nzcv)
    }

    func testUserCodeChangesReachTheContext() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        ctx.x[2] = 0xC000_0000
        ctx.x[1] = 0x1234_5678_9ABC_DEF0
        let code = [A64.msrNZCV(2), A64.msrTPIDR(1), A64.insHigh(7, 1), A64.svc()]
        XCTAssertEqual(bed.run(code, &ctx), .syscall)
        XCTAssertEqual(ctx.nzcv, 0xC000_0000)
        XCTAssertEqual(ctx.tpidr, 0x1234_5678_9ABC_DEF0)
        XCTAssertEqual(ctx.fp.v[15], 0x1234_5678_9ABC_DEF0, "q7 high half")
    }

    func testFloatingPointRegistersRoundTripAndFPWorksAtEL0() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        for i in 0..<64 { ctx.fp.v[i] = 0x0101_0101_0101_0101 &* UInt64(i + 1) }
        ctx.fp.fpcr = 0x0300_0000 // FZ | DN
        ctx.fp.fpsr = 0x10        // IXC
        let before = ctx
        XCTAssertEqual(bed.run([A64.svc(), A64.b(-4)], &ctx), .syscall)
        for i in 0..<64 { XCTAssertEqual(ctx.fp.v[i], before.fp.v[i], "v[\(i)]") }
        XCTAssertEqual(ctx.fp.fpcr, before.fp.fpcr)
        XCTAssertEqual(ctx.fp.fpsr, before.fp.fpsr)

        // d1 = 1.5 (from x2); d3 = d1 + d1; x4 = d3; x5 = v0.d[1]
        var c2 = bed.context(at: SimTestBed.codeVA + 0x1000)
        c2.x[2] = (1.5 as Double).bitPattern
        c2.fp.v[1] = 0xFEED
        bed.load([A64.fmovToD(1, 2), A64.fadd(3, 1, 1), A64.fmovToX(4, 3), A64.umovHigh(5, 0),
                  A64.mrsFPCR(6), A64.svc()], at: SimTestBed.codeVA + 0x1000)
        c2.fp.fpcr = 0x0200_0000
        XCTAssertEqual(bed.hal.cpu.enterUser(&c2), .syscall)
        XCTAssertEqual(Double(bitPattern: c2.x[4]), 3.0)
        XCTAssertEqual(c2.fp.v[6], (3.0 as Double).bitPattern, "d3 low half")
        XCTAssertEqual(c2.x[5], 0xFEED)
        XCTAssertEqual(c2.x[6], 0x0200_0000, "fpcr as user code reads it")
    }

    func testUndefinedInstruction() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        XCTAssertEqual(bed.run([A64.movz(0, 1), A64.udf], &ctx), .undefinedInstruction)
        XCTAssertEqual(ctx.pc, SimTestBed.codeVA + 4, "pc at the undefined instruction")
        XCTAssertEqual(ctx.x[0], 1)
    }

    func testPrivilegedInstructionsAreUndefinedAtEL0() throws {
        for insn in [A64.mrsSCTLR(0), A64.msrSCTLR(0), A64.eret, A64.mrsCNTVCT(0),
                     0xD503_43DF /* msr daifset, #3 */, 0xD400_0002 /* hvc #0 */,
                     0xD538_0000 /* mrs x0, midr_el1 */] {
            let bed = try SimTestBed()
            var ctx = bed.context()
            XCTAssertEqual(bed.run([insn, A64.svc()], &ctx), .undefinedInstruction,
                           "0x\(String(insn, radix: 16))")
            XCTAssertEqual(ctx.pc, SimTestBed.codeVA)
        }
    }

    func testBreakpointReportsItsImmediate() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        XCTAssertEqual(bed.run([A64.nop, A64.brk(0x2A)], &ctx), .breakpoint(immediate: 42))
        XCTAssertEqual(ctx.pc, SimTestBed.codeVA + 4)
    }

    func testMisalignedPCIsAnAlignmentFault() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        ctx.x[9] = SimTestBed.codeVA + 0x102
        let trap = bed.run([A64.br(9)], &ctx)
        XCTAssertEqual(trap, .memoryFault(MemoryFault(address: VirtAddr(SimTestBed.codeVA + 0x102),
                                                      access: .execute, status: .alignment)))
    }

    func testWFIAndHintsAreNops() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        let code = [A64.wfi, 0xD503_205F /* wfe */, 0xD503_203F /* yield */, A64.movz(0, 7), A64.svc()]
        XCTAssertEqual(bed.run(code, &ctx), .syscall)
        XCTAssertEqual(ctx.x[0], 7)
    }

    func testUnalignedDataAccessWithinAPageWorks() throws {
        let bed = try SimTestBed()
        let frame = bed.map(SimTestBed.dataVA)
        bed.write64(frame.adding(8), 0x1122_3344_5566_7788)
        var ctx = bed.context()
        ctx.x[1] = SimTestBed.dataVA + 9
        XCTAssertEqual(bed.run([A64.ldr(0, 1), A64.svc()], &ctx), .syscall)
        XCTAssertEqual(ctx.x[0], 0x0011_2233_4455_6677 & 0x00FF_FFFF_FFFF_FFFF)
    }

    func testEnterUserBeforeAnyProgressReturnsPendingInterrupt() throws {
        let bed = try SimTestBed()
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        bed.hal.timer.setDeadline(0)
        var ctx = bed.context()
        XCTAssertEqual(bed.run([A64.movz(0, 1), A64.svc()], &ctx), .interrupt)
        XCTAssertEqual(ctx.pc, SimTestBed.codeVA)
        XCTAssertEqual(ctx.x[0], 0)
        XCTAssertEqual(bed.machine.now, 0)
    }
}
