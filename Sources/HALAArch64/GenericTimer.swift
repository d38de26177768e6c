// GenericTimer.swift: the EL1 virtual timer of the ARM generic timer (ARM ARM
// chapter D11 "The Generic Timer"; CNTVCT_EL0, CNTV_CVAL_EL0, CNTV_CTL_EL0: ENABLE bit 0,
// IMASK bit 1, ISTATUS bit 2). The interrupt is level-triggered while
// CNTVCT >= CVAL; disabling the timer drops it. PPI from the DTB (27 on virt).
import HAL

struct GenericTimer: Timer {
    let frequency: UInt64
    let irq: IRQ

    func now() -> UInt64 { kenix_read_cntvct() }

    func setDeadline(_ deadline: UInt64?) {
        if let deadline {
            kenix_write_cntv_cval(deadline)
            kenix_write_cntv_ctl(1)
        } else {
            kenix_write_cntv_ctl(0)
        }
    }
}
