// UserRegisters: a stopped task's EL0 state, decoded from and encoded to the
// register file the kernel's `task_get_registers`/`task_set_registers` move
// (KenixABI SupervisedRegisters: x0–x30, sp, pc, nzcv, tpidr_el0, fpcr,
// fpsr, q0–q31; 808 little-endian bytes).

#if canImport(KenixABI)
import KenixABI
#endif

public struct UserRegisters: Equatable {
    public static let size = SupervisedRegisters.size

    public var x: [UInt64] = [UInt64](repeating: 0, count: 31)
    public var sp: UInt64 = 0
    public var pc: UInt64 = 0
    /// NZCV in bits 31–28.
    public var nzcv: UInt64 = 0
    public var tpidr: UInt64 = 0
    public var fpcr: UInt64 = 0
    public var fpsr: UInt64 = 0
    /// q0–q31, each as its low then its high 64 bits.
    public var v: [UInt64] = [UInt64](repeating: 0, count: 64)

    public init() {}

    public init(file b: [UInt8]) {
        for i in 0..<31 { x[i] = LE.u64(b, 8 * i) }
        sp = LE.u64(b, SupervisedRegisters.sp)
        pc = LE.u64(b, SupervisedRegisters.pc)
        nzcv = LE.u64(b, SupervisedRegisters.nzcv)
        tpidr = LE.u64(b, SupervisedRegisters.tpidr)
        fpcr = LE.u64(b, SupervisedRegisters.fpcr)
        fpsr = LE.u64(b, SupervisedRegisters.fpsr)
        for i in 0..<64 { v[i] = LE.u64(b, SupervisedRegisters.v + 8 * i) }
    }

    public var file: [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.size)
        for i in 0..<31 { LE.put64(&b, 8 * i, x[i]) }
        LE.put64(&b, SupervisedRegisters.sp, sp)
        LE.put64(&b, SupervisedRegisters.pc, pc)
        LE.put64(&b, SupervisedRegisters.nzcv, nzcv)
        LE.put64(&b, SupervisedRegisters.tpidr, tpidr)
        LE.put64(&b, SupervisedRegisters.fpcr, fpcr)
        LE.put64(&b, SupervisedRegisters.fpsr, fpsr)
        for i in 0..<64 { LE.put64(&b, SupervisedRegisters.v + 8 * i, v[i]) }
        return b
    }
}
