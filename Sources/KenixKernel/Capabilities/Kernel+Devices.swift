// Device authority: the UART, the keyboard, the framebuffer and the data
// disks are used only with their device handles, which init starts with and
// hands down (the console gets the UART, the keyboard driver the keyboard).
import HAL
import KenixABI

extension Kernel {
    /// Succeeds if `handle` is `slot`'s handle for device `code` with `use`.
    mutating func useDevice(_ slot: Int, _ handle: UInt64, _ code: UInt64) -> Result<Void, SyscallError> {
        switch resolve(slot, handle, .device, HandleRights.use) {
        case .failure(let e): return .failure(e)
        case .success(let entry): return entry.object == code ? .success(()) : .failure(.badHandle)
        }
    }

    /// A device's claim result: x0 = a new handle for its interrupt line,
    /// x1 = the line's number.
    mutating func lineHandle(_ slot: Int, _ irq: IRQ) -> SyscallResult {
        let entry = HandleEntry(kind: .interruptLine, rights: HandleRights.use | HandleRights.duplicate | HandleRights.transfer,
                                object: UInt64(irq.number))
        switch grant(slot, entry) {
        case .failure(let e): return .failure(e)
        case .success(let h): return .registers(SyscallReturn(x0: h, x1: UInt64(irq.number)))
        }
    }
}
