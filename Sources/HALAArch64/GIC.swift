// GIC.swift: the InterruptController for both GIC generations. The version
// comes from the DTB ("arm,cortex-a15-gic"/"arm,gic-400" = v2, "arm,gic-v3"
// = v3); each call dispatches to GICv2.swift or GICv3.swift. All interrupts
// are Group 1 (v3) / Group 0 with FIQ bypass off (v2, security extensions
// absent on QEMU virt), priority 0xA0, routed to the boot core.
import HAL

struct GIC: InterruptController {
    let version: UInt8
    let distributor: UInt64     // kernel virtual addresses
    let cpuInterface: UInt64    // v2 only
    let redistributor: UInt64   // v3 only: RD_base of the boot core

    func initialize() {
        if version == 3 { GICv3.initialize(self) } else { GICv2.initialize(self) }
    }

    /// Interrupt lines the distributor implements: 32 * (GICD_TYPER.ITLinesNumber + 1),
    /// at most 1020 (GICD_TYPER in IHI 0048B and IHI 0069).
    var lineCount: UInt32 {
        min((mmioRead32(distributor + 0x4) & 0x1F + 1) * 32, 1020)
    }

    func enable(_ irq: IRQ) {
        let n = irq.number
        let bit = UInt32(1) << (n % 32)
        if version == 3 && n < 32 {
            mmioWrite32(redistributor + GICv3.sgiFrame + 0x100, bit)        // GICR_ISENABLER0
        } else {
            mmioWrite32(distributor + 0x100 + UInt64(n / 32) * 4, bit)     // GICD_ISENABLERn
        }
    }

    func disable(_ irq: IRQ) {
        let n = irq.number
        let bit = UInt32(1) << (n % 32)
        if version == 3 && n < 32 {
            mmioWrite32(redistributor + GICv3.sgiFrame + 0x180, bit)        // GICR_ICENABLER0
        } else {
            mmioWrite32(distributor + 0x180 + UInt64(n / 32) * 4, bit)     // GICD_ICENABLERn
        }
    }

    func acknowledge() -> IRQ? {
        let id: UInt32
        if version == 3 {
            id = UInt32(truncatingIfNeeded: kenix_icc_read_iar1()) & 0xFF_FFFF
        } else {
            id = mmioRead32(cpuInterface + 0x0C) & 0x3FF                   // GICC_IAR
        }
        return id >= 1020 && id <= 1023 ? nil : IRQ(id)
    }

    func endOfInterrupt(_ irq: IRQ) {
        if version == 3 {
            kenix_icc_write_eoir1(UInt64(irq.number))
        } else {
            mmioWrite32(cpuInterface + 0x10, irq.number)                   // GICC_EOIR
        }
    }
}
