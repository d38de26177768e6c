// Why `CPU.enterUser` returned: the cause of the exception that took the CPU
// out of EL0, decoded into plain values (ESR_EL1/FAR_EL1 on hardware, the
// simulator's equivalents in HALHostSim). Both backends report the same values
// for the same event, which is what makes fault handling testable in-process.

/// The access that faulted.
public enum MemoryAccess: UInt8, Sendable {
    case read = 0, write = 1, execute = 2
}

/// The fault status, as the DFSC/IFSC field of ESR_EL1 classifies it.
public enum FaultStatus: Equatable, Sendable {
    /// No valid descriptor at `level` (0–3).
    case translation(level: UInt8)
    /// Valid descriptor with AF = 0 at `level`.
    case accessFlag(level: UInt8)
    /// The descriptor forbids this access at `level`.
    case permission(level: UInt8)
    /// Misaligned access (PC or SP alignment, or alignment check).
    case alignment
    /// Anything else, with the raw ESR for diagnostics.
    case other(esr: UInt64)
}

public struct MemoryFault: Equatable, Sendable {
    /// The faulting virtual address (FAR_EL1).
    public var address: VirtAddr
    public var access: MemoryAccess
    public var status: FaultStatus
    public init(address: VirtAddr, access: MemoryAccess, status: FaultStatus) {
        self.address = address; self.access = access; self.status = status
    }
}

public enum Trap: Equatable, Sendable {
    /// `svc #0`: the syscall number is in x8, arguments in x0–x5.
    case syscall
    /// Instruction or data abort from EL0.
    case memoryFault(MemoryFault)
    /// An instruction the CPU cannot execute at EL0 (EC = 0, unknown reason).
    case undefinedInstruction
    /// `brk #imm` (EC 0x3C): a program's own trap, e.g. a failed Swift
    /// runtime check in an Embedded Swift program.
    case breakpoint(immediate: UInt16)
    /// An interrupt is pending; the kernel acknowledges it through `InterruptController`.
    case interrupt
    /// The platform asks the kernel to stop (the simulator's time limit, a debugger).
    case halt
}
