// GICv2.swift: bring-up of a GICv2 distributor and CPU interface (ARM IHI
// 0048B, 4.3 distributor and 4.4 CPU interface register maps):
// GICD_CTLR 0x000, GICD_TYPER 0x004 (ITLinesNumber [4:0]), GICD_ICENABLERn
// 0x180, GICD_IPRIORITYRn 0x400, GICD_ITARGETSRn 0x800; GICC_CTLR 0x00,
// GICC_PMR 0x04, GICC_BPR 0x08.
enum GICv2 {
    static func initialize(_ gic: GIC) {
        let d = gic.distributor, c = gic.cpuInterface
        mmioWrite32(d + 0x000, 0)
        let lines = (mmioRead32(d + 0x004) & 0x1F + 1) * 32
        var n: UInt32 = 0
        while n < lines {
            mmioWrite32(d + 0x180 + UInt64(n / 32) * 4, 0xFFFF_FFFF)   // all disabled
            n += 32
        }
        n = 0
        while n < lines {
            mmioWrite32(d + 0x400 + UInt64(n), 0xA0A0_A0A0)            // priority 0xA0
            if n >= 32 { mmioWrite32(d + 0x800 + UInt64(n), 0x0101_0101) }  // SPIs -> CPU 0
            n += 4
        }
        mmioWrite32(d + 0x000, 1)                                       // enable forwarding
        mmioWrite32(c + 0x04, 0xF0)                                     // GICC_PMR
        mmioWrite32(c + 0x08, 0)                                        // GICC_BPR
        mmioWrite32(c + 0x00, 1)                                        // GICC_CTLR.Enable
    }
}
