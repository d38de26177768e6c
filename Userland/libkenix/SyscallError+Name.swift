// Printable names for the ABI's error and kill-reason enums. Embedded Swift
// has no reflection, so "\(error)" cannot name a case: these switches do.

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

extension KillReason {
    public var name: StaticString {
        switch self {
        case .memoryFault: "memoryFault"
        case .undefinedInstruction: "undefinedInstruction"
        case .softwareTrap: "softwareTrap"
        case .killedByTask: "killedByTask"
        case .outOfMemory: "outOfMemory"
        }
    }
}
