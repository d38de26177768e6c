// console: the console server. It owns the UART: it prints for everyone else
// (so output from many tasks reaches the UART whole and in order), and it
// turns the UART's receive interrupts into lines of input for the foreground
// task (InputOwner.swift). It never polls: between interrupts and requests it is blocked in
// `recv`, with the UART's receive line routed to its bound notification.
// When the machine has a display, everything printed and echoed is also
// drawn on screen (TextScreen, with the boot image's font.psf), and the
// keyboard driver's typing arrives as `input` requests: the same line
// discipline serves both keyboards.
//
// Protocol (docs/syscalls.md, "Console protocol"; the numbers are KenixABI's ConsoleOp):
//   print: tag = 1 | (length << 8), length 0–32, bytes little-endian in
//          w0..w3; the reply (tag 0) comes after the bytes are written.
//   read:  tag = 2; the reply carries up to 32 bytes of the current input
//          line: tag = 2 | (length << 8) | flags << 16, flags bit 0 = this
//          chunk ends the line, bit 1 = end of input (Ctrl-D). A reader
//          waits (deferred reply) until a whole line has been typed. Only
//          the foreground task reads; anyone else gets notPermitted.
//   claimInput, lendInput: who the foreground is (InputOwner.swift).
//   input: tag = 3 | (length << 8), bytes in w0..w3: typed characters (from
//          the keyboard driver), handled as if the UART had received them.
//   take screen: tag = 4; the caller draws on the display until it sends
//          give screen (tag = 5) or ends; the text keeps going to the UART
//          and to the grid, which is repainted when the screen comes back.
//   attachBuffer, write: a client's shared buffer and bulk writes from it.
//   ttyAttach, ttyDetach, ttySetMode, ttyRead: the terminal for the Linux
//          server (Terminal.swift there): while attached, typed input goes
//          through TerminalLine, the Linux line discipline, and the server
//          is told by notification when input is ready or a signal
//          character (Ctrl-C, Ctrl-\, Ctrl-Z) is typed, at once, even while
//          its programs run.
// Anything else is answered with invalidArgument as the tag.
//
// In Kenix line mode typed characters are echoed, Backspace/DEL erases, CR
// or LF ends a line, Ctrl-D (EOT) ends the input.
//
// init spawns it first, at priority 30, so it claims the UART and registers
// service 1 before init (priority 16) runs on and prints.

// The protocol's numbers: ConsoleOp, ConsoleProtocol and ConsoleReplyFlag (KenixABI).
let maxChunk = Int(ConsoleProtocol.maxChunk)

/// Typed input: the line being edited and the finished lines.
struct LineDiscipline {
    var editing: [UInt8] = []
    /// Finished lines, each ended by a newline, not yet read.
    var ready: [UInt8] = []
    var readOffset = 0
    var inputEnded = false

    /// Takes one received byte; appends what to echo to `echo`.
    mutating func receive(_ b: UInt8, echo: inout [UInt8]) {
        guard !inputEnded else { return }
        switch b {
        case 0x04:                                  // Ctrl-D: end of input
            if !editing.isEmpty { finishLine(echo: &echo) }
            inputEnded = true
        case 0x0D, 0x0A:
            finishLine(echo: &echo)
        case 0x08, 0x7F:
            if !editing.isEmpty {
                editing.removeLast()
                echo.append(contentsOf: [0x08, 0x20, 0x08])
            }
        default:
            if b >= 0x20 && editing.count < 255 {
                editing.append(b)
                echo.append(b)
            }
        }
    }

    private mutating func finishLine(echo: inout [UInt8]) {
        ready.append(contentsOf: editing)
        ready.append(0x0A)
        editing.removeAll()
        echo.append(0x0A)
    }

    /// A reader can be answered now.
    var canAnswer: Bool { readOffset < ready.count || inputEnded }

    /// What was typed and not yet read (finished lines, the line being edited).
    mutating func takeAll() -> ([UInt8], [UInt8]) {
        defer { ready.removeAll(); readOffset = 0; editing.removeAll() }
        return (Array(ready[readOffset...]), editing)
    }

    /// Typed input handed back by the terminal.
    mutating func give(ready more: [UInt8], editing line: [UInt8]) {
        ready += more
        editing += line
    }

    /// The next chunk of the current line as a read reply.
    mutating func nextChunk() -> Message {
        var bytes: [UInt8] = []
        var flags: UInt64 = 0
        while readOffset < ready.count && bytes.count < maxChunk {
            let b = ready[readOffset]
            readOffset += 1
            if b == 0x0A { flags = ConsoleReplyFlag.endOfLine; break }
            bytes.append(b)
        }
        if readOffset == ready.count {
            ready.removeAll()
            readOffset = 0
            if inputEnded && flags == 0 { flags = ConsoleReplyFlag.endOfInput }
        }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        return Message(tag: ConsoleOp.read.rawValue | UInt64(bytes.count) << ConsoleProtocol.lengthShift | flags,
                       words.0, words.1, words.2, words.3)
    }
}

/// A client's shared buffer (attachBuffer).
struct ClientBuffer {
    var client: TaskID
    /// Our handle to the client's object (the attach message carried it).
    var object: Handle
    var base: UnsafeMutableRawPointer
    var size: Int
}

/// The Linux terminal: who has it, how to tell it, its line discipline.
struct TerminalState {
    var owner: TaskID? = nil
    var notification: UInt64 = 0
    var firstBit: UInt64 = 0
    var line = TerminalLine()
    /// The owner found nothing to read and waits for the input bit.
    var armed = false

    func notify(_ offset: UInt64) {
        guard owner != nil else { return }
        _ = try? Notification.signal(notification, bits: 1 << (firstBit + offset))
    }
}

/// Where output goes: the UART always, the screen when there is one.
struct Output {
    var screen: TextScreen?
    /// The graphics program that has the screen, if any, and the handle to
    /// itself it handed over with its request (to see whether it ended).
    var screenOwner: TaskID? = nil
    var screenOwnerHandle: Handle = 0

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        if screen != nil {
            for b in bytes { screen!.write(b) }
            screen!.present()
        }
        var rest = bytes
        while !rest.isEmpty {
            guard let n = try? UART.write(rest), n > 0 else { return }
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
    }

    /// Takes the screen back if its owner ended without giving it back.
    mutating func reclaimScreenIfOwnerEnded() {
        guard screenOwner != nil, !Kenix.isAlive(screenOwnerHandle) else { return }
        giveBack()
    }

    mutating func giveBack() {
        screenOwner = nil
        if screenOwnerHandle != 0 { Handles.close(screenOwnerHandle) }
        screenOwnerHandle = 0
        screen?.visible = true
        screen?.repaint()
        screen?.present()
    }
}

/// The screen, when the machine has a display (and init lent us its
/// device handle) and the boot image a font.
func openScreen(_ framebuffer: Handle?) -> TextScreen? {
    guard let framebuffer else { return nil }
    guard let info = try? Framebuffer.info(), info.format == Framebuffer.xrgb8888 else { return nil }
    guard let bytes = try? BootImage.contents(of: "font.psf"), let font = try? PSFFont(bytes) else {
        Console.writeLine("console: no usable font.psf in the boot image; serial only")
        return nil
    }
    guard let base = try? Framebuffer.map(device: framebuffer) else { return nil }
    var screen = TextScreen(font: font, framebuffer: base, info: info)
    screen.repaint()
    screen.present()
    return screen
}

/// The bytes of a print or input request (length in tag bits 8–15), or nil
/// when the length is out of range.
func requestBytes(_ m: Message, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
    let length = m.plainTag >> ConsoleProtocol.lengthShift
    guard length <= UInt64(maxChunk) else { return false }
    var words = (m.w0, m.w1, m.w2, m.w3)   // little-endian: bytes in order in memory
    withUnsafeBytes(of: &words) { body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(length)])) }
    return true
}

let invalidArgument = Message(tag: UInt64(bitPattern: SyscallError.invalidArgument.rawValue))
let notPermitted = Message(tag: UInt64(bitPattern: SyscallError.notPermitted.rawValue))

/// Moves typed bytes through the line discipline in force (the terminal's
/// while the Linux server has it) and echoes them. A signal character is
/// reported to the terminal's owner at once.
func type(_ bytes: UnsafeRawBufferPointer, _ input: inout LineDiscipline, _ output: inout Output) {
    var echo: [UInt8] = []
    if terminal.owner != nil {
        for b in bytes {
            if let signal = terminal.line.receive(b, echo: &echo) {
                terminal.notify(signal == 2 ? 1 : signal == 3 ? 2 : 3)
            }
        }
        if terminal.armed && terminal.line.canRead {
            terminal.armed = false
            terminal.notify(0)
        }
    } else {
        for b in bytes { input.receive(b, echo: &echo) }
    }
    echo.withUnsafeBytes { output.write($0) }
}

var terminal = TerminalState()
var clients: [ClientBuffer] = []

func buffer(of client: TaskID) -> ClientBuffer? {
    for c in clients where c.client == client { return c }
    return nil
}

/// attachBuffer: maps the client's object (the message carries it) as its
/// buffer. The console holds no handles to its clients, so it cannot tell
/// an ended one: a client's new buffer replaces its old one, and with the
/// table full the oldest entry goes.
func attachBuffer(_ r: Received) -> Message {
    let size = r.message.w1
    guard let object = r.message.carriedHandle else { return invalidArgument }
    guard size > 0, size <= SyscallLimits.maxSharedMemorySize,
          let address = try? SharedMemory.map(object) else {
        Handles.close(object)
        return invalidArgument
    }
    while let i = clients.firstIndex(where: { $0.client == r.sender })
            ?? (clients.count >= ConsoleProtocol.maxClients ? 0 : nil) {
        _ = try? SharedMemory.unmap(clients[i].object)
        Handles.close(clients[i].object)
        clients.remove(at: i)
    }
    clients.append(ClientBuffer(client: r.sender, object: object,
                                base: UnsafeMutableRawPointer(bitPattern: UInt(address))!, size: Int(size)))
    return Message(tag: 0)
}

/// The task registered as the Linux server now, if any: only it may own the
/// terminal (a restarted server takes it over from its ended predecessor).
func linuxServer() -> TaskID? {
    Service.forget(.linux)
    guard let h = try? Service.lookup(.linux), let info = try? Handles.info(h) else { return nil }
    return info.object
}

/// write: bytes from the client's buffer, processed as terminal output if asked.
func writeBuffer(_ r: Received, _ output: inout Output) -> Message {
    guard let b = buffer(of: r.sender), r.message.w0 <= UInt64(b.size) else { return invalidArgument }
    let bytes = UnsafeRawBufferPointer(start: b.base, count: Int(r.message.w0))
    if r.message.tag & ConsoleWriteFlag.terminal != 0 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        terminal.line.output(Array(bytes), into: &out)
        out.withUnsafeBytes { output.write($0) }
    } else {
        output.write(bytes)
    }
    return Message(tag: 0)
}

/// ttyAttach: typed input now goes to the terminal's owner. What was typed
/// ahead in line mode moves over.
func attachTerminal(_ r: Received, _ input: inout LineDiscipline, _ output: Output) -> Message {
    guard let note = r.message.carriedHandle else { return invalidArgument }
    guard linuxServer() == r.sender else {
        Handles.close(note)
        return notPermitted
    }
    guard r.message.w1 + ConsoleProtocol.terminalBits <= 64 else {
        Handles.close(note)
        return invalidArgument
    }
    if terminal.owner != nil { Handles.close(terminal.notification) }
    terminal.owner = r.sender
    terminal.notification = note
    terminal.firstBit = r.message.w1
    terminal.armed = false
    let (ready, editing) = input.takeAll()
    terminal.line = TerminalLine(mode: Termios())
    terminal.line.inject(readable: ready, editing: editing)
    let rows = UInt64(output.screen?.rows ?? 24), columns = UInt64(output.screen?.columns ?? 80)
    return Message(tag: 0, rows, columns)
}

/// ttyDetach: back to Kenix line mode, with what was typed and not read.
func detachTerminal(_ input: inout LineDiscipline) {
    let (ready, editing) = terminal.line.takeAll()
    input.give(ready: ready, editing: editing)
    terminal.owner = nil
    terminal.armed = false
}

/// ttyRead: up to w0 bytes into the owner's buffer, never waiting.
func readTerminal(_ r: Received) -> Message {
    guard terminal.owner == r.sender, let b = buffer(of: r.sender) else { return invalidArgument }
    let want = min(Int(r.message.w0), b.size)
    if !terminal.line.canRead {
        terminal.armed = true
        return Message(tag: 0, 0, ConsoleTerminalFlag.empty)
    }
    if want == 0 { return Message(tag: 0, 0, 0) }
    let (bytes, endOfFile) = terminal.line.read(max: want)
    if endOfFile { return Message(tag: 0, 0, ConsoleTerminalFlag.endOfFile) }
    bytes.withUnsafeBytes { b.base.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    return Message(tag: 0, UInt64(bytes.count), 0)
}


/// Moves every byte the UART received through the line discipline.
func drainUART(_ input: inout LineDiscipline, _ output: inout Output) {
    var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
    withUnsafeMutableBytes(of: &buffer) { raw in
        while let n = try? UART.read(into: raw), n > 0 {
            type(UnsafeRawBufferPointer(rebasing: raw[0..<n]), &input, &output)
        }
    }
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    // init hands us the UART, the console service key, the framebuffer and
    // the input key (InputOwner).
    let given = Startup.receive()
    let claimed: (lineHandle: Handle, line: UInt64)
    do throws(SyscallError) {
        claimed = try UART.claim(device: given.handle(InitHandle.uart) ?? 0)
    } catch {
        return 1   // the UART is not ours: nowhere to say so
    }
    let line = claimed.line
    Console.useUART()
    do throws(SyscallError) {
        try Service.register(with: given.handle(InitHandle.service(.console)) ?? 0)
        let note = try Notification.create()
        try Notification.bind(note)
        try Interrupt.register(lineHandle: claimed.lineHandle, line: line, notification: note, bit: 0)
    } catch {
        Console.write("console: setup failed: ")
        Console.writeLine(error.name)
        return 2
    }

    var input = LineDiscipline()
    let framebuffer = given.handle(InitHandle.framebuffer)
    var output = Output(screen: openScreen(framebuffer))
    var reader: TaskID? = nil
    var owner = InputOwner(key: given.handle(InitHandle.consoleInput))
    while true {
        guard let r = try? IPC.recv() else { continue }
        output.reclaimScreenIfOwnerEnded()
        if r.isNotification {
            // The terminal's owner is the registered Linux server; a server
            // that ended (or was replaced) no longer owns it.
            if let owner = terminal.owner, linuxServer() != owner { detachTerminal(&input) }
            drainUART(&input, &output)
            try? Interrupt.ack(line: line)
        } else if r.isHeartbeat {
            IPC.answerHeartbeat(r)
        } else {
            switch ConsoleOp(rawValue: r.message.tag & ConsoleProtocol.opMask) {
            case .print:
                let ok = requestBytes(r.message) { output.write($0) }
                try? IPC.reply(to: r.sender, ok ? Message(tag: 0) : invalidArgument)
            case .input:
                let ok = requestBytes(r.message) { type($0, &input, &output) }
                try? IPC.reply(to: r.sender, ok ? Message(tag: 0) : invalidArgument)
            case .read:
                // Only the foreground reads; a read it sends anew replaces one
                // left pending by a task that lost the input meanwhile.
                if owner.foreground() != r.sender {
                    try? IPC.reply(to: r.sender, notPermitted)
                } else {
                    if let old = reader, old != r.sender {
                        try? IPC.reply(to: old, notPermitted)
                    }
                    reader = r.sender
                }
            case .claimInput:
                try? IPC.reply(to: r.sender, owner.claim(r))
            case .lendInput:
                try? IPC.reply(to: r.sender, owner.lend(r))
            case .takeScreen where output.screen != nil && output.screenOwner == nil && r.message.carriedHandle != nil:
                // The request carries the program's handle to itself; the
                // reply lends it the framebuffer's device handle.
                output.screenOwner = r.sender
                output.screenOwnerHandle = r.message.carriedHandle!
                output.screen!.visible = false
                try? IPC.reply(to: r.sender, Message(tag: 0, carrying: framebuffer!))
            case .giveScreen where output.screenOwner == r.sender:
                output.giveBack()
                try? IPC.reply(to: r.sender, Message(tag: 0))
            case .attachBuffer:
                try? IPC.reply(to: r.sender, attachBuffer(r))
            case .write:
                try? IPC.reply(to: r.sender, writeBuffer(r, &output))
            case .ttyAttach:
                try? IPC.reply(to: r.sender, attachTerminal(r, &input, output))
            case .ttyDetach where terminal.owner == r.sender:
                detachTerminal(&input)
                try? IPC.reply(to: r.sender, Message(tag: 0))
            case .ttySetMode where terminal.owner == r.sender:
                let m = r.message
                terminal.line.setMode(Termios(words: m.w0, m.w1, m.w2, m.w3),
                                      flush: m.tag & ConsoleWriteFlag.flushInput != 0)
                try? IPC.reply(to: r.sender, Message(tag: 0))
            case .ttyRead:
                try? IPC.reply(to: r.sender, readTerminal(r))
            default:
                try? IPC.reply(to: r.sender, invalidArgument)
            }
        }
        if let client = reader, input.canAnswer, owner.foreground() == client {
            try? IPC.reply(to: client, input.nextChunk())   // a dead reader is simply dropped
            reader = nil
        }
    }
}
