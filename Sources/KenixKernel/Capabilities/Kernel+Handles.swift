// Handle syscalls and the one place a handle is checked. Every syscall that
// acts on an object takes a handle and asks `resolve` for the object with
// the rights it needs: an unknown, closed, revoked or wrong-kind handle is
// `badHandle`, a live one without the right is `notPermitted`.
import HAL
import KenixABI

extension Kernel {
    /// The entry `value` names in `slot`'s table if it is live, of `kind`,
    /// not revoked, and carries every right in `rights`.
    mutating func resolve(_ slot: Int, _ value: UInt64, _ kind: ObjectKind,
                          _ rights: UInt64) -> Result<HandleEntry, SyscallError> {
        guard let h = handles.lookup(slot, value), h.entry.kind == kind else { return .failure(.badHandle) }
        guard h.entry.epoch == currentEpoch(of: h.entry) else { return .failure(.badHandle) }
        guard h.entry.rights & rights == rights else { return .failure(.notPermitted) }
        return .success(h.entry)
    }

    /// Gives `slot` a new handle; `limitReached` when its table is full.
    mutating func grant(_ slot: Int, _ entry: HandleEntry) -> Result<UInt64, SyscallError> {
        var e = entry
        e.epoch = currentEpoch(of: entry)
        guard let value = handles.insert(slot, e) else { return .failure(.limitReached) }
        retainObject(e)
        return .success(value)
    }

    /// `handle_close(h)`.
    mutating func handleClose(_ slot: Int, _ value: UInt64) -> SyscallResult {
        guard let h = handles.lookup(slot, value) else { return .failure(.badHandle) }
        close(slot, h)
        return .success(0)
    }

    /// `handle_duplicate(h, rights)`: a second handle to the same object
    /// with `rights ∩ h's rights`, never `revoke`.
    mutating func handleDuplicate(_ slot: Int, _ value: UInt64, rights: UInt64) -> SyscallResult {
        guard let h = handles.lookup(slot, value), h.entry.epoch == currentEpoch(of: h.entry) else {
            return .failure(.badHandle)
        }
        guard h.entry.rights & HandleRights.duplicate != 0 else { return .failure(.notPermitted) }
        var copy = h.entry
        copy.rights = h.entry.rights & rights & ~HandleRights.revoke
        return SyscallResult(grant(slot, copy))
    }

    /// `handle_revoke(h)`: every other handle to the object dies; `h` lives on.
    mutating func handleRevoke(_ slot: Int, _ value: UInt64) -> SyscallResult {
        guard let h = handles.lookup(slot, value), h.entry.epoch == currentEpoch(of: h.entry) else {
            return .failure(.badHandle)
        }
        guard h.entry.rights & HandleRights.revoke != 0 else { return .failure(.notPermitted) }
        advanceEpoch(of: h.entry)
        var renewed = h.entry
        renewed.epoch = currentEpoch(of: h.entry)
        handles[slot, h.index] = renewed
        releaseDeadHandles(of: h.entry)
        return .success(0)
    }

    /// Closes handle `h` of `slot`: the object loses a holder, and goes when
    /// it was the last one.
    mutating func close(_ slot: Int, _ h: HandleReference) {
        handles.remove(slot, h.index)
        if h.entry.epoch == currentEpoch(of: h.entry) { releaseObject(h.entry) }
    }

    /// Closes every handle `slot` holds (it is ending).
    mutating func closeAllHandles(of slot: Int) {
        for i in 0..<handles.perTask where handles[slot, i].kind != nil {
            close(slot, HandleReference(index: i, entry: handles[slot, i]))
        }
    }

    /// After a revocation: closes, in every table, the handles to the
    /// object minted before it (they could never be used again).
    private mutating func releaseDeadHandles(of object: HandleEntry) {
        let epoch = currentEpoch(of: object)
        for s in handles.slotsEverUsed {
            for i in 0..<handles.perTask {
                let e = handles[s, i]
                if e.kind == object.kind && e.object == object.object && e.epoch != epoch {
                    handles.remove(s, i)
                    releaseObject(e)
                }
            }
        }
    }
}

extension Kernel {
    /// `handle_info(h)`: x0 = its ObjectKind, x1 = its rights, x2 = the
    /// object (a task's id, a device code, a line, a key, a priority
    /// ceiling; 0 for others).
    mutating func handleInfo(_ slot: Int, _ value: UInt64) -> SyscallResult {
        guard let h = handles.lookup(slot, value), let kind = h.entry.kind,
              h.entry.epoch == currentEpoch(of: h.entry) else { return .failure(.badHandle) }
        let visible: UInt64
        switch kind {
        // Not a table index a task can use: an identity, the same for every
        // handle to the object while it lives (Zircon's koid), so a server
        // can tell whether a handle it was shown names an object it holds
        // (the console's input key). Nonzero, unlike "no object".
        case .notification, .sharedMemory: visible = h.entry.object &+ 1
        default: visible = h.entry.object
        }
        return .registers(SyscallReturn(x0: kind.rawValue, x1: h.entry.rights, x2: visible))
    }
}
