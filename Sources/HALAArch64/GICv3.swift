// GICv3.swift: bring-up of a GICv3 distributor, the boot core's
// redistributor and the ICC system-register CPU interface (ARM IHI 0069,
// 12.9 GICD, 12.10/12.11 GICR, 12.2 ICC). Affinity routing on (GICD_CTLR.ARE),
// every interrupt Group 1 and routed to affinity 0.0.0.0 (the boot core).
enum GICv3 {
    /// The SGI/PPI frame follows the RD_base frame (IHI 0069, "The GIC Redistributor" memory map).
    static let sgiFrame: UInt64 = 0x1_0000

    /// The RD_base of this core's redistributor: walks the frames from
    /// `base` (GICR_TYPER at +0x8: Affinity_Value [63:32], Last bit 4,
    /// VLPIS bit 1 = four 64 KB frames instead of two) and matches
    /// MPIDR_EL1's Aff3.Aff2.Aff1.Aff0. Falls back to the first frame.
    static func redistributor(from base: UInt64) -> UInt64 {
        let m = kenix_read_mpidr()
        let affinity = (m >> 32 & 0xFF) << 24 | (m & 0xFF_FFFF)
        var frame = base
        for _ in 0..<512 {
            let typer = mmioRead64(frame + 0x8)
            if typer >> 32 == affinity { return frame }
            if typer & (1 << 4) != 0 { break }
            frame += typer & (1 << 1) != 0 ? 0x4_0000 : 0x2_0000
        }
        return base
    }

    static func waitForRWP(_ reg: UInt64, bit: UInt32) {
        while mmioRead32(reg) & bit != 0 {}
    }

    static func initialize(_ gic: GIC) {
        let d = gic.distributor, r = gic.redistributor, s = r + sgiFrame
        // Distributor: GICD_CTLR 0x0 (RWP bit 31), GICD_TYPER 0x4,
        // GICD_IGROUPRn 0x80, GICD_ICENABLERn 0x180, GICD_IPRIORITYRn 0x400,
        // GICD_IROUTERn 0x6000.
        mmioWrite32(d, 0)
        waitForRWP(d, bit: 1 << 31)
        let lines = min((mmioRead32(d + 0x4) & 0x1F + 1) * 32, 1020)
        var n: UInt32 = 32
        while n < lines {
            mmioWrite32(d + 0x080 + UInt64(n / 32) * 4, 0xFFFF_FFFF)
            mmioWrite32(d + 0x180 + UInt64(n / 32) * 4, 0xFFFF_FFFF)
            n += 32
        }
        n = 32
        while n < lines {
            mmioWrite32(d + 0x400 + UInt64(n), 0xA0A0_A0A0)
            n += 4
        }
        n = 32
        while n < lines {
            mmioWrite64(d + 0x6000 + UInt64(n) * 8, 0)
            n += 1
        }
        waitForRWP(d, bit: 1 << 31)
        mmioWrite32(d, 1 << 4)                       // ARE (ARE_NS)
        waitForRWP(d, bit: 1 << 31)
        mmioWrite32(d, 1 << 4 | 1 << 1 | 1)          // + EnableGrp1, EnableGrp0
        waitForRWP(d, bit: 1 << 31)

        // Redistributor: GICR_WAKER 0x14 (ProcessorSleep bit 1, ChildrenAsleep bit 2).
        mmioWrite32(r + 0x14, mmioRead32(r + 0x14) & ~UInt32(1 << 1))
        while mmioRead32(r + 0x14) & (1 << 2) != 0 {}
        // SGI frame: GICR_IGROUPR0 0x80, GICR_ICENABLER0 0x180, GICR_IPRIORITYRn 0x400.
        mmioWrite32(s + 0x080, 0xFFFF_FFFF)
        mmioWrite32(s + 0x180, 0xFFFF_FFFF)
        waitForRWP(r, bit: 1 << 3)                   // GICR_CTLR.RWP
        for i in 0..<8 { mmioWrite32(s + 0x400 + UInt64(i) * 4, 0xA0A0_A0A0) }

        // CPU interface (system registers).
        if kenix_icc_sre_enable() & 1 == 0 {
            Console.put("kenix: GICv3 system register interface unavailable\n")
        }
        kenix_icc_write_pmr(0xFF)
        kenix_icc_write_bpr1(0)
        kenix_icc_write_ctlr(0)                      // EOImode 0: EOIR also deactivates
        kenix_icc_write_igrpen1(1)
    }
}
