// InstructionCounter: CPU.instructionsRetired on AArch64, from the PMU's
// INST_RETIRED event (sysreg.S), started only when the boot arguments say
// `kenix.pmu`. QEMU counts that event only under -icount, where it is exact
// and, unlike the clock, never includes the idle time that -icount's
// sleep=off warps past; without -icount it reads 0, as on a CPU without a
// PMU. Why opt-in: while a counter is enabled QEMU keeps a virtual timer
// armed for its overflow (4 s ahead for 32 bits), and under sleep=off every
// idle wait then warps the clock to it: the swap benchmark's pages per
// simulated second fell from 167,125 to 56. The ARMv8.0 event counter has
// 32 bits, so it is widened here: every read (the `clock` syscall, each
// interrupt) carries a wrap into the high half, which is exact while reads
// come at least every 2^32 instructions (the supervisor's heartbeat makes
// one every simulated second).
enum InstructionCounter {
    nonisolated(unsafe) static var running = false
    nonisolated(unsafe) static var high: UInt64 = 0
    nonisolated(unsafe) static var last: UInt32 = 0

    static func start() {
        running = kenix_pmu_start_instruction_counter() != 0
    }

    static func read() -> UInt64 {
        guard running else { return 0 }
        let now = UInt32(truncatingIfNeeded: kenix_read_pmevcntr0())
        if now < last { high &+= 1 << 32 }
        last = now
        return high | UInt64(now)
    }
}
