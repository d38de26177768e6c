// SimMachine+HostPoll: the one place the running machine looks at the host:
// the window (SimWindow) and a live terminal (SimConfig.terminal), pumped
// from the machine's own loop whether the guest computes or idles.
//
// The machine reaches a host-poll point at the end of every CPU slice and at
// every idle step (SimCPU). At a point the poller:
//   - counts the point: the ORDINAL of a key recording (KeyRecording) is the
//     number of earlier points at the same simulated time;
//   - sees host signals (HostSignals: halt, as at --max-time);
//   - replays the recorded arrivals due at exactly this point;
//   - once per `config.hostPollInterval` of host time (or when told input
//     waits): draws the window and takes its events, gives the keys typed
//     in it to the keyboard device now, flushes the console to the host,
//     reads the live terminal and puts what was typed into the UART's
//     receive FIFO now (TerminalEscape's keys aside), recording both.
// Host time decides only WHEN the window is drawn and the terminal read:
// what the guest sees never depends on it except the keys typed (terminal
// and window), which `record` captures with their points, so a replay
// delivers them exactly where they came (and ignores what is typed during
// it). Window keys wait while scripted keys (`--keys`) are still being
// given: those come first (SimMachine+Input).
// Without a window or a terminal there is no poller: a point only checks
// for host signals.
import HAL
import SimHost

final class HostPoller {
    /// Host nanoseconds between two polls (0: at every point).
    let interval: UInt64
    private var nextPoll: UInt64 = 0
    /// Poll at the next point whatever the interval says (input is waiting).
    var force = false

    let live: LiveKeySource?
    let recorder: KeyRecordSink?
    private var escape = TerminalEscape()
    /// The live terminal has ended (its EOT was given).
    private(set) var liveEnded = false
    private let replay: [KeyRecording.Event]
    private var replayNext = 0
    /// The next recorded arrival's time (`.max` when none is left).
    private var replayTime: UInt64 = .max
    /// This session has a terminal whose points are counted (record or replay).
    private let counts: Bool
    private(set) var pointTime: UInt64 = .max
    private(set) var pointOrdinal: UInt64 = 0
    private var quitRecorded = false

    init(interval: UInt64, terminal: SimTerminal?) {
        self.interval = interval
        switch terminal {
        case .live(let source, let record):
            live = source; recorder = record; replay = []
        case .replay(let recording):
            live = nil; recorder = nil; replay = recording.events
        case nil:
            live = nil; recorder = nil; replay = []
        }
        counts = terminal != nil
        replayTime = replay.first?.time ?? .max
    }

    var hasTerminal: Bool { counts }

    /// Where an idle machine may jump: not past the next recorded arrival
    /// (a live session may have typed while the machine slept in real time).
    func limitJump(_ wake: UInt64, now: UInt64) -> UInt64 {
        replayTime > now && replayTime < wake ? replayTime : wake
    }

    func point(_ m: SimMachine) {
        if counts {
            if m.now == pointTime { pointOrdinal &+= 1 } else { pointTime = m.now; pointOrdinal = 0 }
        }
        m.checkHostStop()
        if m.now >= replayTime { replayDue(m) }
        if live != nil || m.window != nil {
            let clock = HostClock.monotonicNanoseconds()
            if force || clock >= nextPoll {
                force = false
                nextPoll = clock &+ interval
                poll(m)
            }
        }
        if !m.hostKeys.isEmpty { giveWindowKeys(m) }
        if m.windowClosed { m.requestHalt() }
        if recorder != nil, !quitRecorded, m.now >= m.haltTime,
           m.stoppedBySignal != nil || m.windowClosed || m.terminalEnd == .quitKey {
            quitRecorded = true
            let end: KeyRecording.Event.What = m.stoppedBySignal.map { .signal($0) } ?? .quit
            recorder?.record(KeyRecording.Event(time: pointTime, ordinal: pointOrdinal, what: end))
        }
    }

    private func poll(_ m: SimMachine) {
        m.serviceWindow()
        m.hostConsole?.flush()
        guard let live, !liveEnded else { return }
        guard let bytes = live.take() else {
            // The terminal is gone: the console gets an end of input (Ctrl-D),
            // as at the end of piped input.
            liveEnded = true
            deliver([0x04], to: m)
            return
        }
        guard !bytes.isEmpty else { return }
        let typed = escape.feed(bytes)
        if typed.help { live.notice(TerminalEscape.help) }
        if !typed.guest.isEmpty { deliver(typed.guest, to: m) }
        if typed.quit {
            m.terminalEnd = .quitKey
            m.requestHalt()
        }
    }

    /// The keys typed in the window go to the keyboard at this point, busy
    /// or idle, and into the recording; a replay drops them (its keys are
    /// the recorded ones).
    private func giveWindowKeys(_ m: SimMachine) {
        guard m.keyboard != nil else { return }
        if counts && live == nil { m.hostKeys = []; return }
        guard m.keysEnded || m.config.keys == nil else { return }
        for key in m.hostKeys {
            Self.type(key, on: m)
            recorder?.record(KeyRecording.Event(time: pointTime, ordinal: pointOrdinal, what: .windowKey(key)))
        }
        m.hostKeys = []
    }

    /// A window key reaches the keyboard `inputDelay` after this point
    /// (live or replayed, the same way).
    private static func type(_ key: KeyEvent, on m: SimMachine) {
        m.keyboard?.schedule([key], at: m.now &+ m.config.inputDelay, now: m.now)
    }

    private func deliver(_ bytes: [UInt8], to m: SimMachine) {
        m.enqueueInput(bytes)
        recorder?.record(KeyRecording.Event(time: pointTime, ordinal: pointOrdinal, what: .keys(bytes)))
    }

    /// Gives the arrivals recorded at this very point; a recorded point
    /// already passed means the run left the recording: it halts.
    private func replayDue(_ m: SimMachine) {
        while replayNext < replay.count {
            let e = replay[replayNext]
            if (e.time, e.ordinal) > (pointTime, pointOrdinal) { break }
            replayNext += 1
            guard e.time == pointTime, e.ordinal == pointOrdinal else {
                m.terminalEnd = .replayDiverged(e)
                m.requestHalt()
                break
            }
            switch e.what {
            case .keys(let bytes): m.enqueueInput(bytes)
            case .windowKey(let key): Self.type(key, on: m)
            case .quit:
                m.terminalEnd = .replayQuit
                m.requestHalt()
            case .signal(let n):
                m.terminalEnd = .replayStoppedBySignal(n)
                m.requestHalt()
            }
        }
        replayTime = replayNext < replay.count && m.terminalEnd == nil ? replay[replayNext].time : .max
    }

    /// The machine is idle for good (SimMachine+Input): with a live
    /// terminal, waits on the host for typed keys (drawing the window);
    /// a replay goes on to its next arrival, or ends. `.ready`: go to the
    /// next point, which takes the input (the terminal's or the window's);
    /// `.nothing`: nothing will come from here.
    func idleForGood(_ m: SimMachine) -> IdleWait {
        if counts && live == nil {
            guard replayNext < replay.count, m.terminalEnd == nil else {
                // Past the recording's last arrival: the session ends here.
                if m.terminalEnd == nil { m.terminalEnd = .replayEnded }
                m.requestHalt()
                return .ready
            }
            let e = replay[replayNext]
            if e.time == m.now { return .ready }
            // The recording never left an idle machine waiting but for a key.
            m.terminalEnd = .replayDiverged(e)
            m.requestHalt()
            return .ready
        }
        guard let live, !liveEnded else { return .nothing }
        m.hostConsole?.flush()
        while true {
            if m.windowClosed || HostSignals.pending != nil { return .ready }
            m.serviceWindow()
            if !m.hostKeys.isEmpty {
                // Keys typed in the window: the next point gives them.
                force = true
                return .ready
            }
            if live.wait(milliseconds: m.window != nil ? 5 : 50) {
                force = true
                return .ready
            }
        }
    }

    enum IdleWait { case ready, nothing }

    /// `--realtime` with a live terminal: sleeps toward `time` in steps of
    /// at most the poll interval, and stops early (at the simulated time
    /// that matches the host time slept) when a key is typed, so Ctrl-C
    /// reaches a program in `sleep`. Returns the time reached.
    func sleep(_ m: SimMachine, until time: UInt64) -> UInt64 {
        guard let live, !liveEnded else {
            HostClock.sleep(nanoseconds: time - m.now)
            return time
        }
        let start = HostClock.monotonicNanoseconds()
        let span = time - m.now
        while true {
            let slept = HostClock.monotonicNanoseconds() &- start
            if slept >= span { return time }
            let step = min(span - slept, max(interval, 1_000_000))
            m.serviceWindow()
            if live.wait(milliseconds: Int32((step + 999_999) / 1_000_000)) || HostSignals.pending != nil || m.windowClosed {
                force = true
                let at = HostClock.monotonicNanoseconds() &- start
                return m.now + min(at, span)
            }
        }
    }
}

/// How a terminal session ended the run (kenix-sim reports it).
public enum SimTerminalEnd: Equatable {
    /// Ctrl-A x on the live terminal.
    case quitKey
    /// The replay reached the recording's quit.
    case replayQuit
    /// The replay reached the point where host signal N stopped the
    /// recorded session.
    case replayStoppedBySignal(Int32)
    /// The replay's machine idled for good after the recording's last arrival.
    case replayEnded
    /// The run passed this recorded arrival's point without reaching it: the
    /// recording is of another run (another image, seed or flags).
    case replayDiverged(KeyRecording.Event)
}

extension SimMachine {
    /// A host-poll point (see the top of this file). Called at the end of
    /// every slice and at every idle step.
    @inline(__always)
    func hostPollPoint() {
        if let hostPoller { hostPoller.point(self) } else { checkHostStop() }
    }

    /// The poller, made when the first window opens (a terminal makes it at once).
    func ensureHostPoller() {
        if hostPoller == nil { hostPoller = HostPoller(interval: config.hostPollInterval, terminal: nil) }
    }
}
