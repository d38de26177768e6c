// Trap dispatch: the one place every exit from user mode comes back to. A
// supervised task's traps go to its supervisor (Kernel+SupervisorEvents).
import HAL
import KenixABI

extension Kernel {
    mutating func handle(_ trap: Trap, from slot: Int) {
        if tasks[slot].pointee.supervisor != nil { return forwardTrap(trap, of: slot) }
        switch trap {
        case .syscall: handleSyscall(slot)
        case .memoryFault(let fault):
            if !resolveFault(slot, fault) { kill(slot, reason: .memoryFault, fault: fault) }
        case .undefinedInstruction: kill(slot, reason: .undefinedInstruction, fault: nil)
        case .breakpoint: kill(slot, reason: .softwareTrap, fault: nil)
        case .interrupt: handleInterrupt()
        case .halt: break
        }
    }
}
