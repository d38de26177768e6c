// ioctl: the terminal requests (TCGETS, TCSETS, TCSETSW, TCSETSF,
// TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP, TIOCSCTTY, TIOCNOTTY,
// TIOCGSID, FIONREAD, TCFLSH, TCXONC) and FIONBIO/FIOCLEX on any
// descriptor. Anything else on a terminal is -EINVAL, on other files -ENOTTY.

enum Ioctl {
    static let TCGETS: UInt64 = 0x5401
    static let TCSETS: UInt64 = 0x5402
    static let TCSETSW: UInt64 = 0x5403
    static let TCSETSF: UInt64 = 0x5404
    static let TCXONC: UInt64 = 0x540A
    static let TCFLSH: UInt64 = 0x540B
    static let TIOCSCTTY: UInt64 = 0x540E
    static let TIOCGPGRP: UInt64 = 0x540F
    static let TIOCSPGRP: UInt64 = 0x5410
    static let TIOCOUTQ: UInt64 = 0x5411
    static let TIOCGWINSZ: UInt64 = 0x5413
    static let TIOCSWINSZ: UInt64 = 0x5414
    static let FIONREAD: UInt64 = 0x541B
    static let FIONBIO: UInt64 = 0x5421
    static let TIOCNOTTY: UInt64 = 0x5422
    static let TIOCGSID: UInt64 = 0x5429
    static let FIONCLEX: UInt64 = 0x5450
    static let FIOCLEX: UInt64 = 0x5451
}

extension Server {
    func sysIoctl(_ c: inout SyscallCall) -> Outcome {
        let fd = SyscallCall.fd(c.a0)
        guard fd >= 0, let f = c.process.files.get(UInt64(fd)) else { return .error(.EBADF) }
        let request = c.a1 & 0xFFFF_FFFF
        switch request {
        case Ioctl.FIONBIO:
            guard let b = Guest.read(c.task, c.a2, 4) else { return .error(.EFAULT) }
            if LE.u32(b, 0) != 0 { f.flags |= OpenFlag.nonBlock } else { f.flags &= ~OpenFlag.nonBlock }
            return .success(0)
        case Ioctl.FIOCLEX, Ioctl.FIONCLEX:
            c.process.files.setCloseOnExec(Int(fd), request == Ioctl.FIOCLEX)
            return .success(0)
        case Ioctl.FIONREAD:
            if case .pipeRead(let pipe) = f.object { return Guest.writeU32(c.task, c.a2, UInt32(pipe.count)) ? .success(0) : .error(.EFAULT) }
        default: break
        }
        guard case .terminal = f.object else { return .error(.ENOTTY) }
        let p = c.process
        switch request {
        case Ioctl.TCGETS:
            return Guest.write(c.task, c.a2, terminal.termios.bytes) ? .success(0) : .error(.EFAULT)
        case Ioctl.TCSETS, Ioctl.TCSETSW, Ioctl.TCSETSF:
            guard let b = Guest.read(c.task, c.a2, Termios.size), let t = Termios(bytes: b) else { return .error(.EFAULT) }
            if let e = backgroundCheck(p) { return e }
            terminal.setMode(t, flush: request == Ioctl.TCSETSF)
            return .success(0)
        case Ioctl.TIOCGWINSZ:
            return Guest.write(c.task, c.a2, terminal.window.bytes) ? .success(0) : .error(.EFAULT)
        case Ioctl.TIOCSWINSZ:
            guard let b = Guest.read(c.task, c.a2, WindowSize.size), let w = WindowSize(bytes: b) else { return .error(.EFAULT) }
            if w != terminal.window {
                terminal.window = w
                if let g = terminal.foregroundGroup { signalGroup(g, Signal.SIGWINCH, SignalInfo(signal: Signal.SIGWINCH, code: SignalInfo.kernelCode)) }
            }
            return .success(0)
        case Ioctl.TIOCGPGRP:
            guard terminal.session == p.sid, let g = terminal.foregroundGroup else { return .error(.ENOTTY) }
            return Guest.writeU32(c.task, c.a2, UInt32(g)) ? .success(0) : .error(.EFAULT)
        case Ioctl.TIOCSPGRP:
            guard terminal.session == p.sid else { return .error(.ENOTTY) }
            guard let b = Guest.read(c.task, c.a2, 4) else { return .error(.EFAULT) }
            let g = Int(Int32(bitPattern: LE.u32(b, 0)))
            guard g > 0 else { return .error(.EINVAL) }
            guard processes.groupExists(g, session: p.sid) else { return .error(.EPERM) }
            if let e = backgroundCheck(p) { return e }
            terminal.foregroundGroup = g
            return .success(0)
        case Ioctl.TIOCGSID:
            guard let s = terminal.session, s == p.sid else { return .error(.ENOTTY) }
            return Guest.writeU32(c.task, c.a2, UInt32(s)) ? .success(0) : .error(.EFAULT)
        case Ioctl.TIOCSCTTY:
            // A session leader without a terminal takes it (when it is free).
            guard p.sid == p.pid else { return .error(.EPERM) }
            if let s = terminal.session, s != p.sid, processes.all.contains(where: { $0.sid == s && $0.isLive }) {
                return .error(.EPERM)
            }
            terminal.session = p.sid
            terminal.foregroundGroup = p.pgid
            terminal.attach()
            return .success(0)
        case Ioctl.TIOCNOTTY:
            guard terminal.session == p.sid else { return .error(.ENOTTY) }
            return .success(0)
        case Ioctl.FIONREAD:
            return Guest.writeU32(c.task, c.a2, 0) ? .success(0) : .error(.EFAULT)
        case Ioctl.TIOCOUTQ:
            return Guest.writeU32(c.task, c.a2, 0) ? .success(0) : .error(.EFAULT)
        case Ioctl.TCFLSH, Ioctl.TCXONC:
            if request == Ioctl.TCFLSH && (c.a2 == 0 || c.a2 == 2) { terminal.setMode(terminal.termios, flush: true) }
            return .success(0)
        default:
            return .error(.EINVAL)
        }
    }

    /// A background process changing the terminal gets SIGTTOU (unless it
    /// blocks or ignores it), as the job-control rules say.
    private func backgroundCheck(_ p: Process) -> Outcome? {
        guard terminal.session == p.sid, let fg = terminal.foregroundGroup, fg != p.pgid else { return nil }
        if p.signals.mask.contains(Signal.SIGTTOU) || p.signals.action(Signal.SIGTTOU).isIgnored { return nil }
        signalGroup(p.pgid, Signal.SIGTTOU, SignalInfo(signal: Signal.SIGTTOU, code: SignalInfo.kernelCode))
        return .value(Self.interrupted)
    }
}
