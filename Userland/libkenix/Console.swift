// Console output for Swift programs. Everything funnels into the C
// runtime's putchar (Userland/runtime/console.c), the same line buffer
// Swift's print() uses, so the two interleave in order. The buffer is sent
// to the console server (service 1) per line with the console protocol.
// These helpers avoid String, so a program that only uses them stays small.

@_extern(c, "putchar")
func kx_putchar(_ c: Int32) -> Int32

@_extern(c, "kx_console_flush")
func kx_console_flush()

@_extern(c, "kx_console_use_uart")
func kx_console_use_uart()

public enum Console {
    public static func write(_ s: StaticString) {
        var p = s.utf8Start
        for _ in 0..<s.utf8CodeUnitCount {
            _ = kx_putchar(Int32(p.pointee))
            p += 1
        }
    }

    public static func writeLine(_ s: StaticString) {
        write(s)
        newline()
    }

    public static func newline() {
        _ = kx_putchar(10)
    }

    /// Decimal.
    public static func write(_ value: Int64) {
        if value < 0 { _ = kx_putchar(45) }   // "-"
        write(value.magnitude)
    }

    /// Decimal.
    public static func write(_ value: UInt64) {
        if value >= 10 { write(value / 10) }   // at most 19 levels deep
        _ = kx_putchar(Int32(value % 10) + 48)
    }

    /// 0x-prefixed lowercase hex, no leading zeros.
    public static func writeHex(_ value: UInt64) {
        write("0x")
        var shift: UInt64 = 60
        while shift > 0 && (value >> shift) & 0xf == 0 { shift -= 4 }
        while true {
            let nibble = Int32((value >> shift) & 0xf)
            _ = kx_putchar(nibble < 10 ? 48 + nibble : 87 + nibble)
            if shift == 0 { break }
            shift -= 4
        }
    }

    /// Writes bytes that are not a literal (typed input, names).
    public static func write(bytes: [UInt8]) {
        for b in bytes { _ = kx_putchar(Int32(b)) }
    }

    /// Reads one line typed at the console into `line` (without its newline).
    /// Returns false at the end of input when nothing was read.
    public static func readLine(into line: inout [UInt8]) -> Bool {
        line.removeAll()
        flush()   // the prompt must be out before we wait
        guard let console = try? Service.lookup(.console) else { return false }
        while true {
            guard let reply = try? IPC.call(console, Message(tag: ConsoleOp.read.rawValue)) else { return !line.isEmpty }
            let length = Int((reply.tag >> ConsoleProtocol.lengthShift) & 0xFF)
            var words = (reply.w0, reply.w1, reply.w2, reply.w3)
            withUnsafeBytes(of: &words) { raw in
                for i in 0..<min(length, Int(ConsoleProtocol.maxChunk)) { line.append(raw[i]) }
            }
            if reply.tag & ConsoleReplyFlag.endOfLine != 0 { return true }
            if reply.tag & ConsoleReplyFlag.endOfInput != 0 { return !line.isEmpty }
        }
    }

    /// Hands typed characters to the console, as if typed at the UART (the
    /// keyboard driver's path). Up to 32 bytes a call.
    public static func type(_ bytes: [UInt8]) throws(SyscallError) {
        let console = try Service.lookup(.console)
        var start = 0
        while start < bytes.count {
            let n = min(Int(ConsoleProtocol.maxChunk), bytes.count - start)
            var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &words) { raw in for i in 0..<n { raw[i] = bytes[start + i] } }
            _ = try IPC.call(console, Message(tag: ConsoleOp.input.rawValue | UInt64(n) << ConsoleProtocol.lengthShift,
                                              words.0, words.1, words.2, words.3))
            start += n
        }
    }

    /// Takes the display for a graphics program: the console stops drawing
    /// (text still reaches the UART) until `giveScreen` or the caller's end.
    /// Fails (`invalidArgument`) when there is no display or it is taken.
    public static func takeScreen() throws(SyscallError) {
        flush()
        let reply = try IPC.call(try Service.lookup(.console), Message(tag: ConsoleOp.takeScreen.rawValue))
        _ = try RawSyscall.check(Int64(bitPattern: reply.tag))
    }

    /// Gives the display back; the console repaints its text.
    public static func giveScreen() {
        flush()
        if let console = try? Service.lookup(.console) {
            _ = try? IPC.call(console, Message(tag: ConsoleOp.giveScreen.rawValue))
        }
    }

    /// Sends any buffered partial line now.
    public static func flush() {
        kx_console_flush()
    }

    /// For the UART's owner (the console server): write the UART directly
    /// instead of calling the console service.
    public static func useUART() {
        kx_console_use_uart()
    }
}
