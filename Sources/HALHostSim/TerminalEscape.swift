// TerminalEscape: kenix-sim's escape key on a host terminal, as QEMU's
// serial mux has it. Ctrl-A x quits the simulator, Ctrl-A Ctrl-A sends one
// Ctrl-A to the guest, Ctrl-A h (or ?) prints the keys; any other key after
// Ctrl-A is dropped. Every other byte goes to the guest unchanged (Ctrl-C
// too: the host terminal is raw, so it reaches the guest's terminal, which
// makes SIGINT of it). A Ctrl-A at the end of one read waits for the next.

public struct TerminalEscape {
    public static let key: UInt8 = 0x01
    public static let help = "kenix-sim: Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A, Ctrl-A h shows this"

    /// What a read of typed bytes amounts to.
    public struct Result: Equatable {
        /// Bytes for the guest, in order.
        public var guest: [UInt8] = []
        /// Ctrl-A x was typed (bytes typed after it are dropped).
        public var quit = false
        /// Ctrl-A h or ? was typed.
        public var help = false
    }

    private var escaped = false

    public init() {}

    public mutating func feed(_ bytes: [UInt8]) -> Result {
        var r = Result()
        for b in bytes {
            if escaped {
                escaped = false
                switch b {
                case Self.key: r.guest.append(b)
                case UInt8(ascii: "x"), UInt8(ascii: "X"): r.quit = true; return r
                case UInt8(ascii: "h"), UInt8(ascii: "H"), UInt8(ascii: "?"): r.help = true
                default: break
                }
            } else if b == Self.key {
                escaped = true
            } else {
                r.guest.append(b)
            }
        }
        return r
    }
}
