// Errors a caller can cause, returned negated in x0. They never kill the
// caller (docs/syscalls.md, "Errors"). `name` is the printable name:
// Embedded Swift has no reflection, so "\(error)" cannot name a case.

public enum SyscallError: Int64, Error, CaseIterable {
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

extension SyscallError {
    public var name: StaticString {
        switch self {
        case .invalidArgument: "invalidArgument"
        case .badAddress: "badAddress"
        case .noSuchTask: "noSuchTask"
        case .outOfMemory: "outOfMemory"
        case .notFound: "notFound"
        case .badExecutable: "badExecutable"
        case .notPermitted: "notPermitted"
        case .partnerDied: "partnerDied"
        case .busy: "busy"
        case .noSuchSyscall: "noSuchSyscall"
        case .notChild: "notChild"
        case .limitReached: "limitReached"
        case .timedOut: "timedOut"
        case .wouldBlock: "wouldBlock"
        }
    }
}
