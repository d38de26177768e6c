// TerminalInput: keys typed on a live terminal (kenix-sim on a TTY), as
// opposed to ConsoleInput's lines given only when the machine idles.
//
// SimConfig.terminal chooses:
//   - `.live(source, record:)`: the host poller (SimMachine+HostPoll) reads
//     `source` at a host-time interval, at slice ends and idle steps, busy or
//     not, and puts the bytes in the UART's receive FIFO at that simulated
//     moment; so Ctrl-C reaches a program that computes. Host time decides
//     only when the keys arrive, and `record` gets each arrival
//     (KeyRecording), so the session can be replayed exactly;
//   - `.replay(recording)`: no host input; each recorded arrival is given
//     at exactly its recorded moment.

public protocol LiveKeySource: AnyObject {
    /// The bytes typed since the last call, without waiting (maybe none);
    /// nil once the terminal has ended.
    func take() -> [UInt8]?
    /// Waits up to `milliseconds` for typed bytes (or the end); true if
    /// `take()` has something to say.
    func wait(milliseconds: Int32) -> Bool
    /// Shows the user a line (the escape keys' help), outside the guest's output.
    func notice(_ text: String)
}

extension LiveKeySource {
    public func notice(_ text: String) {}
}

/// Where a live session's arrivals are written (KeyRecordFile, or a test's array).
public protocol KeyRecordSink: AnyObject {
    func record(_ event: KeyRecording.Event)
}

public enum SimTerminal {
    case live(LiveKeySource, record: KeyRecordSink?)
    case replay(KeyRecording)
}

/// A recording kept in memory (tests).
public final class KeyRecordArray: KeyRecordSink {
    public private(set) var events: [KeyRecording.Event] = []
    public init() {}
    public func record(_ event: KeyRecording.Event) { events.append(event) }
    public var recording: KeyRecording { KeyRecording(events: events) }
}
