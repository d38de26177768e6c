// TerminalLine: the line discipline of a Linux terminal (the console in tty
// mode), following its Termios: input mapping (ICRNL, INLCR, IGNCR),
// canonical editing (VERASE and Backspace, VKILL, VWERASE, VLNEXT, VEOF:
// end of file at the start of a line, else the partial line), the signal
// characters (VINTR, VQUIT, VSUSP with ISIG: input flushed unless NOFLSH,
// echoed as ^C), echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL) and
// output processing (OPOST with ONLCR). Raw mode (ICANON off) hands bytes
// over as they come; whether a reader waits (VMIN, VTIME) is the reader's
// server's business. Pure: bytes in, bytes out.

public struct TerminalLine {
    public var mode: Termios
    /// The line being edited (canonical mode).
    public private(set) var editing: [UInt8] = []
    /// Bytes a reader may take.
    public private(set) var ready: [UInt8] = []
    /// End-of-file marks: a read that reaches one stops there, and a read
    /// that starts at one returns 0 bytes and consumes it.
    private var endOfFileAt: [Int] = []
    private var literalNext = false
    /// The longest line canonical mode keeps (Linux's N_TTY_BUF_SIZE - 1).
    public static let maxLine = 4095

    public init(mode: Termios = Termios()) { self.mode = mode }

    /// Whether a read would return now (data, or an end of file).
    public var canRead: Bool { !ready.isEmpty || !endOfFileAt.isEmpty }
    /// Bytes readable now (FIONREAD).
    public var readableCount: Int { ready.count }

    /// Takes one typed byte; appends what to echo (already output-processed)
    /// to `echo`; returns the signal it raises, if any.
    public mutating func receive(_ input: UInt8, echo: inout [UInt8]) -> Int? {
        var b = input
        if literalNext {
            literalNext = false
            return accept(b, literal: true, echo: &echo)
        }
        if b == 0x0D {
            if mode.iflag & Termios.IGNCR != 0 { return nil }
            if mode.iflag & Termios.ICRNL != 0 { b = 0x0A }
        } else if b == 0x0A && mode.iflag & Termios.INLCR != 0 {
            b = 0x0D
        }
        let cc = mode.cc
        if mode.has(l: Termios.ISIG) {
            let signal: Int? = b == cc[Termios.VINTR] && b != 0 ? 2
                : b == cc[Termios.VQUIT] && b != 0 ? 3
                : b == cc[Termios.VSUSP] && b != 0 ? 20 : nil
            if let signal {
                if !mode.has(l: Termios.NOFLSH) { flushInput() }
                if mode.has(l: Termios.ECHO) { echoControl(b, into: &echo) }
                return signal
            }
        }
        if mode.has(l: Termios.IEXTEN) && b == cc[Termios.VLNEXT] && b != 0 {
            literalNext = true
            return nil
        }
        guard mode.isCanonical else {
            ready.append(b)
            if mode.has(l: Termios.ECHO) { echoByte(b, into: &echo) }
            return nil
        }
        if (b == cc[Termios.VERASE] && b != 0) || b == 0x08 {
            erase(count: 1, echo: &echo)
        } else if b == cc[Termios.VKILL] && b != 0 {
            if mode.has(l: Termios.ECHOKE) || !mode.has(l: Termios.ECHOK) {
                erase(count: editing.count, echo: &echo)
            } else {
                editing.removeAll()
                if mode.has(l: Termios.ECHO) { echoControl(b, into: &echo) }
                output([0x0A], into: &echo)
            }
        } else if mode.has(l: Termios.IEXTEN) && b == cc[Termios.VWERASE] && b != 0 {
            var n = 0
            while n < editing.count && isBlank(editing[editing.count - 1 - n]) { n += 1 }
            while n < editing.count && !isBlank(editing[editing.count - 1 - n]) { n += 1 }
            erase(count: n, echo: &echo)
        } else if b == cc[Termios.VEOF] && b != 0 {
            if editing.isEmpty { endOfFileAt.append(ready.count) } else { ready += editing; editing.removeAll() }
        } else {
            return accept(b, literal: false, echo: &echo)
        }
        return nil
    }

    private func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    private mutating func accept(_ b: UInt8, literal: Bool, echo: inout [UInt8]) -> Int? {
        guard mode.isCanonical else {
            ready.append(b)
            if mode.has(l: Termios.ECHO) { echoByte(b, into: &echo) }
            return nil
        }
        let endsLine = !literal && (b == 0x0A || (b == mode.cc[Termios.VEOL] && b != 0)
                                    || (b == mode.cc[Termios.VEOL2] && b != 0))
        if endsLine {
            editing.append(b)
            ready += editing
            editing.removeAll()
            if mode.has(l: Termios.ECHO) || (b == 0x0A && mode.has(l: Termios.ECHONL)) { echoByte(b, into: &echo) }
            return nil
        }
        guard editing.count < Self.maxLine else { return nil }   // full: the byte is dropped
        editing.append(b)
        if mode.has(l: Termios.ECHO) { echoByte(b, into: &echo) }
        return nil
    }

    /// Removes `count` characters from the end of the line being edited,
    /// echoing the rubout (ECHOE) for each. A UTF-8 character (IUTF8) and a
    /// control character echoed as ^X go as one.
    private mutating func erase(count: Int, echo: inout [UInt8]) {
        var left = count
        while left > 0 && !editing.isEmpty {
            var last = editing.removeLast()
            if mode.iflag & Termios.IUTF8 != 0 && last & 0xC0 == 0x80 {
                while let prev = editing.last, prev & 0xC0 == 0x80 { editing.removeLast() }
                if let lead = editing.last, lead >= 0xC0 { editing.removeLast(); last = lead }
            }
            left -= 1
            guard mode.has(l: Termios.ECHO) && mode.has(l: Termios.ECHOE) else { continue }
            let columns = last < 0x20 && last != 0x09 && mode.has(l: Termios.ECHOCTL) ? 2 : 1
            for _ in 0..<columns { echo += [0x08, 0x20, 0x08] }
        }
    }

    private func echoByte(_ b: UInt8, into echo: inout [UInt8]) {
        if (b < 0x20 && b != 0x0A && b != 0x09) || b == 0x7F {
            if mode.has(l: Termios.ECHOCTL) { echoControl(b, into: &echo); return }
        }
        output([b], into: &echo)
    }

    private func echoControl(_ b: UInt8, into echo: inout [UInt8]) {
        echo.append(0x5E)                        // '^'
        echo.append(b == 0x7F ? 0x3F : b ^ 0x40)
    }

    /// Takes up to `max` bytes: in canonical mode at most one line (a read
    /// stops after a newline or at an end-of-file mark). `endOfFile` is true
    /// when the read consumed an end-of-file mark (and returned nothing).
    public mutating func read(max: Int) -> (bytes: [UInt8], endOfFile: Bool) {
        if let first = endOfFileAt.first, first == 0 {
            endOfFileAt.removeFirst()
            return ([], true)
        }
        var n = min(max, ready.count)
        if let first = endOfFileAt.first { n = min(n, first) }
        if mode.isCanonical {
            var i = 0
            while i < n {
                let c = ready[i]
                i += 1
                if c == 0x0A || (c == mode.cc[Termios.VEOL] && c != 0) || (c == mode.cc[Termios.VEOL2] && c != 0) { break }
            }
            n = i
        }
        let out = Array(ready[0..<n])
        ready.removeFirst(n)
        for k in 0..<endOfFileAt.count { endOfFileAt[k] -= n }
        return (out, false)
    }

    /// Drops typed input not yet read (TCSETSF, TCFLSH, a signal character).
    public mutating func flushInput() {
        editing.removeAll()
        ready.removeAll()
        endOfFileAt.removeAll()
        literalNext = false
    }

    /// A new mode. Leaving canonical mode makes the line being edited
    /// readable as it is.
    public mutating func setMode(_ new: Termios, flush: Bool) {
        if flush { flushInput() }
        if mode.isCanonical && !new.isCanonical && !editing.isEmpty {
            ready += editing
            editing.removeAll()
        }
        mode = new
    }

    /// Output processing: with OPOST and ONLCR, NL is written as CR NL.
    public func output(_ bytes: [UInt8], into out: inout [UInt8]) {
        let crlf = mode.oflag & Termios.OPOST != 0 && mode.oflag & Termios.ONLCR != 0
        for b in bytes {
            if crlf && b == 0x0A { out.append(0x0D) }
            out.append(b)
        }
    }

    /// Bytes handed over from another line discipline (typed ahead).
    public mutating func inject(readable: [UInt8], editing more: [UInt8]) {
        ready += readable
        editing += more
    }

    /// What is typed and not yet read, for handing back (readable, editing).
    public mutating func takeAll() -> ([UInt8], [UInt8]) {
        defer { ready.removeAll(); editing.removeAll(); endOfFileAt.removeAll() }
        return (ready, editing)
    }
}
