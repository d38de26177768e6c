// A serial port: the kernel's own log and the console server's device.

public protocol UART {
    /// Writes one byte, waiting for room in the transmit FIFO.
    func write(_ byte: UInt8)
    /// Returns a received byte, or nil when none is waiting. Never blocks.
    func read() -> UInt8?
    /// The receive interrupt line.
    var irq: IRQ { get }
}
