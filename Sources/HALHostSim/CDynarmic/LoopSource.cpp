// LoopSource.cpp: a region of A64 code as one C function (LoopCompiler.hpp
// says why). Each instruction computes what runPredecoded (the fast path,
// KenixJIT+FastPath.cpp) computes for the same record; the prelude's helpers
// are A64Semantics.hpp's, in C. JITLoopCompilerTests runs random loops both
// ways and compares.
//
// The shape of the function:
//   - the registers are locals r0-r31 (r31 is SP; XZR is the constant 0),
//     loaded at entry and stored back at `out` if the region writes them;
//   - a switch on the pc jumps to the entry label E_<pc> of any instruction;
//   - code is cut into blocks: a block ends at a branch that may stay in the
//     region, before an instruction another branch targets (a leader), and
//     where the region's code stops. A branch whose target lies outside (a
//     Swift overflow check's trap) is a side exit inside its block;
//   - a block is entered only if the budget `left` covers the rest of it
//     (E_<pc> checks and subtracts the instructions from there to the
//     block's end); a side exit, or a stop before an access, gives back the
//     instructions it skipped.
#include "LoopCompiler.hpp"
#include "PredecodedForms.hpp"

#include <cstdarg>
#include <cstdio>
#include <set>
#include <unordered_map>

namespace kenix::loops {

namespace {

std::string format(const char *pattern, ...) {
    char buffer[512];
    va_list args;
    va_start(args, pattern);
    vsnprintf(buffer, sizeof buffer, pattern, args);
    va_end(args);
    return buffer;
}

/// A64Semantics.hpp's helpers in C, plus the TLB lookups. Every helper is
/// inlined with constant operands, so the compiler folds what the region
/// does not use (most flag bits, sf tests, unused shifts).
constexpr const char *kPrelude = R"(
typedef unsigned long long u64; typedef long long i64;
typedef unsigned int u32; typedef int i32; typedef unsigned char u8;
typedef struct { u64 left; u32 nzcv; u32 slow; } kr_io;
typedef struct { u64 tag; u8 *host; } kr_ro;
#define KR static inline __attribute__((always_inline))
KR u64 kr_ones(unsigned w) { return w >= 64 ? ~0ull : (1ull << w) - 1; }
KR u64 kr_ror(u64 v, unsigned a, unsigned w) {
    a %= w;
    return a == 0 ? v : ((v >> a) | (v << (w - a))) & kr_ones(w);
}
KR u64 kr_sext(u64 v, unsigned w) { return (u64)((i64)(v << (64 - w)) >> (64 - w)); }
/* The flags are lazy: a flag-setting instruction keeps its operands (fa,
   fb) and its kind (fk), and a condition is computed from them, so that
   `cmp x1, x2; b.gt` is the host's compare and branch (fk is a constant
   there; the compiler folds the switch). They are packed into NZCV only on
   the way out. A SUBS is AddWithCarry(x, ~y, 1): C is x >= y unsigned. */
enum { KR_PACKED, KR_ADD64, KR_SUB64, KR_ADD32, KR_SUB32, KR_LOGIC64, KR_LOGIC32 };
KR u32 kr_pack(int k, u64 a, u64 b) {
    switch (k) {
    case KR_ADD64: {
        u64 r;
        int c = __builtin_add_overflow(a, b, &r);
        return (u32)(r >> 63) << 3 | (u32)(r == 0) << 2 | (u32)c << 1 | (u32)(((a ^ r) & (b ^ r)) >> 63);
    }
    case KR_SUB64: {
        u64 r = a - b;
        return (u32)(r >> 63) << 3 | (u32)(r == 0) << 2 | (u32)(a >= b) << 1 | (u32)(((a ^ b) & (a ^ r)) >> 63);
    }
    case KR_ADD32: {
        u32 x = (u32)a, y = (u32)b, r;
        int c = __builtin_add_overflow(x, y, &r);
        return (r >> 31) << 3 | (u32)(r == 0) << 2 | (u32)c << 1 | (((x ^ r) & (y ^ r)) >> 31);
    }
    case KR_SUB32: {
        u32 x = (u32)a, y = (u32)b, r = x - y;
        return (r >> 31) << 3 | (u32)(r == 0) << 2 | (u32)(x >= y) << 1 | (((x ^ y) & (x ^ r)) >> 31);
    }
    case KR_LOGIC64: return (u32)(a >> 63) << 3 | (u32)(a == 0) << 2;
    case KR_LOGIC32: return (u32)((a >> 31) & 1) << 3 | (u32)((u32)a == 0) << 2;
    default: return (u32)a & 15;
    }
}
KR int kr_cond(unsigned cond, int k, u64 a, u64 b) {
    if (k == KR_SUB64 || k == KR_SUB32) {
        u64 ua = k == KR_SUB64 ? a : (u32)a, ub = k == KR_SUB64 ? b : (u32)b;
        i64 sa = k == KR_SUB64 ? (i64)a : (i64)(i32)(u32)a, sb = k == KR_SUB64 ? (i64)b : (i64)(i32)(u32)b;
        switch (cond) {
        case 0: return ua == ub;
        case 1: return ua != ub;
        case 2: return ua >= ub;
        case 3: return ua < ub;
        case 8: return ua > ub;
        case 9: return ua <= ub;
        case 10: return sa >= sb;
        case 11: return sa < sb;
        case 12: return sa > sb;
        case 13: return sa <= sb;
        default: break;
        }
    }
    u32 f = kr_pack(k, a, b);
    int n = (f >> 3) & 1, z = (f >> 2) & 1, c = (f >> 1) & 1, v = f & 1, r = 1;
    switch (cond >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = n == v && !z; break;
    default: break;
    }
    return (cond & 1) && cond != 15 ? !r : r;
}
KR u64 kr_shift(u64 v, unsigned type, unsigned amount, int sf) {
    unsigned w = sf ? 64 : 32;
    v &= kr_ones(w);
    switch (type) {
    case 0: return (v << amount) & kr_ones(w);
    case 1: return v >> amount;
    case 2: return sf ? (u64)((i64)v >> amount) : (u64)(u32)((i32)(u32)v >> amount);
    default: return kr_ror(v, amount, w);
    }
}
KR u64 kr_extend(u64 v, unsigned option, unsigned shift) {
    u64 e;
    switch (option) {
    case 0: e = (u8)v; break;
    case 1: e = (unsigned short)v; break;
    case 2: e = (u32)v; break;
    case 4: e = kr_sext(v, 8); break;
    case 5: e = kr_sext(v, 16); break;
    case 6: e = kr_sext(v, 32); break;
    default: e = v; break;
    }
    return e << shift;
}
KR u64 kr_div(u64 a, u64 b, int isSigned, int sf) {
    if (sf) {
        if (b == 0) return 0;
        if (!isSigned) return a / b;
        if ((i64)b == -1) return 0 - a;
        return (u64)((i64)a / (i64)b);
    }
    u32 x = (u32)a, y = (u32)b;
    if (y == 0) return 0;
    if (!isSigned) return x / y;
    if ((i32)y == -1) return (u32)(0u - x);
    return (u32)((i32)x / (i32)y);
}
KR u64 kr_mulh(u64 a, u64 b, int isSigned) {
    if (isSigned) return (u64)(((__int128)(i64)a * (__int128)(i64)b) >> 64);
    return (u64)(((unsigned __int128)a * (unsigned __int128)b) >> 64);
}
/* The TLB: a writable page is in the page table (its host address minus its
   guest address); a read-only one in its direct-mapped slot. Null: leave
   the region before the access (a miss, a crossing, a fault). */
KR int kr_write(void *const *pt, u64 va, unsigned size, u8 **h) {
    u64 vpn = va >> 12;
    if (vpn >= KR_ENTRIES || (va & 0xFFF) + size > 4096) return 0;
    u64 e = (u64)pt[vpn];
    *h = (u8 *)(e + va);
    return e != 0;
}
KR int kr_read(void *const *pt, const kr_ro *ro, u64 va, unsigned size, const u8 **h) {
    u64 vpn = va >> 12;
    if ((va & 0xFFF) + size > 4096) return 0;
    if (vpn < KR_ENTRIES) {
        u64 e = (u64)pt[vpn];
        *h = (const u8 *)(e + va);
        if (e) return 1;
    }
    const kr_ro *s = &ro[vpn % KR_SLOTS];
    *h = s->host + (va & 0xFFF);
    return s->tag == vpn + 1;
}
)";

/// AND, ORR, EOR, ANDS by opc.
constexpr const char *kLogicalOperator[4] = {" & ", " | ", " ^ ", " & "};

/// The longest block: a straight run longer than this is cut, so that a
/// budget near its end still lets the region run most of it.
constexpr std::size_t kLongestBlock = 64;

class Writer {
public:
    explicit Writer(const std::vector<Instruction> &code) : code(code) {
        for (std::size_t i = 0; i < code.size(); i++) index[code[i].pc] = i;
        findBlocks();
    }

    std::string write() {
        std::string body;
        for (std::size_t i = 0; i < code.size(); i++) {
            if (i == 0 || ends[i - 1]) {
                body += entry(i);
                setter = -1;   // the flags come in through fa, fb, fk
            }
            body += format("/* 0x%llx */\n", pc(i));
            // A block's flags go out through fa, fb, fk (set before its
            // last instruction if that is a branch: it reads them as cN).
            if (ends[i] && isBranchForm(code[i].op)) body += flush();
            body += instruction(i);
            // The end of a block that falls through: on to the next
            // instruction's budget check if the region has it, else out.
            // (Branches say where they go themselves.)
            if (!isBranchForm(code[i].op) && ends[i]) body += flush() + next(pc(i) + 4);
        }
        std::string text = format("#define KR_ENTRIES %lluull\n#define KR_SLOTS %lluull\n",
                                  static_cast<unsigned long long>(kPageTableEntries),
                                  static_cast<unsigned long long>(kReadOnlySlots));
        text += kPrelude;
        // restrict: guest stores (through the TLB's host pages) never reach
        // the register file, the io block or the tables.
        text += "void kenix_region(u64 *restrict x, kr_io *restrict io, void *const *restrict pt, const kr_ro *restrict ro) {\n";
        text += "u64 left = io->left, pc;\nu32 slow = 0;\n";
        text += "u64 fa = io->nzcv, fb = 0;\nint fk = KR_PACKED;\n";
        for (unsigned r = 0; r < 32; r++) text += format("u64 r%u = x[%u];\n", r, r);
        // Entries are block starts only (within a block the flags may be a
        // compare's operands, cN): inside one, the run loop steps the Jit
        // to the block's end (slow = 1, nothing run).
        text += "switch (x[32]) {\n";
        for (std::size_t i = 0; i < code.size(); i++) {
            if (i == 0 || ends[i - 1]) text += format("case 0x%llxull: goto E_%llx;\n", pc(i), pc(i));
            else text += format("case 0x%llxull: io->slow = 1; return;\n", pc(i));
        }
        text += "default: return;\n}\n";
        text += body;
        text += "out:\n";
        for (unsigned r : written) text += format("x[%u] = r%u;\n", r, r);
        text += "x[32] = pc;\nio->left = left;\nio->nzcv = kr_pack(fk, fa, fb);\nio->slow = slow;\n}\n";
        return text;
    }

private:
    const std::vector<Instruction> &code;
    std::unordered_map<u64, std::size_t> index;
    std::vector<bool> leader, ends;
    /// Instructions from each one to the end of its block, itself included.
    std::vector<std::size_t> rest;
    std::set<unsigned> written;
    /// The block's last flag-setting instruction so far (-1: none) and its
    /// kind (KR_SUB64...), while its instructions are written.
    long setter = -1;
    std::string setterKind;

    unsigned long long pc(std::size_t i) const { return code[i].pc; }
    bool inside(u64 target) const { return index.count(target) != 0; }

    void findBlocks() {
        const std::size_t n = code.size();
        leader.assign(n, false);
        ends.assign(n, false);
        rest.assign(n, 1);
        for (std::size_t i = 0; i < n; i++) {
            const Instruction &in = code[i];
            if (!isBranchForm(in.op)) continue;
            if (in.op != kBranchReg && in.op != kBranchLinkReg && inside(in.imm)) {
                leader[index.at(in.imm)] = true;
                ends[i] = true;
            }
            if (!isConditionalBranchForm(in.op)) ends[i] = true;   // nothing falls through
            if (ends[i] && inside(in.pc + 4)) leader[index.at(in.pc + 4)] = true;
        }
        std::size_t length = 0;
        for (std::size_t i = 0; i < n; i++) {
            if (leader[i]) length = 0;
            if (++length == kLongestBlock && i + 1 < n && code[i + 1].pc == code[i].pc + 4) leader[i + 1] = true;
        }
        for (std::size_t i = 0; i < n; i++) {
            const bool nextLeads = i + 1 < n && code[i + 1].pc == code[i].pc + 4 && leader[i + 1];
            const bool nextMissing = i + 1 >= n || code[i + 1].pc != code[i].pc + 4;
            if (nextLeads || nextMissing) ends[i] = true;
        }
        for (std::size_t i = n; i-- > 0;) rest[i] = ends[i] ? 1 : rest[i + 1] + 1;
    }

    /// E_<pc>: enter the rest of the block if the budget covers it.
    std::string entry(std::size_t i) const {
        return format("E_%llx: if (left < %zu) { pc = 0x%llxull; goto out; } left -= %zu;\n",
                      pc(i), rest[i], pc(i), rest[i]);
    }

    /// Control reaching `target` from the end of a block.
    std::string next(u64 target) const {
        if (inside(target)) return format("goto E_%llx;\n", static_cast<unsigned long long>(target));
        return format("pc = 0x%llxull; goto out;\n", static_cast<unsigned long long>(target));
    }

    /// Leaving before instruction i (it does not run).
    std::string stopBefore(std::size_t i) const {
        return format("{ left += %zu; slow = 1; pc = 0x%llxull; ", rest[i], pc(i)) + flush() + "goto out; }\n";
    }

    /// The flags as a condition or the way out reads them: the last
    /// flag-setting instruction of this block (its operands cNa, cNb and its
    /// kind, a constant the compiler folds), or what came into the block.
    std::string flags() const {
        if (setter < 0) return "fk, fa, fb";
        return setterKind + format(", c%llxa, c%llxb", pc(setter), pc(setter));
    }

    /// Moves the block's flags into fa, fb, fk (for the next block or the
    /// way out); nothing if the block has set none.
    std::string flush() const {
        if (setter < 0) return "";
        return format("fa = c%llxa; fb = c%llxb; fk = ", pc(setter), pc(setter)) + setterKind + ";\n";
    }

    std::string zr(unsigned r) const { return r == 31 ? std::string("0ull") : format("r%u", r); }
    std::string sp(unsigned r) const { return format("r%u", r); }
    std::string setZR(unsigned r, const std::string &value) {
        if (r == 31) return "(void)(" + value + ");\n";
        written.insert(r);
        return format("r%u = ", r) + value + ";\n";
    }
    std::string setSP(unsigned r, const std::string &value) {
        written.insert(r);
        return format("r%u = ", r) + value + ";\n";
    }
    static std::string hex(u64 v) { return format("0x%llxull", static_cast<unsigned long long>(v)); }

    /// A conditional branch at i: taken to its target, else on.
    std::string branchIf(std::size_t i, const std::string &condition) const {
        const u64 target = code[i].imm, after = code[i].pc + 4;
        if (inside(target)) return "if (" + condition + ") " + next(target) + next(after);
        // A side exit: the block goes on past it; leaving gives back the
        // rest of the block after the branch.
        std::string text = "if (" + condition + ") { left += " + std::to_string(rest[i] - 1) +
                           "; pc = " + hex(target) + "; " + flush() + "goto out; }\n";
        if (ends[i]) text += next(after);
        return text;
    }

    /// ADDS or SUBS (CMN, CMP) into Rd (XZR for 31): keeps the operands
    /// and the kind for the lazy flags.
    std::string arithmeticFlags(std::size_t i, bool sub, bool sf, unsigned rd, const std::string &x, const std::string &y) {
        const std::string m = sf ? "0xffffffffffffffffull" : "0xffffffffull";
        const std::string a = format("c%llxa", pc(i)), b = format("c%llxb", pc(i));
        setter = static_cast<long>(i);
        setterKind = sub ? (sf ? "KR_SUB64" : "KR_SUB32") : (sf ? "KR_ADD64" : "KR_ADD32");
        return "u64 " + a + " = (" + x + ") & " + m + ", " + b + " = (" + y + ") & " + m + ";\n" +
               setZR(rd, "(" + a + (sub ? " - " : " + ") + b + ") & " + m);
    }

    /// ANDS (TST) of `operands` (already masked to the width) into Rd.
    std::string logicalFlags(std::size_t i, bool sf, unsigned rd, const std::string &operands) {
        const std::string a = format("c%llxa", pc(i)), b = format("c%llxb", pc(i));
        setter = static_cast<long>(i);
        setterKind = sf ? "KR_LOGIC64" : "KR_LOGIC32";
        return "u64 " + a + " = " + operands + ", " + b + " = 0;\n" + setZR(rd, a);
    }

    std::string load(std::size_t i, unsigned rt, const std::string &address, unsigned bytes) {
        std::string text = format("{ const u8 *h; if (!kr_read(pt, ro, %s, %u, &h)) ", address.c_str(), bytes);
        text += stopBefore(i);
        text += format("u64 t = 0; __builtin_memcpy(&t, h, %u); ", bytes) + setZR(rt, "t") + "}\n";
        return text;
    }

    std::string store(std::size_t i, unsigned rt, const std::string &address, unsigned bytes) {
        std::string text = format("{ u8 *h; if (!kr_write(pt, %s, %u, &h)) ", address.c_str(), bytes);
        text += stopBefore(i);
        text += format("u64 t = %s; __builtin_memcpy(h, &t, %u); }\n", zr(rt).c_str(), bytes);
        return text;
    }

    std::string instruction(std::size_t i) {
        const Instruction &d = code[i];
        const bool sf = d.e & 1;
        const std::string mask = hex(d.imm2);
        const std::string w = sf ? "1" : "0";
        switch (d.op) {
        case kMoveImmediate:
            return setZR(d.a, hex(d.imm));
        case kMoveKeep:
            return setZR(d.a, "((" + zr(d.a) + " & ~(0xFFFFull << " + std::to_string(d.d) + ")) | " + hex(d.imm) + ") & " + mask);
        case kAddImmediate:
            return setSP(d.a, "(" + sp(d.b) + " + " + hex(d.imm) + ") & " + mask);
        case kSubImmediate:
            return setSP(d.a, "(" + sp(d.b) + " - " + hex(d.imm) + ") & " + mask);
        case kAddSubFlags:
            return arithmeticFlags(i, d.d, sf, d.a, sp(d.b), hex(d.imm));
        case kLogicalImm: {
            const std::string operands = "(" + zr(d.b) + " & " + mask + ")" + kLogicalOperator[d.d] + hex(d.imm);
            return d.d == 3 ? logicalFlags(i, sf, d.a, operands) : setSP(d.a, operands);
        }
        case kMoveRegister:
            return setZR(d.a, zr(d.c) + " & " + mask);
        case kLogicalReg: {
            std::string b = "kr_shift(" + zr(d.c) + ", " + std::to_string(d.d >> 3) + ", " + std::to_string(d.imm) + ", " + w + ")";
            if (d.d & 4) b = "(~" + b + " & " + mask + ")";
            const std::string operands = "(" + zr(d.b) + " & " + mask + ")" + kLogicalOperator[d.d & 3] + b;
            return (d.d & 3) == 3 ? logicalFlags(i, sf, d.a, operands) : setZR(d.a, operands);
        }
        case kAddSubReg: {
            const bool sub = d.d & 1;
            const std::string b = "kr_shift(" + zr(d.c) + ", " + std::to_string(d.d >> 2) + ", " + std::to_string(d.imm) + ", " + w + ")";
            if (d.d & 2) return arithmeticFlags(i, sub, sf, d.a, zr(d.b), b);
            return setZR(d.a, "(" + zr(d.b) + (sub ? " - " : " + ") + b + ") & " + mask);
        }
        case kBranch:
            return next(d.imm);
        case kBranchLink:
            return setZR(30, hex(d.pc + 4)) + next(d.imm);
        case kBranchCond:
            return branchIf(i, "kr_cond(" + std::to_string(d.d) + ", " + flags() + ")");
        case kCompareBranch:
            return branchIf(i, "((" + zr(d.a) + " & " + mask + ") == 0) != " + std::to_string(d.d));
        case kTestBranch:
            return branchIf(i, "((" + zr(d.a) + " >> " + std::to_string(d.d) + ") & 1) == " + std::to_string(d.e & 1));
        case kBranchReg:
            return "pc = " + zr(d.b) + "; goto out;\n";
        case kBranchLinkReg:
            return "{ u64 t = " + zr(d.b) + "; " + setZR(30, hex(d.pc + 4)) + "pc = t; goto out; }\n";
        case kLoad:
            return load(i, d.a, sp(d.b) + " + " + hex(d.imm), d.d);
        case kStore:
            return store(i, d.a, sp(d.b) + " + " + hex(d.imm), d.d);
        case kLoadImm9: case kStoreImm9: {
            std::string text = "{ u64 base = " + sp(d.b) + ";\n";
            const std::string address = d.e == 1 ? "base" : "base + " + hex(d.imm);
            text += d.op == kLoadImm9 ? load(i, d.a, address, d.d) : store(i, d.a, address, d.d);
            if (d.e != 0) text += setSP(d.b, "base + " + hex(d.imm));
            return text + "}\n";
        }
        case kLoadPair: case kStorePair: {
            std::string text = "{ u64 base = " + sp(d.b) + ", a = " + (d.e == 1 ? "base" : "base + " + hex(d.imm)) + ";\n";
            if (d.op == kLoadPair) {
                // Both pages before either register (an access that leaves
                // the region must find both as they were).
                text += format("const u8 *h1, *h2;\nif (!kr_read(pt, ro, a, %u, &h1) || !kr_read(pt, ro, a + %u, %u, &h2)) ", d.d, d.d, d.d);
                text += stopBefore(i);
                text += format("u64 t1 = 0, t2 = 0; __builtin_memcpy(&t1, h1, %u); __builtin_memcpy(&t2, h2, %u);\n", d.d, d.d);
                text += setZR(d.a, "t1") + setZR(d.c, "t2");
            } else {
                text += format("u8 *h1, *h2;\nif (!kr_write(pt, a, %u, &h1) || !kr_write(pt, a + %u, %u, &h2)) ", d.d, d.d, d.d);
                text += stopBefore(i);
                text += "u64 t1 = " + zr(d.a) + ", t2 = " + zr(d.c) + ";\n";
                text += format("__builtin_memcpy(h1, &t1, %u); __builtin_memcpy(h2, &t2, %u);\n", d.d, d.d);
            }
            if (d.e == 1 || d.e == 3) text += setSP(d.b, "base + " + hex(d.imm));
            return text + "}\n";
        }
        case kCondSelect: {
            std::string other = zr(d.c);
            if (d.e & 2) other = "~" + other;
            if (d.e & 4) other = "(" + other + " + 1)";
            return setZR(d.a, "(kr_cond(" + std::to_string(d.d) + ", " + flags() + ") ? " + zr(d.b) + " : " + other + ") & " + mask);
        }
        case kLoadRegister: case kStoreRegister: {
            const std::string address = sp(d.b) + " + kr_extend(" + zr(d.c) + ", " + std::to_string(d.e & 7) + ", " +
                                        std::to_string(d.e >> 3) + ")";
            return d.op == kLoadRegister ? load(i, d.a, address, d.d) : store(i, d.a, address, d.d);
        }
        case kBitfield: {
            const unsigned opc = d.e >> 1, width = sf ? 64 : 32;
            const std::string m = hex(sf ? ~u64{0} : 0xFFFF'FFFFull);
            std::string text = "{ u64 src = " + zr(d.b) + " & " + m + ";\n";
            text += "u64 dst = " + (opc == 1 ? zr(d.a) + " & " + m : std::string("0")) + ";\n";
            text += "u64 bot = (dst & ~" + hex(d.imm) + ") | (kr_ror(src, " + std::to_string(d.c) + ", " +
                    std::to_string(width) + ") & " + hex(d.imm) + ");\n";
            if (opc == 0) text += "u64 top = ((src >> " + std::to_string(d.d) + ") & 1) ? kr_ones(" + std::to_string(width) + ") : 0;\n";
            else if (opc == 1) text += "u64 top = dst;\n";
            else text += "u64 top = 0;\n";
            text += setZR(d.a, "((top & ~" + hex(d.imm2) + ") | (bot & " + hex(d.imm2) + ")) & " + m);
            return text + "}\n";
        }
        case kMultiplyAdd: {
            const std::string product = "(" + zr(d.b) + " * " + zr(d.c) + ")";
            return setZR(d.a, "(" + zr(d.d) + ((d.e & 2) ? " - " : " + ") + product + ") & " + mask);
        }
        case kShiftVariable:
            return setZR(d.a, "kr_shift(" + zr(d.b) + " & " + mask + ", " + std::to_string(d.d) + ", (unsigned)((" +
                                  zr(d.c) + " & " + mask + ") % " + (sf ? "64" : "32") + "), " + w + ") & " + mask);
        case kNop:
            return "";
        case kDivide:
            return setZR(d.a, "kr_div(" + zr(d.b) + ", " + zr(d.c) + ", " + std::to_string(d.d) + ", " + w + ")");
        case kMultiplyHigh:
            return setZR(d.a, "kr_mulh(" + zr(d.b) + ", " + zr(d.c) + ", " + std::to_string(d.d) + ")");
        default:
            // The region builder admits only the forms above.
            return "__builtin_trap();\n";
        }
    }
};

}  // namespace

std::string source(const std::vector<Instruction> &code) { return Writer(code).write(); }

}  // namespace kenix::loops
