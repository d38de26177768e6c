// kbd: the keyboard driver. It owns the keyboard device, routes its
// interrupt line to a notification, and turns key events (Linux codes) into
// characters with KeyMap (US layout), which it hands to the console server
// as typed input: the shell reads the keyboard and the serial line alike.
// On a machine without a keyboard it exits at once with status 0. Init
// hands it the keyboard's device handle at start (Startup).

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    let device = Startup.receive().handle(InitHandle.keyboard) ?? 0
    let claimed: (lineHandle: Handle, line: UInt64)
    do throws(SyscallError) { claimed = try Keyboard.claim(device: device) } catch {
        return error == .notFound ? 0 : 1
    }
    let line = claimed.line
    let note: Handle
    do throws(SyscallError) {
        note = try Notification.create()
        try Notification.bind(note)   // interrupts arrive through recv, beside heartbeats
        try Interrupt.register(lineHandle: claimed.lineHandle, line: line, notification: note, bit: 0)
    } catch {
        print("kbd: setup failed: \(error.name)")
        return 2
    }
    var keys = KeyMap()
    while true {
        guard let r = try? IPC.recv() else { continue }
        if r.isHeartbeat { IPC.answerHeartbeat(r); continue }
        guard r.isNotification else {   // kbd serves no requests
            _ = try? IPC.reply(to: r.sender, Message(tag: UInt64(bitPattern: SyscallError.invalidArgument.rawValue)))
            continue
        }
        var typed: [UInt8] = []
        while let events = try? Keyboard.read(), !events.isEmpty {
            for e in events { if let c = keys.character(for: e) { typed.append(c) } }
        }
        try? Interrupt.ack(line: line)
        if !typed.isEmpty { try? Console.type(typed) }
    }
}
