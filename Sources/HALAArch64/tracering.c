/* tracering.c: the storage of the kernel's event ring (TraceRing.swift,
 * boot argument kenix.trace=ring). Static: 8192 events of four words, the
 * last ones recorded; recording is a few stores, no allocation, and nothing
 * at all until kenix_trace_enable. Word 0 is the generic timer's count
 * (CNTVCT) shifted left by 8 with the TraceKind in the low byte; words 1-3
 * are the event's a, b, c. Single core, called with interrupts masked (the
 * kernel's own context), so no locking. */
#include <stdint.h>

#define KENIX_TRACE_EVENTS 8192u

static uint64_t ring[KENIX_TRACE_EVENTS][4];
static uint64_t recorded;   /* events recorded since enable; the ring holds the last ones */

uint64_t kenix_trace_capacity(void) { return KENIX_TRACE_EVENTS; }
uint64_t kenix_trace_recorded(void) { return recorded; }

void kenix_trace_record(uint64_t kind, uint64_t a, uint64_t b, uint64_t c) {
    uint64_t t;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
    uint64_t *e = ring[recorded % KENIX_TRACE_EVENTS];
    e[0] = t << 8 | (kind & 0xFF);
    e[1] = a;
    e[2] = b;
    e[3] = c;
    recorded++;
}

/* Word w (0-3) of the i-th oldest event still in the ring. */
uint64_t kenix_trace_word(uint64_t i, uint64_t w) {
    uint64_t first = recorded > KENIX_TRACE_EVENTS ? recorded - KENIX_TRACE_EVENTS : 0;
    return ring[(first + i) % KENIX_TRACE_EVENTS][w & 3];
}
