// Termios: a terminal's modes, in the layout of the Linux kernel's struct
// termios that TCGETS and TCSETS move (asm-generic/termbits.h: four 32-bit
// flag words, c_line, 19 control characters; 36 bytes), with Linux's
// defaults for a fresh tty. The console server's line discipline follows it;
// the Linux server keeps it per terminal and hands it to the console.

public struct Termios: Equatable {
    public static let size = 36
    public static let controlCount = 19

    public var iflag: UInt32
    public var oflag: UInt32
    public var cflag: UInt32
    public var lflag: UInt32
    public var line: UInt8 = 0
    public var cc: [UInt8]

    // c_iflag
    public static let IGNBRK: UInt32 = 0o1
    public static let BRKINT: UInt32 = 0o2
    public static let INLCR: UInt32 = 0o100
    public static let IGNCR: UInt32 = 0o200
    public static let ICRNL: UInt32 = 0o400
    public static let IXON: UInt32 = 0o2000
    public static let IUTF8: UInt32 = 0o40000
    // c_oflag
    public static let OPOST: UInt32 = 0o1
    public static let ONLCR: UInt32 = 0o4
    // c_cflag
    public static let B38400: UInt32 = 0o17
    public static let CS8: UInt32 = 0o60
    public static let CREAD: UInt32 = 0o200
    public static let HUPCL: UInt32 = 0o2000
    // c_lflag
    public static let ISIG: UInt32 = 0o1
    public static let ICANON: UInt32 = 0o2
    public static let ECHO: UInt32 = 0o10
    public static let ECHOE: UInt32 = 0o20
    public static let ECHOK: UInt32 = 0o40
    public static let ECHONL: UInt32 = 0o100
    public static let NOFLSH: UInt32 = 0o200
    public static let TOSTOP: UInt32 = 0o400
    public static let ECHOCTL: UInt32 = 0o1000
    public static let ECHOKE: UInt32 = 0o4000
    public static let IEXTEN: UInt32 = 0o100000
    // c_cc indices
    public static let VINTR = 0
    public static let VQUIT = 1
    public static let VERASE = 2
    public static let VKILL = 3
    public static let VEOF = 4
    public static let VTIME = 5
    public static let VMIN = 6
    public static let VSTART = 8
    public static let VSTOP = 9
    public static let VSUSP = 10
    public static let VEOL = 11
    public static let VREPRINT = 12
    public static let VWERASE = 14
    public static let VLNEXT = 15
    public static let VEOL2 = 16

    /// A fresh Linux tty: cooked, echoing, signals on, CR read as NL and NL
    /// written as CR NL.
    public init() {
        iflag = Self.ICRNL | Self.IXON | Self.IUTF8
        oflag = Self.OPOST | Self.ONLCR
        cflag = Self.B38400 | Self.CS8 | Self.CREAD | Self.HUPCL
        lflag = Self.ISIG | Self.ICANON | Self.ECHO | Self.ECHOE | Self.ECHOK | Self.ECHOCTL | Self.ECHOKE | Self.IEXTEN
        cc = [UInt8](repeating: 0, count: Self.controlCount)
        cc[Self.VINTR] = 0x03; cc[Self.VQUIT] = 0x1C; cc[Self.VERASE] = 0x7F; cc[Self.VKILL] = 0x15
        cc[Self.VEOF] = 0x04; cc[Self.VTIME] = 0; cc[Self.VMIN] = 1; cc[Self.VSTART] = 0x11
        cc[Self.VSTOP] = 0x13; cc[Self.VSUSP] = 0x1A; cc[Self.VREPRINT] = 0x12; cc[Self.VWERASE] = 0x17
        cc[Self.VLNEXT] = 0x16
    }

    public init?(bytes b: [UInt8]) {
        guard b.count >= Self.size else { return nil }
        func u32(_ at: Int) -> UInt32 {
            UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
        }
        iflag = u32(0); oflag = u32(4); cflag = u32(8); lflag = u32(12)
        line = b[16]
        cc = Array(b[17..<(17 + Self.controlCount)])
    }

    public var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.size)
        func put(_ at: Int, _ v: UInt32) { for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: v >> UInt32(8 * i)) } }
        put(0, iflag); put(4, oflag); put(8, cflag); put(12, lflag)
        b[16] = line
        for i in 0..<Self.controlCount { b[17 + i] = cc[i] }
        return b
    }

    public var isCanonical: Bool { lflag & Self.ICANON != 0 }
    public func has(l flag: UInt32) -> Bool { lflag & flag != 0 }

    /// The four message words the console protocol carries a mode in
    /// (`ConsoleOp.ttySetMode`): flags, then control characters 0–15.
    public var words: (UInt64, UInt64, UInt64, UInt64) {
        var lo: UInt64 = 0, hi: UInt64 = 0
        for i in 0..<8 { lo |= UInt64(cc[i]) << UInt64(8 * i) }
        for i in 8..<16 { hi |= UInt64(cc[i]) << UInt64(8 * (i - 8)) }
        return (UInt64(iflag) | UInt64(oflag) << 32, UInt64(lflag) | UInt64(cflag) << 32, lo, hi)
    }

    public init(words w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        self.init()
        iflag = UInt32(truncatingIfNeeded: w0); oflag = UInt32(truncatingIfNeeded: w0 >> 32)
        lflag = UInt32(truncatingIfNeeded: w1); cflag = UInt32(truncatingIfNeeded: w1 >> 32)
        for i in 0..<8 { cc[i] = UInt8(truncatingIfNeeded: w2 >> UInt64(8 * i)) }
        for i in 8..<16 { cc[i] = UInt8(truncatingIfNeeded: w3 >> UInt64(8 * (i - 8))) }
    }
}

/// struct winsize (TIOCGWINSZ): rows, columns, then two pixel sizes (u16 each).
public struct WindowSize: Equatable {
    public static let size = 8
    public var rows: UInt16
    public var columns: UInt16

    public init(rows: UInt16, columns: UInt16) { self.rows = rows; self.columns = columns }

    public var bytes: [UInt8] {
        [UInt8(truncatingIfNeeded: rows), UInt8(truncatingIfNeeded: rows >> 8),
         UInt8(truncatingIfNeeded: columns), UInt8(truncatingIfNeeded: columns >> 8), 0, 0, 0, 0]
    }

    public init?(bytes b: [UInt8]) {
        guard b.count >= Self.size else { return nil }
        rows = UInt16(b[0]) | UInt16(b[1]) << 8
        columns = UInt16(b[2]) | UInt16(b[3]) << 8
    }
}
