// SimMachine+Input: when typed input reaches the machine, and in what order.
//
// Input is given only when the machine is idle for good (no event could wake
// the CPU, see SimCPU.waitForInterrupt); the next piece then arrives
// `config.inputDelay` later. A run therefore depends on what was typed, never
// on when the host delivered it. The order:
//   1. the scripted keys (`config.keys`), a line at a time, all of them
//      before anything else (while the keyboard's line is masked, nothing);
//   2. keys typed in the window: they go to the keyboard at the next
//      host-poll point, busy or idle, and a key recording keeps them
//      (SimMachine+HostPoll); idle, the machine goes to that point at once;
//   3. the UART's lines (`config.input`), then one EOT (0x04, Ctrl-D).
// Just before that EOT, every typed line has been consumed and the machine
// is idle again: the `.inputEnd` capture moment. With a window open, the
// host waits for the window and the UART's input at once, as long as the
// keyboard or the UART listens; closing the window halts the machine.
// A live terminal's keys (SimConfig.terminal) come at any host-poll point,
// busy or idle (SimMachine+HostPoll); idle for good, the machine waits on the
// host for them (or, replaying, goes on to the next recorded arrival).

extension SimMachine {
    /// Schedules the next input if the machine is otherwise idle for good;
    /// false when there is no more input to give (or no one listens). True
    /// also when the machine must halt (the window was closed).
    func feedInput() -> Bool {
        while true {
            if now >= haltTime || windowClosed { return true }
            let keyboardListens = keyboard != nil && gic.canDeliver(SimKeyboard.irq.number)
            if let keyboard, !keysEnded, let keys = config.keys {
                guard keyboardListens else { return false }
                if let line = keys.nextLine() {
                    keyboard.schedule(line, at: now &+ config.inputDelay, now: now)
                    return true
                }
                keysEnded = true
            }
            if keyboard != nil, !hostKeys.isEmpty, let hostPoller {
                hostPoller.force = true   // the next point gives them
                return true
            }
            let uartListens = config.input != nil && !inputEnded && gic.canDeliver(Self.uartIRQ.number)
            if uartListens, let source = config.input, window == nil || source.isReady {
                if let line = source.nextLine() {
                    scheduleInput(line, at: now &+ config.inputDelay)
                } else {
                    inputEnded = true
                    capture(.inputEnd)
                    scheduleInput([0x04], at: now &+ config.inputDelay)
                }
                return true
            }
            if config.input == nil { capture(.inputEnd) }
            // A live terminal: wait on the host for keys (a replay: go on to
            // the next recorded arrival). SimMachine+HostPoll.
            if let hostPoller, hostPoller.hasTerminal {
                switch hostPoller.idleForGood(self) {
                case .ready: return true
                case .nothing: break
                }
            }
            guard window != nil, keyboardListens || uartListens else { return false }
            waitForWindow(milliseconds: 10)
        }
    }
}
