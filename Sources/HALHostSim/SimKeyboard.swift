// SimKeyboard: the simulated keyboard, a queue of key events (Linux input
// event codes) that arrive at given simulated times. Its interrupt line (49,
// an SPI) is a level, high while an event waits untaken.
//
// Events come from `SimConfig.keys` (a script, a line at a time) and from the
// window's keys, and only when the machine is idle for good
// (SimMachine+Input): a run depends on the sequence of keys, not on when the
// host typed them.
import HAL

/// Where typed keys come from: a line at a time, each line the whole press
/// and release sequence of its characters.
public protocol KeyInputSource: AnyObject {
    /// The next line's events; nil at the end.
    func nextLine() -> [KeyEvent]?
}

/// Text typed on a US keyboard (`kenix-sim --keys FILE`, tests), a line
/// (up to and with its newline) at a time. Characters with no key on a US
/// keyboard are skipped; `skipped` counts them.
public final class ScriptedKeys: KeyInputSource {
    private var lines: [[KeyEvent]] = []
    private var next = 0
    public private(set) var skipped = 0

    public init(_ text: String) {
        var line: [KeyEvent] = []
        for c in text.unicodeScalars {
            if let events = USKeyboardLayout.events(typing: c) {
                line += events
            } else if c != "\r" {
                skipped += 1
            }
            if c == "\n" { lines.append(line); line = [] }
        }
        if !line.isEmpty { lines.append(line) }
    }

    public convenience init(_ bytes: [UInt8]) { self.init(String(decoding: bytes, as: UTF8.self)) }

    public func nextLine() -> [KeyEvent]? {
        guard next < lines.count else { return nil }
        defer { next += 1 }
        return lines[next]
    }
}

final class SimKeyboard {
    static let irq = IRQ(49)

    private var events = TimedQueue<KeyEvent>()

    /// The line is high.
    var hasEvent: Bool { !events.isEmpty }

    /// Time of the next arrival still to come.
    var nextArrival: UInt64? { events.nextArrival }

    func take() -> KeyEvent? { events.take() }

    /// Events that arrive at `time` (at once if `time <= now`).
    func schedule(_ events: [KeyEvent], at time: UInt64, now: UInt64) {
        self.events.schedule(events, at: time, now: now)
    }

    /// Moves every arrival due at or before `now` into the queue.
    func deliver(upTo now: UInt64) { events.deliver(upTo: now) }
}

/// The HAL's view of the simulated keyboard.
public struct SimKeyboardDevice: Keyboard {
    let machine: SimMachine
    public var irq: IRQ { SimKeyboard.irq }
    public func takeEvent() -> KeyEvent? { machine.keyboard!.take() }
}
