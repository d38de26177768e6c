// TrapDecoder.swift: ESR_EL1/FAR_EL1 of an exception from EL0 as a HAL Trap
// (ARM ARM, register description of ESR_EL1: EC [31:26], ISS [24:0]; for
// aborts ISS.DFSC/IFSC [5:0] and ISS.WnR [6], "ISS encoding for an exception
// from a Data Abort").
import HAL

enum TrapDecoder {
    static func decode(kind: UInt64, esr: UInt64, far: UInt64) -> Trap {
        if kind == 1 { return .interrupt }
        let ec = (esr >> 26) & 0x3F
        switch ec {
        case 0x15:                              // SVC from AArch64
            return .syscall
        case 0x20, 0x24:                        // instruction / data abort, lower EL
            let access: MemoryAccess = ec == 0x20 ? .execute : ((esr >> 6) & 1 == 1 ? .write : .read)
            return .memoryFault(MemoryFault(address: VirtAddr(far), access: access,
                                            status: faultStatus(esr)))
        case 0x22:                              // PC alignment
            return .memoryFault(MemoryFault(address: VirtAddr(far), access: .execute, status: .alignment))
        case 0x26:                              // SP alignment
            return .memoryFault(MemoryFault(address: VirtAddr(far), access: .read, status: .alignment))
        case 0x3C:                              // BRK
            return .breakpoint(immediate: UInt16(truncatingIfNeeded: esr))
        default:                                // EC 0 (unknown) and anything else
            return .undefinedInstruction
        }
    }

    /// DFSC/IFSC (ESR_EL1.ISS[5:0]): 0b0001LL translation, 0b0010LL access
    /// flag, 0b0011LL permission (level LL), 0b100001 alignment.
    static func faultStatus(_ esr: UInt64) -> FaultStatus {
        let fsc = esr & 0x3F
        let level = UInt8(fsc & 3)
        switch fsc {
        case 0x04...0x07: return .translation(level: level)
        case 0x08...0x0B: return .accessFlag(level: level)
        case 0x0C...0x0F: return .permission(level: level)
        case 0x21: return .alignment
        default: return .other(esr: esr)
        }
    }
}
