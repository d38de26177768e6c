// A64Semantics.hpp: the arithmetic both halves of the cold tier share (the
// full decoder, KenixJIT+Interpreter.cpp, and the predecoded fast path,
// KenixJIT+FastPath.cpp): instruction fields, flags, shifts, extends, bit
// masks, conditions, and register naming. One definition, so the two can
// never disagree on what an instruction computes.
#pragma once

#include "KenixJIT.hpp"

#include <array>

namespace kenix::a64 {

using i64 = std::int64_t;
using i32 = std::int32_t;

constexpr u32 field(u32 word, unsigned low, unsigned width) { return (word >> low) & ((1u << width) - 1); }
constexpr bool bitAt(u32 word, unsigned b) { return (word >> b) & 1; }
constexpr u64 signExtend(u64 value, unsigned width) {
    return static_cast<u64>(static_cast<i64>(value << (64 - width)) >> (64 - width));
}
constexpr u64 ones(unsigned width) { return width >= 64 ? ~u64{0} : (u64{1} << width) - 1; }
constexpr u64 rotateRight(u64 value, unsigned amount, unsigned width) {
    amount %= width;
    if (amount == 0) return value;
    return ((value >> amount) | (value << (width - amount))) & ones(width);
}

/// The operand mask of a 64-bit (sf) or 32-bit instruction.
constexpr u64 widthMask(bool sf) { return sf ? ~u64{0} : 0xFFFF'FFFF; }

constexpr u32 kN = 8, kZ = 4, kC = 2, kV = 1;

/// NZCV (as 4 bits) of a 64- or 32-bit add with carry in. Branch-free with
/// the compiler's overflow builtins (a compare is one of the commonest
/// interpreted instructions; the 128-bit sums this replaced cost ~35 host
/// instructions): carry out of either addition; signed overflow when both
/// operands have the sign the result lacks.
template<typename U>
inline u32 addFlags(U x, U y, bool carry, U &result) {
    U partial;
    const bool c1 = __builtin_add_overflow(x, y, &partial);
    const bool c2 = __builtin_add_overflow(partial, static_cast<U>(carry), &result);
    constexpr unsigned top = sizeof(U) * 8 - 1;
    const u32 n = static_cast<u32>(result >> top);
    const u32 v = static_cast<u32>(((x ^ result) & (y ^ result)) >> top);
    return n << 3 | u32{result == 0} << 2 | u32{c1 || c2} << 1 | v;
}

inline u64 addWithCarry(u64 x, u64 y, bool carry, bool is64, u32 &flags) {
    if (is64) {
        u64 result;
        flags = addFlags<u64>(x, y, carry, result);
        return result;
    }
    u32 result;
    flags = addFlags<u32>(static_cast<u32>(x), static_cast<u32>(y), carry, result);
    return result;
}

inline u32 logicalFlags(u64 result, bool is64) {
    const bool negative = is64 ? result >> 63 : (result >> 31) & 1;
    return (negative ? kN : 0) | (result == 0 ? kZ : 0);
}

/// AND, ORR, EOR, ANDS by `opc` (ANDS sets N and Z, clears C and V).
inline u64 logical(unsigned opc, u64 a, u64 b, bool is64, u32 &flags) {
    switch (opc) {
    case 0: return a & b;
    case 1: return a | b;
    case 2: return a ^ b;
    default:
        flags = logicalFlags(a & b, is64);
        return a & b;
    }
}

/// For each condition, the NZCV values (bit f) it holds for: one lookup
/// instead of a switch at every conditional branch and select.
constexpr std::array<std::uint16_t, 16> kConditionTable = [] {
    std::array<std::uint16_t, 16> table{};
    for (unsigned cond = 0; cond < 16; cond++) {
        for (unsigned f = 0; f < 16; f++) {
            const bool n = f & kN, z = f & kZ, c = f & kC, v = f & kV;
            bool result = true;   // AL and NV
            switch (cond >> 1) {
            case 0: result = z; break;
            case 1: result = c; break;
            case 2: result = n; break;
            case 3: result = v; break;
            case 4: result = c && !z; break;
            case 5: result = n == v; break;
            case 6: result = n == v && !z; break;
            default: break;
            }
            if ((cond & 1) && cond != 15) result = !result;
            if (result) table[cond] |= static_cast<std::uint16_t>(1u << f);
        }
    }
    return table;
}();

inline bool conditionHolds(unsigned cond, u32 f) { return (kConditionTable[cond & 15] >> (f & 15)) & 1; }

inline u64 shiftValue(u64 value, unsigned type, unsigned amount, bool is64) {
    const unsigned width = is64 ? 64 : 32;
    value &= ones(width);
    switch (type) {
    case 0: return (value << amount) & ones(width);
    case 1: return value >> amount;
    case 2: return is64 ? static_cast<u64>(static_cast<i64>(value) >> amount)
                        : static_cast<u32>(static_cast<i32>(value) >> amount);
    default: return rotateRight(value, amount, width);
    }
}

inline u64 extendValue(u64 value, unsigned option, unsigned shift) {
    u64 extended;
    switch (option) {
    case 0: extended = static_cast<u8>(value); break;
    case 1: extended = static_cast<std::uint16_t>(value); break;
    case 2: extended = static_cast<u32>(value); break;
    case 3: extended = value; break;
    case 4: extended = signExtend(value, 8); break;
    case 5: extended = signExtend(value, 16); break;
    case 6: extended = signExtend(value, 32); break;
    default: extended = value; break;
    }
    return extended << shift;
}

/// DecodeBitMasks of the ARM ARM: false for a reserved encoding.
inline bool decodeBitMasks(unsigned n, unsigned imms, unsigned immr, bool immediate, unsigned width, u64 &wmask, u64 &tmask) {
    const u32 combined = (n << 6) | (~imms & 0x3F);
    if (combined == 0) return false;
    const unsigned len = 31 - __builtin_clz(combined);
    if (len < 1) return false;
    const unsigned size = 1u << len;
    if (size > width) return false;
    const unsigned levels = size - 1;
    if (immediate && (imms & levels) == levels) return false;
    const unsigned s = imms & levels, r = immr & levels;
    const unsigned diff = (s - r) & levels;
    const u64 welem = ones(s + 1), telem = ones(diff + 1);
    u64 w = rotateRight(welem, r, size), t = telem;
    for (unsigned e = size; e < width; e *= 2) {
        w |= w << e;
        t |= t << e;
    }
    wmask = w & ones(width);
    tmask = t & ones(width);
    return true;
}

/// AdvSIMDExpandImm for MOVI and MVNI; false for the forms that are not
/// moves (ORR, BIC, FMOV).
inline bool expandModifiedImmediate(unsigned op, unsigned cmode, u64 imm8, u64 &result) {
    switch (cmode >> 1) {
    case 0: case 1: case 2: case 3:
        if (cmode & 1) return false;   // ORR/BIC (immediate)
        result = (imm8 << (8 * (cmode >> 1))) * 0x0000'0001'0000'0001;
        break;
    case 4: case 5:
        if (cmode & 1) return false;
        result = (imm8 << (8 * ((cmode >> 1) & 1))) * 0x0001'0001'0001'0001;
        break;
    case 6:
        result = ((cmode & 1) ? ((imm8 << 16) | 0xFFFF) : ((imm8 << 8) | 0xFF)) * 0x0000'0001'0000'0001;
        break;
    default:
        if (cmode == 0xF) return false;  // FMOV (vector, immediate)
        if (op == 0) {
            result = imm8 * 0x0101'0101'0101'0101;
        } else {
            result = 0;
            for (unsigned i = 0; i < 8; i++) {
                if ((imm8 >> i) & 1) result |= u64{0xFF} << (8 * i);
            }
            return true;   // MOVI (64-bit): op=1 is not MVNI here
        }
        break;
    }
    if (op == 1) result = ~result;   // MVNI
    return true;
}

/// The registers as an instruction names them: 31 is XZR or SP by context.
struct Registers {
    u64 *x;   // x0-x30, then SP
    u64 zr(unsigned r) const { return r == 31 ? 0 : x[r]; }
    u64 sp(unsigned r) const { return x[r]; }
    void setZR(unsigned r, u64 value) { if (r != 31) x[r] = value; }
    void setSP(unsigned r, u64 value) { x[r] = value; }
};

/// ADD/SUB (immediate, extended register): Rn is SP, and so is Rd unless
/// the flags are set.
inline void addSubtractWithSP(Registers r, unsigned rd, unsigned rn, u64 b, bool sub, bool setFlags, bool sf, u32 &flags) {
    u32 f;
    const u64 result = addWithCarry(r.sp(rn), sub ? ~b : b, sub, sf, f) & widthMask(sf);
    if (setFlags) {
        flags = f;
        r.setZR(rd, result);
    } else {
        r.setSP(rd, result);
    }
}

}  // namespace kenix::a64
