// Steps and machines for the block interface tests: the block syscalls as
// script steps, and the data disks the tests use (on lines 50 and 51, clear
// of the swap disk's 48). A disk is claimed with its device handle: init's
// (InitHandle.disk), or one init handed down.
import HAL
import KenixABI


extension Step {
    static func blockInfo(_ disk: Operand) -> Step { sys(.blockInfo, disk) }
    /// `block_claim(device handle, notification handle, bit)`.
    static func blockClaim(_ device: Operand, note: Operand, bit: Operand) -> Step { sys(.blockClaim, device, note, bit) }
    /// `block_submit` with x0 = disk | op << 8.
    static func blockSubmit(_ disk: UInt64, _ op: BlockSubmitOp, sector: Operand, count: Operand, shm: Operand,
                            offset: Operand = 0, tag: Operand) -> Step {
        sys(.blockSubmit, .imm(disk | op.rawValue << BlockSubmitLayout.opShift), sector, count, shm, offset, tag)
    }
    static func blockComplete(_ disk: Operand) -> Step { sys(.blockComplete, disk) }
    static func shmInfo(_ handle: Operand) -> Step { sys(.shmInfo, handle) }
}

extension Operand {
    /// init's device handle for data disk `n` (InitHandle.disk).
    static func disk(_ n: UInt64) -> Operand { .imm(InitHandle.disk(n)) }
}

enum BlockScript {
    /// A data disk on line 50 (or `irq`): 64 sectors, 4 requests at once.
    static func disk(sectors: UInt64 = 64, depth: Int = 4, latency: UInt64 = 10 * us, irq: UInt32 = 50,
                     fails: @escaping (ScriptedDiskRequest) -> Bool = { _ in false }) -> ScriptedDiskConfig {
        ScriptedDiskConfig(sectors: sectors, queueDepth: depth, latency: latency, irq: IRQ(irq), fails: fails)
    }

    /// 512 bytes of sector `s`'s test pattern.
    static func sector(_ s: UInt64) -> [UInt8] { (0..<512).map { UInt8(truncatingIfNeeded: Int(s) &* 37 &+ $0 &* 7 &+ 1) } }

    /// The little-endian word at `offset` of `bytes`.
    static func word(_ bytes: [UInt8], _ offset: Int = 0) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }
}

/// x0 of `block_complete`: `count` completions, `failed` a mask.
func completions(_ count: UInt64, failed: UInt64 = 0) -> UInt64 {
    count | failed << BlockCompletionLayout.failedShift
}
