// HostStandardInput: the host's stdin as console input (bottom layer: the
// only file here that reads the host's standard input). It is read a line at
// a time, and only when the simulated machine asks (see ConsoleInput).
#if canImport(Glibc)
import Glibc
#endif

public final class HostStandardInput: ConsoleInputSource {
    private var ended = false
    /// A line longer than this is handed over in pieces of this size: input
    /// with no newline (`< /dev/zero`) must not grow without bound.
    static let longestPiece = 1 << 16

    public init() {}

    /// Data or the end is waiting on stdin.
    public var isReady: Bool {
        if ended { return true }
        var fd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, 0) > 0
    }

    public func nextLine() -> [UInt8]? {
        guard !ended else { return nil }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(0, &byte, 1)
            if n == 1 {
                line.append(byte)
                if byte == 0x0A || line.count >= Self.longestPiece { return line }
            } else if n < 0 && errno == EINTR && HostSignals.pending == nil {
                continue
            } else {
                ended = true
                return line.isEmpty ? nil : line
            }
        }
    }
}
