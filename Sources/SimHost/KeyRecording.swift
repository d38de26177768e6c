// KeyRecording: a terminal session's keys with the simulated moments they
// reached the machine (`kenix-sim run --record FILE`, `--replay FILE`).
//
// A text file, one event a line; `#` starts a comment line, blank lines are
// skipped:
//
//     # kenix-sim key recording 1
//     1840213000 0 6c 73 0d
//     2517830114 2 03
//     3911200001 0 quit
//
// (or, for a session a host signal stopped, `3911200001 0 signal 15`; a key
// typed in the window: `2601000000 0 key 30 down`, `2650000000 3 key 30 up`)
//
// Each line is TIME ORDINAL WHAT. TIME is simulated nanoseconds since power
// on. ORDINAL says which of the host-poll points at that TIME it was: the
// machine reaches several at one instant (kernel work takes no simulated
// time), and a replay must deliver at the very same one to stay exact. WHAT
// is the bytes the UART received, in hex, `key CODE down|up`: a key pressed
// or released in the window (a Linux input code, for the keyboard device),
// `quit`: the run stopped there
// (Ctrl-A x, the window closed), or `signal N`: host signal N stopped it
// there, so a replay ends with the same status, 128 + N. Lines are in the order they
// happened (TIME, then ORDINAL, never decreasing). SimMachine+HostPoll writes
// and replays them; KeyRecordFile is the writer.

import HAL

/// A parsed recording (for `--replay`), and the text of one event.
public struct KeyRecording: Equatable {
    /// One recorded event.
    public struct Event: Equatable {
        public enum What: Equatable {
            /// Bytes for the UART's receive FIFO.
            case keys([UInt8])
            /// A key pressed or released in the window, for the keyboard.
            case windowKey(KeyEvent)
            /// The run stopped here.
            case quit
            /// Host signal N stopped the run here.
            case signal(Int32)

            var endsTheRun: Bool {
                switch self {
                case .keys, .windowKey: false
                case .quit, .signal: true
                }
            }
        }
        public var time: UInt64
        public var ordinal: UInt64
        public var what: What

        public init(time: UInt64, ordinal: UInt64, what: What) {
            self.time = time; self.ordinal = ordinal; self.what = what
        }

        /// The event's line, without the newline.
        public var line: String {
            switch what {
            case .quit: return "\(time) \(ordinal) quit"
            case .signal(let n): return "\(time) \(ordinal) signal \(n)"
            case .windowKey(let key): return "\(time) \(ordinal) key \(key.code) " + (key.pressed ? "down" : "up")
            case .keys(let bytes):
                return "\(time) \(ordinal) " + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
            }
        }
    }

    /// What a recording file starts with.
    public static let header = "# kenix-sim key recording 1 (TIME-ns ORDINAL hex-bytes|key CODE down|up|quit|signal N; docs/simulator.md)"

    public var events: [Event]

    public init(events: [Event]) { self.events = events }

    /// Why a file is not a recording: the line (from 1) and what is wrong.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var problem: String
        public var description: String { "line \(line): \(problem)" }
    }

    /// Parses a recording's text.
    public init(parsing bytes: [UInt8]) throws(ParseError) {
        events = []
        var number = 0
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            let fields = raw.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
            guard let first = fields.first, first.first != UInt8(ascii: "#") else { continue }
            guard fields.count >= 3, let time = Self.decimal(fields[0]), let ordinal = Self.decimal(fields[1]) else {
                throw ParseError(line: number, problem: "want TIME ORDINAL then hex bytes, key CODE down|up, quit or signal N")
            }
            let what: Event.What
            if fields.count == 3 && Array(fields[2]) == Array("quit".utf8) {
                what = .quit
            } else if Array(fields[2]) == Array("signal".utf8) {
                guard fields.count == 4, let n = Self.decimal(fields[3]), n >= 1, n <= 64 else {
                    throw ParseError(line: number, problem: "want signal N (1-64)")
                }
                what = .signal(Int32(n))
            } else if Array(fields[2]) == Array("key".utf8) {
                let state = fields.count == 5 ? Array(fields[4]) : []
                guard fields.count == 5, let code = Self.decimal(fields[3]), code <= UInt64(UInt16.max),
                      state == Array("down".utf8) || state == Array("up".utf8) else {
                    throw ParseError(line: number, problem: "want key CODE down|up (CODE a Linux input code)")
                }
                what = .windowKey(KeyEvent(code: UInt16(code), pressed: state == Array("down".utf8)))
            } else {
                var keys: [UInt8] = []
                for f in fields[2...] {
                    guard f.count <= 2, let b = UInt8(String(decoding: f, as: UTF8.self), radix: 16) else {
                        throw ParseError(line: number, problem: "'\(String(decoding: f, as: UTF8.self))' is not a hex byte")
                    }
                    keys.append(b)
                }
                what = .keys(keys)
            }
            if let last = events.last, (time, ordinal) < (last.time, last.ordinal) {
                throw ParseError(line: number, problem: "goes back in time (events must be in order)")
            }
            if let last = events.last, last.what.endsTheRun {
                throw ParseError(line: number, problem: "an event after quit")
            }
            events.append(Event(time: time, ordinal: ordinal, what: what))
        }
    }

    private static func decimal(_ field: ArraySlice<UInt8>) -> UInt64? {
        guard field.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(String(decoding: field, as: UTF8.self))
    }
}
