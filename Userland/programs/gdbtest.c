/*
 * gdbtest: a small program for the debugger tests (Tests/System/gdb.sh) and
 * docs/debugging.md: a loop that stores to a global, a function to break in,
 * and a line of output. `kenix-sim run --init gdbtest --gdb` stops at its
 * first instruction. Exits with status 7 (the sum check below). As the
 * first task (no parent, no console server) it writes the UART itself.
 * With argument 1 it spins storing to `counter` until stopped (the Ctrl-C
 * test).
 */
#include "kenix.h"

volatile uint64_t counter = 0;
volatile uint64_t total = 0;

__attribute__((noinline)) uint64_t bump(uint64_t step) {
    counter = counter + step;
    return counter;
}

int64_t main(uint64_t arg, uint64_t parent) {
    if (parent == 0 && kx_uart_claim(KX_HANDLE_UART, 0) >= 0) kx_console_use_uart();
    if (arg == 1) {
        for (;;) counter = counter + 1;
    }
    for (uint64_t i = 1; i <= 5; i++) {
        total = total + bump(i);
    }
    kx_puts(total == 35 ? "gdbtest: total 35\n" : "gdbtest: wrong total\n");
    return counter == 15 ? 7 : 1;
}
