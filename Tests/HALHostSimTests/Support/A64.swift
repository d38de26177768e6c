// A64: a few AArch64 instruction encoders for hand-assembled EL0 test
// programs (DDI 0487, C6). EncodingTests checks each against llvm-mc output.

enum A64 {
    static func movz(_ rd: UInt32, _ imm: UInt16, shift: UInt32 = 0) -> UInt32 {
        0xD280_0000 | (shift / 16) << 21 | UInt32(imm) << 5 | rd
    }
    static func movk(_ rd: UInt32, _ imm: UInt16, shift: UInt32 = 0) -> UInt32 {
        0xF280_0000 | (shift / 16) << 21 | UInt32(imm) << 5 | rd
    }
    /// movz + movk x3 to load a full 64-bit constant.
    static func mov64(_ rd: UInt32, _ value: UInt64) -> [UInt32] {
        [movz(rd, UInt16(truncatingIfNeeded: value)),
         movk(rd, UInt16(truncatingIfNeeded: value >> 16), shift: 16),
         movk(rd, UInt16(truncatingIfNeeded: value >> 32), shift: 32),
         movk(rd, UInt16(truncatingIfNeeded: value >> 48), shift: 48)]
    }
    static func svc(_ imm: UInt16 = 0) -> UInt32 { 0xD400_0001 | UInt32(imm) << 5 }
    static func brk(_ imm: UInt16) -> UInt32 { 0xD420_0000 | UInt32(imm) << 5 }
    /// b to pc + offset (bytes).
    static func b(_ offset: Int32) -> UInt32 { 0x1400_0000 | (UInt32(bitPattern: offset / 4) & 0x03FF_FFFF) }
    static func bne(_ offset: Int32) -> UInt32 {
        0x5400_0001 | (UInt32(bitPattern: offset / 4) & 0x7FFFF) << 5
    }
    static func ldr(_ rt: UInt32, _ rn: UInt32, offset: UInt32 = 0) -> UInt32 {
        0xF940_0000 | (offset / 8) << 10 | rn << 5 | rt
    }
    static func str(_ rt: UInt32, _ rn: UInt32, offset: UInt32 = 0) -> UInt32 {
        0xF900_0000 | (offset / 8) << 10 | rn << 5 | rt
    }
    static func ldrb(_ rt: UInt32, _ rn: UInt32) -> UInt32 { 0x3940_0000 | rn << 5 | rt }
    /// LDXR Xt, [Xn] (LDAXR with `acquire`).
    static func ldxr(_ rt: UInt32, _ rn: UInt32, acquire: Bool = false) -> UInt32 {
        0xC85F_7C00 | (acquire ? 1 << 15 : 0) | rn << 5 | rt
    }
    /// STXR Ws, Xt, [Xn] (STLXR with `release`).
    static func stxr(_ rs: UInt32, _ rt: UInt32, _ rn: UInt32, release: Bool = false) -> UInt32 {
        0xC800_7C00 | rs << 16 | (release ? 1 << 15 : 0) | rn << 5 | rt
    }
    /// LDAR Xt, [Xn] (Wt with `word`).
    static func ldar(_ rt: UInt32, _ rn: UInt32, word: Bool = false) -> UInt32 {
        (word ? 0x88DF_FC00 : 0xC8DF_FC00) | rn << 5 | rt
    }
    static func stlr(_ rt: UInt32, _ rn: UInt32) -> UInt32 { 0xC89F_FC00 | rn << 5 | rt }
    static let clrex: UInt32 = 0xD503_3F5F
    /// cbnz Wt to pc + offset (bytes).
    static func cbnzW(_ rt: UInt32, _ offset: Int32) -> UInt32 {
        0x3500_0000 | (UInt32(bitPattern: offset / 4) & 0x7FFFF) << 5 | rt
    }
    static func strb(_ rt: UInt32, _ rn: UInt32) -> UInt32 { 0x3900_0000 | rn << 5 | rt }
    static func add(_ rd: UInt32, _ rn: UInt32, _ imm: UInt32) -> UInt32 { 0x9100_0000 | imm << 10 | rn << 5 | rd }
    static func subs(_ rd: UInt32, _ rn: UInt32, _ imm: UInt32) -> UInt32 { 0xF100_0000 | imm << 10 | rn << 5 | rd }
    static func br(_ rn: UInt32) -> UInt32 { 0xD61F_0000 | rn << 5 }
    static func mov(_ rd: UInt32, _ rm: UInt32) -> UInt32 { 0xAA00_03E0 | rm << 16 | rd }
    static func fmovToD(_ dd: UInt32, _ xn: UInt32) -> UInt32 { 0x9E67_0000 | xn << 5 | dd }
    static func fmovToX(_ xd: UInt32, _ dn: UInt32) -> UInt32 { 0x9E66_0000 | dn << 5 | xd }
    static func fadd(_ dd: UInt32, _ dn: UInt32, _ dm: UInt32) -> UInt32 { 0x1E60_2800 | dm << 16 | dn << 5 | dd }
    /// mov vd.d[1], xn
    static func insHigh(_ vd: UInt32, _ xn: UInt32) -> UInt32 { 0x4E18_1C00 | xn << 5 | vd }
    /// mov xd, vn.d[1]
    static func umovHigh(_ xd: UInt32, _ vn: UInt32) -> UInt32 { 0x4E18_3C00 | vn << 5 | xd }
    static func mrsSCTLR(_ rt: UInt32) -> UInt32 { 0xD538_1000 | rt }
    static func msrSCTLR(_ rt: UInt32) -> UInt32 { 0xD518_1000 | rt }
    static func mrsFPCR(_ rt: UInt32) -> UInt32 { 0xD53B_4400 | rt }
    static func msrNZCV(_ rt: UInt32) -> UInt32 { 0xD51B_4200 | rt }
    static func mrsFPSR(_ rt: UInt32) -> UInt32 { 0xD53B_4420 | rt }
    static func msrFPSR(_ rt: UInt32) -> UInt32 { 0xD51B_4420 | rt }
    static func mrsCNTVCT(_ rt: UInt32) -> UInt32 { 0xD53B_E040 | rt }
    static func msrTPIDR(_ rt: UInt32) -> UInt32 { 0xD51B_D040 | rt }
    static let udf: UInt32 = 0x0000_0000
    static let nop: UInt32 = 0xD503_201F
    static let wfi: UInt32 = 0xD503_207F
    static let eret: UInt32 = 0xD69F_03E0
    static let loopForever: UInt32 = 0x1400_0000 // b .
}
