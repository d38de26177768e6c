// ConsoleInput: where the simulated UART's typed input comes from.
//
// The simulator asks for the next line only when the machine is idle with
// nothing else that could wake it, and the line arrives `SimConfig.inputDelay`
// later. A run therefore depends only on the bytes of the input, never on
// when the host delivered them: the same input file (or piped stdin) gives
// the same output and trace hash. At the end of input the UART receives one
// EOT byte (0x04, a terminal's Ctrl-D), so the console can report the end.
// SimMachine+Input decides when, and in what order with the keyboard's keys.

public protocol ConsoleInputSource: AnyObject {
    /// The next line, with its newline if it had one; nil at end of input.
    func nextLine() -> [UInt8]?
    /// Whether `nextLine()` can start without waiting on the host (some of
    /// the line, or the end, is there). Asked only while a window is open,
    /// so that the simulator can wait for the window and the input at once.
    var isReady: Bool { get }
}

extension ConsoleInputSource {
    public var isReady: Bool { true }
}

/// Input given up front (`kenix-sim --input FILE`, tests).
public final class ScriptedInput: ConsoleInputSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public convenience init(_ text: String) { self.init(Array(text.utf8)) }

    public func nextLine() -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        var end = offset
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        if end < bytes.count { end += 1 }
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}
