// The block devices' part of kenix_abi.h (Sources/KenixABI/BlockDeviceABI.swift
// and BlockProtocol.swift; docs/syscalls.md "Block devices", docs/block.md):
// the kernel's block interface (submit operations, the x0 layout, disk flags,
// how block_complete packs its results) and the block server's protocol.
import KenixABI

extension CHeader {
    static func renderBlock(into h: inout HeaderWriter) {
        h.section("The kernel's block interface (BlockSubmitOp, BlockSubmitLayout, BlockDiskFlags, BlockCompletionLayout)")
        h.enumeration(BlockSubmitOp.allCases.map { ("KX_BLOCK_SUBMIT_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.define("KX_BLOCK_SUBMIT_DISK_MASK", BlockSubmitLayout.diskMask, hex: true)
        h.define("KX_BLOCK_SUBMIT_OP_SHIFT", BlockSubmitLayout.opShift)
        h.define("KX_BLOCK_DISK_READ_ONLY", BlockDiskFlags.readOnly)
        h.define("KX_BLOCK_DISK_WRITE_CACHE", BlockDiskFlags.writeCache)
        h.define("KX_BLOCK_COMPLETE_MAX", BlockCompletionLayout.maxPerCall)
        h.define("KX_BLOCK_COMPLETE_COUNT_MASK", BlockCompletionLayout.countMask, hex: true)
        h.define("KX_BLOCK_COMPLETE_FAILED_SHIFT", BlockCompletionLayout.failedShift)
        h.section("The block server's protocol (BlockOp, BlockStatus, BlockProtocol; docs/block.md)")
        h.enumeration(BlockOp.allCases.map { ("KX_BLOCK_OP_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.enumeration(BlockStatus.allCases.map { ("KX_BLOCK_STATUS_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.define("KX_BLOCK_OP_MASK", BlockProtocol.opMask, hex: true)
        h.define("KX_BLOCK_DISK_SHIFT", BlockProtocol.diskShift)
        h.define("KX_BLOCK_DISK_MASK", BlockProtocol.diskMask, hex: true)
        h.define("KX_BLOCK_MAX_DEVICE_REQUEST", BlockProtocol.maxDeviceRequest, hex: true)
        h.define("KX_BLOCK_BUFFERS_PER_CLIENT", UInt64(BlockProtocol.buffersPerClient))
    }
}
