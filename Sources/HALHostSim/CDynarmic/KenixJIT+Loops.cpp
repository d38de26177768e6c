// KenixJIT+Loops.cpp: where the loop compiler's regions come from, how the
// run loop enters them, and when they go (LoopCompiler.hpp says why).
//
// Finding hot loops costs the Jit nothing: a run that ends at its budget
// (the end of a time slice: 1 ms, a million instructions) stops where the
// code is busy. When runs have ended loopHot times (32) in the same 64-byte
// stretch of code, the core reads the code around that pc, following
// branches, and makes a region of what it can express: the fast path's forms
// and division, within 4 KiB either side, at most kRegionInstructions, and of
// that only the loop nest around the pc (what can come back to it). An
// instruction it cannot express is a way out of the region, not a reason to
// refuse it.
//
// A region's code is the address space's: its pages are noted as code pages
// (noteCodePage), so the invalidations that drop the Jit's translations of
// a page (TLBI VAE1, a changed page at revalidation, forget) drop the
// region with them (forgetCode).
#include "A64Semantics.hpp"
#include "LoopCompiler.hpp"
#include "PredecodedForms.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace kenix {

namespace {

constexpr u64 kRegionReach = 4096;
constexpr std::size_t kRegionInstructions = 256;
/// Regions per core, and pcs remembered as refused: bounds, not tuning.
constexpr std::size_t kMaxRegions = 32;
constexpr std::size_t kMaxRefused = 1024;
/// Every kRegionReview entries a region must have retired kRegionWorthwhile
/// instructions an entry on average (a loop's region runs thousands), or it
/// is given up.
constexpr u64 kRegionReview = 1024;
constexpr u64 kRegionWorthwhile = 64;

/// Nothing follows it in a straight line: an unconditional branch.
constexpr bool endsStraightLine(u8 op) { return isBranchForm(op) && !isConditionalBranchForm(op); }

/// Keeps of `code` (everything reachable from `seed`) what can come back to
/// it: the loop nest around the seed. What lies after the nest (a
/// function's tail, code it calls once) would only add registers the
/// function must keep for its exits, and compile time. False if the seed lies
/// on no loop (every instruction of `code` is reachable from the seed, so
/// any predecessor of it closes one).
bool keepLoopNest(std::vector<loops::Instruction> &code, u64 seed) {
    std::unordered_map<u64, std::vector<u64>> predecessors;
    for (const auto &in : code) {
        if (branchesToImmediate(in.op)) predecessors[in.imm].push_back(in.pc);
        if (!endsStraightLine(in.op)) predecessors[in.pc + 4].push_back(in.pc);
    }
    std::unordered_set<u64> back{seed};
    std::vector<u64> work{seed};
    while (!work.empty()) {
        const u64 pc = work.back();
        work.pop_back();
        const auto found = predecessors.find(pc);
        if (found == predecessors.end()) continue;
        for (u64 from : found->second) {
            if (back.insert(from).second) work.push_back(from);
        }
    }
    code.erase(std::remove_if(code.begin(), code.end(), [&](const auto &in) { return !back.count(in.pc); }),
               code.end());
    return predecessors.count(seed) != 0;
}

}  // namespace

void Core::setLoopCompiler(int mode, u32 hot) {
    loopMode = stateGeneral ? mode : KD_LOOPS_OFF;
    loopHot = hot == 0 ? 1 : hot > 0xFFFF ? 0xFFFF : hot;
    if (loopMode == KD_LOOPS_OFF) loopRegions.clear();
}

void Core::forgetRegions(u64 begin, u64 end) {
    for (auto it = loopRegions.begin(); it != loopRegions.end();) {
        it = it->first < end && it->second.end > begin ? loopRegions.erase(it) : std::next(it);
    }
}

std::map<u64, Core::LoopRegion>::iterator Core::regionContaining(u64 pc) {
    auto it = loopRegions.upper_bound(pc);
    if (it == loopRegions.begin()) return loopRegions.end();
    --it;
    return pc < it->second.end ? it : loopRegions.end();
}

void Core::noteBudgetEnd(u64 pc) {
    if (loopMode == KD_LOOPS_OFF || !registerFile || loopRegions.size() >= kMaxRegions) return;
    if (regionContaining(pc) != loopRegions.end() || loopRefused.count(pc)) return;
    std::uint16_t &heat = loopHeat[(pc >> 6) % kLoopHeatSlots];
    if (++heat < loopHot) return;
    heat = 0;
    buildRegion(pc);
}

/// The region's form of `word`: the fast path's, but for an svc (it leaves
/// the tier) and what only the full decoder runs, plus SDIV, UDIV, SMULH and
/// UMULH. False: the region stops before it.
bool Core::regionInstruction(u64 pc, u32 word, loops::Instruction &out) const {
    using namespace a64;
    const Predecoded d = predecode(pc, word);
    out = {pc, d.op, d.a, d.b, d.c, d.d, d.e, d.imm, d.imm2};
    if (d.op != kSlow) return d.op != kSupervisorCall;
    const bool sf = bitAt(word, 31);
    out.a = static_cast<u8>(field(word, 0, 5));
    out.b = static_cast<u8>(field(word, 5, 5));
    out.c = static_cast<u8>(field(word, 16, 5));
    out.e = sf;
    out.imm2 = widthMask(sf);
    if ((word & 0x7FE0'F800) == 0x1AC0'0800) {   // UDIV, SDIV
        out.op = loops::kDivide;
        out.d = bitAt(word, 10);
        return true;
    }
    if ((word & 0xFF60'FC00) == 0x9B40'7C00) {   // SMULH, UMULH (Ra = 31)
        out.op = loops::kMultiplyHigh;
        out.d = !bitAt(word, 23);
        return true;
    }
    return false;
}

void Core::buildRegion(u64 seed) {
    const u64 low = seed > kRegionReach ? seed - kRegionReach : 0, high = seed + kRegionReach;
    std::vector<loops::Instruction> code;
    std::set<u64> seen;
    std::vector<u64> work{seed};
    while (!work.empty() && code.size() < kRegionInstructions) {
        const u64 pc = work.back();
        work.pop_back();
        if (pc < low || pc >= high || (pc & 3) || !seen.insert(pc).second) continue;
        // A look-ahead, as the translator's: nothing resolved, nothing cached.
        const kd_page page = host.translate(host.context, pc, KD_FETCH, false);
        if (!page.host) continue;
        u32 word;
        std::memcpy(&word, page.host + (pc & 0xFFF), 4);
        loops::Instruction in;
        if (classify(word) != Classified::run || !regionInstruction(pc, word, in)) continue;
        noteCodePage(pc, page.host);
        code.push_back(in);
        if (branchesToImmediate(in.op)) work.push_back(in.imm);
        if (!endsStraightLine(in.op)) work.push_back(pc + 4);
    }
    if (!keepLoopNest(code, seed) || code.size() < 2) {
        if (loopRefused.size() >= kMaxRefused) loopRefused.clear();
        loopRefused.insert(seed);
        return;
    }
    std::sort(code.begin(), code.end(), [](const auto &a, const auto &b) { return a.pc < b.pc; });
    // Regions never overlap: an older one in the way goes.
    const u64 first = code.front().pc, end = code.back().pc + 4;
    forgetRegions(first, end);
    stats.loop_regions++;
    loopRegions[first] = {end, loops::compile(loops::source(code), loopMode == KD_LOOPS_SYNCHRONOUS)};
}

u64 Core::runRegion(u64 pc, u64 left) {
    if (!registerFile) return 0;   // registers moved through the accessors (tests)
    const auto it = regionContaining(pc);
    if (it == loopRegions.end()) return 0;
    loops::Job &job = *it->second.job;
    const int state = job.state.load(std::memory_order_acquire);
    // Pending: the other tiers run it meanwhile. Failed (no compiler): it
    // stays, so that its pcs are not looked at again.
    if (state != loops::Job::ready || it->second.givenUp) return 0;
    const u32 flags = flagsInPlace();
    loops::IO io{left, flags, 0};
    job.function(registerFile, &io, pageTable, readOnly);
    if (io.nzcv != flags) setFlagsInPlace(io.nzcv);
    stepAfterLoop = io.slow != 0;
    // A register branch to a misaligned pc: the Jit reports it (as the
    // interpreter leaves it to do), never the interpreter's fetch.
    if (registerFile[32] & 3) promote(registerFile[32]);
    const u64 retired = left - io.left;
    stats.loop_instructions += retired;
    LoopRegion &region = it->second;
    region.retired += retired;
    if (++region.entries % kRegionReview == 0 && region.retired < region.entries * kRegionWorthwhile) {
        region.givenUp = true;   // kept, so that its pcs are not looked at again
    }
    return retired;
}

}  // namespace kenix
