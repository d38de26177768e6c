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
// `left - kMaxBlock + 1` ticks cannot pass `left`. Within the last kMaxBlock
// instructions the loop offers 1 tick, which runs exactly one block: one
// whose length is known to fit (`blocks`), or one translated now that turns
// out to fit. A block that is too long is stepped through instead (one
// translated now is kept, not run: MemoryReadCode halts the Jit before it
// enters it). A run that resumes inside a block steps to the block's end.
//
// The count of one Run: what dynarmic charged, minus the instructions
// charged that did not retire (continuation markers, an undefined instruction,
// a brk, a faulting fetch: `unretired`), plus, after a data abort, the
// instructions of the interrupted block before the faulting one. Blocks never
// overlap (KenixJIT+Code.cpp), so that block is the one containing the pc.
#include "KenixJIT.hpp"

namespace kenix {

/// Whether `pc` lies inside a translated block, past its start: where a run
/// resumes after an interrupt, a data abort or the end of a budget. The run
/// loop steps from there to the block's end; entering the Jit there would
/// make a new block that splits the old one for good (KenixJIT+Code.cpp).
bool Core::insideBlock(u64 pc) {
    const auto it = blockContaining(pc);
    return it != blocks.end() && it->first != pc;
}

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
    u64 retired = 0;
    result.stop = KD_STOP_BUDGET;
    stop = Stop::none;
    result.info = 0;
    result.address = 0;
    const u64 entry = currentPC();
    RunLength &last = runLength(entry);
    if (hotThreshold != 0 && last.pc == entry && last.retired <= kShortRun) {
        // The last run from here trapped within a few instructions (an svc
        // loop, a server's receive loop): interpret them, whatever their
        // heat, rather than pay for entering the Jit (~100 ns here: its
        // run loop's locks, the MXCSR switches, the dispatcher's lookup;
        // the interpreter takes ~5 ns an instruction, so ~20 of them cost
        // one entry: kShortRun is 24, which keeps ipcbench's client loop
        // here too). If no trap comes, the Jit goes on from the next block
        // start.
        retired = interpret(budget, kShortRun);
    }
    while (retired < budget && stop == Stop::none) {
        const u64 left = budget - retired;
        const u64 pc = currentPC();
        if (!loopRegions.empty() && !stepAfterLoop) {
            // A compiled region (KenixJIT+Loops.cpp): it runs what it can
            // and leaves the pc where the other tiers go on.
            const u64 done = runRegion(pc, left);
            retired += done;
            if (done != 0) continue;
        }
        if (entersCold(pc)) {
            stepAfterLoop = false;   // the interpreter runs that access
            retired += interpret(left);
            if (stop != Stop::none) break;
            continue;
        }
        // After a region stopped before an access: that one instruction,
        // then the region again.
        bool step = stepAfterLoop || (pc != afterSVC && insideBlock(pc));
        stepAfterLoop = false;
        if (step) {
            granted = 1;
        } else if (left >= kMaxBlock) {
            granted = left - kMaxBlock + 1;
            budgetLeft = kMaxBlock;
        } else {
            const auto known = blocks.find(pc);
            step = known != blocks.end() && (known->second.realEnd - known->first) / 4 > left;
            granted = 1;
            budgetLeft = left;
        }
        // Translated code runs: the registers go into the Jit (a lent
        // context: KenixJIT+Registers.cpp), and it may write FPCR or FPSR.
        materialize();
        handedFPControl = false;
        charged = 0;
        unretired = 0;
        stop = Stop::none;
        midBlockAbort = false;
        overBudget = false;
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
        if (stubHit) {
            // A stub at a pc that is hot (a shared heat slot, or the
            // interpreter was turned off): drop it so the Jit translates.
            stubHit = false;
            if (hotThreshold == 0 || isHot(jit->GetPC())) promote(jit->GetPC());
        }
        if (stop != Stop::none) break;
    }
    // Each pass of the loop clears the stop: one left is this run's.
    if (stop != Stop::none) {
        result.stop = static_cast<u32>(stop);
        result.info = info;
        result.address = address;
    }
    result.retired = retired;
    if (result.stop == KD_STOP_BUDGET && loopMode != KD_LOOPS_OFF) noteBudgetEnd(currentPC());
    last = {entry, stop != Stop::none && retired <= kLongRun ? static_cast<u32>(retired) : kLongRun};
    budgetLeft = kMaxBlock;
    // An svc ends its block, so the pc after it starts one (or none): the
    // next run from there need not look (most runs resume there: ~8% of an
    // svc round trip).
    afterSVC = result.stop == KD_STOP_SVC ? currentPC() : kNoPC;
}

}  // namespace kenix
