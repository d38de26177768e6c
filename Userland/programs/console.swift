// console: the console server. It owns the UART and prints for everyone
// else, so output from many tasks reaches the UART whole and in order.
//
// Protocol (docs/syscalls.md, "Console protocol"): a client calls with
// tag = 1 | (length << 8), length 0–32, the bytes little-endian in w0..w3;
// the reply (tag 0) comes after the bytes are written. Anything else gets a
// reply whose tag is invalidArgument (as a two's-complement UInt64).
//
// init spawns it first, at priority 30, so it claims the UART and registers
// service 1 before init (priority 16) runs on and prints.

let printOp: UInt64 = 1
let maxBytes: UInt64 = 32

/// Writes the message's bytes to the UART; returns the reply to send.
func handle(_ m: Message) -> Message {
    let length = m.tag >> 8
    guard m.tag & 0xff == printOp, length <= maxBytes else {
        return Message(tag: UInt64(bitPattern: SyscallError.invalidArgument.rawValue))
    }
    var words = (m.w0, m.w1, m.w2, m.w3)   // little-endian: bytes in order in memory
    withUnsafeBytes(of: &words) { bytes in
        var rest = UnsafeRawBufferPointer(rebasing: bytes[0..<Int(length)])
        while !rest.isEmpty {
            guard let n = try? UART.write(rest), n > 0 else { return }
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
    }
    return Message(tag: 0)
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    do throws(SyscallError) {
        try UART.claim()
    } catch {
        return 1   // someone else owns the UART: nowhere to say so
    }
    Console.useUART()
    do throws(SyscallError) {
        try Service.register(.console)
    } catch {
        Console.write("console: service_register failed: ")
        Console.writeLine(error.name)
        return 2
    }

    var next = try? IPC.recv()
    while true {
        guard let request = next else {
            next = try? IPC.recv()
            continue
        }
        // A failed reply_recv (e.g. the caller died) still leaves us receiving.
        next = try? IPC.replyRecv(handle(request.message))
    }
}
