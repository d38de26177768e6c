/*
 * malloc.c: a small first-fit allocator over a static 256 KiB heap in .bss,
 * for Embedded Swift (posix_memalign/free: class instances, arrays, strings)
 * and C programs (malloc/free).
 *
 * Layout: the heap is a sequence of blocks, each a 16-byte header
 * { size of the whole block, in-use flag } followed by its payload; sizes are
 * multiples of 16, so every payload is 16-byte aligned. Allocation walks the
 * blocks from the start, merging runs of free blocks as it goes (so free is
 * O(1) and adjacent free blocks are coalesced lazily), carves off a leading
 * free block when a larger alignment is asked for, and splits off the tail.
 * Single-threaded: a Kenix task has one thread.
 */
#include <stddef.h>
#include <stdint.h>

#define HEAP_SIZE (256u * 1024)
#define HDR 16u
#define MIN_BLOCK (HDR + 16u)

struct block {
    size_t size;   /* whole block, header included */
    size_t used;
};

static _Alignas(4096) unsigned char heap[HEAP_SIZE];
static int heap_ready;

static inline struct block *next_block(struct block *b) {
    return (struct block *)((unsigned char *)b + b->size);
}

static inline int in_heap(const void *p) {
    return (const unsigned char *)p >= heap && (const unsigned char *)p < heap + HEAP_SIZE;
}

static void *heap_alloc(size_t size, size_t align) {
    unsigned char *const end = heap + HEAP_SIZE;
    if (!heap_ready) {
        struct block *all = (struct block *)heap;
        all->size = HEAP_SIZE;
        all->used = 0;
        heap_ready = 1;
    }
    if (align < 16) align = 16;
    if (size > HEAP_SIZE) return NULL;
    size_t need = (size + 15) & ~(size_t)15;
    if (need == 0) need = 16;

    for (struct block *b = (struct block *)heap; (unsigned char *)b < end; b = next_block(b)) {
        if (b->used) continue;
        while ((unsigned char *)next_block(b) < end && !next_block(b)->used)
            b->size += next_block(b)->size;

        uintptr_t start = (uintptr_t)b + HDR;
        uintptr_t p = (start + align - 1) & ~(uintptr_t)(align - 1);
        while (p != start && p - start < MIN_BLOCK) p += align;   /* a leading gap must hold a free block */
        if (p - (uintptr_t)b + need > b->size) continue;

        if (p != start) {
            struct block *front = b;
            size_t gap = p - start;
            b = (struct block *)(p - HDR);
            b->size = front->size - gap;
            front->size = gap;
            front->used = 0;
        }
        if (b->size - HDR - need >= MIN_BLOCK) {
            struct block *tail = (struct block *)((unsigned char *)b + HDR + need);
            tail->size = b->size - HDR - need;
            tail->used = 0;
            b->size = HDR + need;
        }
        b->used = 1;
        return (void *)p;
    }
    return NULL;
}

int posix_memalign(void **out, size_t align, size_t size) {
    if (align == 0 || (align & (align - 1)) != 0 || align % sizeof(void *) != 0) return 22; /* EINVAL */
    void *p = heap_alloc(size, align);
    if (!p) return 12; /* ENOMEM */
    *out = p;
    return 0;
}

void *malloc(size_t size) { return heap_alloc(size, 16); }

/* Ignores NULL and pointers that are not live heap allocations' payloads
 * closely enough to matter: a header must sit in the heap and be in use. */
void free(void *p) {
    if (!p || !in_heap((unsigned char *)p - HDR) || ((uintptr_t)p & 15)) return;
    struct block *b = (struct block *)((unsigned char *)p - HDR);
    if (b->used == 1) b->used = 0;
}
