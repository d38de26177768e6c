// VirtioBlock+Discovery.swift: bringing up virtio-blk devices and choosing
// the kernel's swap disk among them, at boot, before interrupts are in use.
// The rule: the writable block device whose serial (VIRTIO_BLK_T_GET_ID) is
// "kenix-swap" (QEMU: `-device virtio-blk-device,drive=swap,serial=kenix-swap`);
// without one, the first writable block device in QEMU command-line order
// (QEMU gives the first -device the highest slot, so slots are probed from
// the top). Read-only devices (VIRTIO_BLK_F_RO, e.g. the UEFI boot's ESP)
// are never chosen. Every device not chosen is reset and left alone.
import HAL

extension VirtioBlockDevice {
    static let blockDeviceID: UInt32 = 2
    /// VIRTIO_BLK_F_RO (5.2.3): offered, never negotiated (we only need to know).
    static let featureReadOnly: UInt64 = 1 << 5
    static let swapSerial: StaticString = "kenix-swap"
    /// Queue size: min(QueueNumMax, 16) rounded down to a power of two; five requests in flight.
    static let preferredQueueSize: UInt32 = 64

    /// Brings up the modern virtio-blk device at `slot` up to DRIVER_OK;
    /// nil when there is none or it refuses VIRTIO_F_VERSION_1 or queue 0.
    init?(slot: VirtioSlot, ram: PhysRange) {
        let transport = VirtioMMIO(base: kva(slot.base))
        guard transport.isVirtio, transport.transportVersion == 2,
              transport.device == Self.blockDeviceID else { return nil }
        guard let offered = transport.negotiateVersion1(),
              let queue = transport.startQueue0(preferredSize: Self.preferredQueueSize,
                                                minimumSize: 4)   // one 3-descriptor chain
        else { return nil }
        let state = VirtioBlockState(queue: queue)
        self.init(transport: transport, irq: IRQ(slot.irq), sectorCount: transport.config64(0),
                  readOnly: offered & Self.featureReadOnly != 0, ram: ram, state: state)
    }

    /// Whether the device's serial is `serial`: one GET_ID request, polled
    /// (boot only, interrupts not yet in use; bounded by one second of the
    /// generic timer). nil when the device does not answer in time.
    func serialIs(_ serial: StaticString) -> Bool? {
        let id = state.identity
        for i in 0..<VirtioBlockState.identityBytes { id.storeBytes(of: 0, toByteOffset: i, as: UInt8.self) }
        guard state.enqueue(type: 8, sector: 0, data: state.identityPhysical,
                            length: UInt32(VirtioBlockState.identityBytes), deviceWrites: true,
                            tag: 0, transport: transport) else { return nil }
        let deadline = kenix_read_cntvct() + kenix_read_cntfrq()
        while !state.queue.hasUsed {
            if kenix_read_cntvct() > deadline { return nil }
        }
        guard let done = takeCompletion(), done.succeeded else { return false }   // UNSUPP: no serial
        _ = takeCompletion()        // nil: acknowledges, the line is low again
        // The ID is NUL-padded to 20 bytes, unterminated when exactly 20.
        let n = serial.utf8CodeUnitCount
        guard n <= VirtioBlockState.identityBytes else { return false }
        for i in 0..<n where id.load(fromByteOffset: i, as: UInt8.self) != serial.utf8Start[i] { return false }
        return n == VirtioBlockState.identityBytes || id.load(fromByteOffset: n, as: UInt8.self) == 0
    }

    /// The swap disk among `slots` by the rule above, logging each decision;
    /// nil when there is no writable modern virtio-blk device.
    static func discover(_ slots: [VirtioSlot], ram: PhysRange) -> VirtioBlockDevice? {
        var chosen: VirtioBlockDevice? = nil
        var chosenBySerial = false
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
            if disk.readOnly {
                disk.shutDown()
                log("read-only, not used", slot)
                continue
            }
            guard let named = disk.serialIs(swapSerial) else {
                disk.shutDown()      // its GET_ID may still be pending: reset before the queue is freed
                log("no answer to GET_ID, not used", slot)
                continue
            }
            if chosenBySerial || (chosen != nil && !named) {
                disk.shutDown()
                log("not used (another disk is the swap disk)", slot)
                continue
            }
            if let previous = chosen {
                previous.shutDown()
                log("not used (another disk has serial kenix-swap)",
                    VirtioSlot(base: pa(ofKernel: previous.transport.base), irq: previous.irq.number))
            }
            chosen = disk
            chosenBySerial = named
        }
        if let disk = chosen {
            Console.put("kenix: swap disk: virtio-blk at ")
            Console.put(shortHex: pa(ofKernel: disk.transport.base))
            Console.put(", INTID ")
            Console.put(decimal: UInt64(disk.irq.number))
            Console.put(", ")
            Console.put(decimal: disk.sectorCount)
            Console.put(chosenBySerial ? " sectors, serial kenix-swap\n" : " sectors, first writable disk (no serial kenix-swap)\n")
        } else {
            Console.put("kenix: no writable virtio-blk disk: no swap\n")
        }
        return chosen
    }

    private static func log(_ what: StaticString, _ slot: VirtioSlot) {
        Console.put("kenix: virtio-blk at ")
        Console.put(shortHex: slot.base)
        Console.put(": ")
        Console.put(what)
        Console.put("\n")
    }
}
