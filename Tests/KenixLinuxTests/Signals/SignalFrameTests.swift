// The AArch64 signal frame against glibc's own layout (offsets measured
// from Debian's aarch64 ucontext_t: uc_sigmask 40, uc_mcontext 176, regs
// 184, sp 432, pc 440, pstate 448, __reserved 464; siginfo 128 bytes;
// struct rt_sigframe 4688 bytes), the FPSIMD record, the round trip
// through rt_sigreturn, and what a forged frame gets.
import KenixLinux
import XCTest

final class SignalFrameTests: XCTestCase {
    func registers() -> UserRegisters {
        var r = UserRegisters()
        for i in 0..<31 { r.x[i] = UInt64(i) &* 0x1111_1111 }
        r.sp = 0x7FFF_FFF0_0000
        r.pc = 0x400ABC
        r.nzcv = 0x6000_0000
        r.tpidr = 0x5D_8000
        r.fpcr = 0x0300_0000
        r.fpsr = 0x9F
        for i in 0..<64 { r.v[i] = UInt64(i) << 32 | 0xABCD }
        return r
    }

    func testOffsetsMatchGlibc() {
        XCTAssertEqual(SignalFrame.infoSize, 128)
        XCTAssertEqual(SignalFrame.sigmaskOffset - SignalFrame.ucontextOffset, 40)
        XCTAssertEqual(SignalFrame.mcontextOffset - SignalFrame.ucontextOffset, 176)
        XCTAssertEqual(SignalFrame.registersOffset - SignalFrame.ucontextOffset, 184)
        XCTAssertEqual(SignalFrame.spOffset - SignalFrame.ucontextOffset, 432)
        XCTAssertEqual(SignalFrame.pcOffset - SignalFrame.ucontextOffset, 440)
        XCTAssertEqual(SignalFrame.pstateOffset - SignalFrame.ucontextOffset, 448)
        XCTAssertEqual(SignalFrame.reservedOffset - SignalFrame.ucontextOffset, 464)
        XCTAssertEqual(SignalFrame.size, 4688, "sizeof(struct rt_sigframe)")
        XCTAssertEqual(SignalFrame.fpsimdSize, 528, "sizeof(struct fpsimd_context)")
    }

    func testBuildWritesRegistersInfoAndFPSIMD() {
        let r = registers()
        var info = SignalInfo(signal: Signal.SIGUSR1, code: SignalInfo.userCode)
        info.pid = 42
        let b = SignalFrame.build(r, info: info, savedMask: SignalSet(bits: 0x5), altStack: AltStack())
        XCTAssertEqual(b.count, SignalFrame.size)
        XCTAssertEqual(LE.u32(b, 0), UInt32(Signal.SIGUSR1), "si_signo")
        XCTAssertEqual(LE.u32(b, 8), 0, "si_code SI_USER")
        XCTAssertEqual(LE.u32(b, 16), 42, "si_pid")
        XCTAssertEqual(LE.u64(b, SignalFrame.sigmaskOffset), 0x5)
        XCTAssertEqual(LE.u32(b, SignalFrame.stackOffset + 8), AltStack.disable, "uc_stack.ss_flags: SS_DISABLE")
        XCTAssertEqual(LE.u64(b, SignalFrame.registersOffset + 8 * 30), r.x[30])
        XCTAssertEqual(LE.u64(b, SignalFrame.spOffset), r.sp)
        XCTAssertEqual(LE.u64(b, SignalFrame.pcOffset), r.pc)
        XCTAssertEqual(LE.u64(b, SignalFrame.pstateOffset), 0x6000_0000)
        let fp = SignalFrame.reservedOffset
        XCTAssertEqual(LE.u32(b, fp), 0x4650_8001, "FPSIMD_MAGIC")
        XCTAssertEqual(LE.u32(b, fp + 4), 528)
        XCTAssertEqual(LE.u32(b, fp + 8), 0x9F, "fpsr")
        XCTAssertEqual(LE.u32(b, fp + 12), 0x0300_0000, "fpcr")
        XCTAssertEqual(LE.u64(b, fp + 16 + 8 * 63), r.v[63], "v31's high half")
        XCTAssertEqual(LE.u64(b, fp + 528), 0, "the terminator record follows")
    }

    func testFaultInfoCarriesTheAddress() {
        let i = SignalInfo.fault(Signal.SIGSEGV, code: SignalInfo.segvMapError, address: 0x10)
        let b = SignalFrame.build(registers(), info: i, savedMask: .empty, altStack: AltStack())
        XCTAssertEqual(LE.u64(b, 16), 0x10, "si_addr")
        XCTAssertEqual(LE.u32(b, 8), 1, "SEGV_MAPERR")
        XCTAssertEqual(LE.u64(b, SignalFrame.faultAddressOffset), 0x10, "sigcontext.fault_address")
    }

    func testRoundTripRestoresEverythingButTPIDR() throws {
        let r = registers()
        let b = SignalFrame.build(r, info: SignalInfo(signal: 2, code: 0x80), savedMask: SignalSet(bits: 1 << 9 | 1 << 8),
                                  altStack: AltStack())
        var current = UserRegisters()
        current.tpidr = 0x77
        let (restored, mask) = try XCTUnwrap(SignalFrame.restore(b, over: current))
        var expected = r
        expected.tpidr = 0x77
        XCTAssertEqual(restored, expected)
        XCTAssertEqual(mask.bits, 1 << 9, "SIGKILL cannot come back blocked")
    }

    func testAHandlerMayChangeTheFrame() throws {
        var b = SignalFrame.build(registers(), info: SignalInfo(signal: 2, code: 0), savedMask: .empty, altStack: AltStack())
        LE.put64(&b, SignalFrame.pcOffset, 0x401000)
        LE.put64(&b, SignalFrame.registersOffset, 99)
        let (r, _) = try XCTUnwrap(SignalFrame.restore(b, over: UserRegisters()))
        XCTAssertEqual(r.pc, 0x401000)
        XCTAssertEqual(r.x[0], 99)
    }

    func testForgedFramesAreRefused() {
        let good = SignalFrame.build(registers(), info: SignalInfo(signal: 2, code: 0), savedMask: .empty, altStack: AltStack())
        var privileged = good
        LE.put64(&privileged, SignalFrame.pstateOffset, 0x3C5)   // EL1h with interrupts masked
        XCTAssertNil(SignalFrame.restore(privileged, over: UserRegisters()), "a PSTATE beyond NZCV")
        var noFP = good
        LE.put32(&noFP, SignalFrame.reservedOffset, 0x1234_5678)
        XCTAssertNil(SignalFrame.restore(noFP, over: UserRegisters()), "no FPSIMD record")
        var badSize = good
        LE.put32(&badSize, SignalFrame.reservedOffset + 4, 17)
        XCTAssertNil(SignalFrame.restore(badSize, over: UserRegisters()), "a record size that is not a multiple of 16")
        var huge = good
        LE.put32(&huge, SignalFrame.reservedOffset + 4, 0xFFFF_FFF0)
        XCTAssertNil(SignalFrame.restore(huge, over: UserRegisters()), "a record running off __reserved")
        var misaligned = good
        LE.put64(&misaligned, SignalFrame.pcOffset, 0x400002)
        XCTAssertNil(SignalFrame.restore(misaligned, over: UserRegisters()), "a misaligned pc")
        XCTAssertNil(SignalFrame.restore(Array(good[0..<100]), over: UserRegisters()), "a short frame")
    }

    func testPlacementIsAlignedBelowSP() {
        for sp: UInt64 in [0x7FFF_FFF0_0000, 0x7FFF_FFF0_0008, 0x7FFF_FFF0_0001] {
            let (frame, record) = SignalFrame.placement(below: sp)
            XCTAssertEqual(frame % 16, 0)
            XCTAssertEqual(record % 16, 0)
            XCTAssertLessThanOrEqual(record + 16, sp, "the frame record below sp")
            XCTAssertLessThanOrEqual(frame + UInt64(SignalFrame.size), record, "the frame below the record")
        }
    }

    func testRegisterFileRoundTrip() {
        let r = registers()
        XCTAssertEqual(r.file.count, 808)
        XCTAssertEqual(UserRegisters(file: r.file), r)
    }
}
