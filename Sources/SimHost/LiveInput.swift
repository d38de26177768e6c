// LiveInput: what the machine's host poller reads typed keys from (a live
// terminal: HostTerminal) and where it writes a session's arrivals (a key
// recording: KeyRecordFile, or KeyRecordArray in tests). HALHostSim's
// SimTerminal chooses between a live source and a replay.

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

/// A recording kept in memory (tests).
public final class KeyRecordArray: KeyRecordSink {
    public private(set) var events: [KeyRecording.Event] = []
    public init() {}
    public func record(_ event: KeyRecording.Event) { events.append(event) }
    public var recording: KeyRecording { KeyRecording(events: events) }
}
