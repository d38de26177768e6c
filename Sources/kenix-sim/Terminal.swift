// kenix-sim's terminal options: a live host terminal when stdin is one
// (raw mode, keys as typed, Ctrl-A x quits; HALHostSim HostTerminal and
// SimMachine+HostPoll), `--record FILE` and `--replay FILE`, and how a
// terminal session's end is reported. docs/simulator.md, "Terminal".
import HALHostSim
import SimHost

#if canImport(Glibc)
import Glibc
#endif

extension Run {
    /// The terminal the run gets: a replay, the live host terminal (stdin
    /// is one and no --input was given), or nil (stdin is read a line at a
    /// time when the machine idles, as with --input). Exits on bad usage.
    func chooseTerminal() -> SimTerminal? {
        if replay != nil && input != nil { fail("--replay and --input both give the console's input: give one", code: 64) }
        if replay != nil && record != nil { fail("--replay and --record: a replay reads no keys to record", code: 64) }
        if let replay {
            switch readFile(replay, limit: largestScriptFile) {
            case .failure(let message), .tooLarge(let message): fail("cannot read --replay file '\(replay)': \(message)", code: 66)
            case .success(let bytes):
                do { return .replay(try KeyRecording(parsing: bytes)) } catch {
                    fail("--replay '\(replay)' is not a key recording: \(error)", code: 65)
                }
            }
        }
        guard input == nil, HostTerminal.isTerminal else {
            if record != nil { fail("--record needs a terminal on stdin, and no --input (it records the keys typed there)", code: 64) }
            return nil
        }
        var sink: KeyRecordSink?
        if let record {
            guard let file = KeyRecordFile(path: record) else { fail("cannot write --record file '\(record)'", code: 74) }
            sink = file
        }
        guard HostTerminal.enterRawMode() else {
            stderrLine("kenix-sim: cannot put the terminal in raw mode; reading stdin a line at a time")
            if record != nil { fail("--record needs the terminal in raw mode", code: 64) }
            return nil
        }
        stderrLine("kenix-sim: terminal in raw mode; Ctrl-A x quits, Ctrl-A h for help")
        return .live(HostTerminalKeys(), record: sink)
    }

    /// The report and exit status of a run a terminal session ended.
    func finish(_ end: SimTerminalEnd) -> Never {
        switch end {
        case .quitKey:
            stderrLine("kenix-sim: quit (Ctrl-A x)")
            Foundation_exit(0)
        case .replayQuit:
            stderrLine("kenix-sim: --replay: stopped where the recorded session stopped")
            Foundation_exit(0)
        case .replayStoppedBySignal(let n):
            stderrLine("kenix-sim: --replay: stopped where \(HostSignals.name(n)) stopped the recorded session")
            Foundation_exit(128 + n)
        case .replayEnded:
            stderrLine("kenix-sim: --replay: the recording ends and the machine waits for input: stopped")
            Foundation_exit(0)
        case .replayDiverged(let event):
            stderrLine("kenix-sim: --replay: the run went past the recorded point \(event.time) ns (ordinal "
                       + "\(event.ordinal)) without reaching it: the recording is of another run "
                       + "(initrd, seed, disks or flags)")
            Foundation_exit(76)
        }
    }
}
