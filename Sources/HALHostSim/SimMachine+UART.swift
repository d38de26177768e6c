// SimMachine+UART: the simulated UART's two sides. Output goes to the
// console sink (and into the trace hash). Input is a FIFO the kernel reads
// (`uartInput`, a TimedQueue), fed with bytes available now or arriving at a
// simulated time: from `SimConfig.input` (ConsoleInput, a line at a time
// when the machine idles, see SimMachine+Input) and from tests. The receive
// interrupt (INTID 33) is a level: asserted while the FIFO holds data.

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
        uartInput.schedule(bytes, at: time, now: now)
    }
}
