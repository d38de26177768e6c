// HostTerminal: the host's terminal on stdin as kenix-sim's serial console
// (bottom layer: the only file here that changes terminal modes).
//
// Interface:
//   - `HostTerminal.isTerminal`: stdin is a terminal (isatty);
//   - `HostTerminal.enterRawMode()`: raw input (no ICANON, ECHO, ISIG,
//     IEXTEN, IXON, ICRNL: every key reaches the guest as typed, Ctrl-C
//     included, and the guest's terminal does the echo), output processing
//     kept (OPOST|ONLCR: the guest's "\n" prints as CR LF). The old modes are
//     restored by `restore()`, which runs at exit (atexit), on SIGINT,
//     SIGTERM and SIGHUP (HostSignals) and on the fatal signals a Swift trap
//     or a crash raises (HostSignals.installFatal), so no exit path leaves the
//     host terminal raw;
//   - `HostTerminalKeys`: the bytes typed, read without waiting (a
//     LiveKeySource for SimMachine+HostPoll).
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

public enum HostTerminal {
    /// The modes to restore; allocated once, read by signal handlers.
    nonisolated(unsafe) private static let saved = UnsafeMutablePointer<termios>.allocate(capacity: 1)
    /// Raw mode is on (and `saved` holds the modes to restore).
    private static let raw = Atomic<Bool>(false)

    public static var isTerminal: Bool { isatty(0) == 1 }

    /// Puts stdin's terminal in raw mode; false (and nothing changed) when
    /// stdin is no terminal or its modes cannot be set.
    @discardableResult
    public static func enterRawMode() -> Bool {
        guard isTerminal, !raw.load(ordering: .relaxed), tcgetattr(0, saved) == 0 else { return false }
        var t = saved.pointee
        t.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        t.c_oflag |= tcflag_t(OPOST | ONLCR)
        t.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        t.c_cflag &= ~tcflag_t(CSIZE | PARENB)
        t.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        _ = raw.exchange(true, ordering: .relaxed)
        HostSignals.installFatal()
        atexit { HostTerminal.restore() }
        guard tcsetattr(0, TCSANOW, &t) == 0 else {
            _ = raw.exchange(false, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Puts back the modes `enterRawMode` found (once; later calls do
    /// nothing). Async-signal-safe: tcsetattr and an atomic only.
    public static func restore() {
        guard raw.exchange(false, ordering: .relaxed) else { return }
        _ = tcsetattr(0, TCSADRAIN, saved)
    }

    /// Raw mode is on.
    static var isRaw: Bool { raw.load(ordering: .relaxed) }

    /// Writes `text` to stderr at once (notices while the terminal is raw).
    public static func notice(_ text: String) {
        var line = text + "\n"
        line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }
}

/// The host terminal's typed bytes (stdin, raw), for the host poller.
public final class HostTerminalKeys: LiveKeySource {
    private var ended = false

    public init() {}

    public func take() -> [UInt8]? {
        guard !ended else { return nil }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while waitReadable(milliseconds: 0) {
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes += chunk[..<n]
                if bytes.count >= 4096 { break }
            } else if n < 0 && errno == EINTR {
                break
            } else {
                // The end (0) or an error (EIO: the terminal hung up).
                ended = true
                return bytes.isEmpty ? nil : bytes
            }
        }
        return bytes
    }

    public func wait(milliseconds: Int32) -> Bool { ended || waitReadable(milliseconds: milliseconds) }

    public func notice(_ text: String) { HostTerminal.notice(text) }

    private func waitReadable(milliseconds: Int32) -> Bool {
        var fd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, milliseconds) > 0
    }
}
