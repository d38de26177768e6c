// The keyboard, for its user-space driver. It has one owner, like the UART:
// the keyboard driver, which routes the keyboard's interrupt line to itself
// and reads key events in registers.
import HAL
import KenixABI

extension Kernel {
    /// `keyboard_claim`: makes the caller the keyboard's owner; returns its
    /// interrupt line, which the owner then routes with `irq_register`.
    mutating func keyboardClaim(_ slot: Int) -> SyscallResult {
        guard let keyboard = hal.keyboard else { return .failure(.notFound) }
        if let owner = keyboardOwner, tasks.liveSlot(of: owner) != nil { return .failure(.busy) }
        keyboardOwner = tasks[slot].pointee.id
        return .success(UInt64(keyboard.irq.number))
    }

    /// `keyboard_read`: x0 = events returned (0 to 4, 0 when none wait),
    /// x1–x4 = the events, each `code | pressed << 16`. Owner only.
    mutating func keyboardRead(_ slot: Int) -> SyscallResult {
        guard let keyboard = hal.keyboard else { return .failure(.notFound) }
        guard keyboardOwner == tasks[slot].pointee.id else { return .failure(.notPermitted) }
        var events = InlineArray<4, UInt64>(repeating: 0)
        var count = 0
        while count < 4, let event = keyboard.takeEvent() {
            events[count] = UInt64(event.code) | (event.pressed ? 1 << 16 : 0)
            count += 1
        }
        return .registers(SyscallReturn(x0: UInt64(count), x1: events[0], x2: events[1], x3: events[2],
                                        x4: events[3], x5: 0))
    }
}
