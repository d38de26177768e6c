// The syscall ABI between EL0 programs and the kernel: numbers, error codes
// and the fixed user address layout. This file is compiled into the kernel
// (through SwiftPM and the Embedded build) and into every Swift user program
// (Userland/libkenix); Userland/include/kenix.h mirrors it for C and
// docs/syscalls.md specifies it. Change all three together.
//
// Convention: `svc #0`, number in x8, arguments in x0–x5, result in x0
// (negative = error). IPC calls also return a message in x1–x5.

public enum Syscall: UInt64 {
    case yield = 0
    case exit = 1
    case getpid = 2
    case sleep = 3
    case clock = 4
    case spawn = 5
    case wait = 6
    case fork = 7

    case send = 10
    case recv = 11
    case call = 12
    case reply = 13
    case replyTo = 14
    case replyRecv = 15
    case callTimeout = 16
    case recvTimeout = 17
    case sendNonBlocking = 18
    case recvNonBlocking = 19

    case shmCreate = 20
    case shmMap = 21
    case shmGrant = 22
    case shmUnmap = 23
    case mmap = 24
    case munmap = 25
    case mprotect = 26
    case brk = 27

    case uartClaim = 30
    case uartWrite = 31
    case uartRead = 32

    case serviceRegister = 40
    case serviceLookup = 41

    case notifyCreate = 50
    case notifySignal = 51
    case notifyWait = 52
    case notifyPoll = 53
    case notifyGrant = 54
    case notifyBind = 55
    case irqRegister = 56
    case irqAck = 57

    case taskInfo = 60
    case memInfo = 61
    case kill = 62

    case fbInfo = 70
    case fbMap = 71
    case fbPresent = 72
    case keyboardClaim = 73
    case keyboardRead = 74
    case imageRead = 75
}

/// Errors a caller can cause; returned negated in x0. They never kill the task.
public enum SyscallError: Int64, Error {
    case invalidArgument = -1
    case badAddress = -2
    case noSuchTask = -3
    case outOfMemory = -4
    case notFound = -5
    case badExecutable = -6
    case notPermitted = -7
    case partnerDied = -8
    case busy = -9
    case noSuchSyscall = -10
    case notChild = -11
    case limitReached = -12
    /// A timed IPC call or receive ran out of time.
    case timedOut = -13
    /// A non-blocking send or receive found no partner ready.
    case wouldBlock = -14
}

/// IPC: a receive from any sender.
public let ipcAnySender: UInt64 = 0

/// How a waited-for task ended (x2 of `wait`).
public enum ExitKind: UInt64 {
    case exited = 0
    case killed = 1
}

/// Well-known service keys for `serviceRegister` / `serviceLookup`.
public enum ServiceKey: UInt64 {
    case console = 1
}

/// The fixed parts of every user address space (lower, TTBR0 half).
public enum UserLayout {
    /// Programs are linked at or above this address.
    public static let imageBase: UInt64 = 0x0040_0000
    /// Highest address + 1 a program image may occupy.
    public static let imageLimit: UInt64 = 0x4000_0000
    /// Initial stack pointer; the stack grows down from here.
    public static let stackTop: UInt64 = 0x8000_0000
    /// Mapped when the task starts.
    public static let stackSize: UInt64 = 64 * 1024
    /// Below the initial stack, the stack grows on demand down to this size.
    public static let stackLimit: UInt64 = 1024 * 1024
    /// Anonymous mmap regions are placed from here up.
    public static let mmapBase: UInt64 = 0x2_0000_0000
    public static let mmapLimit: UInt64 = 0x40_0000_0000
    /// Shared-memory mappings are placed from here up.
    public static let shmBase: UInt64 = 0x1_0000_0000
    public static let shmLimit: UInt64 = 0x2_0000_0000
    /// First address no user mapping may reach.
    public static let userLimit: UInt64 = 1 << 47
}

/// Task priorities: higher runs first. Spawn with 0 inherits the parent's.
public enum Priority {
    public static let lowest: UInt64 = 1
    public static let highest: UInt64 = 31
}

/// The status `wait` reports for a task the kernel killed (with `ExitKind.killed`).
public enum KillReason: UInt64 {
    case memoryFault = 1
    case undefinedInstruction = 2
    /// `brk`: the program trapped itself (a failed Swift runtime check).
    case softwareTrap = 3
    /// Another task ended it with `kill`.
    case killedByTask = 4
    /// It touched a page no free frame was left for.
    case outOfMemory = 5
}

/// mmap/mprotect rights (`prot`) and mmap flags.
public enum MemoryProtection {
    public static let read: UInt64 = 1
    public static let write: UInt64 = 2
    public static let execute: UInt64 = 4
}

public enum MapFlags {
    /// Stays shared with the children of a fork (private pages are copied).
    public static let shared: UInt64 = 1
    /// Place exactly at the hint (which must be free), or fail.
    public static let fixed: UInt64 = 2
}

/// Task states as `task_info` reports them (x1).
public enum TaskStateCode: UInt64 {
    case running = 1
    case ready = 2
    case blocked = 3
    case zombie = 4
}

/// Limits the kernel enforces on syscall arguments.
public enum SyscallLimits {
    public static let maxNameLength: UInt64 = 64
    public static let maxUARTWrite: UInt64 = 4096
    public static let maxSharedMemorySize: UInt64 = 16 * 1024 * 1024
    public static let maxImageRead: UInt64 = 1 << 20
}
