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
    KX_SYS_SHM_UNMAP = 23,
    KX_SYS_MMAP = 24,
    KX_SYS_MUNMAP = 25,
    KX_SYS_MPROTECT = 26,
    KX_SYS_BRK = 27,
    KX_SYS_SHM_INFO = 28,
    KX_SYS_UART_CLAIM = 30,
    KX_SYS_UART_WRITE = 31,
    KX_SYS_UART_READ = 32,
    KX_SYS_SERVICE_REGISTER = 40,
    KX_SYS_SERVICE_LOOKUP = 41,
    KX_SYS_NOTIFY_CREATE = 50,
    KX_SYS_NOTIFY_SIGNAL = 51,
    KX_SYS_NOTIFY_WAIT = 52,
    KX_SYS_NOTIFY_POLL = 53,
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
    KX_SYS_BLOCK_INFO = 100,
    KX_SYS_BLOCK_CLAIM = 101,
    KX_SYS_BLOCK_SUBMIT = 102,
    KX_SYS_BLOCK_COMPLETE = 103,
    KX_SYS_HANDLE_CLOSE = 110,
    KX_SYS_HANDLE_DUPLICATE = 111,
    KX_SYS_HANDLE_REVOKE = 112,
    KX_SYS_HANDLE_INFO = 113,
    KX_SYS_TASK_SELF = 114,
    KX_SYS_TASK_QUOTA = 115,
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
    KX_ERR_BAD_HANDLE = -15,
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
    case KX_ERR_BAD_HANDLE: return "badHandle";
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

/* What a blocked task waits for, as task_status reports it in x1 (TaskWaitCode). */
enum {
    KX_WAIT_NONE = 0,
    KX_WAIT_CALL = 1,
    KX_WAIT_RECEIVE = 2,
    KX_WAIT_SLEEP = 3,
    KX_WAIT_CHILD = 4,
    KX_WAIT_NOTIFICATION = 5,
    KX_WAIT_PAGER = 6,
    KX_WAIT_STOPPED = 7,
};

/* Well-known services (ServiceKey) and the IPC wildcard sender. */
enum {
    KX_SERVICE_CONSOLE = 1,
    KX_SERVICE_FILES = 2,
    KX_SERVICE_BLOCK = 3,
    KX_SERVICE_LINUX = 4,
    KX_SERVICE_SUPERVISOR = 5,
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
#define KX_MAX_BLOCK_TRANSFER 0x400000ULL
#define KX_TIMEOUT_DEFERRABLE 0x8000000000000000ULL

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
    KX_CONSOLE_CLAIM_INPUT = 12,
    KX_CONSOLE_LEND_INPUT = 13,
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
#define KX_HEARTBEAT_TAG 0x1EA7BEA7ULL
#define KX_SUPERVISOR_READY 0x1EA70001ULL
enum {
    KX_SUPERVISOR_SERVER = 1,
};

/* Handles: kinds, rights, carried handles, the well-known values (Handles.swift). */
enum {
    KX_OBJECT_TASK = 1,
    KX_OBJECT_NOTIFICATION = 2,
    KX_OBJECT_SHARED_MEMORY = 3,
    KX_OBJECT_INTERRUPT_LINE = 4,
    KX_OBJECT_DEVICE = 5,
    KX_OBJECT_SERVICE_KEY = 6,
    KX_OBJECT_SPAWN_AUTHORITY = 7,
    KX_OBJECT_TASK_DIRECTORY = 8,
};
#define KX_RIGHT_DUPLICATE 0x1ULL
#define KX_RIGHT_TRANSFER 0x2ULL
#define KX_RIGHT_REVOKE 0x4ULL
#define KX_RIGHT_SEND 0x8ULL
#define KX_RIGHT_KILL 0x10ULL
#define KX_RIGHT_WAIT 0x20ULL
#define KX_RIGHT_INFO 0x40ULL
#define KX_RIGHT_WATCH 0x80ULL
#define KX_RIGHT_SUPERVISE 0x100ULL
#define KX_RIGHT_SIGNAL 0x200ULL
#define KX_RIGHT_RECEIVE 0x400ULL
#define KX_RIGHT_MAP 0x800ULL
#define KX_RIGHT_WRITE 0x1000ULL
#define KX_RIGHT_DMA 0x2000ULL
#define KX_RIGHT_USE 0x4000ULL
#define KX_RIGHT_ALL 0x7FFFULL
#define KX_TAG_TRANSFERS_HANDLE 0x4000000000000000ULL
#define KX_TAG_MOVES_HANDLE 0x2000000000000000ULL
#define KX_HANDLE_PARENT 1ULL
#define KX_HANDLE_SPAWN_AUTHORITY 2ULL
#define KX_HANDLE_TASK_DIRECTORY 3ULL
#define KX_HANDLE_INTERRUPT_CONTROLLER 4ULL
#define KX_HANDLE_UART 5ULL
#define KX_HANDLE_KEYBOARD 6ULL
#define KX_HANDLE_FRAMEBUFFER 7ULL
#define KX_HANDLE_CONSOLE_INPUT 8ULL
#define KX_HANDLE_SERVICE(key) (16ULL + (key))
#define KX_HANDLE_DISK(n) (32ULL + (n))
#define KX_DEVICE_UART 1ULL
#define KX_DEVICE_KEYBOARD 2ULL
#define KX_DEVICE_FRAMEBUFFER 3ULL
#define KX_DEVICE_DISK 16ULL

/* The Kenix note, which marks a Kenix program (KenixNote). */
#define KX_NOTE_TYPE 1ULL
#define KX_NOTE_ABI_VERSION 1ULL

/* The file service (ServiceKey.files; FileSystem.swift, docs/vfs.md): request op codes (FileRequest). */
enum {
    KX_FILE_OP_ATTACH = 1,
    KX_FILE_OP_DETACH = 2,
    KX_FILE_OP_OPEN = 3,
    KX_FILE_OP_CLOSE = 4,
    KX_FILE_OP_READ = 5,
    KX_FILE_OP_WRITE = 6,
    KX_FILE_OP_SEEK = 7,
    KX_FILE_OP_STAT = 8,
    KX_FILE_OP_FSTAT = 9,
    KX_FILE_OP_READ_DIRECTORY = 10,
    KX_FILE_OP_MAKE_DIRECTORY = 11,
    KX_FILE_OP_REMOVE_DIRECTORY = 12,
    KX_FILE_OP_UNLINK = 13,
    KX_FILE_OP_RENAME = 14,
    KX_FILE_OP_TRUNCATE = 15,
    KX_FILE_OP_TRUNCATE_FILE = 16,
    KX_FILE_OP_SYNC = 17,
    KX_FILE_OP_SYNC_FILE = 18,
    KX_FILE_OP_CHANGE_DIRECTORY = 19,
    KX_FILE_OP_CURRENT_DIRECTORY = 20,
    KX_FILE_OP_SYMLINK = 21,
    KX_FILE_OP_READ_LINK = 22,
    KX_FILE_OP_FILE_SYSTEM_INFO = 23,
    KX_FILE_OP_MOUNTS = 24,
    KX_FILE_OP_READ_AT = 25,
    KX_FILE_OP_WRITE_AT = 26,
    KX_FILE_OP_UNMOUNT = 27,
};

/* Errors the file service returns, negated in the reply (FileError). */
enum {
    KX_FILE_ERR_NOT_FOUND = -1,
    KX_FILE_ERR_EXISTS = -2,
    KX_FILE_ERR_NOT_DIRECTORY = -3,
    KX_FILE_ERR_IS_DIRECTORY = -4,
    KX_FILE_ERR_NOT_EMPTY = -5,
    KX_FILE_ERR_NO_SPACE = -6,
    KX_FILE_ERR_READ_ONLY = -7,
    KX_FILE_ERR_BAD_FILE = -8,
    KX_FILE_ERR_IO_ERROR = -9,
    KX_FILE_ERR_NAME_TOO_LONG = -10,
    KX_FILE_ERR_CROSS_DEVICE = -11,
    KX_FILE_ERR_BUSY = -12,
    KX_FILE_ERR_INVALID_ARGUMENT = -13,
    KX_FILE_ERR_TOO_MANY_OPEN_FILES = -14,
    KX_FILE_ERR_FILE_TOO_LARGE = -15,
    KX_FILE_ERR_TOO_MANY_LINKS = -16,
    KX_FILE_ERR_NOT_SUPPORTED = -17,
    KX_FILE_ERR_OUT_OF_MEMORY = -18,
    KX_FILE_ERR_NO_BUFFER = -19,
    KX_FILE_ERR_UNAVAILABLE = -20,
    KX_FILE_ERR_ACCESS_DENIED = -21,
    KX_FILE_ERR_TOO_MANY_CLIENTS = -22,
};

/* The name of file error `err` (a KX_FILE_ERR_ value), or "unknown". */
static inline const char *kx_abi_file_error_name(int64_t err) {
    switch (err) {
    case KX_FILE_ERR_NOT_FOUND: return "notFound";
    case KX_FILE_ERR_EXISTS: return "exists";
    case KX_FILE_ERR_NOT_DIRECTORY: return "notDirectory";
    case KX_FILE_ERR_IS_DIRECTORY: return "isDirectory";
    case KX_FILE_ERR_NOT_EMPTY: return "notEmpty";
    case KX_FILE_ERR_NO_SPACE: return "noSpace";
    case KX_FILE_ERR_READ_ONLY: return "readOnly";
    case KX_FILE_ERR_BAD_FILE: return "badFile";
    case KX_FILE_ERR_IO_ERROR: return "ioError";
    case KX_FILE_ERR_NAME_TOO_LONG: return "nameTooLong";
    case KX_FILE_ERR_CROSS_DEVICE: return "crossDevice";
    case KX_FILE_ERR_BUSY: return "busy";
    case KX_FILE_ERR_INVALID_ARGUMENT: return "invalidArgument";
    case KX_FILE_ERR_TOO_MANY_OPEN_FILES: return "tooManyOpenFiles";
    case KX_FILE_ERR_FILE_TOO_LARGE: return "fileTooLarge";
    case KX_FILE_ERR_TOO_MANY_LINKS: return "tooManyLinks";
    case KX_FILE_ERR_NOT_SUPPORTED: return "notSupported";
    case KX_FILE_ERR_OUT_OF_MEMORY: return "outOfMemory";
    case KX_FILE_ERR_NO_BUFFER: return "noBuffer";
    case KX_FILE_ERR_UNAVAILABLE: return "unavailable";
    case KX_FILE_ERR_ACCESS_DENIED: return "accessDenied";
    case KX_FILE_ERR_TOO_MANY_CLIENTS: return "tooManyClients";
    default: return "unknown";
    }
}

/* The Linux errno value for file error `err` (EIO for anything else). */
static inline int kx_abi_file_errno(int64_t err) {
    switch (err) {
    case KX_FILE_ERR_NOT_FOUND: return 2;
    case KX_FILE_ERR_EXISTS: return 17;
    case KX_FILE_ERR_NOT_DIRECTORY: return 20;
    case KX_FILE_ERR_IS_DIRECTORY: return 21;
    case KX_FILE_ERR_NOT_EMPTY: return 39;
    case KX_FILE_ERR_NO_SPACE: return 28;
    case KX_FILE_ERR_READ_ONLY: return 30;
    case KX_FILE_ERR_BAD_FILE: return 9;
    case KX_FILE_ERR_IO_ERROR: return 5;
    case KX_FILE_ERR_NAME_TOO_LONG: return 36;
    case KX_FILE_ERR_CROSS_DEVICE: return 18;
    case KX_FILE_ERR_BUSY: return 16;
    case KX_FILE_ERR_INVALID_ARGUMENT: return 22;
    case KX_FILE_ERR_TOO_MANY_OPEN_FILES: return 24;
    case KX_FILE_ERR_FILE_TOO_LARGE: return 27;
    case KX_FILE_ERR_TOO_MANY_LINKS: return 40;
    case KX_FILE_ERR_NOT_SUPPORTED: return 95;
    case KX_FILE_ERR_OUT_OF_MEMORY: return 12;
    case KX_FILE_ERR_NO_BUFFER: return 105;
    case KX_FILE_ERR_UNAVAILABLE: return 6;
    case KX_FILE_ERR_ACCESS_DENIED: return 13;
    case KX_FILE_ERR_TOO_MANY_CLIENTS: return 23;
    default: return 5;
    }
}

/* open flags (OpenFlags: the Linux AArch64 O_ values), stat flags (StatFlags), seek origins (SeekOrigin). */
#define KX_OPEN_READ_ONLY 0ULL
#define KX_OPEN_WRITE_ONLY 1ULL
#define KX_OPEN_READ_WRITE 2ULL
#define KX_OPEN_ACCESS_MASK 3ULL
#define KX_OPEN_CREATE 0x40ULL
#define KX_OPEN_EXCLUSIVE 0x80ULL
#define KX_OPEN_TRUNCATE 0x200ULL
#define KX_OPEN_APPEND 0x400ULL
#define KX_OPEN_DIRECTORY 0x10000ULL
#define KX_OPEN_NO_FOLLOW 0x20000ULL
#define KX_STAT_NO_FOLLOW 1ULL
enum {
    KX_SEEK_START = 0,
    KX_SEEK_CURRENT = 1,
    KX_SEEK_END = 2,
};

/* Node kinds (FileKind) and file-system types (FileSystemType). */
enum {
    KX_FILE_KIND_REGULAR = 1,
    KX_FILE_KIND_DIRECTORY = 2,
    KX_FILE_KIND_SYMLINK = 3,
};
enum {
    KX_FS_TYPE_RAM = 1,
    KX_FS_TYPE_FAT32 = 2,
};

/* The stat record (FileStatLayout): byte offsets, little-endian. */
#define KX_STAT_OFFSET_SIZE 0ULL
#define KX_STAT_OFFSET_ID 8ULL
#define KX_STAT_OFFSET_MODIFIED 16ULL
#define KX_STAT_OFFSET_ACCESSED 24ULL
#define KX_STAT_OFFSET_CREATED 32ULL
#define KX_STAT_OFFSET_KIND 40ULL
#define KX_STAT_OFFSET_FLAGS 44ULL
#define KX_STAT_OFFSET_DEVICE 48ULL
#define KX_STAT_OFFSET_LINKS 52ULL
#define KX_STAT_OFFSET_ALLOCATED 56ULL
#define KX_STAT_RECORD_SIZE 64ULL
#define KX_STAT_READ_ONLY_FLAG 1ULL

/* Directory entries (DirectoryEntryLayout): header offsets, then the name, a NUL, padding to 8. */
#define KX_DIRENT_OFFSET_ID 0ULL
#define KX_DIRENT_OFFSET_SIZE 8ULL
#define KX_DIRENT_OFFSET_KIND 16ULL
#define KX_DIRENT_OFFSET_NAME_LENGTH 20ULL
#define KX_DIRENT_OFFSET_RECORD_LENGTH 22ULL
#define KX_DIRENT_HEADER_SIZE 24ULL

/* File-system information (FileSystemInfoLayout) and mount records (MountRecordLayout). */
#define KX_FSINFO_OFFSET_BLOCK_SIZE 0ULL
#define KX_FSINFO_OFFSET_TOTAL_BLOCKS 8ULL
#define KX_FSINFO_OFFSET_FREE_BLOCKS 16ULL
#define KX_FSINFO_OFFSET_FILES 24ULL
#define KX_FSINFO_OFFSET_TYPE 32ULL
#define KX_FSINFO_OFFSET_FLAGS 36ULL
#define KX_FSINFO_OFFSET_DEVICE 40ULL
#define KX_FSINFO_RECORD_SIZE 48ULL
#define KX_FSINFO_READ_ONLY_FLAG 1ULL
#define KX_MOUNT_OFFSET_PATH_LENGTH 48ULL
#define KX_MOUNT_OFFSET_RECORD_LENGTH 50ULL
#define KX_MOUNT_HEADER_SIZE 56ULL

/* Limits of the file service (FileLimits). */
#define KX_FILE_MAX_PATH_LENGTH 4096ULL
#define KX_FILE_MAX_NAME_LENGTH 765ULL
#define KX_FILE_MAX_OPEN_FILES 64ULL
#define KX_FILE_MAX_SYMLINK_FOLLOWS 40ULL
#define KX_FILE_MIN_BUFFER_SIZE 0x1000ULL
#define KX_FILE_MAX_BUFFER_SIZE 0x1000000ULL
#define KX_FILE_DEFAULT_BUFFER_SIZE 0x40000ULL

/* The kernel's block interface (BlockSubmitOp, BlockSubmitLayout, BlockDiskFlags, BlockCompletionLayout). */
enum {
    KX_BLOCK_SUBMIT_READ = 0,
    KX_BLOCK_SUBMIT_WRITE = 1,
    KX_BLOCK_SUBMIT_FLUSH = 2,
};
#define KX_BLOCK_SUBMIT_DISK_MASK 0xFFULL
#define KX_BLOCK_SUBMIT_OP_SHIFT 8ULL
#define KX_BLOCK_DISK_READ_ONLY 1ULL
#define KX_BLOCK_DISK_WRITE_CACHE 2ULL
#define KX_BLOCK_COMPLETE_MAX 5ULL
#define KX_BLOCK_COMPLETE_COUNT_MASK 0xFFULL
#define KX_BLOCK_COMPLETE_FAILED_SHIFT 8ULL

/* The block server's protocol (BlockOp, BlockStatus, BlockProtocol; docs/block.md). */
enum {
    KX_BLOCK_OP_INFO = 1,
    KX_BLOCK_OP_ATTACH = 2,
    KX_BLOCK_OP_DETACH = 3,
    KX_BLOCK_OP_READ = 4,
    KX_BLOCK_OP_WRITE = 5,
    KX_BLOCK_OP_FLUSH = 6,
    KX_BLOCK_OP_STATS = 7,
    KX_BLOCK_OP_CONNECT = 8,
};
enum {
    KX_BLOCK_STATUS_OK = 0,
    KX_BLOCK_STATUS_IO_ERROR = 1,
    KX_BLOCK_STATUS_INVALID_REQUEST = 2,
    KX_BLOCK_STATUS_NO_SUCH_DISK = 3,
    KX_BLOCK_STATUS_OUT_OF_RANGE = 4,
    KX_BLOCK_STATUS_READ_ONLY = 5,
    KX_BLOCK_STATUS_NO_BUFFER = 6,
    KX_BLOCK_STATUS_NOT_GRANTED = 7,
    KX_BLOCK_STATUS_BUSY = 8,
};
#define KX_BLOCK_OP_MASK 0xFFULL
#define KX_BLOCK_DISK_SHIFT 8ULL
#define KX_BLOCK_DISK_MASK 0xFFULL
#define KX_BLOCK_MAX_DEVICE_REQUEST 0x80000ULL
#define KX_BLOCK_BUFFERS_PER_CLIENT 4ULL

#endif /* KENIX_ABI_H */
