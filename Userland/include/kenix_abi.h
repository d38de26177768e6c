/*
 * kenix_abi.h: the Kenix syscall ABI for C programs: numbers, errors,
 * layouts and protocol constants.
 *
 * GENERATED from Sources/KenixABI by `make abi` (Sources/kenix-abi); do not
 * edit. `make test` fails when this file and KenixABI differ.
 *
 * Convention: `svc #0`, number in x8, arguments in x0-x5, result in x0
 * (negative = a KX_ERR_ value). IPC calls carry a message in x1-x5 both
 * ways; call_timeout alone also reads x6 (its timeout).
 */
#ifndef KENIX_ABI_H
#define KENIX_ABI_H

#include <stdint.h>

/* Syscall numbers (Syscall). */
enum {
    KX_SYS_YIELD = 0,
    KX_SYS_EXIT = 1,
    KX_SYS_GETPID = 2,
    KX_SYS_SLEEP = 3,
    KX_SYS_CLOCK = 4,
    KX_SYS_SPAWN = 5,
    KX_SYS_WAIT = 6,
    KX_SYS_FORK = 7,
    KX_SYS_SPAWN_IMAGE = 8,
    KX_SYS_REAL_TIME = 9,
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
    KX_SYS_TASK_STATUS = 63,
    KX_SYS_TASK_WATCH = 64,
    KX_SYS_FB_INFO = 70,
    KX_SYS_FB_MAP = 71,
    KX_SYS_FB_PRESENT = 72,
    KX_SYS_KEYBOARD_CLAIM = 73,
    KX_SYS_KEYBOARD_READ = 74,
    KX_SYS_IMAGE_READ = 75,
    KX_SYS_IMAGE_MAP = 76,
    KX_SYS_TASK_CREATE = 80,
    KX_SYS_TASK_EXEC = 81,
    KX_SYS_TASK_RESUME = 82,
    KX_SYS_TASK_GET_REGISTERS = 83,
    KX_SYS_TASK_SET_REGISTERS = 84,
    KX_SYS_TASK_READ = 85,
    KX_SYS_TASK_WRITE = 86,
    KX_SYS_TASK_MAP = 87,
    KX_SYS_TASK_UNMAP = 88,
    KX_SYS_TASK_PROTECT = 89,
    KX_SYS_TASK_FORK = 90,
    KX_SYS_TASK_INTERRUPT = 91,
};

/* Errors a caller can cause, returned negated in x0 (SyscallError). */
enum {
    KX_ERR_INVALID_ARGUMENT = -1,
    KX_ERR_BAD_ADDRESS = -2,
    KX_ERR_NO_SUCH_TASK = -3,
    KX_ERR_OUT_OF_MEMORY = -4,
    KX_ERR_NOT_FOUND = -5,
    KX_ERR_BAD_EXECUTABLE = -6,
    KX_ERR_NOT_PERMITTED = -7,
    KX_ERR_PARTNER_DIED = -8,
    KX_ERR_BUSY = -9,
    KX_ERR_NO_SUCH_SYSCALL = -10,
    KX_ERR_NOT_CHILD = -11,
    KX_ERR_LIMIT_REACHED = -12,
    KX_ERR_TIMED_OUT = -13,
    KX_ERR_WOULD_BLOCK = -14,
};

/* The name of error `err` (a KX_ERR_ value), or "unknown". */
static inline const char *kx_abi_error_name(int64_t err) {
    switch (err) {
    case KX_ERR_INVALID_ARGUMENT: return "invalidArgument";
    case KX_ERR_BAD_ADDRESS: return "badAddress";
    case KX_ERR_NO_SUCH_TASK: return "noSuchTask";
    case KX_ERR_OUT_OF_MEMORY: return "outOfMemory";
    case KX_ERR_NOT_FOUND: return "notFound";
    case KX_ERR_BAD_EXECUTABLE: return "badExecutable";
    case KX_ERR_NOT_PERMITTED: return "notPermitted";
    case KX_ERR_PARTNER_DIED: return "partnerDied";
    case KX_ERR_BUSY: return "busy";
    case KX_ERR_NO_SUCH_SYSCALL: return "noSuchSyscall";
    case KX_ERR_NOT_CHILD: return "notChild";
    case KX_ERR_LIMIT_REACHED: return "limitReached";
    case KX_ERR_TIMED_OUT: return "timedOut";
    case KX_ERR_WOULD_BLOCK: return "wouldBlock";
    default: return "unknown";
    }
}

/* How a waited-for task ended (ExitKind) and why the kernel killed it (KillReason). */
enum {
    KX_EXIT_EXITED = 0,
    KX_EXIT_KILLED = 1,
};
enum {
    KX_KILL_MEMORY_FAULT = 1,
    KX_KILL_UNDEFINED_INSTRUCTION = 2,
    KX_KILL_SOFTWARE_TRAP = 3,
    KX_KILL_KILLED_BY_TASK = 4,
    KX_KILL_OUT_OF_MEMORY = 5,
};

/* Task states as task_info reports them (TaskStateCode). */
enum {
    KX_TASK_RUNNING = 1,
    KX_TASK_READY = 2,
    KX_TASK_BLOCKED = 3,
    KX_TASK_ZOMBIE = 4,
};

/* Well-known services (ServiceKey) and the IPC wildcard sender. */
enum {
    KX_SERVICE_CONSOLE = 1,
    KX_SERVICE_LINUX = 4,
};
#define KX_ANY_SENDER 0ULL

/* Priorities (Priority): 0 at spawn means the caller's. */
#define KX_PRIORITY_INHERIT 0ULL
#define KX_PRIORITY_LOWEST 1ULL
#define KX_PRIORITY_HIGHEST 31ULL

/* The fixed user address layout (UserLayout). */
#define KX_IMAGE_BASE 0x400000ULL
#define KX_IMAGE_LIMIT 0x40000000ULL
#define KX_STACK_TOP 0x80000000ULL
#define KX_STACK_SIZE 0x10000ULL
#define KX_STACK_LIMIT 0x100000ULL
#define KX_SHM_BASE 0x100000000ULL
#define KX_SHM_LIMIT 0x200000000ULL
#define KX_MMAP_BASE 0x200000000ULL
#define KX_MMAP_LIMIT 0x4000000000ULL
#define KX_USER_LIMIT 0x800000000000ULL

/* mmap/mprotect rights and mmap flags (MemoryProtection, MapFlags). */
#define KX_PROT_READ 1ULL
#define KX_PROT_WRITE 2ULL
#define KX_PROT_EXECUTE 4ULL
#define KX_MAP_SHARED 1ULL
#define KX_MAP_FIXED 2ULL

/* Limits on syscall arguments (SyscallLimits). */
#define KX_MAX_NAME_LENGTH 64ULL
#define KX_MAX_UART_WRITE 4096ULL
#define KX_MAX_SHARED_MEMORY_SIZE 0x1000000ULL
#define KX_MAX_IMAGE_READ 0x100000ULL

/* The console protocol (ConsoleOp, ConsoleProtocol, ConsoleReplyFlag). */
enum {
    KX_CONSOLE_PRINT = 1,
    KX_CONSOLE_READ = 2,
    KX_CONSOLE_INPUT = 3,
    KX_CONSOLE_TAKE_SCREEN = 4,
    KX_CONSOLE_GIVE_SCREEN = 5,
    KX_CONSOLE_ATTACH_BUFFER = 6,
    KX_CONSOLE_WRITE = 7,
    KX_CONSOLE_TTY_ATTACH = 8,
    KX_CONSOLE_TTY_DETACH = 9,
    KX_CONSOLE_TTY_SET_MODE = 10,
    KX_CONSOLE_TTY_READ = 11,
};
#define KX_CONSOLE_MAX_CHUNK 32ULL
#define KX_CONSOLE_LENGTH_SHIFT 8ULL
#define KX_CONSOLE_OP_MASK 0xFFULL
#define KX_CONSOLE_END_OF_LINE 0x10000ULL
#define KX_CONSOLE_END_OF_INPUT 0x20000ULL
#define KX_CONSOLE_WRITE_TERMINAL 0x10000ULL
#define KX_CONSOLE_FLUSH_INPUT 0x20000ULL
#define KX_CONSOLE_TTY_END_OF_FILE 1ULL
#define KX_CONSOLE_TTY_EMPTY 2ULL
#define KX_CONSOLE_MAX_CLIENTS 4ULL
#define KX_CONSOLE_TERMINAL_BITS 4ULL

/* The Linux server's protocol for Kenix programs (LinuxService.swift). */
enum {
    KX_LINUX_RESET = 1,
    KX_LINUX_PATH = 2,
    KX_LINUX_ARGUMENT = 3,
    KX_LINUX_ENVIRONMENT = 4,
    KX_LINUX_START = 5,
};
#define KX_LINUX_END_OF_STRING 0x10000ULL
#define KX_LINUX_MAX_CHUNK 32ULL
#define KX_LINUX_LENGTH_SHIFT 8ULL
#define KX_LINUX_OP_MASK 0xFFULL
#define KX_LINUX_MAX_STRING 4096ULL
#define KX_LINUX_MAX_STRINGS 256ULL

/* Supervision: events, resume modes and the register file (Supervision.swift). */
enum {
    KX_EVENT_SYSCALL = 1,
    KX_EVENT_MEMORY_FAULT = 2,
    KX_EVENT_UNDEFINED_INSTRUCTION = 3,
    KX_EVENT_BREAKPOINT = 4,
    KX_EVENT_INTERRUPTED = 5,
};
#define KX_EVENT_MARKER 0x8000000000000000ULL
#define KX_EVENT_MASK 0xFFULL
#define KX_EVENT_NUMBER_SHIFT 16ULL
#define KX_EVENT_NUMBER_MASK 0xFFFFFFFFULL
enum {
    KX_ACCESS_READ = 0,
    KX_ACCESS_WRITE = 1,
    KX_ACCESS_EXECUTE = 2,
};
enum {
    KX_FAULT_TRANSLATION = 1,
    KX_FAULT_ACCESS_FLAG = 2,
    KX_FAULT_PERMISSION = 3,
    KX_FAULT_ALIGNMENT = 4,
    KX_FAULT_OTHER = 5,
};
enum {
    KX_RESUME_SET_RESULT = 0,
    KX_RESUME_KEEP_REGISTERS = 1,
};
#define KX_REGS_X 0ULL
#define KX_REGS_SP 248ULL
#define KX_REGS_PC 256ULL
#define KX_REGS_NZCV 264ULL
#define KX_REGS_TPIDR 272ULL
#define KX_REGS_FPCR 280ULL
#define KX_REGS_FPSR 288ULL
#define KX_REGS_V 296ULL
#define KX_REGS_SIZE 808ULL
#define KX_MAX_TASK_TRANSFER 0x100000ULL

/* The Kenix note, which marks a Kenix program (KenixNote). */
#define KX_NOTE_TYPE 1ULL
#define KX_NOTE_ABI_VERSION 1ULL

#endif /* KENIX_ABI_H */
