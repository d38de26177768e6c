// PL011.swift: the ARM PrimeCell UART (PL011 TRM DDI 0183, 3.3 register
// descriptions): UARTDR +0x00, UARTFR +0x18 (TXFF bit 5, RXFE bit 4),
// UARTIMSC +0x38 (RXIM bit 4, RTIM bit 6), UARTICR +0x44. Transmit is
// polled; receive raises the UART's SPI while data waits (level), which the
// kernel routes to the UART's owner and masks at the GIC until it acks.
// Reading UARTDR until RXFE clears the interrupt. QEMU needs no baud setup.
import HAL
import KenixKernel

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

/// Boot and panic output, formatted by the kernel core's KernelLog.
enum Console {
    static var log: KernelLog<PL011> { KernelLog(uart: consoleUART) }
    static func put(_ s: StaticString) { log.put(s) }
    static func put(hex value: UInt64) { log.put(paddedHex: value) }
    /// Hex without leading zeros.
    static func put(shortHex value: UInt64) { log.put(hex: value) }
    static func put(decimal value: UInt64) { log.put(decimal: value) }
}
