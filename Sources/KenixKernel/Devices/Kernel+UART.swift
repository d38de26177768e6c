// The UART, owned by one task (the console server): it claims the UART, then
// writes it and reads what was received; the receive interrupt is routed to
// it like any driver's line.
import HAL
import KenixABI

extension Kernel {
    /// Makes `slot` the UART's owner; returns the UART's receive interrupt
    /// line, which the owner may then route to itself with `irq_register`.
    mutating func uartClaim(_ slot: Int) -> SyscallResult {
        if let owner = uartOwner, tasks.liveSlot(of: owner) != nil { return .failure(.busy) }
        uartOwner = tasks[slot].pointee.id
        return .success(UInt64(hal.uart.irq.number))
    }

    mutating func uartWrite(_ slot: Int, address: UInt64, length: UInt64) -> SyscallResult {
        guard uartOwner == tasks[slot].pointee.id else { return .failure(.notPermitted) }
        guard length <= SyscallLimits.maxUARTWrite else { return .failure(.invalidArgument) }
        let uart = hal.uart
        return SyscallResult(withUserBytes(slot, address, length, access: .read) { chunk in
            for b in chunk { uart.write(b) }
        }.map { length })
    }

    /// Copies up to `length` received bytes to the owner's buffer; 0 when
    /// none are waiting (never blocks: the owner waits on the UART's line).
    mutating func uartRead(_ slot: Int, address: UInt64, length: UInt64) -> SyscallResult {
        guard uartOwner == tasks[slot].pointee.id else { return .failure(.notPermitted) }
        guard length <= SyscallLimits.maxUARTWrite else { return .failure(.invalidArgument) }
        // withUserBytes checks the whole buffer before the first chunk, so no
        // byte is taken from the UART and then lost on a bad pointer.
        var count: UInt64 = 0
        let uart = hal.uart
        let copied = withUserBytes(slot, address, length, access: .write) { chunk in
            var i = 0
            while i < chunk.count, let b = uart.read() {
                chunk[i] = b
                i += 1
            }
            count += UInt64(i)
        }
        return SyscallResult(copied.map { count })
    }
}
