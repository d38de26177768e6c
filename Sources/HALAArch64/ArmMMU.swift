// ArmMMU.swift: user address spaces through TTBR0_EL1 with ASIDs (TCR_EL1.A1
// = 0, so the ASID is TTBR0_EL1[63:48]; register description of TTBR0_EL1). A switch only
// writes TTBR0; invalidation uses the Inner Shareable broadcast TLBIs
// (ARM ARM, TLB maintenance instructions TLBI VAE1IS and ASIDE1IS) with DSB/ISB around them (sysreg.S).
import HAL

struct ArmMMU: MMU {
    func activate(root: PhysAddr, asid: ASID) {
        kenix_write_ttbr0((root.raw & 0x0000_FFFF_FFFF_F000) | UInt64(asid.raw) << 48)
    }

    func invalidate(asid: ASID, page: VirtAddr) {
        kenix_tlbi_vae1is(UInt64(asid.raw) << 48 | (page.raw >> 12) & 0xFFF_FFFF_FFFF)
    }

    func invalidateAll(asid: ASID) {
        kenix_tlbi_aside1is(UInt64(asid.raw) << 48)
    }
}
