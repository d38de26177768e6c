// GIC.swift: the InterruptController for both GIC generations. The version
// comes from the DTB ("arm,cortex-a15-gic"/"arm,gic-400" = v2, "arm,gic-v3"
// = v3); each call dispatches to GICv2.swift or GICv3.swift. All interrupts
// are Group 1 (v3) / Group 0 with FIQ bypass off (v2, security extensions
// absent on QEMU virt), priority 0xA0, routed to the boot core. SPIs keep
// their reset trigger (level on QEMU) unless configureLevelTriggered sets it.
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

    func enable(_ irq: IRQ) { writeEnableBit(irq, register: 0x100) }    // ISENABLER
    func disable(_ irq: IRQ) { writeEnableBit(irq, register: 0x180) }   // ICENABLER

    /// Sets `irq`'s bit in the set-enable (0x100) or clear-enable (0x180)
    /// registers: GICD_I[SC]ENABLERn, or for a v3 SGI/PPI the redistributor's
    /// GICR_I[SC]ENABLER0 at the same offset of its SGI frame.
    private func writeEnableBit(_ irq: IRQ, register: UInt64) {
        let n = irq.number
        let bit = UInt32(1) << (n % 32)
        if version == 3 && n < 32 {
            mmioWrite32(redistributor + GICv3.sgiFrame + register, bit)
        } else {
            mmioWrite32(distributor + register + UInt64(n / 32) * 4, bit)
        }
    }

    /// Makes SPI `irq` level-sensitive: GICD_ICFGRn at 0xC00, two bits per
    /// line, the upper one 1 = edge (IHI 0048B 4.3.13; IHI 0069 GICD_ICFGR<n>, the
    /// same place with affinity routing). Call with the line disabled (v2:
    /// changing an enabled line is UNPREDICTABLE). SGIs and PPIs are left alone.
    func configureLevelTriggered(_ irq: IRQ) {
        let n = irq.number
        guard n >= 32 else { return }
        let register = distributor + 0xC00 + UInt64(n / 16) * 4
        mmioWrite32(register, mmioRead32(register) & ~(UInt32(2) << ((n % 16) * 2)))
    }

    /// The line is pending (GICD_ISPENDRn 0x200; v3 PPIs: GICR_ISPENDR0). A
    /// level interrupt is pending while its line is high and it is not active.
    func isPending(_ irq: IRQ) -> Bool {
        let n = irq.number
        let bit = UInt32(1) << (n % 32)
        if version == 3 && n < 32 {
            return mmioRead32(redistributor + GICv3.sgiFrame + 0x200) & bit != 0
        }
        return mmioRead32(distributor + 0x200 + UInt64(n / 32) * 4) & bit != 0
    }

    func acknowledge() -> IRQ? {
        _ = InstructionCounter.read()   // keeps the 32-bit counter's wraps (InstructionCounter)
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
