// Notifications and user-space interrupts (docs/syscalls.md, "Notifications
// and interrupts"): a notification is a word of signal bits; a driver routes
// an interrupt line to one of its bits and acks the line after each one.

public enum Notification {
    /// A new notification; returns a handle with every right.
    public static func create() throws(SyscallError) -> Handle {
        try RawSyscall.check(RawSyscall.invoke(.notifyCreate))
    }

    /// ORs `bits` in; never blocks.
    public static func signal(_ id: UInt64, bits: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.notifySignal, id, bits))
    }

    /// Blocks until a bit is set; returns and clears them all.
    public static func wait(_ id: UInt64) throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.notifyWait, id))
    }

    /// Returns and clears the bits (0 when none); never blocks.
    public static func poll(_ id: UInt64) throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.notifyPoll, id))
    }

    /// Makes the caller's receives from anyone also end with this
    /// notification's bits (see `Received.isNotification`).
    public static func bind(_ id: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.notifyBind, id))
    }
}

public enum Interrupt {
    /// Routes interrupt `line` to bit `bit` of notification `id`, with
    /// `lineHandle`: the handle a device's claim returned, or init's
    /// interrupt controller.
    public static func register(lineHandle: Handle, line: UInt64, notification id: Handle,
                                bit: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.irqRegister, lineHandle, line, id, bit))
    }

    /// Unmasks `line` again, once the device's cause is cleared.
    public static func ack(line: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.irqAck, line))
    }
}

/// One row of `ps`.
public struct TaskInfo {
    public var id: TaskID
    public var state: TaskStateCode
    public var priority: UInt64
    /// The first 16 bytes of the program name, NUL-padded.
    public var name: (UInt64, UInt64)
}
