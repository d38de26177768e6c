// ContextLayout.swift: vectors.S reads and writes HAL.UserContext by fixed
// byte offsets. Swift lays out a non-resilient struct in declaration order,
// but nothing in the language promises it, so boot checks the offsets once
// by writing distinct values and reading them back as raw bytes.
import HAL

enum ContextLayout {
    static func verify() -> Bool {
        guard MemoryLayout<UserContext>.size >= 808 else { return false }
        var c = UserContext()
        for i in 0..<31 { c.x[i] = UInt64(i) + 1 }
        c.sp = 0x5F; c.pc = 0x9C; c.nzcv = 0xA000_0000; c.tpidr = 0x7D
        c.fp.v[0] = 0x11; c.fp.v[63] = 0x22; c.fp.fpcr = 0x33; c.fp.fpsr = 0x44
        return withUnsafeBytes(of: &c) { b in
            func at(_ o: Int) -> UInt64 { b.loadUnaligned(fromByteOffset: o, as: UInt64.self) }
            return at(0) == 1 && at(240) == 31 && at(248) == 0x5F && at(256) == 0x9C
                && at(264) == 0xA000_0000 && at(272) == 0x7D && at(280) == 0x11
                && at(280 + 63 * 8) == 0x22 && at(792) == 0x33 && at(800) == 0x44
        }
    }
}
