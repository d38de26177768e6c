// RegisterFile: a task's user registers in the byte layout the supervision
// ABI fixes (SupervisedRegisters), for `task_get_registers` and
// `task_set_registers`.
import HAL
import KenixABI

struct RegisterFile {
    /// SupervisedRegisters.size (808) bytes, as 101 little-endian words.
    var bytes = InlineArray<101, UInt64>(repeating: 0)

    init() {}

    init(_ c: UserContext) {
        for i in 0..<31 { bytes[i] = c.x[i] }
        bytes[SupervisedRegisters.sp / 8] = c.sp
        bytes[SupervisedRegisters.pc / 8] = c.pc
        bytes[SupervisedRegisters.nzcv / 8] = c.nzcv
        bytes[SupervisedRegisters.tpidr / 8] = c.tpidr
        bytes[SupervisedRegisters.fpcr / 8] = c.fp.fpcr
        bytes[SupervisedRegisters.fpsr / 8] = c.fp.fpsr
        for i in 0..<64 { bytes[SupervisedRegisters.v / 8 + i] = c.fp.v[i] }
        for i in 0..<101 { bytes[i] = bytes[i].littleEndian }
    }

    /// FPCR and FPSR bits that exist at EL0 (Arm ARM D17.2: AHP DN FZ RMode
    /// Stride FZ16 Len and the trap enables; N Z C V QC and the cumulative
    /// exception flags); the reserved bits stay 0.
    static let fpcrMask: UInt64 = 0x07FF_9F00
    static let fpsrMask: UInt64 = 0xF800_009F

    /// Writes the file into `c`. Condition flags keep only NZCV, and FPCR and
    /// FPSR only their defined bits: the rest is not the task's to set.
    func store(into c: inout UserContext) {
        func word(_ i: Int) -> UInt64 { UInt64(littleEndian: bytes[i]) }
        for i in 0..<31 { c.x[i] = word(i) }
        c.sp = word(SupervisedRegisters.sp / 8)
        c.pc = word(SupervisedRegisters.pc / 8)
        c.nzcv = word(SupervisedRegisters.nzcv / 8) & 0xF000_0000
        c.tpidr = word(SupervisedRegisters.tpidr / 8)
        c.fp.fpcr = word(SupervisedRegisters.fpcr / 8) & Self.fpcrMask
        c.fp.fpsr = word(SupervisedRegisters.fpsr / 8) & Self.fpsrMask
        for i in 0..<64 { c.fp.v[i] = word(SupervisedRegisters.v / 8 + i) }
    }
}
