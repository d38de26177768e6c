/*
 * The user runtime's allocator (Userland/runtime/malloc.c) built for the
 * host test: functions prefixed kxt_, and brk/mmap simulated over a region
 * of host memory with limits the test sets, so growth and the fallback from
 * brk to mmap arenas can be driven and checked.
 */
#define KX_MALLOC_HOST 1
#include "../../Userland/runtime/malloc.c"

#include <sys/mman.h>
#include "malloc_host.h"

#define REGION (256ull << 20)
static unsigned char *region;
static uint64_t brk_base, brk_now, brk_limit;
static int mmap_calls, brk_calls, mmap_allowed = 1;

int64_t kx_host_brk(uint64_t new_break) {
    brk_calls++;
    if (new_break == 0) return (int64_t)brk_now;
    if (new_break < brk_base || new_break > brk_base + brk_limit) return -4;
    brk_now = new_break;
    return (int64_t)brk_now;
}

int64_t kx_host_mmap(uint64_t length) {
    mmap_calls++;
    if (!mmap_allowed) return -4;
    void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? -4 : (int64_t)(uintptr_t)p;
}

void kxt_reset(uint64_t brk_bytes, int allow_mmap) {
    if (!region) region = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    brk_base = brk_now = (uint64_t)(uintptr_t)region + 4096 + 8;   /* deliberately not aligned */
    brk_limit = brk_bytes < REGION - 8192 ? brk_bytes : REGION - 8192;
    mmap_allowed = allow_mmap;
    mmap_calls = brk_calls = 0;
    for (int i = 0; i < CLASSES; i++) bins[i] = NULL;
    nonempty = 0;
    brk_start = brk_end = 0;
    brk_failed = 0;
    first_used = 0;
    arenas = 0;
}

int kxt_mmap_calls(void) { return mmap_calls; }
uint64_t kxt_brk_used(void) { return brk_now - brk_base; }

/* Walks every arena checking the boundary tags; returns the free bytes, or -1 if damaged. */
int64_t kxt_check_heap(void) {
    int64_t free_bytes = 0;
    uintptr_t starts[MAX_ARENAS + 2], ends[MAX_ARENAS + 2];
    int n = 0;
    if (first_used) { starts[n] = (uintptr_t)first_arena; ends[n] = (uintptr_t)first_arena + FIRST_ARENA; n++; }
    if (brk_end > brk_start) { starts[n] = brk_start; ends[n] = brk_end; n++; }
    for (int i = 0; i < arenas; i++) { starts[n] = arena_start[i]; ends[n] = arena_end[i]; n++; }
    for (int a = 0; a < n; a++) {
        struct block *b = (struct block *)starts[a];
        int prev_free = 0;
        size_t prev_size = 0;
        while (1) {
            if ((uintptr_t)b + HDR > ends[a]) return -1;
            size_t size = size_of(b);
            int used = (b->head & USED) != 0;
            if (((b->head & PREV_USED) != 0) == prev_free) return -1;
            if (prev_free && b->prev_size != prev_size) return -1;
            if (size == 0) { if (!used || (uintptr_t)b + HDR != ends[a]) return -1; break; }
            if (size < MIN_BLOCK || size & 15) return -1;
            if (!used) {
                if (prev_free) return -1;   /* two free neighbours were not merged */
                int listed = 0;
                for (struct block *f = bins[class_of(size)]; f; f = f->next) if (f == b) listed = 1;
                if (!listed) return -1;
                free_bytes += (int64_t)size;
            }
            prev_free = !used;
            prev_size = size;
            b = after(b);
        }
    }
    return free_bytes;
}
