// KenixJIT.cpp: building a core, binding it to an address space, and
// forgetting translations (the kd_* entry points that are not the run loop
// or the register file).
//
// The Jit's configuration, and why each setting:
//   - page_table over 2^39 bytes, not mirrored: writable pages only (there are
//     no per-page rights in the table); everything else takes the callbacks;
//     entries are absolute offsets (host page minus guest page), so the JIT
//     adds the guest address as it is instead of masking out its page offset;
//   - detect page-crossing accesses: they go to the callbacks, which split
//     them as QEMU does (the table's host pages are not contiguous);
//   - check_halt_on_memory_access: a faulting access stops the Jit at its
//     instruction, with the instructions before it retired (precise aborts);
//   - cycle counting on, block linking on, MiscIROpt off (it reads code
//     ahead of the translator, which would blur what a block covers);
//   - ConstProp off: it brings dead-code elimination, which drops a load
//     whose value nothing uses (`ldr xzr, [x0]`) and with it the access, so
//     a fault QEMU takes never came (`vm`'s page-reading loop is such loads;
//     emulating them instead made `run vm` 0.70 -> 0.95 s). The demo's
//     pixel loop is ~8% slower without it;
//   - the return stack buffer and FastDispatch off: both jump from a block
//     straight into the next one without looking at the tick budget (only
//     linked blocks and the dispatcher check it), so a `ret` could run on
//     past the end of a slice, and a deep recursion (every level returning
//     to the same address) without bound; the budget is exact only if every
//     block boundary checks it. (FastDispatch's 16 MiB table was also
//     cleared on every cache flush, which made binding a core cost ms.)
//   - a global exclusive monitor of one processor (dynarmic's A64 exclusives
//     need one), cleared at every entry to EL0;
//   - hints (WFI, WFE, YIELD, SEV) are NOPs, as in the Unicorn engine.
#include "KenixJIT.hpp"
#include "LoopCompiler.hpp"

#include <sys/mman.h>

#include <cstddef>
#include <cstring>

namespace kenix {

Core::Core(kd_cpu_model model) {
    const std::size_t bytes = kPageTableEntries * sizeof(void *);
    void *table = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    pageTable = table == MAP_FAILED ? nullptr : static_cast<void **>(table);
    if (!pageTable) return;

    Dynarmic::A64::UserConfig config{};
    config.callbacks = this;
    config.global_monitor = &monitor;
    config.processor_id = 0;
    config.page_table = pageTable;
    config.page_table_address_space_bits = kAddressBits;
    config.silently_mirror_page_table = false;
    config.absolute_offset_page_table = true;
    config.detect_misaligned_access_via_page_table = 16 | 32 | 64 | 128;
    config.only_detect_misalignment_via_page_table_on_page_boundary = true;
    config.check_halt_on_memory_access = true;
    config.hook_data_cache_operations = false;
    config.hook_hint_instructions = false;
    config.define_unpredictable_behaviour = false;
    config.enable_cycle_counting = true;
    config.optimizations = Dynarmic::all_safe_optimizations & ~Dynarmic::OptimizationFlag::MiscIROpt
                           & ~Dynarmic::OptimizationFlag::ConstProp
                           & ~Dynarmic::OptimizationFlag::FastDispatch
                           & ~Dynarmic::OptimizationFlag::ReturnStackBuffer;
    config.ctr_el0 = model.ctr_el0;
    config.dczid_el0 = model.dczid_el0;
    config.tpidr_el0 = &tpidr;
    config.tpidrro_el0 = &tpidrro;
    config.code_cache_size = 32u << 20;
    jit = std::make_unique<Dynarmic::A64::Jit>(config);
    locateState();
    learnKeptFPBits();
    setHotThreshold(KD_DEFAULT_HOT_THRESHOLD);
    setLoopCompiler(KD_DEFAULT_LOOP_COMPILER, KD_DEFAULT_LOOP_HOT);
}

Core::~Core() {
    jit.reset();
    if (pageTable) munmap(pageTable, kPageTableEntries * sizeof(void *));
}

void Core::bind(kd_host newHost) {
    host = newHost;
}

void Core::invalidatePage(u64 va) {
    const u64 vpn = va >> 12;
    afterSVC = kNoPC;
    if (vpn < kPageTableEntries) pageTable[vpn] = nullptr;
    ReadOnlySlot &slot = readOnly[vpn % kReadOnlySlots];
    if (slot.tag == vpn + 1) slot = {};
    CodeSlot &code = codeSlots[vpn % kCodeSlots];
    if (code.tag == vpn + 1) code = {};
    if (codePages.erase(vpn)) {
        stats.pages_retranslated++;
        const u64 base = vpn << 12;
        jit->InvalidateCacheRange(base, 4096);
        forgetCode(base, base + 4096);
    }
}

/// TLBI ASIDE1: every TLB entry goes; translated code stays only where its
/// bytes are still there (checked before the next run: revalidate).
void Core::invalidateAll() {
    afterSVC = kNoPC;
    flushTLB();
    for (auto &slot : codeSlots) slot = {};
    needsRevalidation = true;
}

/// Forgets everything, translations too.
void Core::forget() {
    invalidateAll();
    needsRevalidation = false;
    jit->ClearCache();
    blocks.clear();
    pendingSplits.clear();
    codePages.clear();
    loopRegions.clear();
    loopRefused.clear();
    std::memset(loopHeat, 0, sizeof loopHeat);
}

}  // namespace kenix

using kenix::Core;

extern "C" {

kd_core *kd_create(kd_cpu_model model) {
    try {
        auto *core = new Core(model);
        if (core->ok()) return reinterpret_cast<kd_core *>(core);
        delete core;
    } catch (...) {
    }
    return nullptr;
}

void kd_destroy(kd_core *core) { delete reinterpret_cast<Core *>(core); }

void kd_bind(kd_core *core, kd_host host) { reinterpret_cast<Core *>(core)->bind(host); }

void kd_set_context(kd_core *core, kd_context *c) { reinterpret_cast<Core *>(core)->setContext(*c); }

void kd_get_context(kd_core *core, kd_context *c) { reinterpret_cast<Core *>(core)->getContext(*c); }

void kd_clear_exclusive(kd_core *core) { reinterpret_cast<Core *>(core)->clearExclusive(); }

void kd_run(kd_core *core, uint64_t budget, kd_result *result) { reinterpret_cast<Core *>(core)->run(budget, *result); }

void kd_invalidate_page(kd_core *core, uint64_t va) { reinterpret_cast<Core *>(core)->invalidatePage(va); }

void kd_invalidate_all(kd_core *core) { reinterpret_cast<Core *>(core)->invalidateAll(); }

void kd_forget(kd_core *core) { reinterpret_cast<Core *>(core)->forget(); }

int kd_code_pages(const kd_core *core) {
    return static_cast<int>(reinterpret_cast<const Core *>(core)->codePageCount());
}

int kd_block_count(const kd_core *core) {
    return static_cast<int>(reinterpret_cast<const Core *>(core)->blockCount());
}

int kd_match_score(kd_core *core, kd_host host, int sample) {
    return reinterpret_cast<Core *>(core)->matchScore(host, sample);
}

void kd_get_stats(const kd_core *core, kd_stats *stats) { *stats = reinterpret_cast<const Core *>(core)->stats; }

void kd_set_loop_compiler(kd_core *core, int mode, uint32_t hot) {
    reinterpret_cast<Core *>(core)->setLoopCompiler(mode, hot);
}

int kd_classify(uint32_t word) { return static_cast<int>(kenix::classify(word)); }

}
