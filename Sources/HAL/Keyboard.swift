// A keyboard: key presses and releases as Linux input event codes (the codes
// virtio-input reports, KEY_A = 30, KEY_ENTER = 28, ...), queued by the
// device and signalled on a level interrupt line. Turning codes into
// characters is the user-space keyboard driver's job.

public struct KeyEvent: Equatable, Sendable {
    /// Linux input event code (linux/input-event-codes.h).
    public var code: UInt16
    /// True for a press or an autorepeat, false for a release.
    public var pressed: Bool

    public init(code: UInt16, pressed: Bool) { self.code = code; self.pressed = pressed }
}

public protocol Keyboard {
    /// Level-triggered: high while an event is waiting.
    var irq: IRQ { get }
    /// The oldest waiting event, removed from the device; nil when none.
    /// Contract: never blocks; callable from a syscall.
    func takeEvent() -> KeyEvent?
}

/// The platform has no keyboard.
public struct NoKeyboard: Keyboard {
    public init() {}
    public var irq: IRQ { IRQ(1023) }   // GIC's "spurious": never raised
    public func takeEvent() -> KeyEvent? { nil }
}
