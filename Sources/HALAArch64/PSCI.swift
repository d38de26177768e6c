// PSCI.swift: power control through the Power State Coordination Interface
// (ARM DEN 0022D, 5.1.9 SYSTEM_OFF = 0x8400_0008). The conduit (HVC or SMC)
// comes from the DTB's /psci "method"; QEMU implements PSCI itself when no
// EL3/EL2 firmware is present, so the call never returns and QEMU exits.
enum PSCI {
    nonisolated(unsafe) static var usesSMC = false

    static func systemOff() -> Never {
        if usesSMC { _ = kenix_psci_smc(0x8400_0008, 0, 0, 0) }
        else { _ = kenix_psci_hvc(0x8400_0008, 0, 0, 0) }
        while true { kenix_wfi() }
    }
}
