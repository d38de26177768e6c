// LE: little-endian reads and writes of byte arrays, for the records the
// server exchanges with Linux tasks (stat, sigaction, signal frames, auxv).
// A read past the end yields 0 and a write past the end is dropped: callers
// size their buffers, and a short guest record never traps the server.

public enum LE {
    public static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(truncatingIfNeeded: read(b, at, 2)) }
    public static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { UInt32(truncatingIfNeeded: read(b, at, 4)) }
    public static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { read(b, at, 8) }

    public static func put16(_ b: inout [UInt8], _ at: Int, _ v: UInt16) { write(&b, at, UInt64(v), 2) }
    public static func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) { write(&b, at, UInt64(v), 4) }
    public static func put64(_ b: inout [UInt8], _ at: Int, _ v: UInt64) { write(&b, at, v, 8) }

    private static func read(_ b: [UInt8], _ at: Int, _ n: Int) -> UInt64 {
        guard at >= 0, at <= b.count - n else { return 0 }
        var v: UInt64 = 0
        for i in 0..<n { v |= UInt64(b[at + i]) << UInt64(8 * i) }
        return v
    }

    private static func write(_ b: inout [UInt8], _ at: Int, _ v: UInt64, _ n: Int) {
        guard at >= 0, at <= b.count - n else { return }
        for i in 0..<n { b[at + i] = UInt8(truncatingIfNeeded: v >> UInt64(8 * i)) }
    }
}
