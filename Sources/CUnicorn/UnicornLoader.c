// UnicornLoader.c: the Unicorn functions HALHostSim calls, loading
// libunicorn the first time the Unicorn engine is asked for.
//
// Why: only `--cpu unicorn` (and the tests and benchmarks that compare the
// engines) use Unicorn, yet linking it made every kenix-sim process load it
// before `main` (`kenix-sim run --help` took ~62 ms without it and ~76 ms
// with it preloaded on this project's machine kind, where a whole boot takes
// well under a second). Each function below forwards to
// the library's own, resolved with dlsym when the first call loads it; if it
// cannot be loaded they fail (uc_open with UC_ERR_HANDLE). UnicornCPUEngine
// asks kenix_unicorn_load_failure() first, so a missing library is a clear
// error at start, not a failure deep in a run. Unicorn's own code never
// goes through these.
#include "CUnicorn.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static const char libraryName[] = "libunicorn.so.2";
static char failure[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/// Every function used, resolved at once when the library loads.
#define UNICORN_API(X)                                                           \
    X(uc_open) X(uc_close) X(uc_emu_start) X(uc_emu_stop) X(uc_mem_map)            \
    X(uc_mem_map_ptr) X(uc_mem_unmap) X(uc_mem_read) X(uc_mem_write) X(uc_reg_read) \
    X(uc_reg_write) X(uc_reg_read_batch) X(uc_reg_write_batch) X(uc_strerror)      \
    X(uc_hook_add) X(uc_ctl)

static struct {
    bool loaded;
#define FIELD(name) __typeof__(name) *name;
    UNICORN_API(FIELD)
#undef FIELD
} api;

static void load(void) {
    void *library = dlopen(libraryName, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "cannot load Unicorn (%s): %s", libraryName, why ? why : "unknown error");
        return;
    }
#define RESOLVE(name)                                                                       \
    if (!(api.name = (__typeof__(name) *)dlsym(library, #name))) {                          \
        snprintf(failure, sizeof failure, "cannot load Unicorn (%s): it has no %s", libraryName, #name); \
        dlclose(library);                                                                   \
        return;                                                                             \
    }
    UNICORN_API(RESOLVE)
#undef RESOLVE
    api.loaded = true;
}

const char *kenix_unicorn_load_failure(void) {
    pthread_once(&once, load);
    return api.loaded ? NULL : failure;
}

#define FORWARD(type, name, params, args, fallback) \
    type name params { return kenix_unicorn_load_failure() ? fallback : api.name args; }

FORWARD(uc_err, uc_open, (uc_arch arch, uc_mode mode, uc_engine **uc), (arch, mode, uc), UC_ERR_HANDLE)
FORWARD(uc_err, uc_close, (uc_engine *uc), (uc), UC_ERR_HANDLE)
FORWARD(uc_err, uc_emu_start, (uc_engine *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count),
        (uc, begin, until, timeout, count), UC_ERR_HANDLE)
FORWARD(uc_err, uc_emu_stop, (uc_engine *uc), (uc), UC_ERR_HANDLE)
FORWARD(uc_err, uc_mem_map, (uc_engine *uc, uint64_t address, size_t size, uint32_t perms),
        (uc, address, size, perms), UC_ERR_HANDLE)
FORWARD(uc_err, uc_mem_map_ptr, (uc_engine *uc, uint64_t address, size_t size, uint32_t perms, void *ptr),
        (uc, address, size, perms, ptr), UC_ERR_HANDLE)
FORWARD(uc_err, uc_mem_unmap, (uc_engine *uc, uint64_t address, size_t size), (uc, address, size), UC_ERR_HANDLE)
FORWARD(uc_err, uc_mem_read, (uc_engine *uc, uint64_t address, void *bytes, size_t size),
        (uc, address, bytes, size), UC_ERR_HANDLE)
FORWARD(uc_err, uc_mem_write, (uc_engine *uc, uint64_t address, const void *bytes, size_t size),
        (uc, address, bytes, size), UC_ERR_HANDLE)
FORWARD(uc_err, uc_reg_read, (uc_engine *uc, int regid, void *value), (uc, regid, value), UC_ERR_HANDLE)
FORWARD(uc_err, uc_reg_write, (uc_engine *uc, int regid, const void *value), (uc, regid, value), UC_ERR_HANDLE)
FORWARD(uc_err, uc_reg_read_batch, (uc_engine *uc, int *regs, void **vals, int count),
        (uc, regs, vals, count), UC_ERR_HANDLE)
FORWARD(uc_err, uc_reg_write_batch, (uc_engine *uc, int *regs, void *const *vals, int count),
        (uc, regs, vals, count), UC_ERR_HANDLE)
FORWARD(const char *, uc_strerror, (uc_err code), (code), failure)

// The variadic two, with fixed arguments: each passes what Unicorn reads for
// that hook type or control (it reads no variadic argument it does not need,
// so the hook's `instruction` is harmless for other types).

uc_err kenix_uc_hook_add(uc_engine *uc, uc_hook *hh, int type, void *callback, void *user_data,
                         uint64_t begin, uint64_t end, int instruction) {
    if (kenix_unicorn_load_failure()) return UC_ERR_HANDLE;
    return api.uc_hook_add(uc, hh, type, callback, user_data, begin, end, instruction);
}

uc_err kenix_uc_exits_enable(uc_engine *uc) {
    if (kenix_unicorn_load_failure()) return UC_ERR_HANDLE;
    return api.uc_ctl(uc, UC_CTL_WRITE(UC_CTL_UC_USE_EXITS, 1), 1);
}

uc_err kenix_uc_remove_cache(uc_engine *uc, uint64_t begin, uint64_t end) {
    if (kenix_unicorn_load_failure()) return UC_ERR_HANDLE;
    return api.uc_ctl(uc, UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2), begin, end);
}

uc_err kenix_uc_flush_translations(uc_engine *uc) {
    if (kenix_unicorn_load_failure()) return UC_ERR_HANDLE;
    return api.uc_ctl(uc, UC_CTL_WRITE(UC_CTL_TB_FLUSH, 0));
}
