/*
 * irqbench: interrupt -> user handler cost, for `make bench`. Started as the
 * first program with console input (kenix-sim --init irqbench --input F): it
 * owns the UART itself (init's boot handle for it), routes its receive line to a notification, and for
 * every interrupt wakes, drains the UART and acks the line, until Ctrl-D.
 * It exits with 0 after at least one interrupt.
 */
#include "kenix.h"

int64_t main(uint64_t arg, uint64_t parent) {
    (void)arg; (void)parent;
    uint64_t line = 0;
    int64_t line_handle = kx_uart_claim(KX_HANDLE_UART, &line);
    int64_t note = kx_syscall(0, 0, 0, 0, 0, 0, KX_SYS_NOTIFY_CREATE);
    if (line_handle < 0 || note < 0) return 2;
    if (kx_syscall((uint64_t)line_handle, line, (uint64_t)note, 0, 0, 0, KX_SYS_IRQ_REGISTER) < 0) return 3;
    uint64_t interrupts = 0;
    for (;;) {
        if (kx_syscall((uint64_t)note, 0, 0, 0, 0, 0, KX_SYS_NOTIFY_WAIT) <= 0) return 4;
        interrupts++;
        char buffer[64];
        int64_t n;
        while ((n = kx_syscall((uint64_t)(uintptr_t)buffer, sizeof buffer, 0, 0, 0, 0, KX_SYS_UART_READ)) > 0)
            for (int64_t i = 0; i < n; i++)
                if (buffer[i] == 4) return interrupts > 0 ? 0 : 5;
        if (kx_syscall((uint64_t)line, 0, 0, 0, 0, 0, KX_SYS_IRQ_ACK) < 0) return 6;
    }
}
