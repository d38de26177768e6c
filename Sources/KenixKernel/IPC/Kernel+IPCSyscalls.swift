// The timed IPC syscalls, as the dispatcher calls them: they decode their
// timeout (recv_timeout's deferrable flag included) and return their
// SyscallResult like every other handler; the work is in Kernel+IPC.swift.
// (`call` and `reply_recv` try the fast path, Kernel+FastPath.swift, in the
// dispatcher itself, before the arguments are decoded.)
import HAL
import KenixABI

extension Kernel {
    /// `call_timeout(dest, ..., x6 = ns)`: a call whose deadline covers both
    /// waiting to be received and waiting for the reply; 0 ns is invalid.
    mutating func callTimeoutSyscall(_ slot: Int, to dest: UInt64, timeout ns: UInt64) -> SyscallResult {
        guard ns > 0 else { return .failure(.invalidArgument) }
        return ipcSend(slot, to: dest, isCall: true, wait: .until(deadline(after: ns)))
    }

    /// `recv_timeout(filter, ns | deferrable)`: a receive with a deadline.
    /// A deferrable deadline (docs/syscalls.md) stays marked only while the
    /// task actually waits on it.
    mutating func receiveTimeoutSyscall(_ slot: Int, from filter: UInt64, timeout: UInt64) -> SyscallResult {
        let ns = timeout & ~TimeoutFlag.deferrable
        guard ns > 0 else { return .failure(.invalidArgument) }
        tasks[slot].pointee.wakeDeferrable = timeout & TimeoutFlag.deferrable != 0
        let result = ipcReceive(slot, from: filter, wait: .until(deadline(after: ns)))
        if tasks[slot].pointee.wakeAt == nil { tasks[slot].pointee.wakeDeferrable = false }
        return result
    }
}
