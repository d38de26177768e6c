// SimMachine+UART: the simulated UART's two sides. Output goes to the
// console sink (and into the trace hash); input is scripted: bytes available
// now or arriving at a simulated time (the host's stdin is a later issue).
// The receive interrupt (INTID 33) is asserted while the FIFO holds data.

extension SimMachine {
    func consoleWrite(_ byte: UInt8) {
        hash.add(byte: 0x30)
        hash.add(byte: byte)
        switch config.console {
        case .standardOutput: hostConsole?.write(byte)
        case .capture: consoleOutput.append(byte)
        case .discard: break
        case .custom(let sink): sink(byte)
        }
    }

    /// Bytes available to `UART.read()` from now on.
    public func enqueueInput(_ bytes: [UInt8]) { uartInput.append(bytes) }

    /// Bytes that arrive at simulated time `time`.
    public func scheduleInput(_ bytes: [UInt8], at time: UInt64) {
        if time <= now { uartInput.append(bytes) } else { uartInput.schedule(bytes, at: time) }
    }
}
