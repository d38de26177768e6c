// sleep: the kernel clock and timed sleeps.
//
// Proves that sleep(10 ms) blocks at least 10 ms of kernel clock and well
// under a second, and that two tasks sleeping different durations wake in
// deadline order, not in the order they went to sleep: the 30 ms sleeper is
// spawned first, the 10 ms one second, and each sends the test a message
// when it wakes. Children are this binary with arg = their sleep in ms.
// Exit 0 = pass; on failure one line says what went wrong.

let millisecond: UInt64 = 1_000_000

func sleeper(ms: UInt64) -> Int64 {
    Kenix.sleep(milliseconds: ms)
    do throws(SyscallError) {
        try IPC.send(to: StartupHandle.parent, Message(tag: ms, Kenix.clock()))
        return 0
    } catch {
        print("sleep child: \(error.name)")
        return 2
    }
}

func test() -> String? {
    let before = Kenix.clock()
    Kenix.sleep(milliseconds: 10)
    let elapsed = Kenix.clock() &- before
    if elapsed < 10 * millisecond || elapsed >= 1000 * millisecond {
        return "sleep(10 ms) took \(elapsed) ns"
    }

    do throws(SyscallError) {
        let long = try Kenix.spawn("sleep", arg: 30)
        let short = try Kenix.spawn("sleep", arg: 10)
        let longID = try Handles.info(long).object
        let shortID = try Handles.info(short).object
        let first = try IPC.recv()
        let second = try IPC.recv()
        // A message names its sender by task id (information, not authority).
        if first.sender != shortID || second.sender != longID {
            return "woke in order \(first.message.tag) ms, \(second.message.tag) ms; want 10 ms, 30 ms"
        }
        for child in [long, short] {
            let status = try Kenix.wait(child)
            if !status.isSuccess { return "a sleeper ended with \(status)" }
        }
    } catch {
        return "\(error.name)"
    }
    return nil
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    if arg != 0 { return sleeper(ms: arg) }
    if let failure = test() {
        print("sleep: \(failure)")
        return 1
    }
    return 0
}
