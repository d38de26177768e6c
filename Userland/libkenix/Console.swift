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
    /// Returns false at the end of input when nothing was read. If the
    /// console server is restarted meanwhile, reads from the new one.
    /// Only the console's foreground task reads (`claimInput`, `lendInput`);
    /// for anyone else this returns false at once.
    public static func readLine(into line: inout [UInt8]) -> Bool {
        line.removeAll()
        flush()   // the prompt must be out before we wait
        var claimedAgain = false
        while true {
            guard let reply = try? Service.call(.console, Message(tag: ConsoleOp.read.rawValue)) else { return !line.isEmpty }
            if Int64(bitPattern: reply.tag) < 0 {
                // A restarted console knows no foreground: the key holder claims again, once.
                guard let key = inputKey, !claimedAgain, (try? claimInput(key: key)) != nil else { return !line.isEmpty }
                claimedAgain = true
                continue
            }
            let length = Int((reply.tag >> ConsoleProtocol.lengthShift) & 0xFF)
            var words = (reply.w0, reply.w1, reply.w2, reply.w3)
            withUnsafeBytes(of: &words) { raw in
                for i in 0..<min(length, Int(ConsoleProtocol.maxChunk)) { line.append(raw[i]) }
            }
            if reply.tag & ConsoleReplyFlag.endOfLine != 0 { return true }
            if reply.tag & ConsoleReplyFlag.endOfInput != 0 { return !line.isEmpty }
        }
    }

    /// The input key this task showed (`claimInput`), shown again by
    /// `readLine` when a restarted console no longer knows it.
    nonisolated(unsafe) public static var inputKey: Handle? = nil

    /// Makes this task the console's foreground (docs/capabilities.md, "The
    /// console's input"): `key` is a handle to the input key.
    public static func claimInput(key: Handle) throws(SyscallError) {
        inputKey = key
        let reply = try Service.call(.console, Message(tag: ConsoleOp.claimInput.rawValue, carrying: key))
        _ = try RawSyscall.check(Int64(bitPattern: reply.tag))
    }

    /// Lends the console's input to `task` (a task this one started) until
    /// it ends. Only the foreground may.
    public static func lendInput(to task: Handle) throws(SyscallError) {
        let lent = try Handles.duplicate(task, rights: HandleRights.info | HandleRights.transfer)
        let reply = try Service.call(.console, Message(tag: ConsoleOp.lendInput.rawValue, carrying: lent, move: true))
        _ = try RawSyscall.check(Int64(bitPattern: reply.tag))
    }

    /// Hands typed characters to the console, as if typed at the UART (the
    /// keyboard driver's path). Up to 32 bytes a call.
    public static func type(_ bytes: [UInt8]) throws(SyscallError) {
        var start = 0
        while start < bytes.count {
            let n = min(Int(ConsoleProtocol.maxChunk), bytes.count - start)
            var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &words) { raw in for i in 0..<n { raw[i] = bytes[start + i] } }
            _ = try Service.call(.console, Message(tag: ConsoleOp.input.rawValue | UInt64(n) << ConsoleProtocol.lengthShift,
                                              words.0, words.1, words.2, words.3))
            start += n
        }
    }

    /// Takes the display for a graphics program: the console stops drawing
    /// (text still reaches the UART) until `giveScreen` or the caller's end,
    /// and lends the framebuffer: returns a device handle for
    /// `Framebuffer.map`. Fails (`invalidArgument`) when there is no display
    /// or it is taken.
    public static func takeScreen() throws(SyscallError) -> Handle {
        flush()
        // The request carries a handle to ourselves: the console sees when we end.
        let me = try Kenix.selfHandle()
        let reply = try IPC.call(try Service.lookup(.console),
                                 Message(tag: ConsoleOp.takeScreen.rawValue, carrying: me, move: true))
        _ = try RawSyscall.check(Int64(bitPattern: reply.tag))
        guard let device = reply.carriedHandle else { throw .invalidArgument }
        return device
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
