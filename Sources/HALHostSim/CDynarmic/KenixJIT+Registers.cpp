// KenixJIT+Registers.cpp: moving a task's registers into a core and out of
// it (kd_set_context, kd_get_context) at every entry to EL0 and every trap.
//
// An svc round trip is a few hundred nanoseconds, and dynarmic's accessors
// made a third of it: GetVectors returns the 512-byte vector file by value
// (a copy to the stack, then ours), behind a call through the Jit's private
// implementation. So a core reads and writes the Jit's register file in
// place: dynarmic keeps x0-x30, SP and PC as 33 consecutive words, as
// kd_context does, and the 32 vector registers 16-byte aligned right after
// them (NZCV and FPCR/FPSR have encodings of their own: those still go
// through the accessors). That layout is dynarmic's, not its interface's,
// so it is found, not assumed: `locateState` writes distinct values through
// the public setters, looks for them in the Jit's state, checks the
// reverse direction too, and the core falls back to the accessors (with
// the FP/SIMD shadow below) if anything differs. Debian's 6.4.5 matches.
// The copies are fixed-size and expanded inline (`copyInline`).
//
// And most traps need no copy at all. A run that is interpreted from its
// entry to its trap (an IPC server's receive loop, a client's call loop:
// kShortRun in KenixJIT+Run.cpp) never needs the registers in the Jit, so
// kd_set_context only *lends* the context to the core: the interpreter
// works on it in place, and the registers move into the Jit only when
// translated code is about to run (`materialize`). kd_get_context then has
// nothing to copy back. This is lazy register switching, as kernels switch
// FP/SIMD state lazily: two copies of ~800 bytes and five calls into the
// Jit's accessors per trap were ~13% of an IPC round trip (callgrind). A
// lent context is trimmed to the bits the Jit would keep (NZCV, FPCR,
// FPSR), so what the kernel gets back does not depend on which tier ran.
#include "KenixJIT.hpp"

#include <cstddef>
#include <cstring>

namespace kenix {

namespace {
using Registers = std::array<u64, 31>;
using Vectors = std::array<Dynarmic::A64::Vector, 32>;
static_assert(sizeof(Registers) == sizeof(kd_context::x) && alignof(Registers) <= alignof(u64));
static_assert(sizeof(Vectors) == sizeof(kd_context::v) && alignof(Vectors) <= alignof(u64));
static_assert(offsetof(kd_context, sp) == offsetof(kd_context, x) + 31 * 8 &&
              offsetof(kd_context, pc) == offsetof(kd_context, sp) + 8,
              "x0-x30, SP and PC are consecutive, as in the Jit's state");

/// x0-x30, SP and PC.
constexpr std::size_t kGeneralBytes = 33 * sizeof(u64);
/// Where the vector registers follow them in the Jit's state: after the
/// 32-bit NZCV word, at the next 16-byte boundary.
constexpr std::size_t kVectorsAfterGeneral = 272;
constexpr std::size_t kVectorBytes = sizeof(kd_context::v);
/// Where the exclusive flag lies after them (guest and ASIMD MXCSR and the
/// halt reason come first, 4 bytes each).
constexpr std::size_t kExclusiveAfterVectors = 12;
/// How far into the Jit's private state the search goes (its
/// configuration comes first; the state itself is larger than this).
constexpr std::size_t kSearchWindow = 1024;

/// The vector registers, FPCR and FPSR (the tail of kd_context from v on).
constexpr std::size_t kFPBytes = sizeof(kd_context) - offsetof(kd_context, v);
static_assert(kFPBytes == sizeof(kd_context::v) + 2 * sizeof(u64));

bool sameFP(const kd_context &a, const kd_context &b) {
    const auto *x = reinterpret_cast<const u64 *>(&a.v[0]);
    const auto *y = reinterpret_cast<const u64 *>(&b.v[0]);
    u64 differ = 0;
    for (std::size_t i = 0; i < kFPBytes / 8; i++) differ |= x[i] ^ y[i];
    return differ == 0;
}

/// Copies N bytes with 16-byte moves, inline: a call to memcpy for a few
/// hundred bytes costs as much as the copy, and one __builtin_memcpy_inline
/// of that size becomes `rep movsq`, whose start-up made these copies half
/// of an svc round trip. In 64-byte pieces it stays plain moves.
template<std::size_t N>
inline void copyInline(void *to, const void *from) {
    auto *d = static_cast<u8 *>(to);
    const auto *s = static_cast<const u8 *>(from);
    for (std::size_t i = 0; i + 64 <= N; i += 64) __builtin_memcpy_inline(d + i, s + i, 64);
    if constexpr (N % 64 != 0) __builtin_memcpy_inline(d + N / 64 * 64, s + N / 64 * 64, N % 64);
}

/// A value no register holds by chance, different for every slot.
u64 probe(u64 salt, std::size_t i) { return 0x6B65'6E69'7800'0000 ^ (salt << 40) ^ (i * 0x9E37'79B9'7F4A'7C15); }
}  // namespace

void Core::locateState() {
    // Dynarmic::A64::Jit holds only a pointer to its implementation.
    static_assert(sizeof(Dynarmic::A64::Jit) == sizeof(void *));
    const u8 *impl = *reinterpret_cast<u8 *const *>(jit.get());
    Registers regs;
    for (std::size_t i = 0; i < 31; i++) regs[i] = probe(1, i);
    Vectors vectors;
    for (std::size_t i = 0; i < 32; i++) vectors[i] = {probe(2, 2 * i), probe(2, 2 * i + 1)};
    jit->SetRegisters(regs);
    jit->SetSP(probe(1, 31));
    jit->SetPC(probe(1, 32));
    jit->SetVectors(vectors);
    for (std::size_t offset = 0; offset + kGeneralBytes <= kSearchWindow; offset += 16) {
        const auto *general = reinterpret_cast<const u64 *>(impl + offset);
        if (std::memcmp(general, regs.data(), sizeof(regs)) != 0) continue;
        if (general[31] != probe(1, 31) || general[32] != probe(1, 32)) continue;
        const auto *vector = reinterpret_cast<const u64 *>(impl + offset + kVectorsAfterGeneral);
        if (std::memcmp(vector, vectors.data(), kVectorBytes) != 0) continue;
        // And the other way: what is written here, the accessors read.
        auto *g = const_cast<u64 *>(general);
        auto *v = const_cast<u64 *>(vector);
        g[7] = probe(3, 7);
        g[32] = probe(3, 32);
        v[63] = probe(3, 63);
        if (jit->GetRegister(7) == probe(3, 7) && jit->GetPC() == probe(3, 32) && jit->GetVector(31)[1] == probe(3, 63)) {
            stateGeneral = g;
            stateVectors = v;
            registerFile = g;
            vectorFile = v;
            locateExclusiveFlag(reinterpret_cast<u8 *>(v) + kVectorBytes);
        }
        break;
    }
    jit->SetRegisters(Registers{});
    jit->SetSP(0);
    jit->SetPC(0);
    jit->SetVectors(Vectors{});
}

/// After the vector registers dynarmic keeps two MXCSR words and the halt
/// reason, then its exclusive flag: found as the byte there that
/// ClearExclusiveState clears (it writes nothing else), like the registers
/// are found, not assumed. Whatever the byte held goes back.
void Core::locateExclusiveFlag(u8 *afterVectors) {
    u8 *flag = afterVectors + kExclusiveAfterVectors;
    const u8 held = *flag;
    *flag = 1;
    jit->ClearExclusiveState();
    if (*flag == 0) stateExclusive = flag;
    *flag = held;
}

bool Core::setDirectRegisters(bool direct) {
    if (lent) moveIntoJit(*lent);   // while stateGeneral still says how
    stateGeneral = nullptr;
    stateVectors = nullptr;
    registerFile = nullptr;
    vectorFile = nullptr;
    stateExclusive = nullptr;
    handedFPControl = false;
    shadowValid = false;
    if (direct) locateState();
    // The interpreter works on the registers in place.
    if (!directRegisters()) hotThreshold = 0;
    return directRegisters();
}

void Core::setContext(kd_context &c) {
    tpidr = c.tpidr;
    // Only the interpreter can use a lent context: it needs the Jit's
    // registers in place and a threshold (KenixJIT+Interpreter.cpp).
    if (stateGeneral && hotThreshold != 0) {
        lent = &c;
        registerFile = c.x;   // x0-x30, SP, PC are consecutive in both
        vectorFile = c.v;
        return;
    }
    moveIntoJit(c);
}

void Core::moveIntoJit(const kd_context &c) {
    lent = nullptr;
    registerFile = stateGeneral;
    vectorFile = stateVectors;
    jit->SetPstate(static_cast<u32>(c.nzcv & kFlagBits));
    if (stateGeneral) {
        copyInline<kGeneralBytes>(stateGeneral, c.x);
        copyInline<kVectorBytes>(stateVectors, c.v);
        // FPCR and FPSR change rarely, and setting them costs more than
        // comparing: as long as the Jit has not run since getContext
        // handed them out, equal values are already there.
        if (handedFPControl && c.fpcr == handedFPCR && c.fpsr == handedFPSR) return;
        setFPControl(c.fpcr, c.fpsr);
        return;
    }
    jit->SetRegisters(*reinterpret_cast<const Registers *>(c.x));
    jit->SetSP(c.sp);
    jit->SetPC(c.pc);
    // Through the accessors, the FP/SIMD state is moved only when it
    // differs from what the core last handed out (`shadow`).
    if (shadowValid && sameFP(c, shadow)) return;
    jit->SetVectors(*reinterpret_cast<const Vectors *>(c.v));
    setFPControl(c.fpcr, c.fpsr);
    shadowValid = false;
}

/// What of FPCR and FPSR survives a trip through the Jit (getContext of
/// setContext), learnt once from the Jit itself rather than assumed.
void Core::learnKeptFPBits() {
    setFPControl(kFPCRMask, 0xFFFF'FFFF);
    fpcrKept = jit->GetFpcr() | fpcrVector;
    fpsrKept = jit->GetFpsr() | fpsrFlags;
    setFPControl(0, 0);
}

void Core::setFPControl(u64 fpcr, u64 fpsr) {
    jit->SetFpcr(static_cast<u32>(fpcr) & kFPCRMask);
    fpcrVector = static_cast<u32>(fpcr) & kFPCRVectorBits;
    jit->SetFpsr(static_cast<u32>(fpsr));
    fpsrFlags = static_cast<u32>(fpsr) & kFlagBits;
    handedFPControl = false;
}

void Core::getContext(kd_context &c) {
    if (lent) {
        // The registers are in the lent context already (another context:
        // a copy); what the Jit would not have kept goes.
        if (lent != &c) std::memcpy(&c, lent, sizeof c);
        c.nzcv &= kFlagBits;
        c.fpcr &= fpcrKept;
        c.fpsr &= fpsrKept;
        c.tpidr = tpidr;
        return;
    }
    c.nzcv = jit->GetPstate() & kFlagBits;
    c.fpcr = jit->GetFpcr() | fpcrVector;
    c.fpsr = jit->GetFpsr() | fpsrFlags;
    c.tpidr = tpidr;
    if (stateGeneral) {
        copyInline<kGeneralBytes>(c.x, stateGeneral);
        copyInline<kVectorBytes>(c.v, stateVectors);
        handedFPCR = c.fpcr;
        handedFPSR = c.fpsr;
        handedFPControl = true;
        return;
    }
    *reinterpret_cast<Registers *>(c.x) = jit->GetRegisters();
    c.sp = jit->GetSP();
    c.pc = jit->GetPC();
    *reinterpret_cast<Vectors *>(c.v) = jit->GetVectors();
    copyInline<kFPBytes>(&shadow.v[0], &c.v[0]);
    shadowValid = true;
}

/// Only the Jit's own flag: a store-exclusive fails on it before it asks the
/// monitor, and the next load-exclusive marks the monitor afresh (one
/// processor per monitor), so the monitor's lock is not taken here.
void Core::clearExclusive() {
    if (stateExclusive) *stateExclusive = 0;   // what ClearExclusiveState does, without the call
    else jit->ClearExclusiveState();
}

}  // namespace kenix

extern "C" int kd_direct_registers(const kd_core *core) {
    return reinterpret_cast<const kenix::Core *>(core)->directRegisters() ? 1 : 0;
}

extern "C" int kd_set_direct_registers(kd_core *core, int direct) {
    return reinterpret_cast<kenix::Core *>(core)->setDirectRegisters(direct != 0) ? 1 : 0;
}
