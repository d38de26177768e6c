/*
 * timerbench: timer interrupt -> user task latency, for `make bench`.
 * Started as the first program (kenix.init=timerbench kenix.arg=N): it
 * sleeps N times for 100 us and reports the mean time from the deadline to
 * the task running again, on the kernel clock, as
 *     timerbench: wake latency L ns
 * Under QEMU -icount shift=0 a nanosecond is an instruction; the timer's
 * 16 ns tick bounds the resolution.
 */
#include "kenix.h"

int64_t main(uint64_t arg, uint64_t parent) {
    (void)parent;
    uint64_t rounds = arg ? arg : 1000, late = 0;
    const uint64_t period = 100000;
    if (kx_uart_claim(KX_HANDLE_UART, 0) < 0) return 2;
    kx_console_use_uart();
    for (uint64_t i = 0; i < rounds; i++) {
        int64_t start = kx_clock();
        kx_sleep(period);
        int64_t end = kx_clock();
        if (end - start < (int64_t)period) return 3;
        late += (uint64_t)(end - start) - period;
    }
    kx_puts("timerbench: wake latency ");
    kx_put_dec((int64_t)(late / rounds));
    kx_puts(" ns\n");
    kx_console_flush();
    return 0;
}
