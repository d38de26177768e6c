// Handles carried by IPC messages. A sender marks its tag
// (IPCTag.transfersHandle) and names one of its handles in w3; the kernel
// checks it when the message is sent, and installs a copy in the receiver's
// table when the receiver takes the message (receiving is the consent:
// nothing is ever pushed on a task that did not receive). The copy has the
// sender's rights minus `revoke`; with IPCTag.movesHandle the sender's own
// handle is closed.
import HAL
import KenixABI

extension Kernel {
    /// Checks, before anything is queued, that the message `slot` is sending
    /// carries a handle it may hand over.
    mutating func checkCarriedHandle(of slot: Int) -> Result<Void, SyscallError> {
        let c = tasks[slot].pointee.context
        guard IPCTag.carriesHandle(c.x[1]) else { return .success(()) }
        guard let h = handles.lookup(slot, c.x[5]), h.entry.epoch == currentEpoch(of: h.entry) else {
            return .failure(.badHandle)
        }
        return h.entry.rights & HandleRights.transfer != 0 ? .success(()) : .failure(.notPermitted)
    }

    /// Installs in `receiver`'s table a copy of `sender`'s handle `value`;
    /// its value there. Checked again: the handle may have been revoked
    /// while the sender waited in a queue.
    mutating func carryHandle(from sender: Int, value: UInt64, to receiver: Int,
                              move: Bool) -> Result<UInt64, SyscallError> {
        guard let h = handles.lookup(sender, value), h.entry.epoch == currentEpoch(of: h.entry) else {
            return .failure(.badHandle)
        }
        guard h.entry.rights & HandleRights.transfer != 0 else { return .failure(.notPermitted) }
        var copy = h.entry
        copy.rights &= ~HandleRights.revoke
        let installed = grant(receiver, copy)
        if case .success = installed, move { close(sender, h) }
        return installed
    }
}
