// PredecodedForms.hpp: the instruction forms the cold tier's fast path
// decodes once per pc (KenixJIT+FastPath.cpp) and the loop compiler turns
// into C (LoopSource.cpp). One list, so that the two agree on what each
// record's fields mean.
#pragma once

#include "KenixJIT.hpp"

namespace kenix {

/// The forms `Predecoded::op` names. Registers: a = Rd/Rt, b = Rn, c =
/// Rm/Rt2; d and e as each form says; `imm` a value, offset or target.
enum FastOp : u8 {
    kSlow = 0,      // the full decoder runs it
    kMoveImmediate, // MOVZ, MOVN, ADR, ADRP: imm = the value
    kMoveKeep,      // MOVK: d = shift, e = sf, imm = the shifted half-word
    kAddImmediate,  // ADD (immediate), SP allowed: e = sf
    kSubImmediate,  // SUB (immediate), SP allowed: e = sf
    kAddSubFlags,   // ADDS, SUBS (immediate; CMP, CMN): d = sub, e = sf
    kLogicalImm,    // AND, ORR, EOR, ANDS (immediate): d = opc, e = sf, imm = the mask
    kMoveRegister,  // ORR Rd, ZR, Rm: e = sf
    kLogicalReg,    // logical (shifted register): d = opc | N << 2 | type << 3, e = sf, imm = amount
    kAddSubReg,     // ADD/SUB(S) (shifted register): d = sub | S << 1 | type << 2, e = sf, imm = amount
    kBranch,        // B: imm = target
    kBranchLink,    // BL: imm = target
    kBranchCond,    // B.cond: d = cond, imm = target
    kCompareBranch, // CBZ, CBNZ: d = CBNZ, e = sf, imm = target
    kTestBranch,    // TBZ, TBNZ: d = bit number, e = TBNZ, imm = target
    kBranchReg,     // BR, RET
    kBranchLinkReg, // BLR
    kLoad,          // LDR/LDRB/LDRH (unsigned offset), zero-extending: d = bytes, imm = offset
    kStore,         // STR/STRB/STRH (unsigned offset): d = bytes, imm = offset
    kLoadImm9,      // LDUR or pre/post-indexed LDR: d = bytes, e = kind (0 unscaled, 1 post, 3 pre), imm = offset
    kStoreImm9,     // STUR or pre/post-indexed STR: as kLoadImm9
    kLoadPair,      // LDP/LDNP (W, X): d = bytes, e = mode (1 post, 2 offset, 3 pre, 0 no-allocate), imm = offset
    kStorePair,     // STP/STNP (W, X): as kLoadPair
    kCondSelect,    // CSEL, CSINC, CSINV, CSNEG: d = cond, e = sf | invert << 1 | increment << 2
    kLoadRegister,  // LDR/LDRB/LDRH (register offset), zero-extending: d = bytes, e = option | shift << 3
    kStoreRegister, // STR/STRB/STRH (register offset): as kLoadRegister
    kBitfield,      // SBFM, BFM, UBFM (LSL, LSR, ASR, extends): c = immr, d = imms, e = sf | opc << 1,
                    // imm = wmask, imm2 = tmask (not the operand mask)
    kMultiplyAdd,   // MADD, MSUB (MUL, MNEG): d = Ra, e = sf | minus << 1
    kShiftVariable, // LSLV, LSRV, ASRV, RORV: d = type, e = sf
    kNop,           // NOP
    kSupervisorCall,// SVC: imm = its immediate (every IPC and system call passes here)
};

/// The branch forms, and of them those that may fall through and those
/// whose target is `imm` (not a register).
constexpr bool isBranchForm(u8 op) { return op >= kBranch && op <= kBranchLinkReg; }
constexpr bool isConditionalBranchForm(u8 op) {
    return op == kBranchCond || op == kCompareBranch || op == kTestBranch;
}
constexpr bool branchesToImmediate(u8 op) { return isBranchForm(op) && op != kBranchReg && op != kBranchLinkReg; }
static_assert(kBranch + 6 == kBranchLinkReg, "the branch forms are kBranch...kBranchLinkReg, in a row");

}  // namespace kenix
