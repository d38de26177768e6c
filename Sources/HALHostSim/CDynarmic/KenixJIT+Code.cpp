// KenixJIT+Code.cpp: what the translator reads, how translated blocks are
// kept apart, and the exceptions the translated code raises.
//
// Block bookkeeping (why: exact instruction counts at faults). dynarmic
// charges a block's instructions only when the block completes, and a data
// abort stops a block half way; the instructions it retired before the fault
// are never charged. To add them the core must know where the interrupted
// block started. With block linking a block is entered without dynarmic
// recording where, so the core makes it computable instead: translated
// blocks never overlap. Every block starts at an entry (a pc the dispatcher
// asked to translate) and stops before the next known entry, after
// kMaxBlock instructions, or before a page it cannot fetch from; the block
// that contains a pc is then the one with the greatest start at or below it.
//   - A new entry inside an existing block (a jump into straight-line code)
//     is a split: its first translation is a lone continuation marker that
//     stops the run; the run loop then drops the covering block, and both are
//     translated again, apart (performSplits). A run that *resumes* inside a
//     block (after an interrupt, a data abort, the end of a budget) does not
//     split it: it steps to the block's end (KenixJIT+Run.cpp). Splitting at
//     every place a slice happened to end chopped hot loops into blocks of
//     one or two instructions, for good.
//   - A block is cut short with kCut, which costs nothing at run time; in a
//     block with no IR yet (only hints), or before a page it cannot fetch
//     from, with a continuation marker instead: MemoryReadCode returns
//     nothing for the next pc, dynarmic raises NoExecuteFault there, and the
//     callback resumes at that pc (uncounted) unless it is a real fetch fault.
//
// Instructions the CPU baseline refuses, and the few the core emulates
// (DC ZVA, MRS PMUSERENR_EL0), reach the translator as kMarker; dynarmic
// raises it at exactly that pc, after the instructions before it retired.
#include "KenixJIT.hpp"

#include <cstring>

namespace kenix {

std::optional<u32> Core::fetch(u64 va) {
    u32 word;
    if (fetchCached(va, word)) return word;
    const kd_page p = host.translate(host.context, va, KD_FETCH, false);
    if (!p.host) return std::nullopt;
    codeSlots[(va >> 12) % kCodeSlots] = {(va >> 12) + 1, p.host};
    std::memcpy(&word, p.host + (va & 0xFFF), 4);
    return word;
}

bool Core::fetchable(u64 va) const {
    return codeSlots[(va >> 12) % kCodeSlots].tag == (va >> 12) + 1;
}

std::map<u64, Block>::iterator Core::blockContaining(u64 va) {
    auto it = blocks.upper_bound(va);
    if (it == blocks.begin()) return blocks.end();
    --it;
    return va < it->second.realEnd ? it : blocks.end();
}

namespace {

/// `mrs xzr, cntpct_el0`: dynarmic ends a block before this instruction
/// unless it comes first, with a linked jump to it and without counting it
/// (the "HACK" in its MRS translation, there to give CNTPCT an up-to-date
/// cycle count). Handed to the translator in place of the instruction a
/// block must stop before, it cuts the block for free: no callback, no
/// dispatcher, nothing charged.
constexpr u32 kCut = 0xD53B'E03F;

/// Whether dynarmic emits IR for `word` (the cut works only in a block that
/// has some): everything but hints, prefetches, and the moves of a constant
/// into XZR (its translator drops a write of an immediate to register 31, so
/// `movz xzr, #1` alone made a block with no IR; found by
/// JITInterpreterTests with more trials).
bool emitsIR(u32 word) {
    if ((word & 0xFFFF'F01F) == 0xD503'201F) return false;   // HINT space (NOP, YIELD, WFE, ...)
    if ((word & 0x1F00'001F) == 0x1000'001F) return false;   // ADR, ADRP XZR
    if ((word & 0x1F80'001F) == 0x1280'001F) return false;   // MOVN, MOVZ, MOVK XZR
    if ((word & 0xFF00'0000) == 0xD800'0000) return false;   // PRFM (literal)
    if ((word & 0xFFC0'0000) == 0xF980'0000) return false;   // PRFM (immediate)
    if ((word & 0xFFE0'0C00) == 0xF880'0000) return false;   // PRFM (unscaled)
    if ((word & 0xFFE0'0C00) == 0xF8A0'0800) return false;   // PRFM (register)
    return true;
}

}  // namespace

std::optional<u32> Core::MemoryReadCode(u64 va) {
    if (va & 3) return std::nullopt;  // a misaligned pc: ExceptionRaised reports it
    if (stepping) {
        // A single-step translation covers one instruction; it is no block.
        const auto word = fetch(va);
        if (!word) return std::nullopt;
        noteCodePage(va, codeSlots[(va >> 12) % kCodeSlots].host);
        return classify(*word) == Classified::run ? *word : kMarker;
    }
    const u64 start = jit->GetPC();  // the dispatcher stores it before translating
    if (va == start) {
        const auto covering = blockContaining(start);
        if (covering != blocks.end() && covering->first < start) {
            stats.blocks_translated++;
            pendingSplits.push_back(start);
            return std::nullopt;
        }
        if (hotThreshold != 0 && !isHot(start)) {
            // Cold: a stub that hands the pc to the interpreter.
            stats.cold_stubs++;
            blocks[start] = Block{start, start + 4, true};
            return std::nullopt;
        }
        stats.blocks_translated++;
        blocks[start] = Block{start, start};
        translatingIR = false;
    } else if (va - start >= 4 * kMaxBlock || blocks.count(va)) {
        blocks[start].rangeEnd = va + 4;
        if (translatingIR) return kCut;
        return std::nullopt;  // nothing to cut after: a continuation marker
    }
    Block &block = blocks[start];
    const auto word = fetch(va);
    if (!word) {
        block.rangeEnd = va + 4;
        return std::nullopt;
    }
    if (va - start >= 4 * budgetLeft && !overBudget) {
        // Longer than what is left of the budget (the run loop's last
        // instructions): translate it whole, for later, but do not run it
        // now (dynarmic checks for a halt after translating the first block
        // and before entering it); the run loop steps instead. Cutting it
        // at the budget would make the cut a block boundary for good.
        overBudget = true;
        jit->HaltExecution(Dynarmic::HaltReason::UserDefined3);
    }
    noteCodePage(va, codeSlots[(va >> 12) % kCodeSlots].host);
    block.realEnd = block.rangeEnd = va + 4;
    stats.instructions_translated++;
    if (classify(*word) != Classified::run) return kMarker;
    translatingIR = translatingIR || emitsIR(*word);
    return *word;
}

void Core::stopAt(Stop why, u64 pc) {
    stop = why;
    unretired++;
    jit->SetPC(pc);
    jit->HaltExecution(Dynarmic::HaltReason::UserDefined1);
}

void Core::ExceptionRaised(u64 pc, Dynarmic::A64::Exception exception) {
    using Dynarmic::A64::Exception;
    switch (exception) {
    case Exception::NoExecuteFault: {
        if (pc & 3) {
            address = pc;
            return stopAt(Stop::pcAlignment, pc);
        }
        if (const auto b = blocks.find(pc); b != blocks.end() && b->second.stub) {
            unretired++;
            stubHit = true;
            jit->SetPC(pc);
            jit->HaltExecution(Dynarmic::HaltReason::UserDefined4);
            return;
        }
        for (u64 split : pendingSplits) {
            if (split == pc) {
                unretired++;
                jit->SetPC(pc);
                jit->HaltExecution(Dynarmic::HaltReason::UserDefined2);
                return;
            }
        }
        // A continuation, or code on a page not fetchable when translated:
        // fetch it now, for real (the host may resolve the fault).
        if (!fetchable(pc)) {
            const kd_page p = host.translate(host.context, pc, KD_FETCH, true);
            if (!p.host) return stopAt(Stop::fetchFault, pc);
            codeSlots[(pc >> 12) % kCodeSlots] = {(pc >> 12) + 1, p.host};
        }
        unretired++;
        jit->SetPC(pc);
        const auto block = blocks.find(pc);
        if (stepping || (block != blocks.end() && block->second.realEnd == pc)) {
            // The marker opens its own block (the page was not fetchable when
            // it was translated): resuming at pc would find it again. Drop it
            // and stop; the next Run translates pc afresh.
            if (block != blocks.end()) blocks.erase(block);
            jit->InvalidateCacheRange(pc, 4);
            jit->HaltExecution(Dynarmic::HaltReason::UserDefined2);
        }
        return;
    }
    case Exception::Breakpoint: {
        const auto word = fetch(pc);
        info = word ? (*word >> 5) & 0xFFFF : 0;
        return stopAt(Stop::breakpoint, pc);
    }
    case Exception::UnallocatedEncoding:
    case Exception::ReservedValue:
    case Exception::UnpredictableInstruction:
        return undefinedOrEmulated(pc, false);
    case Exception::WaitForInterrupt:
    case Exception::WaitForEvent:
    case Exception::SendEvent:
    case Exception::SendEventLocal:
    case Exception::Yield:
        // Not raised: hints are NOPs (hook_hint_instructions is off).
        jit->SetPC(pc + 4);
        return;
    default:
        return stopAt(Stop::undefined, pc);
    }
}

/// Runs an instruction the translator saw as kMarker. The marker was
/// charged as one instruction: the emulated one, which retires here.
void Core::emulate(u64 pc, u32 word) {
    const unsigned rt = word & 31;
    const u64 xt = rt == 31 ? 0 : jit->GetRegister(rt);
    if ((word & 0xFFFF'FFE0) == 0xD50B'7420) {
        // DC ZVA, Xt: zero the aligned block DCZID_EL0 names (64 bytes). A
        // fault reports Xt itself, as QEMU's helper_dc_zva does ("DC_ZVA
        // requires that we supply the original pointer for an invalid page").
        u8 *p = page(xt, KD_WRITE);
        if (!p) return stopAt(Stop::dataFault, pc);
        std::memset(p + (xt & 0xFC0), 0, 64);
    } else if ((word & 0xFFFF'FFE0) == 0xD53B'9E00) {
        // MRS Xt, PMUSERENR_EL0: readable at EL0 on the baseline CPU, 0.
        if (rt != 31) jit->SetRegister(rt, 0);
    } else if ((word & 0xFFFF'FFE0) == 0xD51B'4400) {
        // MSR FPCR, Xt: the A72 keeps AHP, DN, FZ, RMode, Stride and Len;
        // no FP16 (FZ16) and no trapped exceptions. dynarmic keeps only the
        // first four: Stride and Len (AArch32's) are kept aside.
        jit->SetFpcr(static_cast<u32>(xt) & kFPCRMask);
        fpcrVector = static_cast<u32>(xt) & kFPCRVectorBits;
    } else if ((word & 0xFFFF'FFE0) == 0xD53B'4400) {
        // MRS Xt, FPCR.
        if (rt != 31) jit->SetRegister(rt, jit->GetFpcr() | fpcrVector);
    } else if ((word & 0xFFFF'FFE0) == 0xD51B'4420) {
        // MSR FPSR, Xt: dynarmic keeps QC and the exception bits; the A72
        // (AArch32's) N, Z, C, V bits live here.
        jit->SetFpsr(static_cast<u32>(xt));
        fpsrFlags = static_cast<u32>(xt) & kFlagBits;
    } else if ((word & 0xFFFF'FFE0) == 0xD53B'4420) {
        // MRS Xt, FPSR.
        if (rt != 31) jit->SetRegister(rt, jit->GetFpsr() | fpsrFlags);
    } else {
        return stopAt(Stop::undefined, pc);
    }
    jit->SetPC(pc + 4);
}

void Core::CallSVC(u32 imm) {
    stop = Stop::svc;
    info = imm;
    jit->HaltExecution(Dynarmic::HaltReason::UserDefined1);
}

/// dynarmic decodes no UDF: kMarker and every encoding it does not know
/// arrive here, at the instruction's pc, charged as one instruction.
void Core::InterpreterFallback(u64 pc, std::size_t) {
    undefinedOrEmulated(pc, true);
}

void Core::undefinedOrEmulated(u64 pc, bool notDecoded) {
    const auto word = fetch(pc);
    if (!word) return stopAt(Stop::undefined, pc);
    switch (classify(*word)) {
    case Classified::emulate:
        return emulate(pc, *word);
    case Classified::run:
        // An encoding the baseline has but dynarmic 6.4.5 does not implement
        // (a few saturating ARMv8.0 SIMD forms; docs/simulator.md lists
        // them), or an unallocated one: undefined here, counted.
        if (notDecoded) stats.unsupported++;
        return stopAt(Stop::undefined, pc);
    case Classified::undefined:
        return stopAt(Stop::undefined, pc);
    }
}

void Core::forgetCode(u64 begin, u64 end) {
    forgetRegions(begin, end);
    auto it = blocks.lower_bound(begin);
    if (it != blocks.begin()) {
        auto before = std::prev(it);
        if (before->second.rangeEnd > begin) it = before;
    }
    while (it != blocks.end() && it->first < end) {
        if (it->second.rangeEnd > begin) {
            it = blocks.erase(it);
        } else {
            ++it;
        }
    }
}

void Core::noteCodePage(u64 va, const u8 *page) {
    auto &snapshot = codePages[va >> 12];
    if (snapshot) return;
    snapshot.reset(new u8[4096]);
    std::memcpy(snapshot.get(), page, 4096);
}

/// Keeps the translations whose code pages still hold the same bytes, with
/// execute permission, in the address space the core serves now; drops the
/// rest. What a TLBI ASIDE1 or a new address space calls for: the next fetch
/// of each dropped page translates it afresh.
void Core::revalidate() {
    needsRevalidation = false;
    for (auto it = codePages.begin(); it != codePages.end();) {
        const u64 base = it->first << 12;
        const kd_page p = host.translate(host.context, base, KD_FETCH, false);
        if (p.host && std::memcmp(p.host, it->second.get(), 4096) == 0) {
            ++it;
            continue;
        }
        stats.pages_retranslated++;
        jit->InvalidateCacheRange(base, 4096);
        forgetCode(base, base + 4096);
        it = codePages.erase(it);
    }
}

/// How many of the first `sample` code pages hold the same bytes under
/// `other` (choosing a core for an address space; changes nothing).
int Core::matchScore(kd_host other, int sample) {
    int score = 0;
    for (auto it = codePages.begin(); it != codePages.end() && sample > 0; ++it, --sample) {
        const kd_page p = other.translate(other.context, it->first << 12, KD_FETCH, false);
        if (p.host && std::memcmp(p.host, it->second.get(), 4096) == 0) score++;
    }
    return score;
}

void Core::performSplits() {
    for (u64 entry : pendingSplits) {
        stats.block_splits++;
        const auto covering = blockContaining(entry);
        if (covering != blocks.end()) {
            jit->InvalidateCacheRange(covering->first, covering->second.rangeEnd - covering->first);
            blocks.erase(covering);
        }
        jit->InvalidateCacheRange(entry, 4);
    }
    pendingSplits.clear();
}

}  // namespace kenix
