// Supervision: how a user-space server runs tasks of another ABI (the Linux
// personality, docs/linux.md). A supervised task's `svc`s and the faults the
// kernel cannot resolve are not the kernel's business: each stops the task
// and reaches its supervisor as a message whose sender is the task (x0 = its
// id). The supervisor reads and writes the task's registers and memory,
// maps memory in it, builds its address space, forks it, and resumes it.

/// What stopped a supervised task. A message's tag is
/// `SupervisorEventTag.marker | event | number << numberShift`.
public enum SupervisorEvent: UInt64, CaseIterable {
    /// `svc`: the number (x8) is in the tag, w0–w3 hold x0–x3 (x4 and x5
    /// come with `task_get_registers`). The pc is past the `svc`.
    case syscall = 1
    /// A memory fault the kernel could not resolve: w0 the address, w1 the
    /// access (`MemoryAccessCode`), w2 `FaultCode | level << 8`, w3 the pc.
    case memoryFault = 2
    /// An undefined instruction: w0 the pc.
    case undefinedInstruction = 3
    /// `brk #imm`: w0 the pc, w1 the immediate.
    case breakpoint = 4
    /// The supervisor asked (`task_interrupt`): the task was stopped between
    /// two instructions, its registers as they were; w0 the pc.
    case interrupted = 5
}

public enum SupervisorEventTag {
    /// Set in every event's tag, so a supervisor tells events from messages.
    public static let marker: UInt64 = 1 << 63
    public static let eventMask: UInt64 = 0xFF
    /// Where a syscall event carries the syscall number.
    public static let numberShift: UInt64 = 16
    public static let numberMask: UInt64 = 0xFFFF_FFFF
}

/// The access that faulted (w1 of a memory-fault event).
public enum MemoryAccessCode: UInt64, CaseIterable {
    case read = 0
    case write = 1
    case execute = 2
}

/// Why an access faulted (bits 0–7 of w2 of a memory-fault event).
public enum FaultCode: UInt64, CaseIterable {
    /// No mapping.
    case translation = 1
    case accessFlag = 2
    /// The mapping forbids the access.
    case permission = 3
    case alignment = 4
    case other = 5
}

/// How `task_resume` restarts a stopped task.
public enum ResumeMode: UInt64, CaseIterable {
    /// x0 = the value (a syscall's result); every other register as it is.
    case setResult = 0
    /// Every register as it is (after `task_set_registers`: a signal frame,
    /// a fixed-up fault).
    case keepRegisters = 1
}

/// The register file `task_get_registers` and `task_set_registers` move:
/// byte offsets, little-endian 64-bit words.
public enum SupervisedRegisters {
    /// x0–x30, 8 bytes each.
    public static let x = 0
    public static let sp = 248
    public static let pc = 256
    /// NZCV in bits 31–28 (the rest of PSTATE is fixed at EL0).
    public static let nzcv = 264
    public static let tpidr = 272
    public static let fpcr = 280
    public static let fpsr = 288
    /// q0–q31, each as its low then high 64 bits.
    public static let v = 296
    public static let size = 808
}

public enum SupervisionLimits {
    /// The most bytes one `task_read` or `task_write` moves.
    public static let maxTransfer: UInt64 = 1 << 20
}
