// ipc: synchronous IPC round trips (docs/syscalls.md, "Synchronous IPC").
//
// Proves that
//   1. call/reply carries the tag and all four words both ways;
//   2. reply_to lets a server hold two callers and answer them in reverse
//      order, each caller getting its own answer;
//   3. a caller whose server exits without replying gets partnerDied;
//   4. a call to a task that no longer exists (through a handle kept after
//      it was reaped) gets noSuchTask, and a call through a made-up handle
//      badHandle: a task id alone reaches nobody.
//
// One binary, three roles chosen by the spawn arg: 0 = the test (spawned by
// init), 1 = the server, 2 = a second client for the reply_to case.
// Exit 0 = pass; on failure one line says what went wrong.

let roleTest: UInt64 = 0
let roleServer: UInt64 = 1
let roleClient: UInt64 = 2

let tagEcho: UInt64 = 0x1_0000       // reply at once
let tagDefer: UInt64 = 0x2_0000      // hold until a second arrives, then answer both, newest first
let tagDie: UInt64 = 0x3_0000        // exit without replying

/// The server's answer: every field changes, and depends on the request only.
func answer(_ m: Message) -> Message {
    Message(tag: m.tag &+ 1, ~m.w0, m.w1 &* 3, m.w2 &+ 0x1111, m.w3 ^ 0xFFFF_0000_FFFF_0000)
}

func serve() -> Int64 {
    var held: Received? = nil
    while true {
        do throws(SyscallError) {
            let r = try IPC.recv()
            switch r.message.tag {
            case tagEcho:
                try IPC.reply(answer(r.message))
            case tagDefer:
                if let first = held {
                    try IPC.reply(to: r.sender, answer(r.message))
                    try IPC.reply(to: first.sender, answer(first.message))
                    held = nil
                } else {
                    held = r
                }
            case tagDie:
                return 0
            default:
                try IPC.reply(Message(tag: 0xBAD))
            }
        } catch {
            print("ipc server: \(error.name)")
            return 10
        }
    }
}

/// Calls `server` with `request` and checks the answer; returns a failure text or nil.
func roundTrip(_ server: Handle, _ request: Message) -> String? {
    do throws(SyscallError) {
        let reply = try IPC.call(server, request)
        if reply != answer(request) {
            return "reply tag \(reply.tag) w0 \(reply.w0) w1 \(reply.w1) w2 \(reply.w2) w3 \(reply.w3) does not match request tag \(request.tag)"
        }
        return nil
    } catch {
        return "call: \(error.name)"
    }
}

/// The second reply_to client: learns the server from its parent, then calls it.
func client() -> Int64 {
    do throws(SyscallError) {
        guard let server = try IPC.recv(from: StartupHandle.parent).message.carriedHandle else { throw .invalidArgument }
        let me = Kenix.getpid()
        if let failure = roundTrip(server, Message(tag: tagDefer, me, me << 8, 0x5555, ~me)) {
            print("ipc client: \(failure)")
            return 1
        }
        return 0
    } catch {
        print("ipc client: recv: \(error.name)")
        return 2
    }
}

func expectError(_ expected: SyscallError, _ what: StaticString,
                 _ body: () throws(SyscallError) -> Void) -> String? {
    do throws(SyscallError) {
        try body()
        return "\(what): succeeded, want \(expected.name)"
    } catch {
        return error == expected ? nil : "\(what): \(error.name), want \(expected.name)"
    }
}

func test() -> String? {
    let server: Handle
    let kept: Handle
    do throws(SyscallError) {
        server = try Kenix.spawn("ipc", arg: roleServer)
        kept = try Handles.duplicate(server, rights: HandleRights.send)
    } catch {
        return "spawn server: \(error.name)"
    }

    // 1. call/reply, all bits of all words.
    if let f = roundTrip(server, Message(tag: tagEcho, 0x0123_4567_89AB_CDEF,
                                         0xFEDC_BA98_7654_3210, 0, UInt64.max)) {
        return "echo: \(f)"
    }

    // 2. reply_to: two held callers, answered newest first.
    do throws(SyscallError) {
        let second = try Kenix.spawn("ipc", arg: roleClient)
        try IPC.send(to: second, Message(tag: 0, carrying: server))
        if let f = roundTrip(server, Message(tag: tagDefer, 1, 2, 3, 4)) { return "reply_to: \(f)" }
        let status = try Kenix.wait(second)
        if !status.isSuccess { return "reply_to: second client ended with \(status)" }
    } catch {
        return "reply_to: \(error.name)"
    }

    // 3. The server exits while we wait for its reply.
    if let f = expectError(.partnerDied, "call to a dying server", {
        () throws(SyscallError) in _ = try IPC.call(server, Message(tag: tagDie))
    }) {
        return f
    }
    do throws(SyscallError) {
        let status = try Kenix.wait(server)
        if !status.isSuccess { return "server ended with \(status)" }
    } catch {
        return "wait server: \(error.name)"
    }

    // 4. Nobody there: a handle kept to the reaped server, and a handle nobody was given.
    if let f = expectError(.noSuchTask, "call to a reaped task", {
        () throws(SyscallError) in _ = try IPC.call(kept, Message(tag: tagEcho))
    }) {
        return f
    }
    if let f = expectError(.badHandle, "call through a made-up handle", {
        () throws(SyscallError) in _ = try IPC.call(0x7FFF_FFFF_0000_0001, Message(tag: tagEcho))
    }) {
        return f
    }
    return nil
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    switch arg {
    case roleServer:
        return serve()
    case roleClient:
        return client()
    default:
        if let failure = test() {
            print("ipc: \(failure)")
            return 1
        }
        return 0
    }
}
