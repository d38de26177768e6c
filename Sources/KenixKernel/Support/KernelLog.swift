// Kernel diagnostics written straight to the UART: StaticString pieces and
// numbers, with no allocation and no string interpolation (Embedded-clean).
// Public so a backend's early-boot and panic output formats the same way.
import HAL

public struct KernelLog<U: UART> {
    public let uart: U

    public init(uart: U) { self.uart = uart }

    public func put(_ s: StaticString) {
        let p = s.utf8Start
        for i in 0..<s.utf8CodeUnitCount { uart.write(p[i]) }
    }

    public func put(bytes: UnsafeRawBufferPointer) { for b in bytes { uart.write(b) } }

    public func put(decimal value: UInt64) {
        var digits = InlineArray<20, UInt8>(repeating: 0)
        var n = value
        var count = 0
        repeat { digits[count] = UInt8(n % 10) + 0x30; n /= 10; count += 1 } while n > 0
        while count > 0 { count -= 1; uart.write(digits[count]) }
    }

    /// 0x-prefixed lowercase hex without leading zeros.
    public func put(hex value: UInt64) { put(hex: value, padded: false) }

    /// 0x-prefixed lowercase hex, all 16 digits (register dumps).
    public func put(paddedHex value: UInt64) { put(hex: value, padded: true) }

    private func put(hex value: UInt64, padded: Bool) {
        put("0x")
        var started = padded
        for shift in stride(from: 60, through: 0, by: -4) {
            let nibble = UInt8((value >> UInt64(shift)) & 0xF)
            if nibble != 0 || started || shift == 0 {
                started = true
                uart.write(nibble < 10 ? nibble + 0x30 : nibble - 10 + 0x61)
            }
        }
    }
}

extension Kernel {
    var log: KernelLog<H.Serial> { mutating get { KernelLog(uart: hal.uart) } }

    /// "task 7 (name)"
    mutating func logTask(_ slot: Int) {
        let t = tasks[slot]
        log.put("task ")
        log.put(decimal: t.pointee.id.raw)
        log.put(" (")
        withUnsafeBytes(of: t.pointee.name) { raw in
            log.put(bytes: UnsafeRawBufferPointer(rebasing: raw[0..<t.pointee.nameLength]))
        }
        log.put(")")
    }
}
