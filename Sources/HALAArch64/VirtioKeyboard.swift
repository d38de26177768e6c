// VirtioKeyboard.swift: a virtio-input keyboard (Virtio 1.1, 5.8 "Input
// Device"; QEMU `-device virtio-keyboard-device`) as the HAL's Keyboard, on
// one modern virtio-mmio transport. Only VIRTIO_F_VERSION_1 is negotiated.
// The eventq (queue 0) holds one 8-byte buffer per descriptor, all
// device-writable, each receiving one virtio_input_event {le16 type,
// le16 code, le32 value} (the evdev event, 5.8.6). Buffer d lives at d × 8 in
// the queue page's scratch area. Every buffer is re-posted once read. Only
// EV_KEY (type 1) events are reported: value 0 = release, 1 = press,
// 2 = autorepeat (reported as pressed); EV_SYN and the rest are dropped.
// The statusq (queue 1, LED state from the driver) is not set up: Kenix
// never lights the keyboard's LEDs, and the device works without it.
// Interrupt: the transport's SPI, which KernelMain sets level-triggered. The
// device holds it while InterruptStatus is non-zero; takeEvent acknowledges
// it once the used ring is drained (VirtioMMIO.drain, as the disk driver does).
import HAL

struct VirtioKeyboard: Keyboard {
    let transport: VirtioMMIO
    let irq: IRQ
    let state: VirtioKeyboardState

    /// Contract (Keyboard): never blocks; callable from a syscall. The line
    /// drops when the last event is taken, and none published before a nil
    /// is missed (VirtioMMIO.drain says how). Callers take until nil
    /// (keyboard_read: until it returns fewer than its four events).
    func takeEvent() -> KeyEvent? {
        transport.drain(state.queue) { state.takeKey(transport) }
    }

    /// Resets the device: it stops writing the buffers and lowers its line.
    func shutDown() { transport.reset() }
}

/// The mutable half of a VirtioKeyboard: the eventq and its buffers.
final class VirtioKeyboardState {
    let queue: VirtioQueue

    static let eventBytes = 8
    static let keyEvent: UInt16 = 1       // EV_KEY

    /// `queue`: a started eventq (VirtioMMIO.startQueue0); no buffer is
    /// offered until postAll, so the device reads no descriptor before then.
    init(queue: VirtioQueue) {
        self.queue = queue
        for d in 0..<queue.size {
            queue.setDescriptor(d, address: queue.scratchPhysical(Int(d) * Self.eventBytes),
                                length: UInt32(Self.eventBytes), flags: VirtioQueue.deviceWrites, next: 0)
        }
    }

    /// Offers every buffer to the device (once, after DRIVER_OK).
    func postAll(_ transport: VirtioMMIO) {
        for d in 0..<queue.size { queue.makeAvailable(d) }
        transport.notify(0)
    }

    /// The next EV_KEY event in the used ring, nil when none is left. Each
    /// buffer is read, then offered again; one notify covers them all.
    func takeKey(_ transport: VirtioMMIO) -> KeyEvent? {
        var reposted = false
        defer { if reposted { transport.notify(0) } }
        while let used = queue.takeUsed() {
            guard used.head < queue.size else { continue }     // a device bug: not our buffer
            let event = queue.scratch(Int(used.head) * Self.eventBytes)
            let type = event.load(as: UInt16.self)
            let code = event.load(fromByteOffset: 2, as: UInt16.self)
            let value = event.load(fromByteOffset: 4, as: UInt32.self)
            kenix_dmb_osh()   // the loads complete before the device may write the buffer again
            queue.makeAvailable(used.head)
            reposted = true
            if type == Self.keyEvent && used.written >= UInt32(Self.eventBytes) {
                return KeyEvent(code: code, pressed: value != 0)
            }
        }
        return nil
    }
}
