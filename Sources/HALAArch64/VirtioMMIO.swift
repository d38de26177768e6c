// VirtioMMIO.swift: one virtio-mmio transport, the modern interface only
// (Virtio 1.1, 4.2.2 "MMIO Device Register Layout", Version 2; the legacy
// Version 1 layout with QueuePFN is not supported: QEMU needs
// `-global virtio-mmio.force-legacy=false`). The driver side of device
// initialisation (3.1.1): reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK,
// queue set-up (4.2.3.2), DRIVER_OK. Registers are little-endian 32-bit.
// Also what the block and keyboard drivers share: their bring-up
// (negotiateVersion1, startQueue0) and their interrupt drain (drain).

/// A virtio-mmio slot the device tree describes.
struct VirtioSlot {
    var base: UInt64       // physical
    var irq: UInt32        // INTID (SPI number + 32)
}

struct VirtioMMIO {
    let base: UInt64       // kernel virtual address

    // Register offsets (4.2.2).
    static let magic: UInt64 = 0x000            // "virt" = 0x74726976
    static let version: UInt64 = 0x004          // 2 = modern, 1 = legacy
    static let deviceID: UInt64 = 0x008         // 0 = empty slot, 2 = block, 18 = input
    static let deviceFeatures: UInt64 = 0x010
    static let deviceFeaturesSel: UInt64 = 0x014
    static let driverFeatures: UInt64 = 0x020
    static let driverFeaturesSel: UInt64 = 0x024
    static let queueSel: UInt64 = 0x030
    static let queueNumMax: UInt64 = 0x034
    static let queueNum: UInt64 = 0x038
    static let queueReady: UInt64 = 0x044
    static let queueNotify: UInt64 = 0x050
    static let interruptStatus: UInt64 = 0x060  // bit 0 used buffer, bit 1 configuration change
    static let interruptACK: UInt64 = 0x064
    static let status: UInt64 = 0x070
    static let queueDescLow: UInt64 = 0x080     // + 4 for the high half
    static let queueDriverLow: UInt64 = 0x090   // the available ring
    static let queueDeviceLow: UInt64 = 0x0A0   // the used ring
    static let configGeneration: UInt64 = 0x0FC
    static let config: UInt64 = 0x100           // device-specific configuration

    static let magicValue: UInt32 = 0x7472_6976

    // Device status bits (2.1).
    static let acknowledge: UInt32 = 1, driver: UInt32 = 2, driverOK: UInt32 = 4
    static let featuresOK: UInt32 = 8, failed: UInt32 = 128

    /// VIRTIO_F_VERSION_1 (6 "Reserved Feature Bits"): the modern interface.
    static let featureVersion1: UInt64 = 1 << 32

    func read(_ offset: UInt64) -> UInt32 { mmioRead32(base + offset) }
    func write(_ offset: UInt64, _ value: UInt32) { mmioWrite32(base + offset, value) }

    var isVirtio: Bool { read(Self.magic) == Self.magicValue }
    var transportVersion: UInt32 { read(Self.version) }
    var device: UInt32 { read(Self.deviceID) }

    /// Writing 0 resets the device; it reads 0 once the reset is done (4.2.3.1).
    /// A reset device stops using every buffer and drops its interrupt.
    func reset() {
        write(Self.status, 0)
        var spins = 0
        while read(Self.status) != 0 && spins < 1_000_000 { spins += 1 }
    }

    /// Resets the device and announces a driver; returns the features it offers.
    func begin() -> UInt64 {
        reset()
        write(Self.status, Self.acknowledge)
        write(Self.status, Self.acknowledge | Self.driver)
        write(Self.deviceFeaturesSel, 1)
        let high = UInt64(read(Self.deviceFeatures))
        write(Self.deviceFeaturesSel, 0)
        return high << 32 | UInt64(read(Self.deviceFeatures))
    }

    /// Accepts `features` (a subset of the offered ones) and sets FEATURES_OK;
    /// false, with FAILED set, when the device does not keep FEATURES_OK.
    func accept(_ features: UInt64) -> Bool {
        write(Self.driverFeaturesSel, 1)
        write(Self.driverFeatures, UInt32(truncatingIfNeeded: features >> 32))
        write(Self.driverFeaturesSel, 0)
        write(Self.driverFeatures, UInt32(truncatingIfNeeded: features))
        write(Self.status, Self.acknowledge | Self.driver | Self.featuresOK)
        guard read(Self.status) & Self.featuresOK != 0 else {
            write(Self.status, Self.failed)
            return false
        }
        return true
    }

    /// The largest size queue `index` allows, 0 when it does not exist or is in use.
    func maximumQueueSize(_ index: UInt32) -> UInt32 {
        write(Self.queueSel, index)
        guard read(Self.queueReady) == 0 else { return 0 }
        return read(Self.queueNumMax)
    }

    /// Tells the device where queue `index`'s three areas are (physical addresses).
    func setUpQueue(_ index: UInt32, size: UInt32, descriptors: UInt64, driverArea: UInt64, deviceArea: UInt64) {
        write(Self.queueSel, index)
        write(Self.queueNum, size)
        writeAddress(Self.queueDescLow, descriptors)
        writeAddress(Self.queueDriverLow, driverArea)
        writeAddress(Self.queueDeviceLow, deviceArea)
        write(Self.queueReady, 1)
    }

    private func writeAddress(_ low: UInt64, _ pa: UInt64) {
        write(low, UInt32(truncatingIfNeeded: pa))
        write(low + 4, UInt32(truncatingIfNeeded: pa >> 32))
    }

    func start() {
        write(Self.status, Self.acknowledge | Self.driver | Self.featuresOK | Self.driverOK)
    }

    // The shared bring-up comes in two halves so that a driver can check its
    // own device in between (3.1.1 step 7; the keyboard reads its key bitmap).

    /// Resets the device, announces a driver and negotiates VIRTIO_F_VERSION_1
    /// plus those of `optional` the device offers; returns every feature the
    /// device offers (a driver may look at the rest, never use them). nil,
    /// the device reset, when it does not offer VERSION_1 or does not keep
    /// FEATURES_OK.
    func negotiateVersion1(optional: UInt64 = 0) -> UInt64? {
        let offered = begin()
        guard offered & Self.featureVersion1 != 0, accept(Self.featureVersion1 | (offered & optional)) else {
            reset()
            return nil
        }
        return offered
    }

    /// Sets up queue 0 and sets DRIVER_OK: the size is `preferredSize` (a
    /// power of two, at most VirtioQueue.maximumSize) halved until the device
    /// allows it; nil, the device reset, when that is below `minimumSize`
    /// (queue 0 missing or too small). Returns the new queue, which holds no
    /// buffers yet.
    func startQueue0(preferredSize: UInt32, minimumSize: UInt32) -> VirtioQueue? {
        let maximum = maximumQueueSize(0)
        var size = preferredSize
        while size > maximum && size > 0 { size >>= 1 }
        guard size >= minimumSize, size > 0 else { reset(); return nil }
        let queue = VirtioQueue(size: UInt16(size))
        setUpQueue(0, size: size, descriptors: queue.descriptorArea,
                   driverArea: queue.driverArea, deviceArea: queue.deviceArea)
        start()
        return queue
    }

    /// New buffers are in queue `index`'s available ring. The caller orders
    /// its ring writes before this store (kenix_dmb_oshst).
    func notify(_ index: UInt32) { write(Self.queueNotify, index) }

    /// Clears every pending interrupt reason, which lowers the (level) line
    /// until the device has something new to say (4.2.2, InterruptACK).
    func acknowledgeInterrupt() {
        let pending = read(Self.interruptStatus)
        if pending != 0 { write(Self.interruptACK, pending) }
    }

    /// The next item `take` finds in `queue`'s used ring, nil when none is
    /// left; the one place the drivers lower their line. Acknowledging clears
    /// InterruptStatus, so it waits until the ring is empty; but an entry
    /// published just before the acknowledge would then lose its interrupt,
    /// so the empty case acknowledges, orders that before the ring read, and
    /// looks again. Once this returns nil, every entry published earlier has
    /// been taken and a later one raises the line anew. Callers take until nil.
    func drain<Item>(_ queue: VirtioQueue, _ take: () -> Item?) -> Item? {
        if let item = take() {
            if !queue.hasUsed { acknowledgeInterrupt() }
            return item
        }
        acknowledgeInterrupt()
        kenix_dmb_osh()
        return take()
    }

    /// A byte of the device configuration (byte-wide access, as the spec
    /// requires for 8-bit fields).
    func config8(_ offset: UInt64) -> UInt8 { mmioRead8(base + Self.config + offset) }
    func setConfig8(_ offset: UInt64, _ value: UInt8) { mmioWrite8(base + Self.config + offset, value) }

    /// A 64-bit configuration field, read as two halves under an unchanged
    /// ConfigGeneration (4.2.2: the device may update it between the reads).
    func config64(_ offset: UInt64) -> UInt64 {
        while true {
            let generation = read(Self.configGeneration)
            let low = UInt64(read(Self.config + offset))
            let high = UInt64(read(Self.config + offset + 4))
            if read(Self.configGeneration) == generation { return high << 32 | low }
        }
    }
}
