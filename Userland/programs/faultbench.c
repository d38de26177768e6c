/*
 * faultbench: the cost of a demand-zero fault and of a copy-on-write fault,
 * for `make bench`. Started as the first program with arg = PAGES | mode << 60:
 *   mode 0: touch PAGES fresh anonymous pages (one demand-zero fault each);
 *   mode 1: the same, then fork; the child writes every page again (one
 *           copy-on-write fault each).
 * It prints the mean kernel-clock time per fault, measured around the loops:
 *     faultbench: demand-zero fault N ns
 *     faultbench: copy-on-write fault N ns
 * Under QEMU -icount shift=0 a nanosecond is an instruction. (In kenix-sim
 * the clock counts user instructions only; the bench times whole runs there.)
 */
#include "kenix.h"

#define MODE_SHIFT 60

static void report(const char *what, int64_t ns) {
    kx_puts("faultbench: ");
    kx_puts(what);
    kx_put_dec(ns);
    kx_puts(" ns\n");
    kx_console_flush();
}

int64_t main(uint64_t arg, uint64_t parent) {
    (void)parent;
    uint64_t mode = (arg >> MODE_SHIFT) & 3, pages = arg & ((1ull << MODE_SHIFT) - 1);
    if (pages == 0) pages = 1024;
    if (kx_uart_claim(KX_HANDLE_UART, 0) < 0) return 2;
    kx_console_use_uart();
    int64_t base = kx_syscall(0, pages * 4096, 3, 0, 0, 0, KX_SYS_MMAP);
    if (base < 0) return 3;
    volatile uint64_t *words = (volatile uint64_t *)(uintptr_t)base;
    int64_t t0 = kx_clock();
    for (uint64_t i = 0; i < pages; i++) words[i * 512] = i;
    report("demand-zero fault ", (kx_clock() - t0) / (int64_t)pages);
    if (mode == 0) return 0;
    int64_t child = kx_syscall(0, 0, 0, 0, 0, 0, KX_SYS_FORK);
    if (child < 0) return 4;
    if (child == 0) {
        /* The child does not own the UART: its result is its exit status. */
        int64_t t1 = kx_clock();
        for (uint64_t i = 0; i < pages; i++) words[i * 512] = i + 1;
        int64_t per_fault = (kx_clock() - t1) / (int64_t)pages;
        for (uint64_t i = 0; i < pages; i++) if (words[i * 512] != i + 1) return -1;
        return per_fault;
    }
    uint64_t status = 0, kind = 1;
    if (kx_wait((uint64_t)child, &status, &kind) < 0 || kind != 0 || (int64_t)status < 0) return 6;
    for (uint64_t i = 0; i < pages; i++) if (words[i * 512] != i) return 7;
    report("copy-on-write fault ", (int64_t)status);
    return 0;
}
