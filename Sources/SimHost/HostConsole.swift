// HostConsole: the host's standard output as the simulated UART's console
// (bottom layer).
//
// Interface: `write(_:)` one byte, `flush()`. Bytes are buffered and flushed
// at each newline, so a line appears whole and output costs one write(2) per
// line, not per byte. Reading the host's standard input is a later issue.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class HostConsole {
    private var buffer: [UInt8] = []

    public init() { buffer.reserveCapacity(4096) }

    deinit { flush() }

    public func write(_ byte: UInt8) {
        buffer.append(byte)
        if byte == 0x0A || buffer.count >= 4096 { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = hostWrite(1, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

#if canImport(Glibc)
private let hostWrite = Glibc.write
#elseif canImport(Darwin)
private let hostWrite = Darwin.write
#endif
