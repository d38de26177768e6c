// console: the console server. It owns the UART: it prints for everyone else
// (so output from many tasks reaches the UART whole and in order), and it
// turns the UART's receive interrupts into lines of input for one reader at
// a time. It never polls: between interrupts and requests it is blocked in
// `recv`, with the UART's receive line routed to its bound notification.
//
// Protocol (docs/syscalls.md, "Console protocol"):
//   print: tag = 1 | (length << 8), length 0–32, bytes little-endian in
//          w0..w3; the reply (tag 0) comes after the bytes are written.
//   read:  tag = 2; the reply carries up to 32 bytes of the current input
//          line: tag = 2 | (length << 8) | flags << 16, flags bit 0 = this
//          chunk ends the line, bit 1 = end of input (Ctrl-D). A reader
//          waits (deferred reply) until a whole line has been typed.
// Anything else is answered with invalidArgument as the tag.
//
// Typed characters are echoed, Backspace/DEL erases, CR or LF ends a line,
// Ctrl-D (EOT) ends the input.
//
// init spawns it first, at priority 30, so it claims the UART and registers
// service 1 before init (priority 16) runs on and prints.

let printOp: UInt64 = 1
let readOp: UInt64 = 2
let maxChunk = 32
let endOfLineFlag: UInt64 = 1 << 16
let endOfInputFlag: UInt64 = 2 << 16

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

    /// The next chunk of the current line as a read reply.
    mutating func nextChunk() -> Message {
        var bytes: [UInt8] = []
        var flags: UInt64 = 0
        while readOffset < ready.count && bytes.count < maxChunk {
            let b = ready[readOffset]
            readOffset += 1
            if b == 0x0A { flags = endOfLineFlag; break }
            bytes.append(b)
        }
        if readOffset == ready.count {
            ready.removeAll()
            readOffset = 0
            if inputEnded && flags == 0 { flags = endOfInputFlag }
        }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        return Message(tag: readOp | UInt64(bytes.count) << 8 | flags, words.0, words.1, words.2, words.3)
    }
}

/// Writes all of `bytes` to the UART.
func writeUART(_ bytes: UnsafeRawBufferPointer) {
    var rest = bytes
    while !rest.isEmpty {
        guard let n = try? UART.write(rest), n > 0 else { return }
        rest = UnsafeRawBufferPointer(rebasing: rest[n...])
    }
}

/// Writes a print request's bytes; returns the reply.
func printRequest(_ m: Message) -> Message {
    let length = m.tag >> 8
    guard length <= UInt64(maxChunk) else {
        return Message(tag: UInt64(bitPattern: SyscallError.invalidArgument.rawValue))
    }
    var words = (m.w0, m.w1, m.w2, m.w3)   // little-endian: bytes in order in memory
    withUnsafeBytes(of: &words) { writeUART(UnsafeRawBufferPointer(rebasing: $0[0..<Int(length)])) }
    return Message(tag: 0)
}

/// Moves every received byte through the line discipline and echoes it.
func drainUART(_ input: inout LineDiscipline) {
    var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
    var echo: [UInt8] = []
    withUnsafeMutableBytes(of: &buffer) { raw in
        while let n = try? UART.read(into: raw), n > 0 {
            for i in 0..<n { input.receive(raw[i], echo: &echo) }
        }
    }
    echo.withUnsafeBytes { writeUART($0) }
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    let line: UInt64
    do throws(SyscallError) {
        line = try UART.claim()
    } catch {
        return 1   // someone else owns the UART: nowhere to say so
    }
    Console.useUART()
    do throws(SyscallError) {
        try Service.register(.console)
        let note = try Notification.create()
        try Notification.bind(note)
        try Interrupt.register(line: line, notification: note, bit: 0)
    } catch {
        Console.write("console: setup failed: ")
        Console.writeLine(error.name)
        return 2
    }

    var input = LineDiscipline()
    var reader: TaskID? = nil
    while true {
        guard let r = try? IPC.recv() else { continue }
        if r.isNotification {
            drainUART(&input)
            try? Interrupt.ack(line: line)
        } else {
            switch r.message.tag & 0xFF {
            case printOp:
                try? IPC.reply(to: r.sender, printRequest(r.message))
            case readOp where reader == nil:
                reader = r.sender
            default:
                try? IPC.reply(to: r.sender, Message(tag: UInt64(bitPattern: SyscallError.invalidArgument.rawValue)))
            }
        }
        if let client = reader, input.canAnswer {
            try? IPC.reply(to: client, input.nextChunk())   // a dead reader is simply dropped
            reader = nil
        }
    }
}
