// InterruptRoute: which task owns a device interrupt line, and which bit of
// which of its notifications the line signals (see Kernel+Notifications).

/// A user-space driver's claim on an interrupt line: each interrupt masks
/// the line and signals `bit` of `notification` until the driver acks it.
struct InterruptRoute {
    var irq: UInt32 = 0
    var owner = -1              // task slot, -1 = free entry
    var notification: UInt64 = 0
    var bit: UInt64 = 0
}
