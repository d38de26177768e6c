// Synchronous IPC (docs/syscalls.md, "Synchronous IPC"): a `Message` is a
// tag and four words, carried in x1–x5, and may carry a handle; `IPC.*`
// wraps send, recv, call, reply, reply_to and reply_recv to a task named by
// a handle. The kernel interprets only the tag's handle bits.

public struct Message: Equatable {
    public var tag: UInt64
    public var w0: UInt64
    public var w1: UInt64
    public var w2: UInt64
    public var w3: UInt64

    public init(tag: UInt64, _ w0: UInt64 = 0, _ w1: UInt64 = 0, _ w2: UInt64 = 0,
                _ w3: UInt64 = 0) {
        self.tag = tag
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    init(_ r: SyscallRegisters) {
        self.init(tag: r.x1, r.x2, r.x3, r.x4, r.x5)
    }

    /// A message carrying `handle` (docs/capabilities.md): the receiver gets
    /// its own handle to the object in w3; with `move`, the sender's closes.
    public init(tag: UInt64, _ w0: UInt64 = 0, _ w1: UInt64 = 0, _ w2: UInt64 = 0, carrying handle: Handle,
                move: Bool = false) {
        self.init(tag: tag | IPCTag.transfersHandle | (move ? IPCTag.movesHandle : 0), w0, w1, w2, handle)
    }

    /// The handle a received message carried (the receiver's own), if any.
    public var carriedHandle: Handle? { IPCTag.carriesHandle(tag) ? w3 : nil }

    /// The tag without the kernel's handle bits.
    public var plainTag: UInt64 { tag & ~(IPCTag.transfersHandle | IPCTag.movesHandle) }
}

/// A message together with the id of the task that sent it (information:
/// replying needs no handle). A receive from anyone by a task bound to a
/// notification can also end with that notification's bits: then `sender`
/// is 0, `message.tag` holds the bits and `message.w0` the bound handle.
public struct Received {
    public var sender: TaskID
    public var message: Message
    public var isNotification: Bool { sender == 0 }
}

public enum IPC {
    @inline(__always)
    static func trap(_ call: Syscall, _ a0: UInt64, _ m: Message) -> SyscallRegisters {
        RawSyscall.invokeWithRegisters(call, a0, m.tag, m.w0, m.w1, m.w2, m.w3)
    }

    /// Blocks until `dest` has taken `message`.
    public static func send(to dest: Handle, _ message: Message) throws(SyscallError) {
        _ = try RawSyscall.check(trap(.send, dest, message).x0)
    }

    /// Blocks until a sender (`from`, or anyone) is waiting and takes its message.
    public static func recv(from sender: Handle = ipcAnySender) throws(SyscallError) -> Received {
        let r = RawSyscall.invokeWithRegisters(.recv, sender)
        return Received(sender: try RawSyscall.check(r.x0), message: Message(r))
    }

    /// Sends `message` to `dest` and blocks until it replies.
    public static func call(_ dest: Handle, _ message: Message) throws(SyscallError) -> Message {
        let r = trap(.call, dest, message)
        _ = try RawSyscall.check(r.x0)
        return Message(r)
    }

    /// Answers the caller received most recently. Does not block.
    public static func reply(_ message: Message) throws(SyscallError) {
        _ = try RawSyscall.check(trap(.reply, 0, message).x0)
    }

    /// Answers `client`, any caller received and not yet answered. Does not block.
    public static func reply(to client: TaskID, _ message: Message) throws(SyscallError) {
        _ = try RawSyscall.check(trap(.replyTo, client, message).x0)
    }

    /// `call` that gives up with `timedOut` after `nanoseconds` of kernel
    /// clock, counting both the wait to be received and the wait for the reply.
    public static func call(_ dest: Handle, _ message: Message,
                            timeout nanoseconds: UInt64) throws(SyscallError) -> Message {
        var regs = SyscallRegisters()
        regs.x0 = kx_syscall_msg7(dest, message.tag, message.w0, message.w1, message.w2, message.w3,
                                  nanoseconds, Syscall.callTimeout.rawValue, &regs)
        _ = try RawSyscall.check(regs.x0)
        return Message(regs)
    }

    /// `recv` that gives up with `timedOut` after `nanoseconds`. A
    /// `deferrable` deadline (TimeoutFlag.deferrable) is periodic
    /// housekeeping that must not count as work pending on an idle machine.
    public static func recv(from sender: Handle = ipcAnySender, timeout nanoseconds: UInt64,
                            deferrable: Bool = false) throws(SyscallError) -> Received {
        let r = RawSyscall.invokeWithRegisters(.recvTimeout, sender,
                                               nanoseconds | (deferrable ? TimeoutFlag.deferrable : 0))
        return Received(sender: try RawSyscall.check(r.x0), message: Message(r))
    }

    /// `send` only if `dest` is receiving now; `wouldBlock` otherwise.
    public static func trySend(to dest: Handle, _ message: Message) throws(SyscallError) {
        _ = try RawSyscall.check(trap(.sendNonBlocking, dest, message).x0)
    }

    /// `recv` only if a sender (or a bound notification) is ready; `wouldBlock` otherwise.
    public static func tryRecv(from sender: Handle = ipcAnySender) throws(SyscallError) -> Received {
        let r = RawSyscall.invokeWithRegisters(.recvNonBlocking, sender)
        return Received(sender: try RawSyscall.check(r.x0), message: Message(r))
    }

    /// Replies to the most recent caller (if any), then receives as `recv`.
    public static func replyRecv(_ reply: Message,
                                 from sender: Handle = ipcAnySender) throws(SyscallError) -> Received {
        let r = trap(.replyRecv, sender, reply)
        return Received(sender: try RawSyscall.check(r.x0), message: Message(r))
    }
}
