// The test encoders against words llvm-mc produced for the same assembly.
import XCTest

final class EncodingTests: XCTestCase {
    func testEncodersMatchAssembler() {
        let cases: [(UInt32, UInt32, String)] = [
            (A64.movz(3, 0x1234, shift: 16), 0xD2A2_4683, "movz x3, #0x1234, lsl #16"),
            (A64.movk(3, 0xBEEF, shift: 32), 0xF2D7_DDE3, "movk x3, #0xbeef, lsl #32"),
            (A64.movz(0, 42), 0xD280_0540, "movz x0, #42"),
            (A64.svc(), 0xD400_0001, "svc #0"),
            (A64.svc(5), 0xD400_00A1, "svc #5"),
            (A64.brk(0x2A), 0xD420_0540, "brk #0x2a"),
            (A64.b(8), 0x1400_0002, "b .+8"),
            (A64.b(-4), 0x17FF_FFFF, "b .-4"),
            (A64.bne(-8), 0x54FF_FFC1, "b.ne .-8"),
            (A64.ldr(2, 1), 0xF940_0022, "ldr x2, [x1]"),
            (A64.ldr(2, 1, offset: 16), 0xF940_0822, "ldr x2, [x1, #16]"),
            (A64.str(2, 1, offset: 8), 0xF900_0422, "str x2, [x1, #8]"),
            (A64.add(0, 0, 1), 0x9100_0400, "add x0, x0, #1"),
            (A64.subs(1, 1, 1), 0xF100_0421, "subs x1, x1, #1"),
            (A64.br(9), 0xD61F_0120, "br x9"),
            (A64.mrsSCTLR(0), 0xD538_1000, "mrs x0, sctlr_el1"),
            (A64.msrSCTLR(0), 0xD518_1000, "msr sctlr_el1, x0"),
            (A64.fmovToD(1, 2), 0x9E67_0041, "fmov d1, x2"),
            (A64.fadd(3, 1, 2), 0x1E62_2823, "fadd d3, d1, d2"),
            (A64.fmovToX(4, 3), 0x9E66_0064, "fmov x4, d3"),
            (A64.mov(5, 6), 0xAA06_03E5, "mov x5, x6"),
            (A64.insHigh(0, 1), 0x4E18_1C20, "mov v0.d[1], x1"),
            (A64.umovHigh(0, 1), 0x4E18_3C20, "mov x0, v1.d[1]"),
            (A64.ldrb(0, 1), 0x3940_0020, "ldrb w0, [x1]"),
            (A64.strb(0, 1), 0x3900_0020, "strb w0, [x1]"),
            (A64.ldxr(1, 5, acquire: true), 0xC85F_FCA1, "ldaxr x1, [x5]"),
            (A64.ldxr(6, 5), 0xC85F_7CA6, "ldxr x6, [x5]"),
            (A64.stxr(2, 1, 5, release: true), 0xC802_FCA1, "stlxr w2, x1, [x5]"),
            (A64.stxr(7, 6, 5), 0xC807_7CA6, "stxr w7, x6, [x5]"),
            (A64.clrex, 0xD503_3F5F, "clrex"),
            (A64.ldar(8, 5), 0xC8DF_FCA8, "ldar x8, [x5]"),
            (A64.stlr(8, 9), 0xC89F_FD28, "stlr x8, [x9]"),
            (A64.ldar(10, 9, word: true), 0x88DF_FD2A, "ldar w10, [x9]"),
            (A64.cbnzW(2, -24), 0x35FF_FF42, "cbnz w2, .-24"),
            (A64.mrsFPCR(2), 0xD53B_4402, "mrs x2, fpcr"),
            (A64.msrNZCV(2), 0xD51B_4202, "msr nzcv, x2"),
            (A64.mrsCNTVCT(0), 0xD53B_E040, "mrs x0, cntvct_el0"),
            (A64.msrTPIDR(0), 0xD51B_D040, "msr tpidr_el0, x0"),
        ]
        for (got, want, text) in cases {
            XCTAssertEqual(got, want, "\(text): got \(String(got, radix: 16))")
        }
    }
}
