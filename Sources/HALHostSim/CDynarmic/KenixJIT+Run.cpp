// KenixJIT+Run.cpp: kd_run, a run that ends at a trap or after exactly
// `budget` retired instructions, with the exact count either way.
//
// What dynarmic gives: it charges a block's length when the block completes
// (AddTicks at the end of Run), and checks the budget only before entering a
// block, so a block may overshoot it; Step runs exactly one instruction. A
// block halted by a data abort is not charged.
//
// The budget: no block is longer than kMaxBlock instructions (the translator
// is cut there), and every way from one block to the next checks the budget
// (linked blocks and the dispatcher; the return stack buffer and fast
// dispatch, which do not, are off: KenixJIT.cpp), so a Run offered
// `left - kMaxBlock + 1` ticks cannot pass `left`. Within the last kMaxBlock instructions the loop offers 1 tick, which
// runs exactly one block: one whose length is known to fit (`blocks`), or one
// translated now, which MemoryReadCode cuts at `left` instructions. A known
// block that is too long is stepped through instead.
//
// The count of one Run: what dynarmic charged, minus the instructions
// charged that did not retire (continuation markers, an undefined instruction,
// a brk, a faulting fetch: `unretired`), plus, after a data abort, the
// instructions of the interrupted block before the faulting one. Blocks never
// overlap (KenixJIT+Code.cpp), so that block is the one containing the pc.
#include "KenixJIT.hpp"

namespace kenix {

u64 Core::partialBlock(u64 pc) {
    const auto it = blockContaining(pc);
    if (it == blocks.end()) {
        // Cannot happen while blocks partition the code; counted, so that a
        // test can insist on zero.
        stats.unsupported++;
        return 0;
    }
    return (pc - it->first) / 4;
}

void Core::run(u64 budget, kd_result &result) {
    if (needsRevalidation) revalidate();
    handedFPControl = false;  // the guest may write FPCR or FPSR
    u64 retired = 0;
    result.stop = KD_STOP_BUDGET;
    result.info = 0;
    result.address = 0;
    while (retired < budget) {
        const u64 left = budget - retired;
        bool step = false;
        if (left >= kMaxBlock) {
            granted = left - kMaxBlock + 1;
            translationLimit = kMaxBlock;
        } else {
            const auto known = blocks.find(jit->GetPC());
            step = known != blocks.end() && (known->second.realEnd - known->first) / 4 > left;
            granted = 1;
            translationLimit = left;
        }
        charged = 0;
        unretired = 0;
        stop = Stop::none;
        midBlockAbort = false;
        if (step) {
            stepping = true;
            jit->Step();
            stepping = false;
            stats.steps++;
        } else {
            jit->Run();
            stats.runs++;
        }
        u64 done = charged - unretired;
        if (midBlockAbort && !step) done += partialBlock(jit->GetPC());
        retired += done;
        if (!pendingSplits.empty()) performSplits();
        if (stop != Stop::none) {
            result.stop = static_cast<u32>(stop);
            result.info = info;
            result.address = address;
            break;
        }
    }
    result.retired = retired;
    translationLimit = kMaxBlock;
}

}  // namespace kenix
