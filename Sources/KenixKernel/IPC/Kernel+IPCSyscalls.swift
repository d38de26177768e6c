// The IPC syscalls that are more than one call into the general path, as
// the dispatcher calls them: `call` and `reply_recv` try the fast path
// first (Kernel+FastPath.swift), the timed forms decode their timeout
// (recv_timeout's deferrable flag included). Each returns its
// SyscallResult like every other handler; the work is in Kernel+IPC.swift.
import HAL
import KenixABI

extension Kernel {
    /// `call(dest)`: the fast path when it makes the same decisions as the
    /// general one, else the general path.
    @inline(__always)
    mutating func callSyscall(_ slot: Int, to dest: UInt64) -> SyscallResult {
        fastCall(slot, to: dest) ? .blocked : ipcSend(slot, to: dest, isCall: true)
    }

    /// `reply_recv(filter)`: as `call`, the fast path first.
    @inline(__always)
    mutating func replyReceiveSyscall(_ slot: Int, from filter: UInt64) -> SyscallResult {
        fastReplyReceive(slot, from: filter) ? .blocked : ipcReplyReceive(slot, from: filter)
    }

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
