// GDBRegisters: a task's UserContext as gdb's AArch64 registers, and the
// target description (qXfer:features:read:target.xml) that numbers them:
//
//   0–30 x0–x30, 31 sp, 32 pc (64 bits), 33 cpsr (32: NZCV, EL0t),
//   34–65 v0–v31 (128), 66 fpsr, 67 fpcr (32), 68 tpidr (64).
//
// Values are little-endian hex, as the protocol wants for this target.
import HAL

enum GDBRegisters {
    static let count = 69

    /// Size in bytes of register `n`.
    static func size(_ n: Int) -> Int {
        switch n {
        case 0...32, 68: 8
        case 33, 66, 67: 4
        case 34...65: 16
        default: 0
        }
    }

    static func read(_ n: Int, _ c: UserContext) -> [UInt8] {
        switch n {
        case 0...30: return le(c.x[n], 8)
        case 31: return le(c.sp, 8)
        case 32: return le(c.pc, 8)
        case 33: return le(c.nzcv, 4)
        case 34...65: let q = n - 34; return le(c.fp.v[2 * q], 8) + le(c.fp.v[2 * q + 1], 8)
        case 66: return le(c.fp.fpsr, 4)
        case 67: return le(c.fp.fpcr, 4)
        case 68: return le(c.tpidr, 8)
        default: return []
        }
    }

    /// Writes register `n` from `bytes` (exactly `size(n)` of them).
    static func write(_ n: Int, _ bytes: ArraySlice<UInt8>, _ c: inout UserContext) {
        let b = Array(bytes)
        func word(_ from: Int, _ count: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<count { v |= UInt64(b[from + i]) << (8 * UInt64(i)) }
            return v
        }
        switch n {
        case 0...30: c.x[n] = word(0, 8)
        case 31: c.sp = word(0, 8)
        case 32: c.pc = word(0, 8)
        case 33: c.nzcv = word(0, 4) & 0xF000_0000   // the rest of PSTATE is fixed at EL0
        case 34...65: let q = n - 34; c.fp.v[2 * q] = word(0, 8); c.fp.v[2 * q + 1] = word(8, 8)
        case 66: c.fp.fpsr = word(0, 4)
        case 67: c.fp.fpcr = word(0, 4)
        case 68: c.tpidr = word(0, 8)
        default: break
        }
    }

    static func le(_ v: UInt64, _ bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
    }

    static let targetXML: String = {
        var s = """
        <?xml version="1.0"?>
        <!DOCTYPE target SYSTEM "gdb-target.dtd">
        <target version="1.0">
        <architecture>aarch64</architecture>
        <feature name="org.gnu.gdb.aarch64.core">

        """
        for i in 0...30 { s += "<reg name=\"x\(i)\" bitsize=\"64\" type=\"int\" regnum=\"\(i)\"/>\n" }
        s += """
        <reg name="sp" bitsize="64" type="data_ptr" regnum="31"/>
        <reg name="pc" bitsize="64" type="code_ptr" regnum="32"/>
        <reg name="cpsr" bitsize="32" type="int" regnum="33"/>
        </feature>
        <feature name="org.gnu.gdb.aarch64.fpu">
        <vector id="v2d" type="ieee_double" count="2"/>
        <vector id="v2u" type="uint64" count="2"/>
        <vector id="v2i" type="int64" count="2"/>
        <vector id="v4f" type="ieee_single" count="4"/>
        <vector id="v4u" type="uint32" count="4"/>
        <vector id="v4i" type="int32" count="4"/>
        <vector id="v8u" type="uint16" count="8"/>
        <vector id="v8i" type="int16" count="8"/>
        <vector id="v16u" type="uint8" count="16"/>
        <vector id="v16i" type="int8" count="16"/>
        <vector id="v1u" type="uint128" count="1"/>
        <vector id="v1i" type="int128" count="1"/>
        <union id="vnd"><field name="f" type="v2d"/><field name="u" type="v2u"/><field name="s" type="v2i"/></union>
        <union id="vns"><field name="f" type="v4f"/><field name="u" type="v4u"/><field name="s" type="v4i"/></union>
        <union id="vnh"><field name="u" type="v8u"/><field name="s" type="v8i"/></union>
        <union id="vnb"><field name="u" type="v16u"/><field name="s" type="v16i"/></union>
        <union id="vnq"><field name="u" type="v1u"/><field name="s" type="v1i"/></union>
        <union id="aarch64v"><field name="d" type="vnd"/><field name="s" type="vns"/><field name="h" type="vnh"/><field name="b" type="vnb"/><field name="q" type="vnq"/></union>

        """
        for i in 0...31 { s += "<reg name=\"v\(i)\" bitsize=\"128\" type=\"aarch64v\" regnum=\"\(34 + i)\"/>\n" }
        s += """
        <reg name="fpsr" bitsize="32" type="int" regnum="66"/>
        <reg name="fpcr" bitsize="32" type="int" regnum="67"/>
        </feature>
        <feature name="org.gnu.gdb.aarch64.tls">
        <reg name="tpidr" bitsize="64" type="data_ptr" regnum="68"/>
        </feature>
        </target>
        """
        return s
    }()
}

extension Array where Element == UInt8 {
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for b in self { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes from hex digits; nil if malformed.
    init?(hex: Substring) {
        var out: [UInt8] = []
        var it = hex.utf8.makeIterator()
        while let h = it.next() {
            guard let l = it.next(), let a = hexValue(h), let b = hexValue(l) else { return nil }
            out.append(a << 4 | b)
        }
        self = out
    }
}

private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
    default: nil
    }
}
