// LoopCompiler.hpp: the JIT engine's third tier, for loops that run for
// millions of instructions (internal to CDynarmic).
//
// Why a third tier: dynarmic ends a block at every conditional branch, and
// it keeps no guest register in a host register from one block to the next,
// so a loop of small blocks (Swift's overflow checks make every few
// instructions one) pays a store and a reload of each register, a flag
// save, and a tick check per block: the demo's pixel loop ran ~110 host
// instructions for 20 guest ones (docs/simulator.md). The loop compiler
// takes a region of hot code (the loops around a pc where runs keep ending),
// writes it out as one C function, with guest registers as locals and every
// branch a goto, and has the host's C compiler (clang -O2) build it. Within
// the function, registers stay in host registers across branches, and a
// branch out of the region to a trap (an overflow check) is a side exit that
// does not end the block, so the budget is tested once per block of the loop,
// not once per check.
//
// Exactness: the function runs exactly the instructions the other tiers
// would, and counts them exactly: it enters a block only if what is left of
// the budget covers the whole block, and gives back what a side exit skips.
// It touches memory only through the core's software TLB (the JIT's page
// table and the read-only slots); any access those do not satisfy (a first
// touch, a page crossing, a fault) leaves the function *before* that
// instruction, which the run loop then runs in the Jit. So what the host
// sees (page requests, faults, their order) is what the Jit alone would
// have done, and a region's result never depends on whether, or when, it
// was compiled: compiling runs on a worker thread, and the engines still
// agree to the trace hash (engines.sh runs them with compiling synchronous).
//
// The files: LoopSource.cpp writes the C; LoopCompiler.cpp runs the
// compiler and loads the result; KenixJIT+Loops.cpp finds regions, enters
// them and forgets them with the code they came from.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "KenixJIT.hpp"

namespace kenix::loops {

/// The forms a region adds to the fast path's (PredecodedForms.hpp).
enum ExtraOp : u8 {
    kDivide = 200,      // SDIV, UDIV: d = signed, e = sf
    kMultiplyHigh = 201,// SMULH, UMULH: d = signed
};

/// One instruction of a region: a fast-path form with its operands (the
/// fields of Core::Predecoded), or an ExtraOp.
struct Instruction {
    u64 pc;
    u8 op, a, b, c, d, e;
    u64 imm, imm2;
};

/// What a region function reads and gives back besides the registers.
struct IO {
    u64 left;   // the budget: instructions it may still retire
    u32 nzcv;   // N, Z, C, V as bits 3:0
    u32 slow;   // 1: it stopped before an access the TLB did not satisfy
};

/// A compiled region: runs from x[32] (the pc) while the pc stays in the
/// region, the budget lasts and the TLB answers; leaves x[32] at the next
/// instruction to run. Returns at once, changing nothing, if x[32] is not
/// one of the region's instructions.
using Function = void (*)(u64 *x, IO *io, void *const *pageTable, const void *readOnlySlots);

/// The C source of a region function over `code` (sorted by pc, at most one
/// entry per pc).
std::string source(const std::vector<Instruction> &code);

/// A compilation, shared by every core that asks for the same source.
struct Job {
    enum State : int { pending = 0, ready = 1, failed = 2 };
    std::atomic<int> state{pending};
    Function function = nullptr;   // set before state becomes ready
};

/// The process's compiler: one worker thread, a cache by source text. A
/// host without a C compiler has every job fail (once, quietly). `wait`:
/// compile before returning (KD_LOOPS_SYNCHRONOUS: tests and the engine
/// cross-check, so that the compiled code is what runs); else the run goes
/// on in the other tiers meanwhile (KD_LOOPS_BACKGROUND).
std::shared_ptr<Job> compile(const std::string &source, bool wait);

}  // namespace kenix::loops
