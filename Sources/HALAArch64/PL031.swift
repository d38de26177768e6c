// PL031.swift: the ARM PrimeCell real-time clock (PL031 TRM DDI 0224, 3.3):
// RTCDR at +0x00 holds the time in seconds (QEMU virt: since 1970-01-01 UTC,
// from the host clock or `-rtc base=`). Kenix reads it once at boot; the
// kernel's real time is that reading carried forward by the generic timer
// (BootInfo.realTimeAtZero), so it never touches the device again.
import HAL

enum PL031 {
    /// The real time (ns since 1970) at which the generic timer read 0,
    /// from the RTC at kernel virtual address `base`.
    static func realTimeAtZero(base: UInt64, timerFrequency: UInt64) -> UInt64 {
        let seconds = UInt64(mmioRead32(base))
        let ticks = kenix_read_cntvct()
        let product = ticks.multipliedFullWidth(by: 1_000_000_000)
        let elapsed = timerFrequency.dividingFullWidth(product).quotient
        let now = seconds &* 1_000_000_000
        return now > elapsed ? now - elapsed : 0
    }
}
