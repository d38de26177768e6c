// The console server's IPC protocol (docs/syscalls.md, "Console protocol").
// A request's tag holds the operation in bits 0–7 and a byte count in bits
// 8–15; up to `maxChunk` bytes travel little-endian in w0–w3. A read's reply
// adds `ConsoleReplyFlag` bits from bit 16. Anything else is answered with
// `invalidArgument` as the tag.

public enum ConsoleOp: UInt64, CaseIterable {
    /// Print the bytes; the reply (tag 0) comes once they are written.
    case print = 1
    /// Read the next chunk of typed input; the reader waits until a whole
    /// line is typed. Reply: tag = read | length << 8 | flags.
    case read = 2
    /// Typed characters from a keyboard driver, handled as UART input.
    case input = 3
    /// Take the display: the console stops drawing until `giveScreen` or the
    /// caller's end (text still goes to the UART).
    case takeScreen = 4
    /// Give the display back; the console repaints.
    case giveScreen = 5
    /// w0 a shared-memory object the caller created and granted, w1 its
    /// size: the console maps it as the caller's buffer for bulk writes
    /// and terminal reads (one buffer per client, `maxClients` clients).
    case attachBuffer = 6
    /// w0 a length: write that many bytes of the caller's buffer. With
    /// `ConsoleWriteFlag.terminal` in the tag, the terminal's output
    /// processing applies (OPOST/ONLCR).
    case write = 7
    /// The caller (the Linux server) takes the terminal: typed input goes
    /// through the terminal line discipline (Termios) for it. w0 a
    /// notification the caller granted, w1 the first of its four bits:
    /// +0 input is ready (after a `ttyRead` found none), +1 SIGINT,
    /// +2 SIGQUIT, +3 SIGTSTP typed. Reply: w0 rows, w1 columns.
    case ttyAttach = 8
    /// The terminal goes back to the Kenix line mode (`read`).
    case ttyDetach = 9
    /// w0–w3 a Termios (`Termios.words`); `ConsoleWriteFlag.flushInput`
    /// in the tag drops typed input first (TCSETSF).
    case ttySetMode = 10
    /// w0 the most bytes to take (≤ the buffer). Never waits. Reply tag 0,
    /// w0 the bytes put at the start of the caller's buffer, w1 flags
    /// (`ConsoleTerminalFlag`); with none, the input bit is signalled once
    /// when there are.
    case ttyRead = 11
    /// Take Kenix line mode's input: only the foreground task's `read` is
    /// served. The request carries a handle to the input key (the
    /// notification init hands the shell as `InitHandle.consoleInput`);
    /// without it, `notPermitted`. Ends any lending.
    case claimInput = 12
    /// The foreground lends the input to a task it started, carried in the
    /// request (a task handle with `info`); it comes back when that task
    /// ends. From anyone else `notPermitted`; past `maxLends`, `limitReached`.
    case lendInput = 13
}

/// Flags in the tag of `write` and `ttySetMode` requests.
public enum ConsoleWriteFlag {
    public static let terminal: UInt64 = 1 << 16
    public static let flushInput: UInt64 = 1 << 17
}

/// Flags in w1 of a `ttyRead` reply.
public enum ConsoleTerminalFlag {
    /// The read met an end of file (VEOF at the start of a line): it returns 0.
    public static let endOfFile: UInt64 = 1
    /// Nothing to read: the caller is told through its input bit.
    public static let empty: UInt64 = 2
}

public enum ConsoleProtocol {
    /// The most bytes one request or reply carries.
    public static let maxChunk: UInt64 = 32
    /// Where the byte count sits in a tag.
    public static let lengthShift: UInt64 = 8
    public static let opMask: UInt64 = 0xFF
    /// Clients with an attached buffer at once.
    public static let maxClients = 4
    /// Notification bits a terminal client gives (`ttyAttach`).
    public static let terminalBits: UInt64 = 4
}

/// Flags in a read reply's tag.
public enum ConsoleReplyFlag {
    /// This chunk ends a line.
    public static let endOfLine: UInt64 = 1 << 16
    /// The input has ended (Ctrl-D).
    public static let endOfInput: UInt64 = 2 << 16
}
