// The CPU every Kenix backend presents to user code: one fixed feature
// baseline, the ARM Cortex-A72 (ARMv8.0-A with the AES, PMULL, SHA1, SHA256
// and CRC32 extensions; no LSE atomics, no ARMv8.1+ instructions). It is what
// `make run-kernel` asks QEMU for (`-cpu cortex-a72`), what the simulator's
// Unicorn engine models, and what its JIT engine is restricted to.
// docs/cpu-baseline.md is the prose version; a later Linux personality hands
// `hwcap` to programs as AT_HWCAP from here.
//
// Values are QEMU 7.2's and Unicorn 2.0.1's Cortex-A72 model (read from the
// Unicorn engine at EL1), which match the A72 TRM's reset values.

public enum CPUBaseline {
    /// MIDR_EL1: ARM (0x41), variant 0, architecture 0xF, Cortex-A72 (0xD08), r0p3.
    public static let midr: UInt64 = 0x410F_D083
    /// ID_AA64ISAR0_EL1: AES = 2 (AES + PMULL), SHA1 = 1, SHA2 = 1 (SHA256), CRC32 = 1.
    public static let idAA64ISAR0: UInt64 = 0x0001_1120
    /// ID_AA64ISAR1_EL1: no pointer authentication, no JSCVT/FCMA/LRCPC.
    public static let idAA64ISAR1: UInt64 = 0
    /// ID_AA64PFR0_EL1: EL0-EL3 in AArch64 and AArch32; FP and AdvSIMD (no FP16).
    public static let idAA64PFR0: UInt64 = 0x2222
    /// CTR_EL0: 64-byte cache lines (DminLine = IminLine = 4 words log2 + 4), PIPT I-cache.
    public static let ctr: UInt64 = 0x8444_C004
    /// DCZID_EL0: DC ZVA allowed (DZP = 0), blocks of 4 << 4 = 64 bytes.
    public static let dczid: UInt64 = 4
    /// The DC ZVA block size in bytes.
    public static let zeroBlockBytes: UInt64 = 4 << (dczid & 0xF)

    /// Linux AT_HWCAP bits (uapi/asm/hwcap.h) for this CPU.
    public enum HWCap {
        public static let fp: UInt64 = 1 << 0
        public static let asimd: UInt64 = 1 << 1
        public static let aes: UInt64 = 1 << 3
        public static let pmull: UInt64 = 1 << 4
        public static let sha1: UInt64 = 1 << 5
        public static let sha2: UInt64 = 1 << 6
        public static let crc32: UInt64 = 1 << 7
    }

    /// AT_HWCAP: what user code may use. EVTSTRM is absent (no timer event
    /// stream), CPUID too (EL0 reads of ID registers are undefined).
    public static let hwcap: UInt64 = HWCap.fp | HWCap.asimd | HWCap.aes | HWCap.pmull
        | HWCap.sha1 | HWCap.sha2 | HWCap.crc32
    /// AT_HWCAP2: nothing.
    public static let hwcap2: UInt64 = 0

    /// What EL0 may do in the system-instruction space, beyond this CPU's
    /// ARMv8.0 instruction set (SCTLR_EL1 as both backends program it: DZE
    /// and UCT set, UCI and UMA clear; CNTKCTL_EL1 = 0). Everything else
    /// there is undefined at EL0: the generic timer, the ID registers, DAIF,
    /// MSR (immediate), and cache maintenance other than DC ZVA (DC CIVAC and
    /// friends, IC IVAU: SCTLR_EL1.UCI = 0).
    public enum EL0 {
        /// Readable with MRS. PMUSERENR_EL0 reads 0.
        public static let readable: [SystemRegister] = [.ctr, .dczid, .nzcv, .fpcr, .fpsr, .tpidr, .tpidrro, .pmuserenr]
        /// Writable with MSR.
        public static let writable: [SystemRegister] = [.nzcv, .fpcr, .fpsr, .tpidr]
        /// DC ZVA, Xt (SYS #3, C7, C4, #1, Xt) is allowed.
        public static let dcZVA: UInt32 = 0xD50B_7420
    }
}

/// A system register by its MRS/MSR encoding (op0, op1, CRn, CRm, op2).
public struct SystemRegister: Equatable, Sendable {
    public var op0: UInt32, op1: UInt32, crn: UInt32, crm: UInt32, op2: UInt32

    public init(_ op0: UInt32, _ op1: UInt32, _ crn: UInt32, _ crm: UInt32, _ op2: UInt32) {
        self.op0 = op0; self.op1 = op1; self.crn = crn; self.crm = crm; self.op2 = op2
    }

    /// `mrs x<rt>, <this>`.
    public func mrs(_ rt: UInt32) -> UInt32 { 0xD520_0000 | 1 << 21 | fields | rt }
    /// `msr <this>, x<rt>`.
    public func msr(_ rt: UInt32) -> UInt32 { 0xD500_0000 | fields | rt }

    private var fields: UInt32 { op0 << 19 | op1 << 16 | crn << 12 | crm << 8 | op2 << 5 }

    public static let ctr = SystemRegister(3, 3, 0, 0, 1)
    public static let dczid = SystemRegister(3, 3, 0, 0, 7)
    public static let nzcv = SystemRegister(3, 3, 4, 2, 0)
    public static let fpcr = SystemRegister(3, 3, 4, 4, 0)
    public static let fpsr = SystemRegister(3, 3, 4, 4, 1)
    public static let tpidr = SystemRegister(3, 3, 13, 0, 2)
    public static let tpidrro = SystemRegister(3, 3, 13, 0, 3)
    public static let pmuserenr = SystemRegister(3, 3, 9, 14, 0)
}
