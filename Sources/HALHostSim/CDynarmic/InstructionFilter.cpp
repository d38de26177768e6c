// InstructionFilter.cpp: the CPU baseline, as the JIT core enforces it.
//
// Both engines must run exactly the same instructions and refuse exactly the
// same ones. The Unicorn engine is QEMU's Cortex-A72 model (ARMv8.0-A with
// the AES, PMULL, SHA1, SHA256 and CRC32 extensions), like `make run-kernel`'s
// `-cpu cortex-a72`, at EL0 with the SCTLR_EL1 the AArch64 backend programs
// (DZE and UCT set, UCI clear, UMA clear). dynarmic 6.4.5 implements more
// than that; this filter makes it refuse the rest. docs/cpu-baseline.md is the
// written baseline; Sources/KenixABI/CPUBaseline.swift has it as constants.
//
// EL0 system instructions: only what the A72 model allows at EL0 (measured
// by enumerating every MRS/MSR/SYS encoding in the Unicorn engine):
//   MRS  CTR_EL0, DCZID_EL0, NZCV, FPCR, FPSR, TPIDR_EL0, TPIDRRO_EL0,
//        PMUSERENR_EL0 (reads 0)
//   MSR  NZCV, FPCR, FPSR, TPIDR_EL0
//   SYS  DC ZVA
// Emulated by the core (KenixJIT+Code.cpp) rather than by dynarmic: DC ZVA
// (dynarmic 6.4.5 zeroes from the unaligned address), PMUSERENR_EL0 (unknown
// to dynarmic), FPCR (the A72 keeps fewer bits than dynarmic, and two that
// dynarmic drops) and FPSR (dynarmic drops bits 31:28, which QEMU keeps).
// Everything else in the system space is undefined: cache maintenance by VA
// (UCI = 0), the generic timer (CNTKCTL_EL1 = 0), DAIF (UMA = 0), MSR
// (immediate), and the ARMv8.4/8.5 flag instructions (CFINV, RMIF, XAFLAG,
// AXFLAG).
// Outside it, dynarmic's extensions beyond the baseline are undefined: LOR
// (LDLAR, STLLR), dot product, FCMA, SHA512, SHA3 (EOR3, BCAX, RAX1, XAR),
// SM3 and SM4.
#include "KenixJIT.hpp"

namespace kenix {

namespace {

constexpr bool is(u32 word, u32 mask, u32 value) { return (word & mask) == value; }

/// op0:op1:CRn:CRm:op2 of a system register move, as one number.
constexpr u32 sysreg(u32 word) { return (word >> 5) & 0x7FFF; }
constexpr u32 encode(u32 op0, u32 op1, u32 crn, u32 crm, u32 op2) {
    return (op0 - 2) << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
}

Classified systemInstruction(u32 word) {
    if (is(word, 0xFFF0'0000, 0xD530'0000)) {   // MRS
        switch (sysreg(word)) {
        case encode(3, 3, 0, 0, 1):   // CTR_EL0
        case encode(3, 3, 0, 0, 7):   // DCZID_EL0
        case encode(3, 3, 4, 2, 0):   // NZCV
        case encode(3, 3, 13, 0, 2):  // TPIDR_EL0
        case encode(3, 3, 13, 0, 3):  // TPIDRRO_EL0
            return Classified::run;
        case encode(3, 3, 4, 4, 0):   // FPCR (dynarmic drops Stride and Len)
        case encode(3, 3, 4, 4, 1):   // FPSR (dynarmic drops bits 31:28)
        case encode(3, 3, 9, 14, 0):  // PMUSERENR_EL0
            return Classified::emulate;
        default:
            return Classified::undefined;
        }
    }
    if (is(word, 0xFFF0'0000, 0xD510'0000)) {   // MSR (register)
        switch (sysreg(word)) {
        case encode(3, 3, 4, 2, 0):   // NZCV
        case encode(3, 3, 13, 0, 2):  // TPIDR_EL0
            return Classified::run;
        case encode(3, 3, 4, 4, 0):   // FPCR (masked to the A72's bits)
        case encode(3, 3, 4, 4, 1):   // FPSR (bits 31:28 kept aside)
            return Classified::emulate;
        default:
            return Classified::undefined;
        }
    }
    if (is(word, 0xFFF8'0000, 0xD508'0000) || is(word, 0xFFF8'0000, 0xD528'0000)) {   // SYS, SYSL
        return is(word, 0xFFFF'FFE0, 0xD50B'7420) ? Classified::emulate : Classified::undefined;
    }
    if (is(word, 0xFFF8'F01F, 0xD500'401F)) return Classified::undefined;   // MSR (imm), CFINV, [AX]XAFLAG
    return Classified::run;   // HINT, barriers, CLREX
}

}  // namespace

Classified classify(u32 word) {
    if (is(word, 0xFFFF'0000, 0x0000'0000)) return Classified::undefined;                      // UDF
    if (is(word, 0xFFC0'0000, 0xD500'0000)) return systemInstruction(word);                    // system space
    if (is(word, 0xFFE0'7C00, 0xBA00'0400)) return Classified::undefined;                      // RMIF
    if (is(word, 0x3FBF'FC00, 0x089F'7C00)) return Classified::undefined;                      // STLLR*, LDLAR* (LOR)
    if (is(word, 0x9F20'FC00, 0x0E00'9400)) return Classified::undefined;                      // SDOT/UDOT (vector)
    if (is(word, 0x9F00'F400, 0x0F00'E000)) return Classified::undefined;                      // SDOT/UDOT (element)
    if (is(word, 0xBF20'C400, 0x2E00'C400)) return Classified::undefined;                      // FCMLA/FCADD (vector)
    if (is(word, 0xBF00'9400, 0x2F00'1000)) return Classified::undefined;                      // FCMLA (element)
    if (is(word, 0xFF00'0000, 0xCE00'0000)) return Classified::undefined;                      // SHA512, SHA3, SM3, SM4
    return Classified::run;
}

}  // namespace kenix
