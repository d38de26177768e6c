// FWCfg.swift: QEMU's firmware configuration device over MMIO (QEMU
// docs/specs/fw_cfg.rst; DTB compatible "qemu,fw-cfg-mmio", 0x0902_0000 on
// virt). Registers, all big-endian on MMIO:
//   +0   data      reads the selected item byte by byte (auto-advancing);
//                  writes are ignored since QEMU 2.4: writes go through DMA
//   +8   selector  16-bit item key
//   +16  DMA       64-bit physical address of an FWCfgDmaAccess; storing it
//                  starts the transfer ("QEMU CFG" reads back when present)
// Items: 0x0000 signature "QEMU", 0x0001 features (little-endian u32, bit 1 =
// DMA), 0x0019 the file directory: be32 count, then count entries
// {be32 size, be16 select, be16 reserved, char name[56]}.
// Used at boot only (boot arguments, ramfb), before interrupts: no locking.

struct FWCfg {
    let base: UInt64      // kernel virtual address

    static let signatureKey: UInt16 = 0x0000
    static let featuresKey: UInt16 = 0x0001
    static let fileDirectoryKey: UInt16 = 0x0019
    /// "QEMU CFG", what the DMA register reads when the interface exists.
    static let dmaSignature: UInt64 = 0x5145_4D55_2043_4647

    // FWCfgDmaAccess.control bits.
    static let dmaError: UInt32 = 1, dmaRead: UInt32 = 2, dmaSkip: UInt32 = 4
    static let dmaSelect: UInt32 = 8, dmaWrite: UInt32 = 16

    /// nil when `base` holds no fw_cfg device (no "QEMU" signature).
    init?(base: UInt64) {
        self.base = base
        select(Self.signatureKey)
        guard readByte() == 0x51, readByte() == 0x45, readByte() == 0x4D, readByte() == 0x55 else { return nil }
    }

    func select(_ key: UInt16) { mmioWrite16(base + 8, key.bigEndian) }
    func readByte() -> UInt8 { mmioRead8(base) }

    /// A big-endian number of `count` bytes from the data register.
    func readBigEndian(_ count: Int) -> UInt64 {
        var v: UInt64 = 0
        for _ in 0..<count { v = v << 8 | UInt64(readByte()) }
        return v
    }

    /// The DMA interface: feature bit 1 and the register's signature.
    var hasDMA: Bool {
        select(Self.featuresKey)
        let features = UInt32(readByte()) | UInt32(readByte()) << 8
        return features & 2 != 0 && mmioRead64(base + 16).byteSwapped == Self.dmaSignature
    }

    /// The key and size of the file called `name`; nil when there is none.
    func file(_ name: StaticString) -> (key: UInt16, size: UInt32)? {
        select(Self.fileDirectoryKey)
        let count = readBigEndian(4)
        var found: (key: UInt16, size: UInt32)? = nil
        for _ in 0..<min(count, 4096) {
            let size = UInt32(readBigEndian(4))
            let key = UInt16(readBigEndian(2))
            _ = readBigEndian(2)
            // All 56 name bytes are read either way: the register advances.
            var same = true
            for i in 0..<56 {
                let b = readByte()
                let want: UInt8 = i < name.utf8CodeUnitCount ? name.utf8Start[i] : 0
                if i <= name.utf8CodeUnitCount && b != want { same = false }
            }
            if same && found == nil { found = (key, size) }
        }
        return found
    }

    /// Item `key` from its start, at most `limit` bytes, through the data register.
    func read(_ key: UInt16, size: UInt32, limit: Int) -> [UInt8] {
        select(key)
        var bytes: [UInt8] = []
        for _ in 0..<min(Int(size), limit) { bytes.append(readByte()) }
        return bytes
    }

    /// Writes `length` bytes at physical `source` into item `key` from its
    /// start: one DMA transfer, select | write. QEMU performs it during the
    /// register store; the control word is polled anyway (the interface
    /// allows asynchronous completion), for at most a million reads. False
    /// when the device sets the error bit (e.g. the item is not writable or
    /// `length` is not its size) or never finishes.
    func dmaWrite(_ key: UInt16, from source: UInt64, length: UInt32) -> Bool {
        // The access structure, big-endian {u32 control, u32 length, u64 address},
        // in the heap: the linear map, so its physical address is known.
        let access = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
        defer { access.deallocate() }
        access.storeBytes(of: (UInt32(key) << 16 | Self.dmaSelect | Self.dmaWrite).bigEndian, as: UInt32.self)
        access.storeBytes(of: length.bigEndian, toByteOffset: 4, as: UInt32.self)
        access.storeBytes(of: source.bigEndian, toByteOffset: 8, as: UInt64.self)
        kenix_dmb_oshst()       // the structure and the data before the doorbell
        mmioWrite64(base + 16, pa(ofKernel: UInt64(UInt(bitPattern: access))).bigEndian)
        let control = UnsafeMutablePointer<UInt32>(access.assumingMemoryBound(to: UInt32.self))
        var spins = 0
        while true {
            let c = UInt32(bigEndian: volatileLoad(control))
            if c & ~Self.dmaError == 0 { return c & Self.dmaError == 0 }
            spins += 1
            if spins > 1_000_000 { return false }
        }
    }
}

/// A load the compiler may not merge or hoist: the device writes the word.
@inline(__always) func volatileLoad(_ p: UnsafeMutablePointer<UInt32>) -> UInt32 {
    mmioRead32(UInt64(UInt(bitPattern: p)))
}
