// VirtioBlock+Discovery.swift: bringing up the virtio-blk devices and telling
// the kernel's swap disk from the data disks, at boot, before interrupts are
// in use. Each device's serial (VIRTIO_BLK_T_GET_ID) decides:
//   - "kenix-swap", writable: the swap disk (QEMU: `-device
//     virtio-blk-device,drive=swap,serial=kenix-swap`);
//   - "kenix-dataN", N = 0 to 7: a data disk, read-only or not (`make
//     run-kernel DISK=FILE` attaches serial kenix-data0). Data disks are
//     numbered in the order of N, without gaps; a second device with the
//     same N is not used;
//   - anything else (no serial, another one): without a kenix-swap device,
//     the first writable one in QEMU command-line order is the swap disk
//     (QEMU gives the first -device the highest slot, so slots are probed
//     from the top); read-only ones (VIRTIO_BLK_F_RO, e.g. the UEFI boot's
//     ESP) and the rest are not used.
// Every device not used is reset. The result is `disks`: the swap disk
// first (if any), then the data disks in order, as ArmHAL hands them over.
import HAL

extension VirtioBlockDevice {
    static let blockDeviceID: UInt32 = 2
    /// VIRTIO_BLK_F_RO (5.2.3): offered, never negotiated (we only need to know).
    static let featureReadOnly: UInt64 = 1 << 5
    /// VIRTIO_BLK_F_FLUSH (5.2.3): negotiated when offered.
    static let featureFlush: UInt64 = 1 << 9
    static let swapSerial: StaticString = "kenix-swap"
    static let dataSerialPrefix: StaticString = "kenix-data"
    static let maximumDataDisks = 8
    /// Queue size: min(QueueNumMax, 64) rounded down to a power of two; 21 requests in flight.
    static let preferredQueueSize: UInt32 = 64

    /// Brings up the modern virtio-blk device at `slot` up to DRIVER_OK;
    /// nil when there is none or it refuses VIRTIO_F_VERSION_1 or queue 0.
    init?(slot: VirtioSlot, ram: PhysRange) {
        let transport = VirtioMMIO(base: kva(slot.base))
        guard transport.isVirtio, transport.transportVersion == 2,
              transport.device == Self.blockDeviceID else { return nil }
        guard let offered = transport.negotiateVersion1(optional: Self.featureFlush),
              let queue = transport.startQueue0(preferredSize: Self.preferredQueueSize,
                                                minimumSize: 4)   // one 3-descriptor chain
        else { return nil }
        let state = VirtioBlockState(queue: queue)
        self.init(transport: transport, irq: IRQ(slot.irq), sectorCount: transport.config64(0),
                  readOnly: offered & Self.featureReadOnly != 0, flushes: offered & Self.featureFlush != 0,
                  ram: ram, state: state)
    }

    /// The device's serial (up to 20 bytes, without the NUL padding): one
    /// GET_ID request, polled (boot only, interrupts not yet in use; bounded
    /// by one second of the generic timer). Empty when the device has none
    /// (UNSUPP); nil when it does not answer in time.
    func serial() -> [UInt8]? {
        let id = state.identity
        for i in 0..<VirtioBlockState.identityBytes { id.storeBytes(of: 0, toByteOffset: i, as: UInt8.self) }
        guard state.enqueue(type: 8, sector: 0, data: state.identityPhysical,
                            length: UInt32(VirtioBlockState.identityBytes), deviceWrites: true,
                            tag: 0, transport: transport) else { return nil }
        let deadline = kenix_read_cntvct() + kenix_read_cntfrq()
        while !state.queue.hasUsed {
            if kenix_read_cntvct() > deadline { return nil }
        }
        guard let done = takeCompletion() else { return nil }
        _ = takeCompletion()        // nil: acknowledges, the line is low again
        guard done.succeeded else { return [] }
        // NUL-padded to 20 bytes, unterminated when exactly 20.
        var bytes: [UInt8] = []
        for i in 0..<VirtioBlockState.identityBytes {
            let b = id.load(fromByteOffset: i, as: UInt8.self)
            if b == 0 { break }
            bytes.append(b)
        }
        return bytes
    }

    /// What a serial makes of a device.
    enum Role: Equatable {
        case swap
        case data(Int)
        case other
    }

    static func role(of serial: [UInt8]) -> Role {
        if matches(serial, swapSerial) { return .swap }
        let prefix = dataSerialPrefix.utf8CodeUnitCount
        guard serial.count == prefix + 1, matches(Array(serial[0..<prefix]), dataSerialPrefix),
              serial[prefix] >= 0x30, serial[prefix] < 0x30 + UInt8(maximumDataDisks) else { return .other }
        return .data(Int(serial[prefix] - 0x30))
    }

    static func matches(_ bytes: [UInt8], _ s: StaticString) -> Bool {
        guard bytes.count == s.utf8CodeUnitCount else { return false }
        for i in 0..<bytes.count where bytes[i] != s.utf8Start[i] { return false }
        return true
    }

    /// The disks among `slots` by the rules above, logging each decision:
    /// the swap disk (if any) first, then the data disks, and the swap
    /// disk's index (0 or nil).
    static func discover(_ slots: [VirtioSlot], ram: PhysRange) -> (disks: [VirtioBlockDevice], swap: Int?) {
        var swap: VirtioBlockDevice? = nil
        var swapByName = false
        var data: [(number: Int, disk: VirtioBlockDevice)] = []
        for slot in slots.sorted(by: { $0.base > $1.base }) {
            let transport = VirtioMMIO(base: kva(slot.base))
            guard transport.isVirtio, transport.device == blockDeviceID else { continue }
            let version = transport.transportVersion
            if version == 1 {
                log("legacy (version 1) transport skipped; pass -global virtio-mmio.force-legacy=false", slot)
            }
            guard version == 2 else { continue }
            guard let disk = VirtioBlockDevice(slot: slot, ram: ram) else {
                log("set-up failed (no VIRTIO_F_VERSION_1 or no queue 0)", slot)
                continue
            }
            guard let serial = disk.serial() else {
                disk.shutDown()      // its GET_ID may still be pending: reset before the queue is freed
                log("no answer to GET_ID, not used", slot)
                continue
            }
            switch role(of: serial) {
            case .data(let n):
                if data.contains(where: { $0.number == n }) {
                    disk.shutDown()
                    log("not used (another disk has the same kenix-data serial)", slot)
                } else {
                    data.append((n, disk))
                }
            case .swap where !disk.readOnly:
                if swapByName {
                    disk.shutDown()
                    log("not used (another disk is the swap disk)", slot)
                } else {
                    if let previous = swap {
                        previous.shutDown()
                        log("not used (another disk has serial kenix-swap)",
                            VirtioSlot(base: pa(ofKernel: previous.transport.base), irq: previous.irq.number))
                    }
                    swap = disk
                    swapByName = true
                }
            case .swap, .other:
                if disk.readOnly {
                    disk.shutDown()
                    log("read-only, not used", slot)
                } else if swap == nil {
                    swap = disk
                } else {
                    disk.shutDown()
                    log("not used (another disk is the swap disk)", slot)
                }
            }
        }
        if let disk = swap {
            Console.put("kenix: swap disk: virtio-blk at ")
            Console.put(shortHex: pa(ofKernel: disk.transport.base))
            Console.put(", INTID ")
            Console.put(decimal: UInt64(disk.irq.number))
            Console.put(", ")
            Console.put(decimal: disk.sectorCount)
            Console.put(swapByName ? " sectors, serial kenix-swap\n" : " sectors, first writable disk (no serial kenix-swap)\n")
        } else {
            Console.put("kenix: no writable virtio-blk disk: no swap\n")
        }
        data.sort { $0.number < $1.number }
        for (k, d) in data.enumerated() {
            Console.put("kenix: data disk ")
            Console.put(decimal: UInt64(k))
            Console.put(": virtio-blk at ")
            Console.put(shortHex: pa(ofKernel: d.disk.transport.base))
            Console.put(", INTID ")
            Console.put(decimal: UInt64(d.disk.irq.number))
            Console.put(", ")
            Console.put(decimal: d.disk.sectorCount)
            Console.put(" sectors, serial kenix-data")
            Console.put(decimal: UInt64(d.number))
            if d.disk.readOnly { Console.put(", read-only") }
            if d.disk.flushes { Console.put(", write cache") }
            Console.put("\n")
        }
        return ((swap.map { [$0] } ?? []) + data.map { $0.disk }, swap == nil ? nil : 0)
    }

    private static func log(_ what: StaticString, _ slot: VirtioSlot) {
        Console.put("kenix: virtio-blk at ")
        Console.put(shortHex: slot.base)
        Console.put(": ")
        Console.put(what)
        Console.put("\n")
    }
}
