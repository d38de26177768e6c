// Kernel<H>: the whole kernel state and its single loop. Both backends create
// one with their HAL, then call `run()`, which returns only when init ends or
// the platform halts the machine.
import HAL
import KenixABI

/// How `Kernel.run()` ended.
public enum RunOutcome: Equatable, Sendable {
    /// init called `exit(status)`.
    case initExited(status: Int64)
    /// init was killed for a fault.
    case initKilled(reason: UInt64)
    /// Every task is blocked and nothing can ever wake one.
    case deadlock
    /// The platform stopped the machine (the simulator's time limit).
    case halted
}

/// Why the kernel could not start init.
public enum BootError: Error, Equatable, Sendable {
    case noInitrd
    case malformedInitrd(CPIOError)
    case initNotFound
    case badInit(ELFError)
    case outOfMemory
}

public struct Kernel<H: HAL> {
    public init(hal: H) throws(BootError) { fatalError("stub") }
    public mutating func run() -> RunOutcome { fatalError("stub") }
}

public enum CPIOError: Error, Equatable, Sendable { case stub }
public enum ELFError: Error, Equatable, Sendable { case stub }
