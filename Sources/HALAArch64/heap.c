/* heap.c: the kernel heap behind posix_memalign/free, which Embedded Swift
 * uses for class instances and array storage.
 *
 * Pointers handed out have their top byte cleared (0x00FF_... instead of
 * 0xFFFF_...). The kernel lives in the upper (TTBR1) half, but Swift's
 * runtime takes any pointer with bit 63 set for an immortal object (retain
 * and release do nothing, so copy-on-write never copies and nothing is ever
 * freed) and uses bits 60-63 of object pointers for enum and bridge flags.
 * With TCR_EL1.TBI1 set (boot.S) the MMU ignores the top byte and bit 55
 * still selects TTBR1, so the cleared pointers reach the same memory.
 * pa(ofKernel:) in Memory+Linear.swift restores the byte. The kernel core allocates its
 * tables once at boot and little afterwards, so this is deliberately simple:
 *   - small blocks (<= 2048 bytes) come from power-of-two size classes; each
 *     4 KB heap page holds one class, recorded in page_class[], so blocks need
 *     no header and are naturally aligned to their size;
 *   - large blocks are whole pages (aligned to min(alignment, 2 MB)), with
 *     their page count in page_run[]; freed runs go on a first-fit list.
 * The arena is [__heap_start, __heap_end) from linker.ld, outside .bss so
 * boot does not zero it. Single core, interrupts masked: no locking. */
#include <stddef.h>
#include <stdint.h>

extern char __heap_start[], __heap_end[];
#define PAGE 4096u
#define MAX_PAGES (64u * 1024u * 1024u / PAGE)  /* heap of up to 64 MB (linker.ld: 8 MB) */
#define NCLASS 8 /* 16, 32, ..., 2048 */

static uintptr_t bump;                 /* next unused page */
static void *class_free[NCLASS];       /* per-class free lists */
static uint8_t page_class[MAX_PAGES];  /* 0 = unused/large, 1 + class */
static uint32_t page_run[MAX_PAGES];   /* pages in a large block (at its first page) */
struct run { struct run *next; uint32_t pages; };
static struct run *free_runs;
size_t kenix_heap_used_pages;

#define TOP_BYTE ((uintptr_t)0xFF << 56)
/* What Swift sees, and the canonical address (see the top of this file). */
static void *swift_view(void *p) { return (void *)((uintptr_t)p & ~TOP_BYTE); }
static void *canonical(void *p) { return (void *)((uintptr_t)p | TOP_BYTE); }

static size_t page_index(void *p) { return ((uintptr_t)p - (uintptr_t)__heap_start) / PAGE; }

static void *take_pages(size_t pages, size_t align) {
    struct run **link = &free_runs;
    for (struct run *r = free_runs; r; link = &r->next, r = r->next) {
        if (r->pages == pages && ((uintptr_t)r & (align - 1)) == 0) { *link = r->next; return r; }
    }
    if (!bump) bump = (uintptr_t)__heap_start;
    uintptr_t p = (bump + align - 1) & ~(uintptr_t)(align - 1);
    while (bump < p) { /* recycle the alignment gap as single pages */
        struct run *g = (struct run *)bump; g->pages = 1; g->next = free_runs; free_runs = g;
        bump += PAGE;
    }
    if (p + pages * PAGE > (uintptr_t)__heap_end) return 0;
    bump = p + pages * PAGE;
    kenix_heap_used_pages = (bump - (uintptr_t)__heap_start) / PAGE;
    return (void *)p;
}

int posix_memalign(void **out, size_t align, size_t size) {
    if (align < 16) align = 16;
    if (size == 0) size = 1;
    size_t need = size > align ? size : align;
    if (need <= 2048) {
        unsigned c = 0;
        while ((16u << c) < need) c++;
        if (!class_free[c]) {
            char *page = take_pages(1, PAGE);
            if (!page) return 12;
            page_class[page_index(page)] = (uint8_t)(1 + c);
            size_t sz = 16u << c;
            for (size_t off = 0; off + sz <= PAGE; off += sz) {
                *(void **)(page + off) = class_free[c]; class_free[c] = page + off;
            }
        }
        void *b = class_free[c];
        class_free[c] = *(void **)b;
        *out = swift_view(b);
        return 0;
    }
    size_t pages = (size + PAGE - 1) / PAGE;
    if (align < PAGE) align = PAGE;
    if (align > (2u << 20)) align = 2u << 20;
    void *p = take_pages(pages, align);
    if (!p) return 12;
    page_class[page_index(p)] = 0;
    page_run[page_index(p)] = (uint32_t)pages;
    *out = swift_view(p);
    return 0;
}

void free(void *p) {
    if (!p) return;
    p = canonical(p);
    size_t i = page_index(p);
    uint8_t c = page_class[i];
    if (c) { *(void **)p = class_free[c - 1]; class_free[c - 1] = p; return; }
    struct run *r = p; r->pages = page_run[i]; r->next = free_runs; free_runs = r;
}

void *malloc(size_t n) { void *p; return posix_memalign(&p, 16, n) ? 0 : p; }

size_t kenix_heap_used_kb(void) { return kenix_heap_used_pages * (PAGE / 1024); }
