// VirtioKeyboard+Discovery.swift: bringing up the virtio-input device that
// is a keyboard, at boot, before interrupts are in use. virtio-input devices
// (ID 18) include mice and tablets, which report EV_KEY too (their buttons),
// so the test is the key bitmap: the configuration space, with select
// VIRTIO_INPUT_CFG_EV_BITS (0x11) and subsel EV_KEY (1), holds the bitmap of
// key codes the device reports (Virtio 1.1, 5.8.4: {u8 select, u8 subsel,
// u8 size, u8 reserved[5], u8 bitmap[128] at 8}); a keyboard has KEY_A (30).
// The name (select VIRTIO_INPUT_CFG_ID_NAME, 1) goes into the boot log.
// The first keyboard in QEMU command-line order (slots probed from the top,
// as for disks) is used; every other virtio-input device is reset.
import HAL

extension VirtioKeyboard {
    static let inputDeviceID: UInt32 = 18
    static let selectName: UInt8 = 0x01, selectEventBits: UInt8 = 0x11
    static let keyA = 30
    static let preferredQueueSize: UInt32 = 64

    /// Brings up the modern virtio-input device at `slot` if it is a
    /// keyboard, up to DRIVER_OK with every event buffer posted; nil (the
    /// device reset) otherwise, with `reason` saying why.
    init?(slot: VirtioSlot, reason: inout StaticString) {
        let transport = VirtioMMIO(base: kva(slot.base))
        guard transport.negotiateVersion1() != nil else {
            reason = "set-up failed (no VIRTIO_F_VERSION_1)"
            return nil
        }
        guard Self.reportsKey(Self.keyA, transport) else {
            transport.reset()
            reason = "not a keyboard (no KEY_A), not used"
            return nil
        }
        guard let queue = transport.startQueue0(preferredSize: Self.preferredQueueSize, minimumSize: 1) else {
            reason = "no eventq"
            return nil
        }
        let state = VirtioKeyboardState(queue: queue)
        state.postAll(transport)
        self.init(transport: transport, irq: IRQ(slot.irq), state: state)
    }

    /// The device's EV_KEY bitmap has bit `code`.
    static func reportsKey(_ code: Int, _ transport: VirtioMMIO) -> Bool {
        transport.setConfig8(0, selectEventBits)
        transport.setConfig8(1, 1)                      // EV_KEY
        let size = Int(transport.config8(2))
        guard code / 8 < size else { return false }
        return transport.config8(8 + UInt64(code / 8)) & (1 << UInt8(code % 8)) != 0
    }

    /// Prints the device's name (VIRTIO_INPUT_CFG_ID_NAME), quoted.
    static func putName(_ transport: VirtioMMIO) {
        transport.setConfig8(0, selectName)
        transport.setConfig8(1, 0)
        let size = min(Int(transport.config8(2)), 128)
        Console.put("\"")
        for i in 0..<size {
            let b = transport.config8(8 + UInt64(i))
            if b == 0 { break }         // QEMU counts the terminating NUL in `size`
            consoleUART.write(b >= 0x20 && b < 0x7F ? b : 0x3F)
        }
        Console.put("\"")
    }

    /// The keyboard among `slots` by the rule above, logging each decision.
    static func discover(_ slots: [VirtioSlot]) -> VirtioKeyboard? {
        var chosen: VirtioKeyboard? = nil
        for slot in slots.sorted(by: { $0.base > $1.base }) {
            let transport = VirtioMMIO(base: kva(slot.base))
            guard transport.isVirtio, transport.device == inputDeviceID else { continue }
            if transport.transportVersion != 2 {
                log(transport, slot, "legacy (version 1) transport skipped; pass -global virtio-mmio.force-legacy=false")
                continue
            }
            if chosen != nil {
                transport.reset()
                log(transport, slot, reportsKey(keyA, transport) ? "not used (another keyboard is used)"
                                                                 : "not a keyboard (no KEY_A), not used")
                continue
            }
            var reason: StaticString = ""
            guard let keyboard = VirtioKeyboard(slot: slot, reason: &reason) else {
                log(transport, slot, reason)
                continue
            }
            chosen = keyboard
            Console.put("kenix: keyboard: virtio-input ")
            putName(transport)
            Console.put(" at ")
            Console.put(shortHex: slot.base)
            Console.put(", INTID ")
            Console.put(decimal: UInt64(slot.irq))
            Console.put(", ")
            Console.put(decimal: UInt64(keyboard.state.queue.size))
            Console.put(" event buffers\n")
        }
        if chosen == nil { Console.put("kenix: keyboard: none (no virtio-keyboard-device)\n") }
        return chosen
    }

    private static func log(_ transport: VirtioMMIO, _ slot: VirtioSlot, _ what: StaticString) {
        Console.put("kenix: virtio-input ")
        if transport.transportVersion == 2 { putName(transport); Console.put(" ") }
        Console.put("at ")
        Console.put(shortHex: slot.base)
        Console.put(": ")
        Console.put(what)
        Console.put("\n")
    }
}
