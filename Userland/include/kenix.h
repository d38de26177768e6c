/*
 * kenix.h: the Kenix syscall entry points for C user programs, plus small
 * task and console helpers.
 *
 * The ABI's numbers, errors and layouts come from kenix_abi.h, which is
 * generated from Sources/KenixABI (`make abi`); docs/syscalls.md specifies
 * them: `svc #0`, number in x8, arguments in x0-x5 (call_timeout: also x6),
 * result in x0 (negative = error); IPC calls also return a message in x1-x5.
 *
 * The raw entry points kx_syscall and kx_syscall_msg live in
 * Userland/runtime/syscall.S; everything else here is a static inline over
 * them, so a C program links only what it uses.
 */
#ifndef KENIX_H
#define KENIX_H

#include <stddef.h>
#include <stdint.h>

#include "kenix_abi.h"

/* Raw syscalls (runtime/syscall.S). Arguments first, the number last, so the
 * stub is `mov x8, x6; svc #0`. kx_syscall_msg also stores x0-x5 after the
 * trap into out[0..5]. */
int64_t kx_syscall(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                   uint64_t a4, uint64_t a5, uint64_t number);
int64_t kx_syscall_msg(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                       uint64_t a4, uint64_t a5, uint64_t number, uint64_t out[6]);

/* Ends the task after flushing buffered console output (runtime/console.c). */
__attribute__((noreturn)) void kx_exit(int64_t status);

static inline int64_t kx_yield(void) { return kx_syscall(0, 0, 0, 0, 0, 0, KX_SYS_YIELD); }
static inline int64_t kx_getpid(void) { return kx_syscall(0, 0, 0, 0, 0, 0, KX_SYS_GETPID); }
static inline int64_t kx_sleep(uint64_t ns) { return kx_syscall(ns, 0, 0, 0, 0, 0, KX_SYS_SLEEP); }
static inline int64_t kx_clock(void) { return kx_syscall(0, 0, 0, 0, 0, 0, KX_SYS_CLOCK); }

/* Starts the initrd program `name` (len bytes, no NUL needed). Returns the
 * child id or a negative error. */
static inline int64_t kx_spawn(const char *name, size_t len, uint64_t arg, uint64_t priority) {
    return kx_syscall((uint64_t)(uintptr_t)name, len, arg, priority, 0, 0, KX_SYS_SPAWN);
}

/* Waits for child `id` to end and reaps it. Returns 0 or a negative error;
 * on 0, *status is the exit status (or KillReason) and *kind KX_EXIT_EXITED/KX_EXIT_KILLED. */
static inline int64_t kx_wait(uint64_t id, uint64_t *status, uint64_t *kind) {
    uint64_t r[6];
    int64_t rc = kx_syscall_msg(id, 0, 0, 0, 0, 0, KX_SYS_WAIT, r);
    if (rc == 0) {
        if (status) *status = r[1];
        if (kind) *kind = r[2];
    }
    return rc;
}

static inline int64_t kx_uart_claim(void) { return kx_syscall(0, 0, 0, 0, 0, 0, KX_SYS_UART_CLAIM); }
static inline int64_t kx_uart_write(const void *p, size_t len) {
    return kx_syscall((uint64_t)(uintptr_t)p, len, 0, 0, 0, 0, KX_SYS_UART_WRITE);
}
static inline int64_t kx_service_register(uint64_t key) {
    return kx_syscall(key, 0, 0, 0, 0, 0, KX_SYS_SERVICE_REGISTER);
}
static inline int64_t kx_service_lookup(uint64_t key) {
    return kx_syscall(key, 0, 0, 0, 0, 0, KX_SYS_SERVICE_LOOKUP);
}

/* The name of an error code ("notFound", ...), or "unknown". */
const char *kx_error_name(int64_t err);

/* Console output (runtime/console.c). Text is buffered per line and sent to
 * the console server (service 1) with the console protocol; the console
 * server itself calls kx_console_use_uart() so it writes the UART directly. */
int putchar(int c);
void kx_console_flush(void);
void kx_console_use_uart(void);
void kx_puts(const char *s);          /* no newline added */
void kx_put_dec(int64_t v);
void kx_put_hex(uint64_t v);          /* 0x-prefixed */

#endif /* KENIX_H */
