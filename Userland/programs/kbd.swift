// kbd: the keyboard driver. It owns the keyboard device, routes its
// interrupt line to a notification, and turns key events (Linux codes) into
// characters with KeyMap (US layout), which it hands to the console server
// as typed input: the shell reads the keyboard and the serial line alike.
// On a machine without a keyboard it exits at once with status 0.

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    let line: UInt64
    do throws(SyscallError) { line = try Keyboard.claim() } catch {
        return error == .notFound ? 0 : 1
    }
    let note: UInt64
    do throws(SyscallError) {
        note = try Notification.create()
        try Interrupt.register(line: line, notification: note, bit: 0)
    } catch {
        print("kbd: setup failed: \(error.name)")
        return 2
    }
    var keys = KeyMap()
    while true {
        _ = try? Notification.wait(note)
        var typed: [UInt8] = []
        while let events = try? Keyboard.read(), !events.isEmpty {
            for e in events { if let c = keys.character(for: e) { typed.append(c) } }
        }
        try? Interrupt.ack(line: line)
        if !typed.isEmpty { try? Console.type(typed) }
    }
}
