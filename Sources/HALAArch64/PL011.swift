// PL011.swift: the ARM PrimeCell UART (PL011 TRM DDI 0183, 3.3 register
// descriptions): UARTDR +0x00, UARTFR +0x18 (TXFF bit 5, RXFE bit 4),
// UARTIMSC +0x38 (RXIM bit 4, RTIM bit 6), UARTICR +0x44. Transmit is
// polled; receive raises the UART's SPI while data waits (level), which the
// kernel routes to the UART's owner and masks at the GIC until it acks.
// Reading UARTDR until RXFE clears the interrupt. QEMU needs no baud setup.
import HAL

struct PL011: UART {
    let base: UInt64      // kernel virtual address
    let irq: IRQ

    func write(_ byte: UInt8) {
        while mmioRead32(base + 0x18) & (1 << 5) != 0 {}
        mmioWrite32(base, UInt32(byte))
    }

    /// Unmasks the receive and receive-timeout interrupts at the UART. The
    /// GIC line stays disabled until the kernel enables it for an owner.
    func enableReceiveInterrupts() {
        // Clear the error/modem/transmit interrupts but not RXIC/RTIC: a byte
        // that arrived before boot must still raise the line once unmasked
        // (clearing RXRIS with the byte still held would lose the interrupt:
        // no new byte can arrive until that one is read).
        mmioWrite32(base + 0x44, 0x7FF & ~UInt32(1 << 4 | 1 << 6))
        mmioWrite32(base + 0x38, 1 << 4 | 1 << 6)       // RXIM | RTIM
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
