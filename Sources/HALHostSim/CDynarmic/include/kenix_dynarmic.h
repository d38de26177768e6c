// kenix_dynarmic.h: the C interface of HALHostSim's JIT core (a Debian
// libdynarmic 6.4.5 A64 Jit behind extern "C"), for JITEngine.swift only.
//
// A `kd_core` is one Jit with its own flat software TLB (dynarmic's
// `page_table`), its own translated code and its own exclusive monitor. Cores
// are expensive to build (tens of ms), so HALHostSim keeps a pool of them and
// binds one to an address space at a time (JITCorePool.swift).
//
// The core runs EL0 code until a trap or *exactly* `budget` instructions have
// retired (kd_run). How it counts exactly with a JIT that charges whole
// blocks, and why the clock stays independent of how code was split into
// blocks, is in docs/simulator.md ("Exact instruction counting"); the code is
// in KenixJIT+Run.cpp.
//
// Memory: the core asks its host (`kd_host.translate`, Swift) for a page the
// first time it is touched, and keeps it: writable pages in the page table
// the JIT reads directly, read-only ones in a small direct-mapped table the
// memory callbacks read. The host answers with the page or records the fault
// (and may first resolve it through the kernel's FaultResolver). Host
// resources do not grow with the guest's pages: one reservation per core, and
// the core flushes itself when too many entries are live.
#ifndef KENIX_DYNARMIC_H
#define KENIX_DYNARMIC_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kd_core kd_core;

/// The access a translation is for.
enum {
    KD_READ = 0,
    KD_WRITE = 1,
    KD_FETCH = 2,
};

/// A page the host grants: `host` is the host address of the 4 KiB page,
/// NULL when the access faults (the host has recorded the fault).
typedef struct kd_page {
    uint8_t *host;
    /// The page may be written (it goes into the JIT's page table).
    bool writable;
} kd_page;

/// The host side of a core (set when the core is bound to an address space).
typedef struct kd_host {
    void *context;
    /// Translates the page of `va` for `access`. `resolve` is false for the
    /// JIT's look-ahead while it translates code: nothing may change then,
    /// and no fault is recorded.
    kd_page (*translate)(void *context, uint64_t va, uint32_t access, bool resolve);
} kd_host;

/// The user-visible register state, laid out like HAL's UserContext.
typedef struct kd_context {
    uint64_t x[31];
    uint64_t sp;
    uint64_t pc;
    uint64_t nzcv;
    uint64_t tpidr;
    uint64_t v[64];
    uint64_t fpcr;
    uint64_t fpsr;
} kd_context;

/// Why kd_run returned.
enum {
    /// `budget` instructions retired.
    KD_STOP_BUDGET = 0,
    /// `svc`; pc is past it. `info` is the immediate.
    KD_STOP_SVC = 1,
    /// A data access faulted; the host recorded the fault. pc is at the
    /// instruction, which did not retire.
    KD_STOP_DATA_FAULT = 2,
    /// An instruction fetch faulted; the host recorded the fault.
    KD_STOP_FETCH_FAULT = 3,
    /// The pc is not 4-byte aligned (`address`).
    KD_STOP_PC_ALIGNMENT = 4,
    /// An undefined instruction (or one outside the CPU baseline).
    KD_STOP_UNDEFINED = 5,
    /// `brk #info`.
    KD_STOP_BREAKPOINT = 6,
};

typedef struct kd_result {
    uint64_t retired;
    uint32_t stop;
    uint32_t info;
    uint64_t address;
} kd_result;

/// Statistics of one core (diagnostics and benchmarks; never part of a run).
typedef struct kd_stats {
    uint64_t runs;
    uint64_t steps;
    uint64_t blocks_translated;
    /// Instructions handed to the translator for those blocks (what a
    /// translation costs grows with them).
    uint64_t instructions_translated;
    uint64_t block_splits;
    uint64_t page_fills;
    uint64_t tlb_flushes;
    uint64_t unsupported;
    /// Code pages whose translations were dropped (changed or unmapped).
    uint64_t pages_retranslated;
    /// Instructions the cold tier (the interpreter) retired.
    uint64_t instructions_interpreted;
    /// Stubs given to the Jit for cold pcs (each hands its pc to the interpreter).
    uint64_t cold_stubs;
    /// Regions the loop compiler made (KenixJIT+Loops.cpp), and the
    /// instructions compiled regions retired.
    uint64_t loop_regions;
    uint64_t loop_instructions;
} kd_stats;

/// The CPU's identity registers as EL0 code sees them (the baseline).
typedef struct kd_cpu_model {
    uint32_t ctr_el0;
    uint32_t dczid_el0;
} kd_cpu_model;

/// Builds a core: a Jit with a page table over the low 2^39 bytes of VA.
/// Returns NULL if the host cannot reserve the memory. It does not need
/// dynarmic's decoder tables (its first translation does: kd_warm_decoder).
kd_core *kd_create(kd_cpu_model model);
void kd_destroy(kd_core *core);

/// Builds dynarmic's A64 decoder tables (once per process; later calls
/// return at once), without a core: a process calls this on a second thread
/// while its first cores are built, so the two overlap (JITCorePool.prewarm);
/// a translation that comes first waits for it.
void kd_warm_decoder(void);

/// Binds the core to a host (an address space); NULL context unbinds.
void kd_bind(kd_core *core, kd_host host);

/// Gives the core a task's registers. The core may keep working on
/// `context` in place rather than copy it (it is lent, until the next
/// kd_set_context): the caller keeps it at the same address for every
/// kd_run until then, and reads it only after kd_get_context.
void kd_set_context(kd_core *core, kd_context *context);
/// Brings `context` up to date with the core's registers.
void kd_get_context(kd_core *core, kd_context *context);
/// Clears the exclusive monitor (what an exception return does).
void kd_clear_exclusive(kd_core *core);

/// Runs until a trap or exactly `budget` (> 0) instructions have retired.
void kd_run(kd_core *core, uint64_t budget, kd_result *result);

/// TLBI VAE1: forgets the page at `va` (its TLB entry and, if code was
/// translated from it, that code).
void kd_invalidate_page(kd_core *core, uint64_t va);
/// TLBI ASIDE1: forgets every page. Translated code survives only where
/// the bytes it came from are unchanged and executable in the tables the host
/// maps at the next kd_run (the core compares its copies of its code pages).
void kd_invalidate_all(kd_core *core);
/// Forgets everything, translated code included.
void kd_forget(kd_core *core);
/// How many of the core's first `sample` code pages hold the same bytes in
/// the address space `host` maps (for choosing a pooled core; no change).
int kd_match_score(kd_core *core, kd_host host, int sample);
/// Code pages the core holds translations from.
int kd_code_pages(const kd_core *core);
/// Translated blocks the core holds (what taking it over may cost to translate again).
int kd_block_count(const kd_core *core);

void kd_get_stats(const kd_core *core, kd_stats *stats);
/// 1 if the core moves registers in place in the Jit's state (found and
/// checked when it was built), 0 if through dynarmic's accessors.
int kd_direct_registers(const kd_core *core);
/// Tests: makes the core move registers in place (direct != 0, when it can:
/// finding the Jit's state zeroes its registers) or through dynarmic's
/// accessors; returns kd_direct_registers. Set the context afterwards.
int kd_set_direct_registers(kd_core *core, int direct);

/// Entries to a block start before the core translates it (the cold tier
/// interprets it until then); 0 translates every block at its first entry.
/// Ignored (0) when the core moves registers through the accessors. A new
/// core starts with KD_DEFAULT_HOT_THRESHOLD (at most 65535).
enum { KD_DEFAULT_HOT_THRESHOLD = 256 };
void kd_set_hot_threshold(kd_core *core, uint32_t threshold);
/// Forgets how often each pc was entered: every block is cold again. A
/// pooled core keeps its counts from machine to machine (the swarm's boots
/// find their code hot); a test that counts tier changes starts from none.
void kd_reset_heat(kd_core *core);

/// The loop compiler (docs/simulator.md): 0 off, 1 compiles hot loops in
/// the background (KD_DEFAULT_LOOP_COMPILER), 2 compiles them before they
/// run on (tests and the engine cross-check). Only with direct registers.
/// The mode changes speed, never a result.
/// A region is made where `hot` runs have ended at their budget in the
/// same 64 bytes of code (KD_DEFAULT_LOOP_HOT: 32 time slices; tests use 1).
enum { KD_LOOPS_OFF = 0, KD_LOOPS_BACKGROUND = 1, KD_LOOPS_SYNCHRONOUS = 2 };
enum { KD_DEFAULT_LOOP_COMPILER = KD_LOOPS_BACKGROUND, KD_DEFAULT_LOOP_HOT = 32 };
void kd_set_loop_compiler(kd_core *core, int mode, uint32_t hot);

/// How the JIT treats an instruction word (the CPU baseline, exposed for
/// tests): 0 runs as is, 1 undefined, 2 emulated by the core.
int kd_classify(uint32_t word);

#ifdef __cplusplus
}
#endif

#endif
