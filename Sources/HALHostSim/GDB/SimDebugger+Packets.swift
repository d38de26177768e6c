// StopSession: serving gdb while the machine is stopped at an instruction
// boundary: one packet at a time until gdb resumes (c, s, vCont, bs, bc),
// detaches (D), kills (k) or goes away. Answers what it does not know with
// an empty packet, as the protocol asks.
//
// Threads are the live tasks (qfThreadInfo), named by qThreadExtraInfo;
// `Hg` picks the task whose registers and memory g/G/p/P/m/M use. Z0/Z1
// (breakpoints) and Z2 (write watchpoints) are kept by the debugger, never
// written into guest memory.
import HAL

struct StopSession {
    let debugger: SimDebugger
    let machine: SimMachine
    let tasks: [InspectedTask]
    let current: UInt64
    /// The task `Hg` selected (0 or -1: the current one).
    var selected: UInt64

    init(debugger: SimDebugger, machine: SimMachine, tasks: [InspectedTask], current: UInt64) {
        self.debugger = debugger
        self.machine = machine
        self.tasks = tasks
        self.current = current
        selected = current
    }

    var connection: GDBConnection { debugger.connection }

    func task(_ id: UInt64) -> InspectedTask? {
        tasks.first { $0.id == (id == 0 ? current : id) }
    }

    /// The stop reply for the last stop.
    func stopReply() -> String {
        guard let (_, reason) = debugger.lastStop else { return "S05" }
        var s = (reason == .interrupt ? "T02" : "T05") + "thread:\(gdbHex(current));"
        switch reason {
        case .breakpoint: s += "swbreak:;"
        case .watch(let a): s += "watch:\(gdbHex(a));"
        case .replayBegin: s += "replaylog:begin;"
        default: break
        }
        return s
    }

    mutating func serve() -> SimDebugger.Verdict {
        if let early = debugger.earlyPacket {
            debugger.earlyPacket = nil
            if let verdict = handle(early) { return verdict }
        }
        while true {
            guard let packet = connection.receive() else {
                debugger.letGo()
                return .resumed
            }
            if let verdict = handle(packet) { return verdict }
        }
    }

    /// Answers one packet; a verdict when the machine moves on.
    mutating func handle(_ p: String) -> SimDebugger.Verdict? {
        let d = debugger
        guard let first = p.first else { connection.send(""); return nil }
        let body = p.dropFirst()
        switch first {
        case "?": connection.send(stopReply())
        case "q": connection.send(query(p))
        case "Q":
            if p == "QStartNoAckMode" { connection.send("OK"); connection.disableAcks() } else { connection.send("") }
        case "H":
            // Hg selects registers and memory; Hc (what to resume) is vCont's business.
            if body.first == "g", let id = Self.threadID(body.dropFirst()) {
                if id == 0 || id == UInt64.max || task(id) != nil {
                    selected = (id == UInt64.max) ? current : (id == 0 ? current : id)
                    connection.send("OK")
                } else { connection.send("E02") }
            } else { connection.send("OK") }
        case "T":
            connection.send(Self.threadID(body).flatMap { task($0) } != nil ? "OK" : "E01")
        case "g":
            guard let t = task(selected) else { connection.send("E01"); return nil }
            connection.send((0..<GDBRegisters.count).flatMap { GDBRegisters.read($0, t.context.pointee) }.hexString)
        case "G":
            guard let t = task(selected), let bytes = [UInt8](hex: body) else { connection.send("E01"); return nil }
            var off = 0
            for n in 0..<GDBRegisters.count where off + GDBRegisters.size(n) <= bytes.count {
                GDBRegisters.write(n, bytes[off..<(off + GDBRegisters.size(n))], &t.context.pointee)
                off += GDBRegisters.size(n)
            }
            d.edits += 1
            connection.send("OK")
        case "p":
            guard let t = task(selected), let n = Int(body, radix: 16), n < GDBRegisters.count else { connection.send("E01"); return nil }
            connection.send(GDBRegisters.read(n, t.context.pointee).hexString)
        case "P":
            let parts = body.split(separator: "=", maxSplits: 1)
            guard let t = task(selected), parts.count == 2, let n = Int(parts[0], radix: 16), n < GDBRegisters.count,
                  let bytes = [UInt8](hex: parts[1]), bytes.count == GDBRegisters.size(n) else { connection.send("E01"); return nil }
            GDBRegisters.write(n, bytes[...], &t.context.pointee)
            d.edits += 1
            connection.send("OK")
        case "m":
            let parts = body.split(separator: ",")
            guard parts.count == 2, let a = UInt64(parts[0], radix: 16), let n = Int(parts[1], radix: 16), n <= 0x10000,
                  let root = task(selected)?.root else { connection.send("E14"); return nil }
            let bytes = machine.debugReadPrefix(a, n, root: root)
            connection.send(bytes.isEmpty && n > 0 ? "E14" : bytes.hexString)
        case "M":
            let parts = body.split(separator: ":", maxSplits: 1)
            let where_ = parts.first?.split(separator: ",") ?? []
            guard parts.count == 2, where_.count == 2, let a = UInt64(where_[0], radix: 16),
                  let bytes = [UInt8](hex: parts[1]), let root = task(selected)?.root else { connection.send("E14"); return nil }
            if machine.debugWrite(a, bytes, root: root) { d.edits += 1; connection.send("OK") } else { connection.send("E14") }
        case "Z", "z":
            connection.send(breakpoint(insert: first == "Z", body))
        case "c", "C":
            return resume(step: nil)
        case "s", "S":
            return resume(step: current)
        case "v":
            return vPacket(p)
        case "b":
            return reverse(p)
        case "D":
            connection.send("OK")
            d.letGo()
            return .resumed
        case "k":
            d.letGo()
            d.markKilled()
            d.restartRequested = false
            return .restart
        default:
            connection.send("")
        }
        return nil
    }

    /// Answers that need no machine (the handshake); nil for the rest.
    static func sessionless(_ p: String, reverse: Bool = false) -> String? {
        if p.hasPrefix("qSupported") {
            return "PacketSize=4000;qXfer:features:read+;swbreak+;QStartNoAckMode+;vContSupported+;"
                + (reverse ? "ReverseStep+;ReverseContinue+" : "")
        }
        if p.hasPrefix("qXfer:features:read:target.xml:") {
            let range = p.dropFirst("qXfer:features:read:target.xml:".count).split(separator: ",")
            guard range.count == 2, let off = Int(range[0], radix: 16), let len = Int(range[1], radix: 16) else { return "E01" }
            let xml = Array(GDBRegisters.targetXML.utf8)
            guard off < xml.count else { return "l" }
            let end = min(xml.count, off + len)
            return (end == xml.count ? "l" : "m") + String(decoding: xml[off..<end], as: UTF8.self)
        }
        if p.hasPrefix("H") { return "OK" }
        if p == "vCont?" { return "vCont;c;C;s;S" }
        return nil
    }

    func query(_ p: String) -> String {
        if p.hasPrefix("qSupported") || p.hasPrefix("qXfer:") {
            return Self.sessionless(p, reverse: debugger.replayForbidden == nil) ?? ""
        }
        if p == "qC" { return "QC" + gdbHex(current) }
        if p == "qfThreadInfo" { return "m" + tasks.filter { !$0.zombie }.map { gdbHex($0.id) }.joined(separator: ",") }
        if p == "qsThreadInfo" { return "l" }
        if p == "qAttached" { return "1" }
        if p.hasPrefix("qThreadExtraInfo,") {
            guard let id = Self.threadID(p.dropFirst("qThreadExtraInfo,".count)), let t = task(id) else { return "E01" }
            let text = SimDebugger.label(t.id, SimDebugger.name(of: t))
                + (t.running ? " (running)" : t.zombie ? " (exited)" : "")
            return Array(text.utf8).hexString
        }
        if p == "qSymbol::" { return "OK" }
        return ""
    }

    mutating func breakpoint(insert: Bool, _ body: Substring) -> String {
        let parts = body.split(separator: ",")
        guard parts.count >= 3, let kind = Int(parts[0]), let a = UInt64(parts[1], radix: 16),
              let len = Int(parts[2], radix: 16) else { return "E01" }
        let d = debugger
        switch kind {
        case 0, 1:
            if insert { d.breakpoints.insert(a) } else { d.breakpoints.remove(a) }
            return "OK"
        case 2:
            guard (1...8).contains(len) else { return "E01" }
            let w = SimDebugger.Watch(address: a, length: len)
            if insert {
                if !d.watchpoints.contains(w) { d.watchpoints.append(w) }
                // Changes count from now: remember what each task sees.
                for t in tasks where !t.zombie {
                    if let root = t.root, let v = machine.debugRead(a, len, root: root) {
                        d.watchValues[SimDebugger.WatchKey(address: a, task: t.id)] = v
                    }
                }
            } else {
                d.watchpoints.removeAll { $0 == w }
            }
            return "OK"
        default:
            return ""
        }
    }

    /// Resumes everything, stepping `step` by one instruction if given.
    func resume(step: UInt64?) -> SimDebugger.Verdict {
        let d = debugger
        if let step {
            d.stepTarget = SimDebugger.Position(task: step, count: d.retired[step, default: 0] + 1)
        }
        d.awaitingStop = true
        return .resumed
    }

    mutating func vPacket(_ p: String) -> SimDebugger.Verdict? {
        if p == "vCont?" { connection.send("vCont;c;C;s;S"); return nil }
        if p.hasPrefix("vCont;") {
            // Actions apply to all other threads as well (all-stop): the one
            // thread named in an s action steps, everything else runs.
            var step: UInt64?
            for action in p.dropFirst(6).split(separator: ";") {
                let parts = action.split(separator: ":", maxSplits: 1)
                guard let op = parts.first?.first else { continue }
                if op == "s" || op == "S" {
                    let id = parts.count == 2 ? Self.threadID(parts[1]) : nil
                    step = (id == nil || id == 0 || id == UInt64.max) ? current : id
                }
            }
            return resume(step: step)
        }
        if p == "vMustReplyEmpty" { connection.send(""); return nil }
        if p.hasPrefix("vKill") {
            connection.send("OK")
            debugger.letGo()
            debugger.markKilled()
            return .restart
        }
        connection.send("")
        return nil
    }

    /// bs / bc: reverse step and reverse continue, by replay.
    func reverse(_ p: String) -> SimDebugger.Verdict? {
        let d = debugger
        if let why = d.replayForbidden {
            connection.send("E01")
            _ = why
            return nil
        }
        guard p == "bs" || p == "bc", let here = d.lastStop?.position else { connection.send(""); return nil }
        if p == "bs" {
            guard here.count > 0, here != d.initialPosition else {
                // Nothing before this: the beginning of the recorded history.
                d.lastStop = (here, .replayBegin)
                connection.send(stopReply())
                return nil
            }
            d.replayTarget = (SimDebugger.Position(task: here.task, count: here.count - 1), .step)
        } else {
            d.scan = (end: here, found: nil)
        }
        d.awaitingStop = true
        d.restartRequested = true
        return .restart
    }

    /// A thread id: hex, or -1 (all); `p` (multiprocess) forms are not used.
    static func threadID(_ s: Substring) -> UInt64? {
        if s == "-1" { return UInt64.max }
        return UInt64(s, radix: 16)
    }
}

func gdbHex(_ v: UInt64) -> String { String(v, radix: 16) }
