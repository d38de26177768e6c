// KenixJIT+FastPath.cpp: the cold tier's loop (interpret) and its fast path.
// The forms compiled code runs most (moves, immediate and register
// arithmetic, logic, bitfield moves and shifts, multiply-add, branches,
// single and paired integer loads and stores, conditional selects, SVC) are decoded once per pc into a `Predecoded` record
// and run from it; every other instruction, and every unusual case of these
// (an unpredictable writeback, a reserved encoding), goes to the full
// decoder, execute() in KenixJIT+Interpreter.cpp.
//
// Why: decoding every instruction again each time it ran (field extraction,
// a cascade of encoding checks, calls five deep) cost ~220 host
// instructions per interpreted one (callgrind, default boot with
// --hot-threshold 65535). Code stays in this tier until a block has been
// entered `hotThreshold` times, so most of what it runs it has decoded
// before.
//
// A record is keyed by the pc *and* the instruction word, so it needs no
// invalidation: new code at an address (exec, a page mapped again, another
// address space on the same core) has another word or misses; the same word
// at the same pc means the same operation, pc-relative targets included.
// What an instruction computes comes from A64Semantics.hpp, the helpers the
// full decoder uses, and the differential tests compare this tier with
// dynarmic's (JITInterpreterTests) and both engines (engines.sh).
#include "A64Semantics.hpp"
#include "PredecodedForms.hpp"

#include <cstring>

namespace kenix {

using namespace a64;

/// What the fast path makes of `word` at `pc`: a form and its operands, or
/// kSlow. Each mask below names a whole encoding class as the full decoder's
/// top-level group dispatch would reach it (op0 included: a pair's bit 25
/// must be clear, else it is ADDS (extended register)); every case the full
/// decoder hands to the Jit or treats apart stays kSlow.
Core::Predecoded Core::predecode(u64 pc, u32 word) {
    static_assert(sizeof(Predecoded) == 48, "docs/simulator.md gives the record's size");
    Predecoded d;
    d.pc = pc;
    d.word = word;
    const bool sf = bitAt(word, 31);
    const unsigned rd = field(word, 0, 5), rn = field(word, 5, 5), rm = field(word, 16, 5);
    const auto form = [&](FastOp op, unsigned a, unsigned b, unsigned c, unsigned dd, unsigned e, u64 imm) {
        d.op = op;
        d.a = static_cast<u8>(a);
        d.b = static_cast<u8>(b);
        d.c = static_cast<u8>(c);
        d.d = static_cast<u8>(dd);
        d.e = static_cast<u8>(e);
        d.imm = imm;
        d.imm2 = widthMask(e & 1);   // for the forms whose e says sf
    };

    if ((word & 0x1F00'0000) == 0x1000'0000) {   // ADR, ADRP
        const u64 imm = signExtend((field(word, 5, 19) << 2) | field(word, 29, 2), 21);
        form(kMoveImmediate, rd, 0, 0, 0, 0, sf ? (pc & ~u64{0xFFF}) + (imm << 12) : pc + imm);
    } else if ((word & 0x1F80'0000) == 0x1100'0000) {   // ADD/SUB (immediate)
        const u64 imm = u64{field(word, 10, 12)} << (bitAt(word, 22) ? 12 : 0);
        const bool sub = bitAt(word, 30);
        if (bitAt(word, 29)) form(kAddSubFlags, rd, rn, 0, sub, sf, imm);
        else form(sub ? kSubImmediate : kAddImmediate, rd, rn, 0, 0, sf, imm);
    } else if ((word & 0x1F80'0000) == 0x1200'0000) {   // logical (immediate)
        u64 wmask, tmask;
        if ((sf || !bitAt(word, 22)) &&
            decodeBitMasks(bitAt(word, 22), field(word, 10, 6), field(word, 16, 6), true, sf ? 64 : 32, wmask, tmask))
            form(kLogicalImm, rd, rn, 0, field(word, 29, 2), sf, wmask);
    } else if ((word & 0x1F80'0000) == 0x1280'0000) {   // move wide
        const unsigned opc = field(word, 29, 2), hw = field(word, 21, 2);
        if (opc != 1 && (sf || hw < 2)) {
            const unsigned shift = 16 * hw;
            const u64 imm = u64{field(word, 5, 16)} << shift;
            if (opc == 3) form(kMoveKeep, rd, 0, 0, shift, sf, imm);
            else form(kMoveImmediate, rd, 0, 0, 0, 0, (opc == 0 ? ~imm : imm) & widthMask(sf));
        }
    } else if ((word & 0x1F00'0000) == 0x0A00'0000) {   // logical (shifted register)
        const unsigned amount = field(word, 10, 6), opc = field(word, 29, 2), type = field(word, 22, 2);
        const bool invert = bitAt(word, 21);
        if (sf || amount < 32) {
            if (opc == 1 && !invert && type == 0 && amount == 0 && rn == 31) form(kMoveRegister, rd, 0, rm, 0, sf, 0);
            else form(kLogicalReg, rd, rn, rm, opc | (invert << 2) | (type << 3), sf, amount);
        }
    } else if ((word & 0x1F20'0000) == 0x0B00'0000) {   // ADD/SUB (shifted register)
        const unsigned type = field(word, 22, 2), amount = field(word, 10, 6);
        if (type != 3 && (sf || amount < 32))
            form(kAddSubReg, rd, rn, rm, bitAt(word, 30) | (bitAt(word, 29) << 1) | (type << 2), sf, amount);
    } else if ((word & 0x7C00'0000) == 0x1400'0000) {   // B, BL
        form(sf ? kBranchLink : kBranch, 0, 0, 0, 0, 0, pc + signExtend(u64{field(word, 0, 26)} << 2, 28));
    } else if ((word & 0x7E00'0000) == 0x3400'0000) {   // CBZ, CBNZ
        form(kCompareBranch, rd, 0, 0, bitAt(word, 24), sf, pc + signExtend(u64{field(word, 5, 19)} << 2, 21));
    } else if ((word & 0x7E00'0000) == 0x3600'0000) {   // TBZ, TBNZ
        form(kTestBranch, rd, 0, 0, (sf ? 32 : 0) | field(word, 19, 5), bitAt(word, 24),
             pc + signExtend(u64{field(word, 5, 14)} << 2, 16));
    } else if ((word & 0xFF00'0010) == 0x5400'0000) {   // B.cond
        form(kBranchCond, 0, 0, 0, field(word, 0, 4), 0, pc + signExtend(u64{field(word, 5, 19)} << 2, 21));
    } else if ((word & 0xFFFF'FC1F) == 0xD61F'0000 || (word & 0xFFFF'FC1F) == 0xD65F'0000) {   // BR, RET
        form(kBranchReg, 0, rn, 0, 0, 0, 0);
    } else if ((word & 0xFFFF'FC1F) == 0xD63F'0000) {   // BLR
        form(kBranchLinkReg, 0, rn, 0, 0, 0, 0);
    } else if ((word & 0x3F00'0000) == 0x3900'0000) {   // LDR/STR (unsigned offset), general registers
        const unsigned size = field(word, 30, 2), opc = field(word, 22, 2);
        const u64 offset = u64{field(word, 10, 12)} << size;
        if (opc == 0) form(kStore, rd, rn, 0, 1u << size, 0, offset);
        else if (opc == 1) form(kLoad, rd, rn, 0, 1u << size, 0, offset);
    } else if ((word & 0x3F20'0000) == 0x3800'0000) {   // LDUR/STUR, pre- and post-indexed
        const unsigned size = field(word, 30, 2), opc = field(word, 22, 2), kind = field(word, 10, 2);
        const bool writeback = kind == 1 || kind == 3;
        if (opc <= 1 && kind != 2 && !(writeback && rd == rn && rn != 31))
            form(opc == 0 ? kStoreImm9 : kLoadImm9, rd, rn, 0, 1u << size, kind, signExtend(field(word, 12, 9), 9));
    } else if ((word & 0x3E00'0000) == 0x2800'0000) {   // LDP/STP, general registers
        const unsigned opc = field(word, 30, 2), mode = field(word, 23, 3) & 3, rt2 = field(word, 10, 5);
        const bool load = bitAt(word, 22), writeback = mode == 1 || mode == 3;
        if ((opc == 0 || opc == 2) && !(load && rd == rt2) && !(writeback && (rd == rn || rt2 == rn) && rn != 31)) {
            const unsigned scale = opc == 2 ? 3 : 2;
            form(load ? kLoadPair : kStorePair, rd, rn, rt2, 1u << scale, mode,
                 signExtend(field(word, 15, 7), 7) << scale);
        }
    } else if ((word & 0x1FE0'0800) == 0x1A80'0000) {   // CSEL, CSINC, CSINV, CSNEG
        if (!bitAt(word, 29))
            form(kCondSelect, rd, rn, rm, field(word, 12, 4), sf | (bitAt(word, 30) << 1) | (bitAt(word, 10) << 2), 0);
    } else if ((word & 0x3F20'0C00) == 0x3820'0800) {   // LDR/STR (register offset), general registers
        const unsigned size = field(word, 30, 2), opc = field(word, 22, 2), option = field(word, 13, 3);
        const unsigned shift = bitAt(word, 12) ? size : 0;
        if (opc <= 1 && (option & 2) != 0)
            form(opc == 0 ? kStoreRegister : kLoadRegister, rd, rn, rm, 1u << size, option | (shift << 3), 0);
    } else if ((word & 0x1F80'0000) == 0x1300'0000) {   // bitfield
        const unsigned opc = field(word, 29, 2), n = bitAt(word, 22);
        const unsigned immr = field(word, 16, 6), imms = field(word, 10, 6);
        u64 wmask, tmask;
        if (opc != 3 && n == static_cast<unsigned>(sf) && (sf || (immr < 32 && imms < 32)) &&
            decodeBitMasks(n, imms, immr, false, sf ? 64 : 32, wmask, tmask)) {
            form(kBitfield, rd, rn, immr, imms, sf | (opc << 1), wmask);
            d.imm2 = tmask;
        }
    } else if ((word & 0x7FE0'0000) == 0x1B00'0000) {   // MADD, MSUB
        form(kMultiplyAdd, rd, rn, rm, field(word, 10, 5), sf | (bitAt(word, 15) << 1), 0);
    } else if ((word & 0x7FE0'F000) == 0x1AC0'2000) {   // LSLV, LSRV, ASRV, RORV
        form(kShiftVariable, rd, rn, rm, field(word, 10, 2), sf, 0);
    } else if (word == 0xD503'201F) {
        form(kNop, 0, 0, 0, 0, 0, 0);
    } else if ((word & 0xFFE0'001F) == 0xD400'0001) {
        form(kSupervisorCall, 0, 0, 0, 0, 0, field(word, 5, 16));
    }
    return d;
}

/// One register's load (zero-extended into Rt) or store of the
/// single-register form `d` at `address`: false on a data abort, when the
/// instruction changes nothing more.
[[gnu::always_inline]] inline bool Core::transfer(bool isLoad, u64 *x, const Predecoded &d, u64 address) {
    Registers r{x};
    if (!isLoad) return store(address, d.d, r.zr(d.a));
    u64 value;
    if (!load(address, d.d, value)) return false;
    r.setZR(d.a, value);
    return true;
}

/// Runs a predecoded instruction: exactly what execute() does for its word.
/// `pc` and `flags` are the loop's locals, kept in host registers: only
/// the full decoder gets their addresses, and then copies' (an address
/// taken anywhere would keep them in memory on every path).
[[gnu::always_inline]] inline Core::Executed Core::runPredecoded(unsigned op, const Predecoded &d, u64 *x, u64 &pc,
                                                                 u32 &flags) {
    Registers r{x};
    const bool sf = d.e & 1;
    // Read from the record, not derived from sf: one load on the paths
    // that need it instead of ~8 instructions before every dispatch.
    const u64 mask = d.imm2;
    // `op` is a constant in each of interpret's handlers: the switch folds.
    switch (op) {
    case kMoveImmediate:
        r.setZR(d.a, d.imm);
        break;
    case kMoveKeep:
        r.setZR(d.a, ((r.zr(d.a) & ~(u64{0xFFFF} << d.d)) | d.imm) & mask);
        break;
    case kAddImmediate:
        r.setSP(d.a, (r.sp(d.b) + d.imm) & mask);
        break;
    case kSubImmediate:
        r.setSP(d.a, (r.sp(d.b) - d.imm) & mask);
        break;
    case kAddSubFlags:
        addSubtractWithSP(r, d.a, d.b, d.imm, d.d, true, sf, flags);
        break;
    case kLogicalImm: {
        const u64 result = logical(d.d, r.zr(d.b) & mask, d.imm, sf, flags);
        if (d.d == 3) r.setZR(d.a, result);   // ANDS writes XZR, the others SP
        else r.setSP(d.a, result);
        break;
    }
    case kMoveRegister:
        r.setZR(d.a, r.zr(d.c) & mask);
        break;
    case kLogicalReg: {
        u64 b = shiftValue(r.zr(d.c), d.d >> 3, static_cast<unsigned>(d.imm), sf);
        if (d.d & 4) b = ~b & mask;
        r.setZR(d.a, logical(d.d & 3, r.zr(d.b) & mask, b, sf, flags));
        break;
    }
    case kAddSubReg: {
        const bool sub = d.d & 1;
        const u64 b = shiftValue(r.zr(d.c), d.d >> 2, static_cast<unsigned>(d.imm), sf);
        u32 f;
        const u64 result = addWithCarry(r.zr(d.b), sub ? ~b : b, sub, sf, f) & mask;
        if (d.d & 2) flags = f;
        r.setZR(d.a, result);
        break;
    }
    case kBranch:
        pc = d.imm;
        return Executed::branched;
    case kBranchLink:
        r.x[30] = pc + 4;
        pc = d.imm;
        return Executed::branched;
    case kBranchCond:
        pc = conditionHolds(d.d, flags) ? d.imm : pc + 4;
        return Executed::branched;
    case kCompareBranch:
        pc = ((r.zr(d.a) & mask) == 0) != static_cast<bool>(d.d) ? d.imm : pc + 4;
        return Executed::branched;
    case kTestBranch:
        pc = ((r.zr(d.a) >> d.d) & 1) == (d.e & 1) ? d.imm : pc + 4;
        return Executed::branched;
    case kBranchReg:
        pc = r.zr(d.b);
        return Executed::branched;
    case kBranchLinkReg: {
        const u64 target = r.zr(d.b);
        r.x[30] = pc + 4;
        pc = target;
        return Executed::branched;
    }
    case kLoad:
        if (!transfer(true, x, d, r.sp(d.b) + d.imm)) return Executed::faulted;
        break;
    case kStore:
        if (!transfer(false, x, d, r.sp(d.b) + d.imm)) return Executed::faulted;
        break;
    case kLoadImm9: case kStoreImm9: {
        const u64 base = r.sp(d.b);
        if (!transfer(d.op == kLoadImm9, x, d, d.e == 1 ? base : base + d.imm)) return Executed::faulted;
        if (d.e != 0) r.setSP(d.b, base + d.imm);
        break;
    }
    case kLoadPair: case kStorePair: {
        const u64 base = r.sp(d.b);
        const u64 address = d.e == 1 ? base : base + d.imm;
        if (d.op == kLoadPair) {
            // Both loads before either register: an abort on the second
            // leaves both as they were.
            u64 first, second;
            if (!load(address, d.d, first) || !load(address + d.d, d.d, second)) return Executed::faulted;
            r.setZR(d.a, first);
            r.setZR(d.c, second);
        } else if (!store(address, d.d, r.zr(d.a)) || !store(address + d.d, d.d, r.zr(d.c))) {
            return Executed::faulted;
        }
        if (d.e == 1 || d.e == 3) r.setSP(d.b, base + d.imm);
        break;
    }
    case kCondSelect: {
        u64 result;
        if (conditionHolds(d.d, flags)) {
            result = r.zr(d.b);
        } else {
            result = r.zr(d.c);
            if (d.e & 2) result = ~result;
            if (d.e & 4) result += 1;
        }
        r.setZR(d.a, result & mask);
        break;
    }
    case kLoadRegister: case kStoreRegister:
        if (!transfer(d.op == kLoadRegister, x, d, r.sp(d.b) + extendValue(r.zr(d.c), d.e & 7, d.e >> 3)))
            return Executed::faulted;
        break;
    case kBitfield: {
        const unsigned opc = d.e >> 1, width = sf ? 64 : 32;
        const u64 mask = widthMask(sf);
        const u64 src = r.zr(d.b) & mask;
        const u64 dst = opc == 1 ? r.zr(d.a) & mask : 0;
        const u64 bot = (dst & ~d.imm) | (rotateRight(src, d.c, width) & d.imm);
        u64 top = opc == 0 && ((src >> d.d) & 1) ? ones(width) : 0;
        if (opc == 1) top = dst;
        r.setZR(d.a, ((top & ~d.imm2) | (bot & d.imm2)) & mask);
        break;
    }
    case kMultiplyAdd: {
        const u64 product = r.zr(d.b) * r.zr(d.c);
        r.setZR(d.a, ((d.e & 2) ? r.zr(d.d) - product : r.zr(d.d) + product) & mask);
        break;
    }
    case kShiftVariable: {
        const u64 a = r.zr(d.b) & mask, b = r.zr(d.c) & mask;
        r.setZR(d.a, shiftValue(a, d.d, static_cast<unsigned>(b % (sf ? 64 : 32)), sf) & mask);
        break;
    }
    case kNop:
        break;
    case kSupervisorCall:
        stop = Stop::svc;
        info = static_cast<u32>(d.imm);
        pc += 4;
        return Executed::trapped;
    case kSlow: {
        u64 p = pc;
        u32 f = flags;
        const Executed what = execute(d.word, p, f);
        pc = p;
        flags = f;
        return what;
    }
    default:
        __builtin_unreachable();   // every FastOp has its case
    }
    pc += 4;
    return Executed::next;
}

/// The ops in FastOp's order (checked below), for interpret's handlers.
#define KENIX_FAST_OPS(X) \
    X(kSlow) X(kMoveImmediate) X(kMoveKeep) X(kAddImmediate) X(kSubImmediate) X(kAddSubFlags) \
    X(kLogicalImm) X(kMoveRegister) X(kLogicalReg) X(kAddSubReg) X(kBranch) X(kBranchLink) \
    X(kBranchCond) X(kCompareBranch) X(kTestBranch) X(kBranchReg) X(kBranchLinkReg) X(kLoad) \
    X(kStore) X(kLoadImm9) X(kStoreImm9) X(kLoadPair) X(kStorePair) X(kCondSelect) \
    X(kLoadRegister) X(kStoreRegister) X(kBitfield) X(kMultiplyAdd) X(kShiftVariable) X(kNop) \
    X(kSupervisorCall)

namespace {
#define KENIX_COUNT_OP(op) +1
constexpr unsigned kFastOpCount = 0 KENIX_FAST_OPS(KENIX_COUNT_OP);
#undef KENIX_COUNT_OP
#define KENIX_OP_IN_ORDER(op) static_assert(op == __COUNTER__ - kFirstCounter - 1, "KENIX_FAST_OPS is FastOp's order");
constexpr unsigned kFirstCounter = __COUNTER__;
KENIX_FAST_OPS(KENIX_OP_IN_ORDER)
#undef KENIX_OP_IN_ORDER
static_assert(kFastOpCount == kSupervisorCall + 1, "every FastOp has its handler");
}  // namespace

/// Threaded: each form has its own handler (a label), which runs it with
/// the form known at compile time and ends with its own fetch, lookup and
/// jump to the next record's handler, stored in the record. Why: one shared
/// `switch` cost a bounds check, a table load and a jump back to the top
/// per instruction (~7 host instructions of ~55), and its one indirect jump
/// served every form; here the host's predictor sees the jump of each
/// form's handler apart.
u64 Core::interpret(u64 budget, u64 window) {
    u64 *const x = registerFile;
    u64 pc = x[32];
    u32 flags = flagsInPlace();
    const u32 flagsOnEntry = flags;
    u64 retired = 0;
    Predecoded *const table = predecoded.get();
    // The code slot of the last fetch: the next instruction is nearly
    // always on the same page, and its tag, read again each time, still
    // says whether the slot holds that page (an invalidation clears it).
    const CodeSlot *slot = &codeSlots[(pc >> 12) % kCodeSlots];
    Predecoded *decoded = nullptr;
    u32 word = 0;
#define KENIX_HANDLER_ADDRESS(op) &&handle_##op,
    static void *const handlers[kFastOpCount] = {KENIX_FAST_OPS(KENIX_HANDLER_ADDRESS)};
#undef KENIX_HANDLER_ADDRESS
    interpreting = true;

// The record of `word` at `pc`, decoded again when the pc or the word
// differs, then its handler.
#define KENIX_DISPATCH()                                                         \
    do {                                                                         \
        decoded = &table[(pc >> 2) & (kPredecodedSlots - 1)];                    \
        if (decoded->pc != pc || decoded->word != word) goto decode;             \
        goto *decoded->handler;                                                  \
    } while (0)

// The next instruction: fetched from the last code slot when it holds the
// pc's page, else by fetchSlow; then dispatched.
#define KENIX_NEXT()                                                             \
    do {                                                                         \
        if (retired >= budget) goto done;                                        \
        if (slot->tag != (pc >> 12) + 1) goto fetchSlow;                         \
        std::memcpy(&word, slot->host + (pc & 0xFFF), 4);                        \
        KENIX_DISPATCH();                                                        \
    } while (0)

// What follows an instruction of form `op`: the loop's bookkeeping for what
// it did, then the next one (most outcomes fold away: a form's handler
// knows which it can have).
#define KENIX_HANDLER(op)                                                        \
    handle_##op: {                                                               \
        const Executed what = runPredecoded(op, *decoded, x, pc, flags);         \
        if (what == Executed::next) {                                            \
            retired++;                                                           \
            KENIX_NEXT();                                                        \
        }                                                                        \
        if (what == Executed::branched) {                                        \
            retired++;                                                           \
            if ((pc & 3) != 0) {                                                 \
                promote(pc); /* the Jit reports the misaligned pc */             \
                goto done;                                                       \
            }                                                                    \
            /* A stub left there goes when the Jit meets it (run loop). */       \
            if (enter(pc) && retired >= window) goto done;                       \
            KENIX_NEXT();                                                        \
        }                                                                        \
        if (what == Executed::trapped) retired++;                                \
        if (what == Executed::handOver) promote(pc);                             \
        goto done;                                                               \
    }

    KENIX_NEXT();

fetchSlow:
    slot = &codeSlots[(pc >> 12) % kCodeSlots];
    if (!fetchCached(pc, word)) {
        const auto fetched = fetch(pc);
        if (!fetched) {
            promote(pc);   // the Jit's fetch resolves or reports the fault
            goto done;
        }
        word = *fetched;
    }
    KENIX_DISPATCH();
decode:
    *decoded = predecode(pc, word);
    decoded->handler = handlers[decoded->op];
    goto *decoded->handler;

    KENIX_FAST_OPS(KENIX_HANDLER)
#undef KENIX_HANDLER
#undef KENIX_NEXT
#undef KENIX_DISPATCH

done:
    interpreting = false;
    x[32] = pc;
    if (flags != flagsOnEntry) setFlagsInPlace(flags);
    stats.instructions_interpreted += retired;
    return retired;
}

}  // namespace kenix
