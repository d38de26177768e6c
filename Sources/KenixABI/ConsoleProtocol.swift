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
}

public enum ConsoleProtocol {
    /// The most bytes one request or reply carries.
    public static let maxChunk: UInt64 = 32
    /// Where the byte count sits in a tag.
    public static let lengthShift: UInt64 = 8
    public static let opMask: UInt64 = 0xFF
}

/// Flags in a read reply's tag.
public enum ConsoleReplyFlag {
    /// This chunk ends a line.
    public static let endOfLine: UInt64 = 1 << 16
    /// The input has ended (Ctrl-D).
    public static let endOfInput: UInt64 = 2 << 16
}
