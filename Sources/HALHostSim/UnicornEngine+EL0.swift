// UnicornEngine+EL0: puts a fresh engine at EL0 for good.
//
// Interface: `enterEL0()`, called once after `init`.
//
// Why a trampoline: Unicorn 2.0.1 accepts a write of PSTATE = EL0t but does
// not rebuild QEMU's cached translation flags, so code keeps running with EL1
// privileges (`mrs x0, sctlr_el1` succeeds, `eret` aborts the host process on
// an assertion). A real exception return does rebuild them. So the engine
// runs a few EL1 instructions once: program CPACR_EL1 (FP/SIMD on at EL0) and
// SCTLR_EL1, then `eret` to an `svc #0` at EL0t. Unicorn's exception hook
// replaces exception entry (PSTATE stays EL0 after every `svc`, fault or
// `udf`), so the engine never leaves EL0 afterwards.
//
// SCTLR_EL1 keeps the MMU off (M = 0: the software MMU above maps pages) and
// opens to EL0 what the AArch64 backend opens (boot.S): DC ZVA (DZE),
// CTR_EL0 (UCT), WFI and WFE as hints (nTWI, nTWE). Cache maintenance by VA
// stays closed (UCI = 0: DC CIVAC and friends, IC IVAU are undefined at EL0,
// as on QEMU), and so do DAIF (UMA = 0). CNTKCTL_EL1 stays 0, so EL0 reads of
// the generic timer (which would see host time) are undefined instructions.
// KenixABI.CPUBaseline and docs/cpu-baseline.md describe the resulting CPU.
//
// The engine keeps one more page of its own mapped for good, execute-only:
// `clrexAddress`, a `clrex` that every entry to EL0 runs first
// (runAfterClearingExclusive). It lies above UserLayout.userLimit, where no
// user mapping can be; the code hook stops user code that jumps there.
import CUnicorn

extension UnicornEngine {
    /// A VA inside the 48-bit range, used only while the trampoline runs.
    static let trampolineAddress: UInt64 = 0xFFFF_FFFF_F000
    /// The page holding `clrex` (see runAfterClearingExclusive).
    static let clrexAddress: UInt64 = 0xFFFF_FFFF_E000

    static let cpacrFPEnabled: UInt64 = 3 << 20
    /// Reset value (0x00C5_0838) | DZE | UCT | nTWE (nTWI is in the reset value).
    static let sctlrForEL0: UInt64 = 0x00C5_0838 | 1 << 14 | 1 << 15 | 1 << 18

    /// AArch64 encodings, checked against llvm-mc.
    static let trampoline: [UInt32] = [
        0xD518_1041, // msr cpacr_el1, x1
        0xD518_1002, // msr sctlr_el1, x2
        0xD518_401F, // msr spsr_el1, xzr      (EL0t, DAIF clear)
        0xD518_4020, // msr elr_el1, x0
        0xD503_3FDF, // isb
        0xD69F_03E0, // eret
        0xD400_0001, // svc #0                 (runs at EL0)
    ]

    func enterEL0() throws(UnicornError) {
        let page = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 4096)
        defer { page.deallocate() }
        page.initializeMemory(as: UInt8.self, repeating: 0, count: 4096)
        for (i, word) in Self.trampoline.enumerated() {
            page.storeBytes(of: word.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
        }
        let base = Self.trampolineAddress
        try mapRegion(base, size: 4096, permissions: [.read, .execute], host: page)
        registers.writeX(0, base + 4 * 6, handle)
        registers.writeX(1, Self.cpacrFPEnabled, handle)
        registers.writeX(2, Self.sctlrForEL0, handle)
        let stop = run(pc: base, budget: 64)
        dropTranslations(base, size: 4096)
        try unmapRegion(base, size: 4096)
        registers.refresh(handle)
        guard stop == .exception(QEMUException.supervisorCall), registers.pstate & 0xF == 0 else {
            throw UnicornError(code: 0, operation: "enter EL0")
        }
        for i in 0..<3 { registers.writeX(i, 0, handle) }
        registers.refresh(handle)
        // The clrex page: execute-only, so a user data access to it faults
        // through the protection hook like any other unmapped address.
        clrexPage.initializeMemory(as: UInt8.self, repeating: 0, count: 4096)
        clrexPage.storeBytes(of: UInt32(0xD503_305F).littleEndian, as: UInt32.self)      // clrex
        clrexPage.storeBytes(of: UInt32(0xD503_201F).littleEndian, toByteOffset: 4, as: UInt32.self) // nop
        try mapRegion(Self.clrexAddress, size: 4096, permissions: .execute, host: clrexPage)
    }
}
