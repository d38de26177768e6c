/*
 * malloc.c: the heap of every user program: malloc, free, calloc, realloc
 * and posix_memalign (what Embedded Swift's runtime calls for class
 * instances, arrays and strings). The heap grows on demand: first with brk
 * (one contiguous arena above the program image), and when brk cannot grow
 * further (a mapping in the way, or the image limit), with anonymous mmap
 * arenas. Those pages are demand-paged, so a large heap costs nothing until
 * it is filled (docs/syscalls.md, "Virtual memory"). The first 32 KiB come
 * from a static arena in .bss, loaded with the program: a small program's
 * few allocations never change its frame count after it starts.
 *
 * Blocks carry boundary tags: a 16-byte header {size | flags, size of the
 * previous block when it is free}, so payloads are 16-byte aligned, free
 * blocks merge with both neighbours at once, and each arena ends with a
 * zero-size in-use sentinel. Free blocks sit in 48 size-class lists (one per
 * power of two, split in four); allocation takes the first fit from the
 * smallest class that can hold the request. Single-threaded: a Kenix task
 * has one thread. Built for the host with KX_MALLOC_HOST (Tests/CMallocHost),
 * where the functions are prefixed kxt_ and growth is simulated.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef KX_MALLOC_HOST
#define KX_FN(name) kxt_##name
int64_t kx_host_brk(uint64_t new_break);
int64_t kx_host_mmap(uint64_t length);
#define SYS_BRK(x) kx_host_brk(x)
#define SYS_MMAP(len) kx_host_mmap(len)
#else
#include "kenix.h"
#define KX_FN(name) name
#define SYS_BRK(x) kx_syscall((x), 0, 0, 0, 0, 0, KX_SYS_BRK)
#define SYS_MMAP(len) kx_syscall(0, (len), KX_PROT_READ | KX_PROT_WRITE, 0, 0, 0, KX_SYS_MMAP)
#endif

#define HDR 16u
#define MIN_BLOCK 32u            /* header + two free-list links */
#define USED 1u
#define PREV_USED 2u
#define FLAGS 15u
#define CLASSES 48
#define GROW_MIN (256u * 1024)   /* brk steps */
#define ARENA_MIN (1024u * 1024) /* mmap arenas */
#define PAGE 4096u

struct block {
    size_t head;       /* size of the whole block | USED | PREV_USED */
    size_t prev_size;  /* valid when the previous block is free */
    struct block *next, *prev;   /* free-list links (free blocks only) */
};

static struct block *bins[CLASSES];
static uint64_t nonempty;              /* bit c set: bins[c] holds a block */
_Static_assert(CLASSES <= 63, "a class and the one above it fit the bitmap");
static uintptr_t brk_start, brk_end;   /* the brk arena, [start, end) including its sentinel */
static int brk_failed;                 /* no usable break at all */
#define FIRST_ARENA (32u * 1024)
static _Alignas(16) unsigned char first_arena[FIRST_ARENA];
static int first_used;
#define MAX_ARENAS 64
static uintptr_t arena_start[MAX_ARENAS], arena_end[MAX_ARENAS];   /* mmap arenas */
static int arenas;

/* Whether p lies in the heap (free ignores anything else). */
static int in_heap(uintptr_t p) {
    if (p >= (uintptr_t)first_arena && p < (uintptr_t)first_arena + FIRST_ARENA) return 1;
    if (p >= brk_start && p < brk_end) return 1;
    for (int i = 0; i < arenas; i++) if (p >= arena_start[i] && p < arena_end[i]) return 1;
    return 0;
}

static inline size_t size_of(const struct block *b) { return b->head & ~(size_t)FLAGS; }
static inline struct block *after(struct block *b) { return (struct block *)((char *)b + size_of(b)); }
static inline void *payload(struct block *b) { return (char *)b + HDR; }
static inline struct block *block_of(void *p) { return (struct block *)((char *)p - HDR); }

/* Size class: four classes per power of two from 32 bytes up. */
static int class_of(size_t size) {
    int log = 63 - __builtin_clzll((unsigned long long)size);
    int quarter = log >= 2 ? (int)((size >> (log - 2)) & 3) : 0;
    int c = (log - 5) * 4 + quarter;
    return c < 0 ? 0 : c >= CLASSES ? CLASSES - 1 : c;
}

static void unlink_free(struct block *b) {
    if (b->prev) {
        b->prev->next = b->next;
    } else {
        int c = class_of(size_of(b));
        bins[c] = b->next;
        if (!b->next) nonempty &= ~((uint64_t)1 << c);
    }
    if (b->next) b->next->prev = b->prev;
}

static void link_free(struct block *b) {
    int c = class_of(size_of(b));
    b->prev = NULL;
    b->next = bins[c];
    if (b->next) b->next->prev = b;
    bins[c] = b;
    nonempty |= (uint64_t)1 << c;
}

/* Marks b (size set) free: tells its successor, merges with free neighbours, files it. */
static void release(struct block *b) {
    struct block *n = after(b);
    if (!(n->head & USED)) {               /* merge forward */
        unlink_free(n);
        b->head += size_of(n);
        n = after(b);
    }
    if (!(b->head & PREV_USED)) {          /* merge backward */
        struct block *p = (struct block *)((char *)b - b->prev_size);
        unlink_free(p);
        p->head += size_of(b);
        b = p;
    }
    b->head &= ~(size_t)USED;
    n->head &= ~(size_t)PREV_USED;
    n->prev_size = size_of(b);
    link_free(b);
}

/* Makes [start, start + length) a new arena: one free block and a sentinel. */
static void new_arena(uintptr_t start, size_t length) {
    struct block *b = (struct block *)start;
    struct block *sentinel = (struct block *)(start + length - HDR);
    b->head = (length - HDR) | PREV_USED;
    sentinel->head = USED;                 /* size 0, in use, previous free */
    sentinel->prev_size = length - HDR;
    link_free(b);
}

/* Adds at least `need` bytes of free space to the heap. */
static int grow(size_t need) {
    if (!first_used) {
        first_used = 1;
        new_arena((uintptr_t)first_arena, FIRST_ARENA);
        if (need + 2 * HDR <= FIRST_ARENA) return 1;
    }
    if (!brk_failed) {
        if (brk_start == 0) {
            int64_t current = SYS_BRK(0);
            if (current <= 0) { brk_failed = 1; goto use_mmap; }
            brk_start = ((uintptr_t)current + 15) & ~(uintptr_t)15;
            brk_end = brk_start;
        }
        size_t step = need + 2 * HDR < GROW_MIN ? GROW_MIN : (need + 2 * HDR + PAGE - 1) & ~(size_t)(PAGE - 1);
        int64_t got = SYS_BRK(brk_end + step);
        if (got > 0 && (uintptr_t)got >= brk_end + step) {
            if (brk_end == brk_start) {
                new_arena(brk_start, step);
            } else {
                /* The old sentinel becomes the header of the new space. */
                struct block *old = (struct block *)(brk_end - HDR);
                old->head = step | (old->head & PREV_USED) | USED;
                struct block *sentinel = (struct block *)(brk_end + step - HDR);
                sentinel->head = USED;
                release(old);
            }
            brk_end += step;
            return 1;
        }
        /* Refused (a mapping above, or the limit): this request goes to mmap;
         * a smaller one may still fit under the break later. */
    }
use_mmap:;
    if (arenas == MAX_ARENAS) return 0;
    size_t length = need + 2 * HDR < ARENA_MIN ? ARENA_MIN : (need + 2 * HDR + PAGE - 1) & ~(size_t)(PAGE - 1);
    int64_t at = SYS_MMAP(length);
    if (at <= 0) return 0;
    arena_start[arenas] = (uintptr_t)at;
    arena_end[arenas] = (uintptr_t)at + length;
    arenas++;
    new_arena((uintptr_t)at, length);
    return 1;
}

/* A free block of at least `size` bytes (a multiple of 16), taken off its list:
 * the first that fits in the request's own class (it may hold smaller blocks),
 * else the first of the next class that holds any (all of them fit), which
 * the bitmap finds at once instead of looking at each empty class on the way
 * (the same block either way; the default boot: 1.3% fewer instructions). */
static struct block *find(size_t size) {
    int c = class_of(size);
    for (struct block *b = bins[c]; b; b = b->next)
        if (size_of(b) >= size) { unlink_free(b); return b; }
    uint64_t above = nonempty & ~(((uint64_t)2 << c) - 1);   /* classes above c (CLASSES <= 63) */
    if (!above) return NULL;
    struct block *b = bins[__builtin_ctzll(above)];
    unlink_free(b);
    return b;
}

/* Marks free block b (off its list) used with `size` bytes, returning the tail to the heap. */
static void *carve(struct block *b, size_t size) {
    size_t total = size_of(b);
    struct block *n;
    if (total - size >= MIN_BLOCK) {
        b->head = size | (b->head & PREV_USED) | USED;
        struct block *tail = after(b);
        tail->head = (total - size) | PREV_USED;
        n = after(tail);
        n->prev_size = total - size;
        link_free(tail);
        n->head &= ~(size_t)PREV_USED;
    } else {
        b->head |= USED;
        n = after(b);
        n->head |= PREV_USED;
    }
    return payload(b);
}

static size_t block_size(size_t request) {
    if (request > ((size_t)1 << 46)) return 0;
    size_t size = (request + HDR + 15) & ~(size_t)15;
    return size < MIN_BLOCK ? MIN_BLOCK : size;
}

static void *heap_alloc(size_t request) {
    size_t size = block_size(request);
    if (size == 0) return NULL;
    struct block *b = find(size);
    if (!b) {
        if (!grow(size)) return NULL;
        b = find(size);
        if (!b) return NULL;
    }
    return carve(b, size);
}

void *KX_FN(malloc)(size_t size) { return heap_alloc(size); }

void KX_FN(free)(void *p) {
    if (!p || ((uintptr_t)p & 15) || !in_heap((uintptr_t)p - HDR)) return;
    struct block *b = block_of(p);
    if (!(b->head & USED) || size_of(b) < MIN_BLOCK) return;   /* not a live allocation */
    release(b);
}

void *KX_FN(calloc)(size_t count, size_t size) {
    if (size != 0 && count > (size_t)-1 / size) return NULL;
    size_t n = count * size;
    unsigned char *p = heap_alloc(n);
    if (p) for (size_t i = 0; i < n; i++) p[i] = 0;
    return p;
}

void *KX_FN(realloc)(void *p, size_t request) {
    if (!p) return heap_alloc(request);
    if (request == 0) { KX_FN(free)(p); return NULL; }
    if (((uintptr_t)p & 15) || !in_heap((uintptr_t)p - HDR)) return NULL;
    struct block *b = block_of(p);
    size_t size = block_size(request);
    if (size == 0) return NULL;
    size_t have = size_of(b);
    if (have >= size) return p;
    struct block *n = after(b);
    if (!(n->head & USED) && have + size_of(n) >= size) {   /* grow in place */
        unlink_free(n);
        b->head += size_of(n);
        after(b)->head |= PREV_USED;
        b->head &= ~(size_t)USED;   /* carve expects a free block's flags */
        return carve(b, size);
    }
    unsigned char *q = heap_alloc(request);
    if (!q) return NULL;
    unsigned char *src = p;
    for (size_t i = 0; i < have - HDR; i++) q[i] = src[i];
    release(b);
    return q;
}

int KX_FN(posix_memalign)(void **out, size_t align, size_t size) {
    if (align == 0 || (align & (align - 1)) != 0 || align % sizeof(void *) != 0) return 22; /* EINVAL */
    if (align <= 16) {
        void *p = heap_alloc(size);
        if (!p) return 12; /* ENOMEM */
        *out = p;
        return 0;
    }
    size_t need = block_size(size);
    if (need == 0 || align > ((size_t)1 << 30)) return 12;
    struct block *b = find(need + align + MIN_BLOCK);
    if (!b) {
        if (!grow(need + align + MIN_BLOCK)) return 12;
        b = find(need + align + MIN_BLOCK);
        if (!b) return 12;
    }
    uintptr_t p = ((uintptr_t)payload(b) + align - 1) & ~(uintptr_t)(align - 1);
    while (p != (uintptr_t)payload(b) && p - (uintptr_t)payload(b) < MIN_BLOCK) p += align;
    if (p != (uintptr_t)payload(b)) {      /* give the leading gap back as a free block */
        size_t gap = p - (uintptr_t)payload(b), total = size_of(b);
        struct block *front = b, *aligned = block_of((void *)p);
        aligned->head = (total - gap) | USED;                  /* in use until front is filed */
        front->head = gap | (front->head & PREV_USED) | USED;
        release(front);                                        /* files front, tells aligned */
        aligned->head &= ~(size_t)USED;                        /* free, on no list: carve's input */
        b = aligned;
    }
    *out = carve(b, need);
    return 0;
}
