// KenixJIT.hpp: the JIT core behind kenix_dynarmic.h (internal to CDynarmic).
//
// One `Core` is a dynarmic A64 Jit plus everything it needs to run Kenix user
// code exactly: the software TLB (the page table the JIT reads, a small
// read-only table), the map of translated blocks that makes instruction
// counting exact, and the run loop. The files:
//   KenixJIT.cpp          construction, binding, invalidation
//   KenixJIT+Registers.cpp moving registers in and out (kd_set/get_context)
//   KenixJIT+Memory.cpp   data accesses: the TLB, page crossings, exclusives
//   KenixJIT+Code.cpp     code fetch, block bookkeeping, exceptions, emulation
//   KenixJIT+Run.cpp      kd_run: exact budgets and exact faults
//   KenixJIT+Interpreter.cpp the cold tier's bookkeeping and full decoder
//   KenixJIT+FastPath.cpp the cold tier's loop and predecoded common forms
//   KenixJIT+Loops.cpp    the loop compiler's regions (LoopCompiler.hpp)
//   A64Semantics.hpp      the arithmetic the two cold-tier files share
//   InstructionFilter.cpp the CPU baseline (kd_classify)
//
// Threading: a core is used by one thread at a time (its machine's). The
// pool that hands cores out (JITCorePool.swift) locks; a core does not.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <unordered_set>
#include <vector>

#include <dynarmic/interface/A64/a64.h>
#include <dynarmic/interface/A64/config.h>
#include <dynarmic/interface/exclusive_monitor.h>

#include "kenix_dynarmic.h"

namespace kenix {

namespace loops {
struct Instruction;
struct Job;
}

using u8 = std::uint8_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

/// The JIT's page table covers VAs below 2^39 (512 GiB: all of Kenix's user
/// layout below mmapLimit); accesses above it take the callbacks.
constexpr unsigned kAddressBits = 39;
constexpr u64 kPageTableEntries = u64{1} << (kAddressBits - 12);
/// No translated block is longer than this many instructions (the exact
/// budget needs a bound; see KenixJIT+Run.cpp).
constexpr u64 kMaxBlock = 64;
/// Read-only pages live in a direct-mapped table of this many slots.
constexpr std::size_t kReadOnlySlots = 4096;
/// Live page-table entries before the core flushes its TLB (keeps the
/// page table's resident memory bounded whatever the guest touches).
constexpr std::size_t kMaxLiveEntries = std::size_t{1} << 17;

/// N, Z, C and V: bits 31:28 of NZCV, and of FPSR (where the A72 keeps
/// AArch32's floating-point compare flags, which dynarmic does not).
constexpr u32 kFlagBits = 0xF000'0000;

/// FPCR bits the baseline CPU keeps (QEMU's Cortex-A72: no FZ16, no trap
/// enables).
constexpr u32 kFPCRMask = 0x07F7'0000;
/// Of those, Stride and Len, which dynarmic does not keep.
constexpr u32 kFPCRVectorBits = 0x0037'0000;

/// What MemoryReadCode hands the translator instead of an instruction the
/// core emulates or refuses: `udf #0xdead`, which dynarmic raises as an
/// unallocated encoding at exactly that pc.
constexpr u32 kMarker = 0x0000'DEAD;

enum class Stop : u32 {
    none = 0xFFFF'FFFF,
    budget = KD_STOP_BUDGET,
    svc = KD_STOP_SVC,
    dataFault = KD_STOP_DATA_FAULT,
    fetchFault = KD_STOP_FETCH_FAULT,
    pcAlignment = KD_STOP_PC_ALIGNMENT,
    undefined = KD_STOP_UNDEFINED,
    breakpoint = KD_STOP_BREAKPOINT,
};

/// A translated block's extent: [start, realEnd) are the instructions it
/// runs; [start, rangeEnd) is what dynarmic covers (plus a trailing
/// continuation marker where the block was cut short).
struct Block {
    u64 realEnd;
    u64 rangeEnd;
    /// A cold pc's stub: a marker that hands the pc to the interpreter
    /// (KenixJIT+Interpreter.cpp); it runs nothing (realEnd == start).
    bool stub = false;
};

/// Heat counters per core, indexed by pc (collisions only make a pc hot
/// early).
constexpr std::size_t kHeatSlots = std::size_t{1} << 16;

enum class Classified : int { run = 0, undefined = 1, emulate = 2 };
Classified classify(u32 word);

class Core final : public Dynarmic::A64::UserCallbacks {
public:
    explicit Core(kd_cpu_model model);
    ~Core() override;
    /// False when the page table or the Jit could not be made.
    bool ok() const { return jit != nullptr; }

    // kd_* entry points.
    void bind(kd_host host);
    void setContext(kd_context &c);
    void getContext(kd_context &c);
    void clearExclusive();
    void run(u64 budget, kd_result &result);
    void invalidatePage(u64 va);
    void invalidateAll();
    void forget();
    int matchScore(kd_host other, int sample);
    /// Whether registers move in place (KenixJIT+Registers.cpp).
    bool directRegisters() const { return stateGeneral != nullptr; }
    /// Moves registers in place (if the Jit's state can be found: that
    /// zeroes the registers) or through the accessors. Returns
    /// directRegisters().
    bool setDirectRegisters(bool direct);
    std::size_t codePageCount() const { return codePages.size(); }
    /// Translated blocks (stubs cost next to nothing to make again).
    std::size_t blockCount() const {
        std::size_t n = 0;
        for (const auto &entry : blocks) n += entry.second.stub ? 0 : 1;
        return n;
    }
    /// Entries before a pc is translated; 0 translates everything at its
    /// first entry (no interpreter). Only with direct registers.
    void setHotThreshold(u32 threshold);
    void resetHeat();
    /// The loop compiler's mode (KD_LOOPS_OFF, _BACKGROUND, _SYNCHRONOUS)
    /// and trigger (kd_set_loop_compiler); only with direct registers.
    void setLoopCompiler(int mode, u32 hot);
    kd_stats stats{};

    // Dynarmic callbacks.
    std::optional<u32> MemoryReadCode(u64 va) override;
    u8 MemoryRead8(u64 va) override { return read<u8>(va); }
    std::uint16_t MemoryRead16(u64 va) override { return read<std::uint16_t>(va); }
    u32 MemoryRead32(u64 va) override { return read<u32>(va); }
    u64 MemoryRead64(u64 va) override { return read<u64>(va); }
    Dynarmic::A64::Vector MemoryRead128(u64 va) override;
    void MemoryWrite8(u64 va, u8 v) override { write(va, v); }
    void MemoryWrite16(u64 va, std::uint16_t v) override { write(va, v); }
    void MemoryWrite32(u64 va, u32 v) override { write(va, v); }
    void MemoryWrite64(u64 va, u64 v) override { write(va, v); }
    void MemoryWrite128(u64 va, Dynarmic::A64::Vector v) override;
    bool MemoryWriteExclusive8(u64 va, u8 v, u8 e) override { return writeExclusive(va, v, e); }
    bool MemoryWriteExclusive16(u64 va, std::uint16_t v, std::uint16_t e) override { return writeExclusive(va, v, e); }
    bool MemoryWriteExclusive32(u64 va, u32 v, u32 e) override { return writeExclusive(va, v, e); }
    bool MemoryWriteExclusive64(u64 va, u64 v, u64 e) override { return writeExclusive(va, v, e); }
    bool MemoryWriteExclusive128(u64 va, Dynarmic::A64::Vector v, Dynarmic::A64::Vector e) override;
    void InterpreterFallback(u64 pc, std::size_t count) override;
    void CallSVC(u32 imm) override;
    void ExceptionRaised(u64 pc, Dynarmic::A64::Exception exception) override;
    void AddTicks(u64 ticks) override { charged += ticks; }
    u64 GetTicksRemaining() override { return granted; }
    u64 GetCNTPCT() override { return 0; }   // CNTPCT_EL0 reads are undefined (InstructionFilter)

private:
    // Registers (KenixJIT+Registers.cpp).
    void locateState();
    void locateExclusiveFlag(u8 *afterVectors);
    void learnKeptFPBits();
    void setFPControl(u64 fpcr, u64 fpsr);
    /// Moves the registers of a lent context into the Jit (before anything
    /// runs there); nothing when the Jit holds them already.
    void materialize() {
        if (lent) moveIntoJit(*lent);
    }
    void moveIntoJit(const kd_context &c);
    /// The pc of the registers the core runs on, wherever they are.
    u64 currentPC() { return registerFile ? registerFile[32] : jit->GetPC(); }
    /// NZCV (as bits 3:0) of the registers the interpreter and compiled
    /// regions work on: the lent context's, or the Jit's.
    u32 flagsInPlace() { return lent ? static_cast<u32>(lent->nzcv >> 28) & 0xF : jit->GetPstate() >> 28; }
    void setFlagsInPlace(u32 flags) {
        if (lent) lent->nzcv = u64{flags} << 28;
        else jit->SetPstate(flags << 28);
    }

    // Memory (KenixJIT+Memory.cpp).
    u8 *page(u64 va, u32 access);
    void fill(u64 vpn, kd_page p);
    void flushTLB();
    template<typename T> T read(u64 va);
    template<typename T> void write(u64 va, T value);
    template<typename T> bool writeExclusive(u64 va, T value, T expected);
    void dataAbort();

    // Code (KenixJIT+Code.cpp).
    std::optional<u32> fetch(u64 va);
    /// fetch()'s fast path, inline for the interpreter: the word at `va`
    /// when its code page is in its slot; false otherwise (call fetch()).
    bool fetchCached(u64 va, u32 &word) const {
        const u64 vpn = va >> 12;
        const CodeSlot &slot = codeSlots[vpn % kCodeSlots];
        if (slot.tag != vpn + 1) return false;
        std::memcpy(&word, slot.host + (va & 0xFFF), 4);
        return true;
    }
    bool fetchable(u64 va) const;
    std::map<u64, Block>::iterator blockContaining(u64 va);
    void emulate(u64 pc, u32 word);
    void undefinedOrEmulated(u64 pc, bool notDecoded);
    void stopAt(Stop why, u64 pc);
    void performSplits();
    void forgetCode(u64 begin, u64 end);

    // The cold tier (KenixJIT+Interpreter.cpp, KenixJIT+FastPath.cpp).
    /// What one interpreted instruction did.
    enum class Executed {
        next,       // retired; the pc moves on by 4 (execute moves it)
        branched,   // retired; the pc is a new block's start (taken or not)
        handOver,   // not run: the Jit runs it (promoted)
        faulted,    // a data abort (recorded): not retired
        trapped,    // an svc: retired, the run stops
    };
    bool isHot(u64 pc) const { return heat[heatSlot(pc)] >= hotThreshold; }
    /// Counts an entry to the block start `pc`; true when `pc` is hot (it
    /// is promoted as it turns so). Inline: the interpreter calls it at
    /// every branch.
    bool enter(u64 pc) {
        std::uint16_t &h = heat[heatSlot(pc)];
        if (h >= hotThreshold) return true;
        if (++h < hotThreshold) return false;
        promote(pc);
        return true;
    }
    bool entersCold(u64 pc);
    u64 interpret(u64 budget, u64 window = 0);
    /// The fields most classes share: 64-bit (sf), Rd, Rn, Rm, and the
    /// operand mask sf gives.
    struct Fields {
        bool sf;
        unsigned rd, rn, rm;
        u64 mask;
    };
    /// One instruction decoded once (KenixJIT+FastPath.cpp): `op` names a
    /// form of the fast path (0: the full decoder runs `word`); the other
    /// fields are that form's operands; imm2 is the operand mask sf gives
    /// (the bitfield form's tmask). Keyed by pc and word together.
    struct Predecoded {
        u64 pc = ~u64{0};
        u32 word = 0;
        u8 op = 0;
        u8 a = 0, b = 0, c = 0, d = 0, e = 0;
        u64 imm = 0, imm2 = 0;
        const void *handler = nullptr;   // interpret's handler for `op` (set there)
    };
    static constexpr std::size_t kPredecodedSlots = 4096;
    /// Direct-mapped by pc; a miss decodes again.
    std::unique_ptr<Predecoded[]> predecoded{new Predecoded[kPredecodedSlots]};
    static Predecoded predecode(u64 pc, u32 word);
    Executed runPredecoded(unsigned op, const Predecoded &d, u64 *x, u64 &pc, u32 &flags);
    bool transfer(bool isLoad, u64 *x, const Predecoded &d, u64 address);
    Executed execute(u32 word, u64 &pc, u32 &flags);
    Executed dataProcessingImmediate(u32 word, const Fields &fields, u64 &pc, u32 &flags);
    Executed branchOrSystem(u32 word, const Fields &fields, u64 &pc, u32 &flags);
    Executed dataProcessingRegister(u32 word, const Fields &fields, u64 &pc, u32 &flags);
    Executed vectorImmediate(u32 word, const Fields &fields, u64 &pc, u32 &flags);
    Executed loadStore(u32 word, u64 &pc);
    Executed exclusiveOrOrdered(u32 word);
    template<typename T> u64 loadExclusive(u64 address);
    template<typename T> bool storeExclusive(u64 address, u64 value);
    u64 readSized(u64 address, u64 bytes);
    void writeSized(u64 address, u64 bytes, u64 value);
    /// readSized and writeSized for the fast path: false on a data abort
    /// (recorded in `stop`), when the instruction must change nothing more.
    bool load(u64 address, u64 bytes, u64 &value) {
        value = readSized(address, bytes);
        return stop == Stop::none;
    }
    bool store(u64 address, u64 bytes, u64 value) {
        writeSized(address, bytes, value);
        return stop == Stop::none;
    }
    bool readVector(u64 address, u64 bytes, u64 &lo, u64 &hi);
    bool loadVector(unsigned rt, u64 address, u64 bytes);
    /// Vector register `rt` (in vectorFile, lo/hi pairs) = hi:lo.
    void setVector(unsigned rt, u64 lo, u64 hi) {
        vectorFile[2 * rt] = lo;
        vectorFile[2 * rt + 1] = hi;
    }
    bool storeVector(unsigned rt, u64 address, u64 bytes);
    void promote(u64 pc);
    static std::size_t heatSlot(u64 pc) { return (pc >> 2) & (kHeatSlots - 1); }
    u32 hotThreshold = 0;
    std::unique_ptr<std::uint16_t[]> heat{new std::uint16_t[kHeatSlots]()};
    /// The interpreter is running: a data abort only records the stop.
    bool interpreting = false;
    /// The last Run stopped at a stub.
    bool stubHit = false;

    // The loop compiler (KenixJIT+Loops.cpp).
    /// A region of hot code: [first pc, end), and its compilation.
    struct LoopRegion {
        u64 end;
        std::shared_ptr<loops::Job> job;
        /// Entries and the instructions they retired: a region that keeps
        /// stopping at once (an access its TLB check never satisfies, the
        /// run loop then stepping the rest of the block) is given up.
        u64 entries = 0, retired = 0;
        bool givenUp = false;
    };
    std::map<u64, LoopRegion> loopRegions;
    int loopMode = KD_LOOPS_OFF;
    /// Runs ending at the budget, by 64-byte stretch of code (direct-mapped):
    /// where a region is looked for.
    static constexpr std::size_t kLoopHeatSlots = 256;
    u32 loopHot = KD_DEFAULT_LOOP_HOT;
    std::uint16_t loopHeat[kLoopHeatSlots] = {};
    /// Pcs a region was looked for at and not made (no loop, nothing
    /// supported), not to look again.
    std::unordered_set<u64> loopRefused;
    /// The last region stopped before an access the TLB did not satisfy:
    /// the run loop steps that instruction in the Jit before entering a
    /// region again.
    bool stepAfterLoop = false;
    void noteBudgetEnd(u64 pc);
    bool regionInstruction(u64 pc, u32 word, loops::Instruction &out) const;
    void buildRegion(u64 seed);
    /// Runs the ready region holding `pc`, if any, within `left`; the
    /// instructions it retired.
    u64 runRegion(u64 pc, u64 left);
    std::map<u64, LoopRegion>::iterator regionContaining(u64 pc);
    /// Drops the regions that overlap [begin, end).
    void forgetRegions(u64 begin, u64 end);

    // Run (KenixJIT+Run.cpp).
    u64 partialBlock(u64 pc);
    bool insideBlock(u64 pc);

    std::unique_ptr<Dynarmic::A64::Jit> jit;
    Dynarmic::ExclusiveMonitor monitor{1};
    /// The JIT's page table: for a writable page, its host address minus the
    /// page's guest address (absolute_offset_page_table: the JIT adds the
    /// whole guest address, which saves two instructions per access).
    void **pageTable;
    struct ReadOnlySlot {
        u64 tag = 0;        // vpn + 1; 0 = empty
        u8 *host = nullptr;
    };
    ReadOnlySlot readOnly[kReadOnlySlots];
    std::vector<u64> live;  // vpns with a page-table entry
    /// Pages code was fetched from (direct-mapped; never a fault).
    struct CodeSlot {
        u64 tag = 0;        // vpn + 1
        u8 *host = nullptr;
    };
    static constexpr std::size_t kCodeSlots = 64;
    CodeSlot codeSlots[kCodeSlots];
    /// The block being translated has IR (so kCut can end it).
    bool translatingIR = false;
    u64 tpidr = 0;
    u64 tpidrro = 0;
    /// FPSR bits 31:28 and FPCR's Stride and Len, which dynarmic does not keep.
    u32 fpsrFlags = 0;
    u32 fpcrVector = 0;
    /// The Jit's x0-x30, SP, PC and its vector registers, where they lie in
    /// its private state; null: the accessors move them (locateState).
    u64 *stateGeneral = nullptr;
    u64 *stateVectors = nullptr;
    /// The context kd_set_context lent the core while the registers stay
    /// in it (the interpreter works on them there); null once they are in
    /// the Jit (materialize). KenixJIT+Registers.cpp says why.
    kd_context *lent = nullptr;
    /// The registers the interpreter works on: the lent context's, or the
    /// Jit's state (x0-x30, SP, PC; the vector registers as lo/hi pairs).
    u64 *registerFile = nullptr;
    u64 *vectorFile = nullptr;
    /// FPCR and FPSR bits a context keeps through the Jit (what getContext
    /// gives back of any value set): a lent context is trimmed to them, so
    /// both ways hand out the same values.
    u32 fpcrKept = 0, fpsrKept = 0;
    /// The Jit's own exclusive flag (a load-exclusive sets it; a
    /// store-exclusive fails on it before asking the monitor), so that the
    /// interpreter's exclusives pair with translated ones; null: the
    /// interpreter hands exclusives to the Jit.
    u8 *stateExclusive = nullptr;
    /// FPCR and FPSR as getContext last handed them out; valid until the
    /// Jit runs or they are set.
    u64 handedFPCR = 0, handedFPSR = 0;
    bool handedFPControl = false;
    /// Without direct access: the FP/SIMD state as last handed out.
    kd_context shadow{};
    bool shadowValid = false;
    kd_host host{};

    // Per kd_run / per Run() state.
    u64 granted = 0;        // ticks offered to this Run()
    u64 charged = 0;        // ticks dynarmic charged in this Run()
    u64 unretired = 0;      // charged instructions that did not retire
    /// What is left of the budget when the run loop offers one block: a
    /// first translation longer than this is made but not run (overBudget).
    u64 budgetLeft = kMaxBlock;
    bool overBudget = false;
    /// Where the last run stopped after an svc: a block boundary while no
    /// translation is dropped (insideBlock need not look there).
    static constexpr u64 kNoPC = ~u64{0};
    u64 afterSVC = kNoPC;
    /// How many instructions the last run from an entry pc retired before
    /// it trapped (kLongRun: it did not), by pc: a run that will trap
    /// within kShortRun instructions is cheaper interpreted than entering
    /// the Jit (KenixJIT+Run.cpp). Direct-mapped; a collision only costs a
    /// wrong guess. 8 until the interpreter's predecoded forms halved its
    /// cost: at 24 an IPC round trip took ~362 ns instead of ~410 (16: ~390,
    /// 48: the same as 24; kenix-bench --only ipc, alternated).
    struct RunLength {
        u64 pc = kNoPC;
        u32 retired = 0;
    };
    static constexpr std::size_t kRunLengthSlots = 256;
    static constexpr u32 kShortRun = 24;
    static constexpr u32 kLongRun = ~u32{0};
    RunLength runLengths[kRunLengthSlots];
    RunLength &runLength(u64 pc) { return runLengths[(pc >> 2) % kRunLengthSlots]; }
    bool stepping = false;
    Stop stop = Stop::none;
    /// The run stopped inside a block (a data abort): its retired prefix
    /// was not charged.
    bool midBlockAbort = false;
    u32 info = 0;
    u64 address = 0;

    // Translated code (KenixJIT+Code.cpp).
    std::map<u64, Block> blocks;
    std::vector<u64> pendingSplits;
    /// The bytes of every page code was translated from, as they were then
    /// (by vpn). Translated code is valid exactly while they are unchanged:
    /// after a TLBI ASIDE1, or in another address space, the core keeps
    /// its translations and checks these against what the tables map now
    /// before anything runs (revalidate).
    std::map<u64, std::unique_ptr<u8[]>> codePages;
    bool needsRevalidation = false;
    void noteCodePage(u64 va, const u8 *page);
    void revalidate();
};

}  // namespace kenix
