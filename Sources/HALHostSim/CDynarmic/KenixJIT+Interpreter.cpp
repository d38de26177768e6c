// KenixJIT+Interpreter.cpp: the cold tier. Code runs here, one instruction
// at a time, until it has proven hot; only then does dynarmic translate it.
//
// Why: translating costs dynarmic ~14 µs per guest instruction on this host
// kind (its register allocator), and most code a boot reaches runs a handful
// of times: of the ~30,700 distinct instructions of the default boot, 20,000
// run fewer than 10 times and 26,000 fewer than 100 (counted with a code hook
// in the Unicorn engine). Interpreting one costs a few nanoseconds.
//
// How the tiers meet:
//   - `heat` counts entries to each block start the interpreter reaches (a
//     branch target, or where a run hands it the pc). At `hotThreshold` the
//     pc is hot: the interpreter stops there and the Jit runs it.
//   - When the Jit's dispatcher asks for a block at a cold pc, the core gives
//     it a stub instead (MemoryReadCode): a lone continuation marker that
//     stops the Jit at that pc, uncounted, so the run loop interprets from
//     there. A stub is recorded as a block that runs nothing, so real blocks
//     are cut before it as before any other entry, and is dropped when its
//     pc turns hot (`promote`).
//   - Whatever the interpreter does not implement (exclusive pairs, most of
//     FP/SIMD, system registers other than TPIDR_EL0 and NZCV, every
//     unpredictable or unallocated form, hints other than NOP) it hands to the
//     Jit before retiring it: the pc is promoted and dynarmic runs it, so the
//     Jit stays the one authority on every corner of the architecture.
//     Exclusives of one register it runs as dynarmic's code does, on the
//     Jit's own exclusive flag and monitor (`exclusiveOrOrdered`): they are
//     Swift's reference counting, and handing each to the Jit cost a boot
//     ~8,300 trips into translated code.
// The registers are the Jit's own, in place (the interpreter runs only when
// the core found them: directRegisters), so a switch of tier moves nothing
// but NZCV. Memory goes through the same accessors as the Jit's callbacks
// (KenixJIT+Memory.cpp): the same page fills, faults, page-crossing splits.
// Counting is exact by construction: one instruction at a time, stopping at
// the budget. Which tier ran an instruction is never visible to the guest;
// the differential tests check that (JITInterpreterTests, engines.sh).
// This file holds the tiers' bookkeeping and the full decoder (execute);
// the loop and the predecoded fast path that runs the common forms are in
// KenixJIT+FastPath.cpp, and the arithmetic both use in A64Semantics.hpp.
#include "A64Semantics.hpp"

#include <algorithm>

namespace kenix {

using namespace a64;

void Core::setHotThreshold(u32 threshold) {
    hotThreshold = stateGeneral ? (threshold > 0xFFFF ? 0xFFFF : threshold) : 0;
}

void Core::resetHeat() {
    std::fill(heat.get(), heat.get() + kHeatSlots, std::uint16_t{0});
}

void Core::promote(u64 pc) {
    heat[heatSlot(pc)] = static_cast<std::uint16_t>(hotThreshold);
    const auto it = blocks.find(pc);
    if (it != blocks.end() && it->second.stub) {
        jit->InvalidateCacheRange(pc, 4);
        blocks.erase(it);
    }
}

/// Whether the run loop interprets at `pc` (counting the entry).
bool Core::entersCold(u64 pc) {
    return hotThreshold != 0 && !enter(pc);
}

/// One instruction, decoded in full (the slow path of interpret(), for
/// whatever the predecoded forms do not cover), dispatched on its top-level
/// encoding group (op0, bits 28:25) so that a group's own checks are the
/// only ones it pays for.
Core::Executed Core::execute(u32 word, u64 &pc, u32 &flags) {
    const bool sf = bitAt(word, 31);
    const Fields fields{sf, field(word, 0, 5), field(word, 5, 5), field(word, 16, 5), widthMask(sf)};
    Executed what;
    switch ((word >> 25) & 0xF) {
    case 0x8: case 0x9: what = dataProcessingImmediate(word, fields, pc, flags); break;
    case 0xA: case 0xB: what = branchOrSystem(word, fields, pc, flags); break;
    case 0x4: case 0x6: case 0xC: case 0xE: what = loadStore(word, pc); break;
    case 0x5: case 0xD: what = dataProcessingRegister(word, fields, pc, flags); break;
    case 0x7: what = vectorImmediate(word, fields, pc, flags); break;
    default: return Executed::handOver;
    }
    if (what == Executed::next) pc += 4;
    return what;
}

Core::Executed Core::dataProcessingImmediate(u32 word, const Fields &fields, u64 &pc, u32 &flags) {
    Registers r{registerFile};
    const auto [sf, rd, rn, rm, mask] = fields;
    if ((word & 0x1F00'0000) == 0x1000'0000) {   // ADR, ADRP
        const u64 imm = signExtend((field(word, 5, 19) << 2) | field(word, 29, 2), 21);
        r.setZR(rd, sf ? (pc & ~u64{0xFFF}) + (imm << 12) : pc + imm);
        return Executed::next;
    }
    if ((word & 0x1F80'0000) == 0x1100'0000) {   // ADD/SUB (immediate)
        const bool sub = bitAt(word, 30), setFlags = bitAt(word, 29);
        u64 imm = field(word, 10, 12);
        if (bitAt(word, 22)) imm <<= 12;
        addSubtractWithSP(r, rd, rn, imm, sub, setFlags, sf, flags);
        return Executed::next;
    }
    if ((word & 0x1F80'0000) == 0x1200'0000) {   // logical (immediate)
        u64 wmask, tmask;
        if (!sf && bitAt(word, 22)) return Executed::handOver;
        if (!decodeBitMasks(bitAt(word, 22), field(word, 10, 6), field(word, 16, 6), true, sf ? 64 : 32, wmask, tmask))
            return Executed::handOver;
        const unsigned opc = field(word, 29, 2);
        const u64 result = logical(opc, r.zr(rn) & mask, wmask, sf, flags);
        if (opc == 3) r.setZR(rd, result);   // ANDS writes XZR, the others SP
        else r.setSP(rd, result);
        return Executed::next;
    }
    if ((word & 0x1F80'0000) == 0x1280'0000) {   // move wide
        const unsigned opc = field(word, 29, 2), hw = field(word, 21, 2);
        if (opc == 1 || (!sf && hw >= 2)) return Executed::handOver;
        const unsigned shift = 16 * hw;
        const u64 imm = u64{field(word, 5, 16)} << shift;
        u64 result;
        if (opc == 0) result = ~imm;
        else if (opc == 2) result = imm;
        else result = (r.zr(rd) & ~(u64{0xFFFF} << shift)) | imm;
        r.setZR(rd, result & mask);
        return Executed::next;
    }
    if ((word & 0x1F80'0000) == 0x1300'0000) {   // bitfield
        const unsigned opc = field(word, 29, 2), n = bitAt(word, 22);
        const unsigned immr = field(word, 16, 6), imms = field(word, 10, 6);
        const unsigned width = sf ? 64 : 32;
        if (opc == 3 || n != sf || (!sf && (immr >= 32 || imms >= 32))) return Executed::handOver;
        u64 wmask, tmask;
        if (!decodeBitMasks(n, imms, immr, false, width, wmask, tmask)) return Executed::handOver;
        const u64 src = r.zr(rn) & mask;
        const u64 dst = opc == 1 ? r.zr(rd) & mask : 0;
        const u64 bot = (dst & ~wmask) | (rotateRight(src, immr, width) & wmask);
        u64 top = opc == 0 && ((src >> imms) & 1) ? ones(width) : 0;
        if (opc == 1) top = dst;
        r.setZR(rd, ((top & ~tmask) | (bot & tmask)) & mask);
        return Executed::next;
    }
    if ((word & 0x1F80'0000) == 0x1380'0000) {   // EXTR
        const unsigned lsb = field(word, 10, 6);
        if (field(word, 29, 2) != 0 || bitAt(word, 21) || bitAt(word, 22) != sf || (!sf && lsb >= 32))
            return Executed::handOver;
        const u64 high = r.zr(rn) & mask, low = r.zr(rm) & mask;
        u64 result;
        if (lsb == 0) result = low;
        else if (sf) result = (low >> lsb) | (high << (64 - lsb));
        else result = ((low >> lsb) | (high << (32 - lsb))) & mask;
        r.setZR(rd, result);
        return Executed::next;
    }

    return Executed::handOver;
}

Core::Executed Core::branchOrSystem(u32 word, const Fields &fields, u64 &pc, u32 &flags) {
    Registers r{registerFile};
    const auto [sf, rd, rn, rm, mask] = fields;
    if ((word & 0x7C00'0000) == 0x1400'0000) {   // B, BL
        if (sf) r.x[30] = pc + 4;
        pc += signExtend(u64{field(word, 0, 26)} << 2, 28);
        return Executed::branched;
    }
    if ((word & 0x7E00'0000) == 0x3400'0000) {   // CBZ, CBNZ
        const bool zero = (r.zr(rd) & mask) == 0;
        pc += zero != bitAt(word, 24) ? signExtend(u64{field(word, 5, 19)} << 2, 21) : 4;
        return Executed::branched;
    }
    if ((word & 0x7E00'0000) == 0x3600'0000) {   // TBZ, TBNZ
        const unsigned b = (sf ? 32 : 0) | field(word, 19, 5);
        const bool set = (r.zr(rd) >> b) & 1;
        pc += set == bitAt(word, 24) ? signExtend(u64{field(word, 5, 14)} << 2, 16) : 4;
        return Executed::branched;
    }
    if ((word & 0xFF00'0010) == 0x5400'0000) {   // B.cond
        pc += conditionHolds(field(word, 0, 4), flags) ? signExtend(u64{field(word, 5, 19)} << 2, 21) : 4;
        return Executed::branched;
    }
    if ((word & 0xFFFF'FC1F) == 0xD61F'0000 || (word & 0xFFFF'FC1F) == 0xD65F'0000) {   // BR, RET
        pc = r.zr(rn);
        return Executed::branched;
    }
    if ((word & 0xFFFF'FC1F) == 0xD63F'0000) {   // BLR
        const u64 target = r.zr(rn);
        r.x[30] = pc + 4;
        pc = target;
        return Executed::branched;
    }
    if ((word & 0xFFE0'001F) == 0xD400'0001) {   // SVC
        stop = Stop::svc;
        info = field(word, 5, 16);
        pc += 4;
        return Executed::trapped;
    }
    if (word == 0xD503'201F || (word & 0xFFFF'F0FF) == 0xD503'309F || (word & 0xFFFF'F0FF) == 0xD503'30BF ||
        (word & 0xFFFF'F0FF) == 0xD503'30DF) {   // NOP; DSB, DMB, ISB
        return Executed::next;
    }
    if ((word & 0xFFFF'F0FF) == 0xD503'305F && stateExclusive) {   // CLREX: the Jit's flag, as its own does
        *stateExclusive = 0;
        return Executed::next;
    }
    if ((word & 0xFFFF'FFE0) == 0xD53B'D040) {   // MRS Xt, TPIDR_EL0
        r.setZR(rd, tpidr);
        return Executed::next;
    }
    if ((word & 0xFFFF'FFE0) == 0xD51B'D040) {   // MSR TPIDR_EL0, Xt
        tpidr = r.zr(rd);
        return Executed::next;
    }
    if ((word & 0xFFFF'FFE0) == 0xD53B'D060) {   // MRS Xt, TPIDRRO_EL0
        r.setZR(rd, tpidrro);
        return Executed::next;
    }
    if ((word & 0xFFFF'FFE0) == 0xD53B'4200) {   // MRS Xt, NZCV
        r.setZR(rd, u64{flags} << 28);
        return Executed::next;
    }
    if ((word & 0xFFFF'FFE0) == 0xD51B'4200) {   // MSR NZCV, Xt
        flags = static_cast<u32>(r.zr(rd) >> 28) & 0xF;
        return Executed::next;
    }

    return Executed::handOver;
}

Core::Executed Core::dataProcessingRegister(u32 word, const Fields &fields, u64 &pc, u32 &flags) {
    Registers r{registerFile};
    const auto [sf, rd, rn, rm, mask] = fields;
    if ((word & 0x1F00'0000) == 0x0A00'0000) {   // logical (shifted register)
        const unsigned amount = field(word, 10, 6);
        if (!sf && amount >= 32) return Executed::handOver;
        u64 b = shiftValue(r.zr(rm), field(word, 22, 2), amount, sf);
        if (bitAt(word, 21)) b = ~b & mask;
        r.setZR(rd, logical(field(word, 29, 2), r.zr(rn) & mask, b, sf, flags));
        return Executed::next;
    }
    if ((word & 0x1F20'0000) == 0x0B00'0000) {   // ADD/SUB (shifted register)
        const unsigned type = field(word, 22, 2), amount = field(word, 10, 6);
        if (type == 3 || (!sf && amount >= 32)) return Executed::handOver;
        const bool sub = bitAt(word, 30);
        const u64 b = shiftValue(r.zr(rm), type, amount, sf);
        u32 f;
        const u64 result = addWithCarry(r.zr(rn), sub ? ~b : b, sub, sf, f) & mask;
        if (bitAt(word, 29)) flags = f;
        r.setZR(rd, result);
        return Executed::next;
    }
    if ((word & 0x1F20'0000) == 0x0B20'0000) {   // ADD/SUB (extended register)
        const unsigned shift = field(word, 10, 3);
        if (field(word, 22, 2) != 0 || shift > 4) return Executed::handOver;
        const bool sub = bitAt(word, 30), setFlags = bitAt(word, 29);
        const u64 b = extendValue(r.zr(rm), field(word, 13, 3), shift) & mask;
        addSubtractWithSP(r, rd, rn, b, sub, setFlags, sf, flags);
        return Executed::next;
    }
    if ((word & 0x1FE0'FC00) == 0x1A00'0000) {   // ADC, ADCS, SBC, SBCS
        const bool sub = bitAt(word, 30);
        const u64 b = r.zr(rm);
        u32 f;
        const u64 result = addWithCarry(r.zr(rn), sub ? ~b : b, flags & kC, sf, f) & mask;
        if (bitAt(word, 29)) flags = f;
        r.setZR(rd, result);
        return Executed::next;
    }
    if ((word & 0x1FE0'0410) == 0x1A40'0000) {   // CCMN, CCMP (register, immediate)
        if (!bitAt(word, 29)) return Executed::handOver;
        if (conditionHolds(field(word, 12, 4), flags)) {
            const bool sub = bitAt(word, 30);
            const u64 b = bitAt(word, 11) ? rm : r.zr(rm);
            u32 f;
            addWithCarry(r.zr(rn), sub ? ~b : b, sub, sf, f);
            flags = f;
        } else {
            flags = field(word, 0, 4);
        }
        return Executed::next;
    }
    if ((word & 0x1FE0'0800) == 0x1A80'0000) {   // CSEL, CSINC, CSINV, CSNEG
        if (bitAt(word, 29)) return Executed::handOver;
        u64 result;
        if (conditionHolds(field(word, 12, 4), flags)) {
            result = r.zr(rn);
        } else {
            result = r.zr(rm);
            if (bitAt(word, 30)) result = ~result;
            if (bitAt(word, 10)) result += 1;
        }
        r.setZR(rd, result & mask);
        return Executed::next;
    }
    if ((word & 0x5FE0'0000) == 0x1AC0'0000) {   // data processing (2 source)
        if (bitAt(word, 29)) return Executed::handOver;
        const u64 a = r.zr(rn) & mask, b = r.zr(rm) & mask;
        const unsigned width = sf ? 64 : 32;
        u64 result;
        switch (field(word, 10, 6)) {
        case 2: result = b == 0 ? 0 : a / b; break;
        case 3:
            if (b == 0) {
                result = 0;
            } else if (sf) {
                const i64 sa = static_cast<i64>(a), sb = static_cast<i64>(b);
                result = sb == -1 ? 0 - a : static_cast<u64>(sa / sb);
            } else {
                const i32 sa = static_cast<i32>(a), sb = static_cast<i32>(b);
                result = sb == -1 ? static_cast<u32>(0u - static_cast<u32>(a)) : static_cast<u32>(sa / sb);
            }
            break;
        case 8: case 9: case 10: case 11:
            result = shiftValue(a, field(word, 10, 2), static_cast<unsigned>(b % width), sf);
            break;
        default:
            return Executed::handOver;   // CRC32 and the unallocated rest
        }
        r.setZR(rd, result & mask);
        return Executed::next;
    }
    if ((word & 0x5FFF'0000) == 0x5AC0'0000) {   // data processing (1 source)
        if (bitAt(word, 29)) return Executed::handOver;
        const u64 a = r.zr(rn) & mask;
        const unsigned width = sf ? 64 : 32;
        u64 result;
        switch (field(word, 10, 6)) {
        case 0:
            result = __builtin_bitreverse64(a) >> (64 - width);
            break;
        case 1: {   // REV16
            const u64 m = 0x00FF'00FF'00FF'00FF;
            result = ((a & m) << 8) | ((a >> 8) & m);
            break;
        }
        case 2:   // REV32 (64-bit) or REV (32-bit)
            result = sf ? (u64{__builtin_bswap32(static_cast<u32>(a >> 32))} << 32) | __builtin_bswap32(static_cast<u32>(a))
                        : __builtin_bswap32(static_cast<u32>(a));
            break;
        case 3:
            if (!sf) return Executed::handOver;
            result = __builtin_bswap64(a);
            break;
        case 4:
            result = a == 0 ? width : (sf ? __builtin_clzll(a) : __builtin_clz(static_cast<u32>(a)));
            break;
        case 5: {   // CLS: the bits after the top one that equal it
            const u64 differ = sf ? a ^ static_cast<u64>(static_cast<i64>(a) >> 1)
                                  : static_cast<u32>(a) ^ static_cast<u32>(static_cast<i32>(a) >> 1);
            result = (differ == 0 ? width : (sf ? __builtin_clzll(differ) : __builtin_clz(static_cast<u32>(differ)))) - 1;
            break;
        }
        default:
            return Executed::handOver;
        }
        r.setZR(rd, result & mask);
        return Executed::next;
    }
    if ((word & 0x1F00'0000) == 0x1B00'0000) {   // data processing (3 source)
        const unsigned op = field(word, 21, 3), ra = field(word, 10, 5);
        const bool minus = bitAt(word, 15);
        if (field(word, 29, 2) != 0) return Executed::handOver;
        u64 result;
        if (op == 0) {
            const u64 product = r.zr(rn) * r.zr(rm);
            result = minus ? r.zr(ra) - product : r.zr(ra) + product;
        } else if (!sf) {
            return Executed::handOver;
        } else if (op == 1 || op == 5) {   // SMADDL/SMSUBL, UMADDL/UMSUBL
            const u64 a = r.zr(rn), b = r.zr(rm);
            const u64 product = op == 1 ? static_cast<u64>(i64{static_cast<i32>(a)} * static_cast<i32>(b))
                                        : u64{static_cast<u32>(a)} * static_cast<u32>(b);
            result = minus ? r.zr(ra) - product : r.zr(ra) + product;
        } else if ((op == 2 || op == 6) && !minus && ra == 31) {   // SMULH, UMULH (Ra ignored)
            if (op == 2) {
                const __int128 p = static_cast<__int128>(static_cast<i64>(r.zr(rn))) * static_cast<i64>(r.zr(rm));
                result = static_cast<u64>(p >> 64);
            } else {
                const unsigned __int128 p = static_cast<unsigned __int128>(r.zr(rn)) * r.zr(rm);
                result = static_cast<u64>(p >> 64);
            }
        } else {
            return Executed::handOver;
        }
        r.setZR(rd, result & mask);
        return Executed::next;
    }

    return Executed::handOver;
}

Core::Executed Core::vectorImmediate(u32 word, const Fields &fields, u64 &pc, u32 &flags) {
    Registers r{registerFile};
    const auto [sf, rd, rn, rm, mask] = fields;
    if ((word & 0x9FF8'0C00) == 0x0F00'0400) {
        const unsigned op = bitAt(word, 29), cmode = field(word, 12, 4);
        const bool q = bitAt(word, 30);
        const u64 imm8 = (field(word, 16, 3) << 5) | field(word, 5, 5);
        u64 value;
        if (!expandModifiedImmediate(op, cmode, imm8, value)) return Executed::handOver;
        setVector(rd, value, q ? value : 0);
        return Executed::next;
    }
    return Executed::handOver;
}


/// Loads and stores: literal, pair, and single register (immediate and
/// register offsets), general and FP/SIMD registers; exclusives and ordered
/// accesses of one register. Pairs of those, unprivileged accesses and
/// structure loads go to the Jit.
Core::Executed Core::loadStore(u32 word, u64 &pc) {
    Registers r{registerFile};
    const unsigned rt = field(word, 0, 5), rn = field(word, 5, 5);
    const bool vector = bitAt(word, 26);

    if ((word & 0x3B00'0000) == 0x1800'0000) {   // load register (literal)
        const unsigned opc = field(word, 30, 2);
        const u64 address = pc + signExtend(u64{field(word, 5, 19)} << 2, 21);
        if (vector) {
            if (opc == 3) return Executed::handOver;
            if (!loadVector(rt, address, 4u << opc)) return Executed::faulted;
        } else if (opc == 3) {
            // PRFM (literal): no access.
        } else {
            const u64 v = readSized(address, opc == 1 ? 8 : 4);   // LDR W, LDR X, LDRSW
            if (stop != Stop::none) return Executed::faulted;
            r.setZR(rt, opc == 2 ? signExtend(v, 32) : v);
        }
        return Executed::next;
    }

    if ((word & 0x3800'0000) == 0x2800'0000) {   // load/store pair
        const unsigned opc = field(word, 30, 2), mode = field(word, 23, 3) & 3;
        const bool load = bitAt(word, 22);
        const unsigned rt2 = field(word, 10, 5);
        if (opc == 3) return Executed::handOver;
        const bool signedWord = !vector && opc == 1;
        if (signedWord && (!load || mode == 0)) return Executed::handOver;
        const unsigned scale = vector ? 2 + opc : (opc == 2 ? 3 : 2);
        const u64 bytes = u64{1} << scale;
        const bool writeback = mode == 1 || mode == 3;
        if (load && rt == rt2) return Executed::handOver;   // unpredictable
        if (!vector && writeback && (rt == rn || rt2 == rn) && rn != 31) return Executed::handOver;
        const u64 offset = signExtend(field(word, 15, 7), 7) << scale;
        const u64 base = r.sp(rn);
        const u64 address = mode == 1 ? base : base + offset;
        if (vector) {
            if (load) {
                u64 lo1, hi1, lo2, hi2;
                if (!readVector(address, bytes, lo1, hi1) || !readVector(address + bytes, bytes, lo2, hi2))
                    return Executed::faulted;
                setVector(rt, lo1, hi1);
                setVector(rt2, lo2, hi2);
            } else {
                if (!storeVector(rt, address, bytes) || !storeVector(rt2, address + bytes, bytes))
                    return Executed::faulted;
            }
        } else if (load) {
            u64 first = readSized(address, bytes);
            if (stop != Stop::none) return Executed::faulted;
            u64 second = readSized(address + bytes, bytes);
            if (stop != Stop::none) return Executed::faulted;
            if (signedWord) {
                first = signExtend(first, 32);
                second = signExtend(second, 32);
            }
            r.setZR(rt, first);
            r.setZR(rt2, second);
        } else {
            writeSized(address, bytes, r.zr(rt));
            if (stop != Stop::none) return Executed::faulted;
            writeSized(address + bytes, bytes, r.zr(rt2));
            if (stop != Stop::none) return Executed::faulted;
        }
        if (writeback) r.setSP(rn, base + offset);
        return Executed::next;
    }

    if ((word & 0x3F00'0000) == 0x0800'0000) return exclusiveOrOrdered(word);
    if ((word & 0x3800'0000) != 0x3800'0000) return Executed::handOver;   // structures

    // Load/store register: unsigned offset, unscaled, pre/post-indexed, register offset.
    const unsigned size = field(word, 30, 2), opc = field(word, 22, 2);
    u64 address;
    bool writeback = false;
    u64 newBase = 0;
    unsigned scale = size;
    if (vector && (opc & 2)) {
        if (size != 0) return Executed::handOver;
        scale = 4;
    }
    if (bitAt(word, 24)) {
        address = r.sp(rn) + (u64{field(word, 10, 12)} << scale);
    } else if (!bitAt(word, 21)) {
        const unsigned kind = field(word, 10, 2);
        if (kind == 2) return Executed::handOver;   // unprivileged
        const u64 imm = signExtend(field(word, 12, 9), 9);
        const u64 base = r.sp(rn);
        address = kind == 1 ? base : base + imm;
        writeback = kind != 0;
        newBase = base + imm;
    } else {
        if (field(word, 10, 2) != 2) return Executed::handOver;   // atomics
        const unsigned option = field(word, 13, 3);
        if ((option & 2) == 0) return Executed::handOver;
        const unsigned shift = bitAt(word, 12) ? scale : 0;
        address = r.sp(rn) + extendValue(r.zr(field(word, 16, 5)), option, shift);
    }

    if (vector) {
        const u64 bytes = u64{1} << scale;
        if (opc & 1) {
            if (!loadVector(rt, address, bytes)) return Executed::faulted;
        } else if (!storeVector(rt, address, bytes)) {
            return Executed::faulted;
        }
    } else {
        if (writeback && rt == rn && rn != 31) return Executed::handOver;   // unpredictable
        const u64 bytes = u64{1} << size;
        if (opc == 0) {
            writeSized(address, bytes, r.zr(rt));
            if (stop != Stop::none) return Executed::faulted;
        } else if (opc == 2 && size == 3) {
            // PRFM, PRFUM: no access (the pre- and post-indexed forms are unallocated).
            if (writeback) return Executed::handOver;
        } else if (opc == 3 && size >= 2) {
            return Executed::handOver;
        } else {
            u64 value = readSized(address, bytes);
            if (stop != Stop::none) return Executed::faulted;
            if (opc == 2) value = signExtend(value, 8 * static_cast<unsigned>(bytes));
            if (opc == 3) value = static_cast<u32>(signExtend(value, 8 * static_cast<unsigned>(bytes)));
            r.setZR(rt, value);
        }
    }
    if (writeback) r.setSP(rn, newBase);
    return Executed::next;
}

/// A 1-, 2-, 4- or 8-byte load, zero-extended, through the Jit's callbacks.
u64 Core::readSized(u64 address, u64 bytes) {
    switch (bytes) {
    case 1: return MemoryRead8(address);
    case 2: return MemoryRead16(address);
    case 4: return MemoryRead32(address);
    default: return MemoryRead64(address);
    }
}

/// A 1-, 2-, 4- or 8-byte store of `value`'s low bytes.
void Core::writeSized(u64 address, u64 bytes, u64 value) {
    switch (bytes) {
    case 1: return MemoryWrite8(address, static_cast<u8>(value));
    case 2: return MemoryWrite16(address, static_cast<std::uint16_t>(value));
    case 4: return MemoryWrite32(address, static_cast<u32>(value));
    default: return MemoryWrite64(address, value);
    }
}

/// An FP/SIMD register's low `bytes` from memory (16 bytes as the Jit's
/// MemoryRead128: two 8-byte loads, low first).
bool Core::readVector(u64 address, u64 bytes, u64 &lo, u64 &hi) {
    if (bytes == 16) {
        const auto v = MemoryRead128(address);
        lo = v[0];
        hi = v[1];
    } else {
        lo = readSized(address, bytes);
        hi = 0;
    }
    return stop == Stop::none;
}

bool Core::loadVector(unsigned rt, u64 address, u64 bytes) {
    u64 lo, hi;
    if (!readVector(address, bytes, lo, hi)) return false;
    setVector(rt, lo, hi);
    return true;
}

bool Core::storeVector(unsigned rt, u64 address, u64 bytes) {
    const u64 lo = vectorFile[2 * rt], hi = vectorFile[2 * rt + 1];
    if (bytes == 16) {
        MemoryWrite128(address, {lo, hi});
    } else {
        writeSized(address, bytes, lo);
    }
    return stop == Stop::none;
}

/// A load-exclusive of a T: marks the monitor around the read, as the
/// Jit's code does around its MemoryRead callback.
template<typename T>
u64 Core::loadExclusive(u64 address) {
    return monitor.ReadAndMark<T>(0, address, [&]() -> T { return read<T>(address); });
}

/// A store-exclusive of `value`'s low T: only if the monitor still holds the
/// address, and only if memory still holds what the load saw (the Jit's
/// MemoryWriteExclusive callback).
template<typename T>
bool Core::storeExclusive(u64 address, u64 value) {
    return monitor.DoExclusiveOperation<T>(0, address, [&](T expected) {
        return writeExclusive<T>(address, static_cast<T>(value), expected);
    });
}

/// LDXR/LDAXR, STXR/STLXR and LDAR/STLR of one register, as dynarmic's
/// translated code does them: a load-exclusive sets the Jit's exclusive
/// flag and marks the monitor; a store-exclusive fails on a clear flag
/// without asking the monitor, else clears the flag and asks it. So a pair
/// whose halves run in different tiers (a loop going hot between them)
/// behaves as one in either. Ordering is moot on one processor. The pairs
/// (LDXP, STXP), compare-and-swap and LDLAR/STLLR (not in the baseline),
/// and forms with a should-be-one field clear or an unpredictable register
/// choice go to the Jit.
Core::Executed Core::exclusiveOrOrdered(u32 word) {
    if (!stateExclusive) return Executed::handOver;
    const unsigned size = field(word, 30, 2), rs = field(word, 16, 5), rt2 = field(word, 10, 5);
    const unsigned rn = field(word, 5, 5), rt = field(word, 0, 5);
    const bool ordered = bitAt(word, 23), load = bitAt(word, 22), pair = bitAt(word, 21);
    if (pair || rt2 != 31) return Executed::handOver;
    Registers r{registerFile};
    const u64 address = r.sp(rn), bytes = u64{1} << size;
    if (ordered) {   // LDAR, STLR
        if (!bitAt(word, 15) || rs != 31) return Executed::handOver;
        if (load) {
            const u64 value = readSized(address, bytes);
            if (stop != Stop::none) return Executed::faulted;
            r.setZR(rt, value);
        } else {
            writeSized(address, bytes, r.zr(rt));
            if (stop != Stop::none) return Executed::faulted;
        }
        return Executed::next;
    }
    if (load) {   // LDXR, LDAXR
        if (rs != 31) return Executed::handOver;
        *stateExclusive = 1;
        u64 value;
        switch (size) {
        case 0: value = loadExclusive<u8>(address); break;
        case 1: value = loadExclusive<std::uint16_t>(address); break;
        case 2: value = loadExclusive<u32>(address); break;
        default: value = loadExclusive<u64>(address); break;
        }
        if (stop != Stop::none) return Executed::faulted;
        r.setZR(rt, value);
        return Executed::next;
    }
    // STXR, STLXR: the status register may not be the data or (but for SP) the base.
    if (rs == rt || (rs == rn && rn != 31)) return Executed::handOver;
    u64 status = 1;
    if (*stateExclusive) {
        *stateExclusive = 0;
        const u64 value = r.zr(rt);
        bool stored;
        switch (size) {
        case 0: stored = storeExclusive<u8>(address, value); break;
        case 1: stored = storeExclusive<std::uint16_t>(address, value); break;
        case 2: stored = storeExclusive<u32>(address, value); break;
        default: stored = storeExclusive<u64>(address, value); break;
        }
        if (stop != Stop::none) return Executed::faulted;
        status = stored ? 0 : 1;
    }
    r.setZR(rs, status);
    return Executed::next;
}

}  // namespace kenix

extern "C" void kd_set_hot_threshold(kd_core *core, uint32_t threshold) {
    reinterpret_cast<kenix::Core *>(core)->setHotThreshold(threshold);
}

extern "C" void kd_reset_heat(kd_core *core) {
    reinterpret_cast<kenix::Core *>(core)->resetHeat();
}
