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
//
// The live sources and the recording's sinks are the host layer's
// (SimHost/LiveInput.swift).
import SimHost

public enum SimTerminal {
    case live(LiveKeySource, record: KeyRecordSink?)
    case replay(KeyRecording)
}
