// The UART, owned by one task (the console server): it claims the UART, then
// writes it and reads what was received; the receive interrupt is routed to
// it like any driver's line.
import HAL
import KenixABI

extension Kernel {
    /// Makes `slot` the UART's owner; returns the UART's receive interrupt
    /// line, which the owner may then route to itself with `irq_register`.
    /// `uart_claim(device)`: with the UART's device handle, the caller
    /// becomes its owner; x0 = a handle for its receive line (to route with
    /// `irq_register`), x1 = the line's number.
    mutating func uartClaim(_ slot: Int, device: UInt64) -> SyscallResult {
        if case .failure(let e) = useDevice(slot, device, DeviceCode.uart) { return .failure(e) }
        if let owner = uartOwner, owner != tasks[slot].pointee.id, tasks.liveSlot(of: owner) != nil {
            return .failure(.busy)
        }
        uartOwner = tasks[slot].pointee.id
        return lineHandle(slot, hal.uart.irq)
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
