// priority: the highest-priority ready task runs first.
//
// The test (priority 16, inherited from init) creates a log page and spawns
// three children at priorities 3, 5 and 7, in that order. They are all below
// the test, so none runs until the test blocks in wait. Then each child,
// when it runs, appends its task id to the log and exits. The log must read
// 7, 5, 3: the scheduler picked by priority, not by spawn order.
//
// The children get the page's id through their spawn arg (id + 1, so that 0
// still means "the test"), and the test grants it before it blocks, so the
// grant is in place before any child runs. Children log their task id, which
// the test maps back to a priority; that needs no assumption about how the
// kernel encodes ids. Exit 0 = pass; on failure one line says what went wrong.

let priorities: [UInt64] = [3, 5, 7]          // spawn order
let expectedOrder: [UInt64] = [7, 5, 3]       // run order

// Log layout, in 64-bit words: [0] = entries so far, [1...] = task ids.
func child(arg: UInt64) -> Int64 {
    do throws(SyscallError) {
        let log = SharedWords(address: try SharedMemory.map(arg - 1))
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
    var children: [TaskID] = []
    do throws(SyscallError) {
        let id = try SharedMemory.create(size: 4096)
        log = SharedWords(address: try SharedMemory.map(id))
        for p in priorities {
            let c = try Kenix.spawn("priority", arg: id + 1, priority: p)
            try SharedMemory.grant(id, to: c)
            children.append(c)
        }
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
        order.append(children.firstIndex(of: task).map { priorities[$0] } ?? 0)
    }
    if order == expectedOrder { return nil }
    var text = "ran in priority order"
    for p in order { text += " \(p)" }
    return text + ", want 7 5 3"
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    if arg != 0 { return child(arg: arg) }
    if let failure = test() {
        print("priority: \(failure)")
        return 1
    }
    return 0
}
