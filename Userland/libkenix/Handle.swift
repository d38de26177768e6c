// Handles (docs/capabilities.md): what a task holds of kernel objects. A
// `Handle` is a number meaningful only in the caller's own handle table.
// `Handles` closes, duplicates, revokes and describes them; `Startup` is how
// a server receives the handles its parent hands it when it starts.

public typealias Handle = UInt64

public enum Handles {
    /// Drops `handle`; an object goes with its last handle.
    public static func close(_ handle: Handle) {
        _ = RawSyscall.invoke(.handleClose, handle)
    }

    /// A second handle to the same object, with the rights both have.
    public static func duplicate(_ handle: Handle, rights: UInt64) throws(SyscallError) -> Handle {
        try RawSyscall.check(RawSyscall.invoke(.handleDuplicate, handle, rights))
    }

    /// Kills every other handle to the object (needs `revoke`).
    public static func revoke(_ handle: Handle) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.handleRevoke, handle))
    }

    /// The handle's object kind, rights and object (a task id, a device code...).
    public static func info(_ handle: Handle) throws(SyscallError) -> (kind: ObjectKind, rights: UInt64, object: UInt64) {
        let r = RawSyscall.invokeWithRegisters(.handleInfo, handle)
        let raw = try RawSyscall.check(r.x0)
        return (ObjectKind(rawValue: raw) ?? .task, r.x1, r.x2)
    }
}

/// Handing handles to a task just started (StartupProtocol): the parent
/// sends them one message each, with the role each plays (an `InitHandle`
/// value) in w0, then `done`; the child, which receives from nobody else
/// first, collects them.
public enum Startup {
    /// The parent's side: hands `handles` (role, handle) to `child`, then ends.
    public static func give(_ child: Handle, _ handles: [(role: UInt64, handle: Handle)]) throws(SyscallError) {
        for (role, handle) in handles {
            try IPC.send(to: child, Message(tag: StartupOp.handle.rawValue, role, carrying: handle))
        }
        try IPC.send(to: child, Message(tag: StartupOp.done.rawValue))
    }

    /// The child's side: the handles its parent gives, by role.
    public static func receive() -> StartupHandles {
        var received = StartupHandles()
        while let r = try? IPC.recv(from: StartupHandle.parent) {
            guard r.message.tag & ConsoleProtocol.opMask == StartupOp.handle.rawValue else { break }
            if let h = r.message.carriedHandle { received.entries.append((r.message.w0, h)) }
        }
        return received
    }
}

/// The handles a task received at start, by role.
public struct StartupHandles {
    var entries: [(role: UInt64, handle: Handle)] = []

    /// The handle given for `role` (an `InitHandle` value), if any.
    public func handle(_ role: UInt64) -> Handle? {
        for e in entries where e.role == role { return e.handle }
        return nil
    }
}
