/*
 * sysbench: the cost of the simplest kernel entries, for `make bench`.
 * Started as the first program with arg = N | mode << 60:
 *   mode 0: N null syscalls (getpid);
 *   mode 1: N rounds of yield between two tasks of equal priority, each
 *           yield switching to the other task (2N switches).
 * It exits 0; the bench divides the time of a long run minus a short one.
 */
#include "kenix.h"

#define MODE_SHIFT 60
#define PARTNER (1ull << 63)

int64_t main(uint64_t arg, uint64_t parent) {
    (void)parent;
    uint64_t mode = (arg >> MODE_SHIFT) & 3, rounds = arg & ((1ull << MODE_SHIFT) - 1);
    if (arg & PARTNER) {
        for (uint64_t i = 0; i < rounds; i++) kx_yield();
        return 0;
    }
    if (mode == 0) {
        for (uint64_t i = 0; i < rounds; i++)
            if (kx_getpid() <= 0) return 1;
        return 0;
    }
    static const char name[] = "sysbench";
    int64_t partner = kx_spawn(name, sizeof name - 1, PARTNER | rounds, 0);
    if (partner < 0) return 2;
    for (uint64_t i = 0; i < rounds; i++) kx_yield();
    uint64_t status = 1, kind = 1;
    if (kx_wait((uint64_t)partner, &status, &kind) < 0 || status != 0 || kind != 0) return 3;
    return 0;
}
