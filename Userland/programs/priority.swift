// priority: the highest-priority ready task runs first.
//
// The test (priority 16, inherited from init) creates a log page and spawns
// three children at priorities 3, 5 and 7, in that order. They are all below
// the test, so none runs until the test blocks in wait. Then each child,
// when it runs, appends its task id to the log and exits. The log must read
// 7, 5, 3: the scheduler picked by priority, not by spawn order.
//
// Each child (spawn arg 1) first receives the page's handle from the test
// (the send lets it run just long enough to take it), then waits for a
// "go"; the test sends every go before it blocks in wait, so all three are
// ready together when the scheduler chooses. Children log their task id,
// which the test maps back to a priority; that needs no assumption about how
// the kernel encodes ids. Exit 0 = pass; on failure one line says what went wrong.

let priorities: [UInt64] = [3, 5, 7]          // spawn order
let expectedOrder: [UInt64] = [7, 5, 3]       // run order

// Log layout, in 64-bit words: [0] = entries so far, [1...] = task ids.
func child() -> Int64 {
    do throws(SyscallError) {
        guard let page = try IPC.recv(from: StartupHandle.parent).message.carriedHandle else { throw .invalidArgument }
        let log = SharedWords(address: try SharedMemory.map(page))
        _ = try IPC.recv(from: StartupHandle.parent)   // go
        let n = Int(log[0])
        log[1 + n] = Kenix.getpid()
        log[0] = UInt64(n + 1)
        return 0
    } catch {
        print("priority child: \(error.name)")
        return 2
    }
}

func test() -> String? {
    let log: SharedWords
    var children: [Handle] = []
    var ids: [TaskID] = []
    do throws(SyscallError) {
        let id = try SharedMemory.create(size: 4096)
        log = SharedWords(address: try SharedMemory.map(id))
        for p in priorities {
            let c = try Kenix.spawn("priority", arg: 1, priority: p)
            try IPC.send(to: c, Message(tag: 0, carrying: id))
            children.append(c)
            ids.append(try Handles.info(c).object)
        }
        for c in children { try IPC.send(to: c, Message(tag: 0)) }   // go: each becomes ready, none runs yet
        for c in children {
            let status = try Kenix.wait(c)
            if !status.isSuccess { return "a child ended with \(status)" }
        }
    } catch {
        return "\(error.name)"
    }

    var order: [UInt64] = []
    for i in 0..<Int(min(log[0], 8)) {
        let task = log[1 + i]
        order.append(ids.firstIndex(of: task).map { priorities[$0] } ?? 0)
    }
    if order == expectedOrder { return nil }
    var text = "ran in priority order"
    for p in order { text += " \(p)" }
    return text + ", want 7 5 3"
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    if arg != 0 { return child() }
    if let failure = test() {
        print("priority: \(failure)")
        return 1
    }
    return 0
}
