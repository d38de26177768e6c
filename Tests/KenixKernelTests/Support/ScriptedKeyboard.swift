// ScriptedKeyboard: the test machine's keyboard, a HAL `Keyboard` fed by the
// test. Events wait in a queue from boot (`waiting`) or join it at given
// times of the machine's clock (`arrivals`). Its level line is high exactly
// while an event waits; the machine's `nextInterruptTime` includes the next
// arrival, so an idle kernel jumps to it (as to a disk completion) instead of
// reporting a deadlock. Every event taken is recorded with its time.
import HAL

/// A key event and a time of the machine's clock (when it arrives, or was taken).
struct TimedKeyEvent: Equatable {
    var time: UInt64
    var event: KeyEvent
}

struct ScriptedKeyboardConfig {
    var irq = ScriptedKeyboard.defaultIRQ
    /// Events waiting at boot, oldest first.
    var waiting: [KeyEvent]
    /// Events that arrive later (any order; equal times keep their order).
    var arrivals: [TimedKeyEvent]

    init(waiting: [KeyEvent] = [], arrivals: [TimedKeyEvent] = []) {
        self.waiting = waiting
        self.arrivals = arrivals
    }
}

final class ScriptedKeyboard: Keyboard {
    /// An SPI no other scripted device uses (the disk has 48, the UART 33).
    static let defaultIRQ = IRQ(49)

    unowned let machine: SimMachine
    let irq: IRQ
    private var queue: [KeyEvent]
    /// Not arrived yet, by time.
    private var pending: [TimedKeyEvent]
    /// Every event `takeEvent` returned, with when.
    private(set) var taken: [TimedKeyEvent] = []

    init(machine: SimMachine, config: ScriptedKeyboardConfig) {
        self.machine = machine
        irq = config.irq
        queue = config.waiting
        pending = []
        for a in config.arrivals { schedule(a.event, at: a.time) }
    }

    func takeEvent() -> KeyEvent? {
        arrive(upTo: machine.now)
        guard !queue.isEmpty else { return nil }
        let event = queue.removeFirst()
        taken.append(TimedKeyEvent(time: machine.now, event: event))
        return event
    }

    // MARK: The machine's view

    /// Moves the events due by `now` into the queue.
    func arrive(upTo now: UInt64) {
        while let first = pending.first, first.time <= now {
            queue.append(pending.removeFirst().event)
        }
    }

    /// The line is high: an event is waiting.
    var hasEvent: Bool { !queue.isEmpty }
    /// When the next event arrives, if one is still to come.
    var nextArrival: UInt64? { pending.first?.time }

    // MARK: The test's view

    /// `event` arrives at `time` (after the others due then).
    func schedule(_ event: KeyEvent, at time: UInt64) {
        let i = pending.firstIndex { $0.time > time } ?? pending.count
        pending.insert(TimedKeyEvent(time: time, event: event), at: i)
    }

    /// Events waiting to be taken (arrived by now).
    var waitingCount: Int {
        arrive(upTo: machine.now)
        return queue.count
    }
}
