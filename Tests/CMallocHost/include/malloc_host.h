/* The user runtime's allocator, built for the host with a simulated brk and mmap. */
#include <stddef.h>
#include <stdint.h>

void *kxt_malloc(size_t size);
void kxt_free(void *p);
void *kxt_calloc(size_t count, size_t size);
void *kxt_realloc(void *p, size_t size);
int kxt_posix_memalign(void **out, size_t align, size_t size);

/* Fresh heap state: brk may grow `brk_bytes`; mmap arenas allowed or not. */
void kxt_reset(uint64_t brk_bytes, int allow_mmap);
int kxt_mmap_calls(void);
uint64_t kxt_brk_used(void);
/* Checks every boundary tag and free list; the free bytes, or -1 if the heap is damaged. */
int64_t kxt_check_heap(void);
