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
