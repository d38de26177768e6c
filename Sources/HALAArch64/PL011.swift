// PL011.swift: the ARM PrimeCell UART (PL011 TRM DDI 0183): polled transmit
// and receive. UARTDR at +0x00, UARTFR at +0x18 (TXFF bit 5, RXFE bit 4).
// QEMU's PL011 needs no baud setup. Receive interrupts (UARTIMSC.RXIM) are
// not used yet: the kernel core does not route the UART IRQ today.
import HAL

struct PL011: UART {
    let base: UInt64      // kernel virtual address
    let irq: IRQ

    func write(_ byte: UInt8) {
        while mmioRead32(base + 0x18) & (1 << 5) != 0 {}
        mmioWrite32(base, UInt32(byte))
    }

    func read() -> UInt8? {
        if mmioRead32(base + 0x18) & (1 << 4) != 0 { return nil }
        return UInt8(truncatingIfNeeded: mmioRead32(base))
    }
}

/// The console used by putchar, panics and boot messages: the DTB's PL011,
/// or QEMU virt's until the DTB has been read.
nonisolated(unsafe) var consoleUART = PL011(base: kva(0x0900_0000), irq: IRQ(33))

@_cdecl("kenix_console_putc")
func kenixConsolePutc(_ c: UInt8) { consoleUART.write(c) }

enum Console {
    static func put(_ s: StaticString) {
        let p = s.utf8Start
        for i in 0..<s.utf8CodeUnitCount { consoleUART.write(p[i]) }
    }
    static func put(hex value: UInt64) {
        put("0x")
        for shift in stride(from: 60, through: 0, by: -4) {
            let n = UInt8((value >> UInt64(shift)) & 0xF)
            consoleUART.write(n < 10 ? n + 0x30 : n - 10 + 0x61)
        }
    }
    /// Hex without leading zeros.
    static func put(shortHex value: UInt64) {
        put("0x")
        var started = false
        for shift in stride(from: 60, through: 0, by: -4) {
            let n = UInt8((value >> UInt64(shift)) & 0xF)
            if n != 0 || started || shift == 0 {
                started = true
                consoleUART.write(n < 10 ? n + 0x30 : n - 10 + 0x61)
            }
        }
    }
    static func put(decimal value: UInt64) {
        var digits = InlineArray<20, UInt8>(repeating: 0)
        var n = value, count = 0
        repeat { digits[count] = UInt8(n % 10) + 0x30; n /= 10; count += 1 } while n > 0
        while count > 0 { count -= 1; consoleUART.write(digits[count]) }
    }
}
