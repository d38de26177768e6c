// Unicorn's C API for HALHostSim (Debian's libunicorn-dev 2.0.1). The
// library itself is not linked: UnicornLoader.c loads it when the Unicorn
// engine is first asked for (see there why), so these are Unicorn's
// declarations, and UnicornLoader.c defines the functions HALHostSim calls.
//
// Two additions to the plain API:
//   - fixed-argument forms of `uc_hook_add` and `uc_ctl`, which are variadic
//     (Swift cannot call variadic C functions, and a forwarder cannot pass
//     on arguments it does not know); the hook wrappers take typed
//     callbacks, so Swift passes @convention(c) closures without casts;
//   - the per-instruction and exception hooks (bottom of this file).
#ifndef KENIX_CUNICORN_H
#define KENIX_CUNICORN_H

#include <unicorn/unicorn.h>
#include <stdbool.h>
#include <stdint.h>

/// NULL once Unicorn is loaded (the first call to this or to any function
/// of the API loads it); otherwise why it cannot be: "cannot load Unicorn
/// (libunicorn.so.2): ...", and every function of the API fails (uc_open
/// with UC_ERR_HANDLE).
const char *kenix_unicorn_load_failure(void);

/// `uc_hook_add` with its one variadic argument made fixed: `instruction`
/// is the UC_HOOK_INSN instruction id (ignored by other hook types).
uc_err kenix_uc_hook_add(uc_engine *uc, uc_hook *hh, int type, void *callback, void *user_data,
                         uint64_t begin, uint64_t end, int instruction);

/// The CPU-exception hook (UC_HOOK_INTR): svc, udf, brk, aborts.
static inline uc_err kenix_uc_hook_intr(uc_engine *uc, uc_hook *hh,
                                        uc_cb_hookintr_t cb, void *user_data) {
    return kenix_uc_hook_add(uc, hh, UC_HOOK_INTR, (void *)cb, user_data, 1, 0, 0);
}

/// Read, write and fetch of unmapped memory (UC_HOOK_MEM_UNMAPPED).
static inline uc_err kenix_uc_hook_unmapped(uc_engine *uc, uc_hook *hh,
                                            uc_cb_eventmem_t cb, void *user_data) {
    return kenix_uc_hook_add(uc, hh, UC_HOOK_MEM_UNMAPPED, (void *)cb, user_data, 1, 0, 0);
}

/// Accesses against a mapped region's permissions (UC_HOOK_MEM_PROT).
static inline uc_err kenix_uc_hook_prot(uc_engine *uc, uc_hook *hh,
                                        uc_cb_eventmem_t cb, void *user_data) {
    return kenix_uc_hook_add(uc, hh, UC_HOOK_MEM_PROT, (void *)cb, user_data, 1, 0, 0);
}

/// MRS/MSR/SYS hooks (UC_HOOK_INSN), here for SYS: the engine emulates
/// DC ZVA itself (UnicornEngine.sysHook).
static inline uc_err kenix_uc_hook_sys(uc_engine *uc, uc_hook *hh,
                                       uc_cb_insn_sys_t cb, void *user_data) {
    return kenix_uc_hook_add(uc, hh, UC_HOOK_INSN, (void *)cb, user_data, 1, 0, UC_ARM64_INS_SYS);
}

/// Turns on the "exits" mechanism with an empty exit list, so that
/// `uc_emu_start`'s `until` argument is ignored and no guest address stops
/// emulation by accident (uc_ctl_exits_enable).
uc_err kenix_uc_exits_enable(uc_engine *uc);

/// Drops translated blocks of guest addresses [begin, end). The range must be
/// mapped (Unicorn translates `begin` to find the blocks) (uc_ctl_remove_cache).
uc_err kenix_uc_remove_cache(uc_engine *uc, uint64_t begin, uint64_t end);

/// Drops every translated block (2.0.1 names this control TB_FLUSH:
/// uc_ctl_flush_tlb).
uc_err kenix_uc_flush_translations(uc_engine *uc);

// ---------------------------------------------------------------------------
// The two hooks that run on every instruction or trap, in C so that they cost
// a few nanoseconds in debug builds too (the same hooks as Swift closures ran
// user code at ~40 MIPS in a debug build). HALHostSim's UnicornEngine owns the
// state; the memory hooks, which run once per page, stay in Swift.

/// Why a run stopped, as the hooks saw it.
enum {
    KENIX_STOP_NONE = 0,
    KENIX_STOP_BUDGET = 1,      // the instruction budget is used up
    KENIX_STOP_REQUESTED = 2,   // `stop_requested` was set (by a memory hook)
    KENIX_STOP_EXCEPTION = 3,   // a CPU exception; number in `exception`
    KENIX_STOP_TRAMPOLINE = 4,  // user code jumped into the engine's own page
};

/// State shared by the hooks and UnicornEngine through `user_data`.
typedef struct kenix_hook_state {
    /// Instructions started in this run.
    uint64_t executed;
    /// Instructions that may start in this run.
    uint64_t budget;
    /// The QEMU exception number (EXCP_*) when `stop` is EXCEPTION.
    uint32_t exception;
    uint8_t stop;
    /// Stop before the next instruction starts.
    bool stop_requested;
    /// Unmanaged<UnicornEngine>, for the memory hooks.
    void *engine;
    /// The engine's own code page (user code may not run there) and, while
    /// `redirect` is set, where a run through it continues: the run starts
    /// at the page's `clrex`, and the hook before the next instruction sends
    /// the pc to `redirect_to` (see UnicornEngine.runAfterClearingExclusive).
    uint64_t trampoline_page;
    uint64_t redirect_to;
    bool redirect;
    /// The address of the last instruction counted (for an emulated
    /// instruction that faults: its pc).
    uint64_t last_pc;
    /// An emulated instruction (DC ZVA) faulted; the run stops before the
    /// next instruction and the trap is reported at `last_pc`.
    bool emulation_fault;
} kenix_hook_state;

/// UC_HOOK_CODE: counts instructions; stops before one that would exceed the
/// budget or after a stop request. (A code hook that stops prevents its
/// instruction from running; it also makes QEMU write the PC before every
/// instruction, which keeps memory faults precise.)
static void kenix_count_instruction(uc_engine *uc, uint64_t address, uint32_t size,
                                    void *user_data) {
    kenix_hook_state *s = (kenix_hook_state *)user_data;
    (void)size;
    if ((address & ~(uint64_t)0xFFF) == s->trampoline_page) {
        if (s->redirect && address != s->trampoline_page) {
            // Past the clrex: continue at the real pc, uncounted.
            s->redirect = false;
            uc_reg_write(uc, UC_ARM64_REG_PC, &s->redirect_to);
            return;
        }
        if (!s->redirect) {
            if (s->stop == KENIX_STOP_NONE) s->stop = KENIX_STOP_TRAMPOLINE;
            uc_emu_stop(uc);
            return;
        }
    }
    if (s->stop_requested || s->executed >= s->budget) {
        if (s->stop == KENIX_STOP_NONE)
            s->stop = s->stop_requested ? KENIX_STOP_REQUESTED : KENIX_STOP_BUDGET;
        uc_emu_stop(uc);
        return;
    }
    s->executed++;
    s->last_pc = address;
}

/// UC_HOOK_INTR: a CPU exception (svc, udf, brk, aborts) ends the run.
static void kenix_take_exception(uc_engine *uc, uint32_t intno, void *user_data) {
    kenix_hook_state *s = (kenix_hook_state *)user_data;
    if (s->stop == KENIX_STOP_NONE) {
        s->stop = KENIX_STOP_EXCEPTION;
        s->exception = intno;
    }
    s->stop_requested = true;
    uc_emu_stop(uc);
}

/// Installs the counting and exception hooks over the whole address space.
static inline uc_err kenix_uc_install_run_hooks(uc_engine *uc, kenix_hook_state *state) {
    uc_hook hook;
    uc_err err = kenix_uc_hook_add(uc, &hook, UC_HOOK_CODE, (void *)kenix_count_instruction,
                                   state, 1, 0, 0);
    if (err != UC_ERR_OK) return err;
    return kenix_uc_hook_add(uc, &hook, UC_HOOK_INTR, (void *)kenix_take_exception, state, 1, 0, 0);
}

#endif
