/*
 * kenix.h: the Kenix syscall ABI for C user programs, plus small task and
 * console helpers.
 *
 * Mirrors Sources/KenixABI/Syscall.swift (numbers, errors, layout) and follows
 * docs/syscalls.md: `svc #0`, number in x8, arguments in x0-x5, result in x0
 * (negative = error); IPC calls also return a message in x1-x5. Change all
 * three together.
 *
 * The raw entry points kx_syscall and kx_syscall_msg live in
 * Userland/runtime/syscall.S; everything else here is a static inline over
 * them, so a C program links only what it uses.
 */
#ifndef KENIX_H
#define KENIX_H

#include <stddef.h>
#include <stdint.h>

/* Syscall numbers (Syscall in KenixABI). */
enum {
    KX_SYS_YIELD = 0,
    KX_SYS_EXIT = 1,
    KX_SYS_GETPID = 2,
    KX_SYS_SLEEP = 3,
    KX_SYS_CLOCK = 4,
    KX_SYS_SPAWN = 5,
    KX_SYS_WAIT = 6,
    KX_SYS_FORK = 7,

    KX_SYS_SEND = 10,
    KX_SYS_RECV = 11,
    KX_SYS_CALL = 12,
    KX_SYS_REPLY = 13,
    KX_SYS_REPLY_TO = 14,
    KX_SYS_REPLY_RECV = 15,
    KX_SYS_CALL_TIMEOUT = 16,
    KX_SYS_RECV_TIMEOUT = 17,
    KX_SYS_SEND_NB = 18,
    KX_SYS_RECV_NB = 19,

    KX_SYS_SHM_CREATE = 20,
    KX_SYS_SHM_MAP = 21,
    KX_SYS_SHM_GRANT = 22,
    KX_SYS_SHM_UNMAP = 23,
    KX_SYS_MMAP = 24,
    KX_SYS_MUNMAP = 25,
    KX_SYS_MPROTECT = 26,
    KX_SYS_BRK = 27,

    KX_SYS_UART_CLAIM = 30,
    KX_SYS_UART_WRITE = 31,
    KX_SYS_UART_READ = 32,

    KX_SYS_SERVICE_REGISTER = 40,
    KX_SYS_SERVICE_LOOKUP = 41,
    KX_SYS_NOTIFY_CREATE = 50,
    KX_SYS_NOTIFY_SIGNAL = 51,
    KX_SYS_NOTIFY_WAIT = 52,
    KX_SYS_NOTIFY_POLL = 53,
    KX_SYS_NOTIFY_GRANT = 54,
    KX_SYS_NOTIFY_BIND = 55,
    KX_SYS_IRQ_REGISTER = 56,
    KX_SYS_IRQ_ACK = 57,

    KX_SYS_TASK_INFO = 60,
    KX_SYS_MEM_INFO = 61,
    KX_SYS_KILL = 62,

    KX_SYS_FB_INFO = 70,
    KX_SYS_FB_MAP = 71,
    KX_SYS_FB_PRESENT = 72,
    KX_SYS_KEYBOARD_CLAIM = 73,
    KX_SYS_KEYBOARD_READ = 74,
    KX_SYS_IMAGE_READ = 75,
};

/* Errors a caller can cause, returned negated in x0 (SyscallError). */
enum {
    KX_EINVAL = -1,       /* invalidArgument */
    KX_EFAULT = -2,       /* badAddress */
    KX_ENOTASK = -3,      /* noSuchTask */
    KX_ENOMEM = -4,       /* outOfMemory */
    KX_ENOTFOUND = -5,    /* notFound */
    KX_EBADEXEC = -6,     /* badExecutable */
    KX_EPERM = -7,        /* notPermitted */
    KX_EPARTNERDIED = -8, /* partnerDied */
    KX_EBUSY = -9,        /* busy */
    KX_ENOSYS = -10,      /* noSuchSyscall */
    KX_ENOTCHILD = -11,   /* notChild */
    KX_ELIMIT = -12,      /* limitReached */
    KX_ETIMEDOUT = -13,   /* timedOut */
    KX_EWOULDBLOCK = -14, /* wouldBlock */
};

/* IPC: receive from any sender. */
#define KX_ANY_SENDER 0ULL

/* How a waited-for task ended (ExitKind), and why the kernel killed it (KillReason). */
enum { KX_EXITED = 0, KX_KILLED = 1 };
enum { KX_KILL_MEMORY_FAULT = 1, KX_KILL_UNDEFINED_INSTRUCTION = 2, KX_KILL_BAD_SYSCALL_FRAME = 3 };

/* Well-known service keys (ServiceKey). */
enum { KX_SERVICE_CONSOLE = 1 };

/* Priorities (Priority): 0 at spawn means "the caller's". */
enum { KX_PRIORITY_INHERIT = 0, KX_PRIORITY_LOWEST = 1, KX_PRIORITY_HIGHEST = 31 };

/* The fixed user address layout (UserLayout). */
#define KX_IMAGE_BASE 0x00400000ULL
#define KX_IMAGE_LIMIT 0x40000000ULL
#define KX_STACK_TOP 0x80000000ULL
#define KX_STACK_SIZE (64ULL * 1024)
#define KX_SHM_BASE 0x100000000ULL
#define KX_SHM_LIMIT 0x200000000ULL
#define KX_USER_LIMIT (1ULL << 47)

/* Limits (SyscallLimits). */
#define KX_MAX_NAME_LENGTH 64
#define KX_MAX_UART_WRITE 4096
#define KX_MAX_SHM_SIZE (16ULL * 1024 * 1024)

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
 * on 0, *status is the exit status (or KillReason) and *kind KX_EXITED/KX_KILLED. */
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
