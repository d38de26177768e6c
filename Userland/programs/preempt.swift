// preempt: time slicing preempts a task that never yields or blocks.
//
// Two tasks of equal priority (the test and a peer, this binary with arg 1)
// share a page of counters. Each spins, incrementing its own counter, and
// records when it sees the other's counter move while it is itself still in
// its loop: with one CPU, that can only happen if the kernel preempted it
// and ran the other (docs/syscalls.md, "Scheduling": 1 ms slices). Each goes
// on spinning until both have seen that, so neither strands the other, and
// gives up after a bounded number of iterations so a kernel without
// preemption fails the test instead of hanging it.
// Exit 0 = pass; on failure one line says what went wrong.

// ~10 instructions an iteration: about 500 time slices of 1 ms (1 M
// instructions in the simulator) before giving up.
let maxIterations = 50_000_000

// Page layout, in 64-bit words.
func counter(_ who: Int) -> Int { who }       // 0: the test, 1: the peer
func saw(_ who: Int) -> Int { 2 + who }       // set once `who` saw the other move

/// Spins as `me` until both tasks have seen each other run; false if it gave up.
func spin(_ page: SharedWords, me: Int) -> Bool {
    let other = 1 - me
    let start = page[counter(other)]
    for _ in 0..<maxIterations {
        page[counter(me)] = page[counter(me)] &+ 1
        if page[saw(me)] == 0 && page[counter(other)] != start {
            page[saw(me)] = 1
        }
        if page[saw(me)] != 0 && page[saw(other)] != 0 { return true }
    }
    return false
}

func peer() -> Int64 {
    do throws(SyscallError) {
        guard let id = try IPC.recv(from: StartupHandle.parent).message.carriedHandle else { throw .invalidArgument }
        let page = SharedWords(address: try SharedMemory.map(id))
        if spin(page, me: 1) { return 0 }
        print("preempt peer: gave up; own count \(page[counter(1)]), test's \(page[counter(0)])")
        return 1
    } catch {
        print("preempt peer: \(error.name)")
        return 2
    }
}

func test() -> String? {
    let page: SharedWords
    let peer: Handle
    do throws(SyscallError) {
        let id = try SharedMemory.create(size: 4096)
        page = SharedWords(address: try SharedMemory.map(id))
        peer = try Kenix.spawn("preempt", arg: 1)
        try IPC.send(to: peer, Message(tag: 0, carrying: id))
    } catch {
        return "setup: \(error.name)"
    }
    let sawPeer = spin(page, me: 0)
    let status: ExitStatus
    do throws(SyscallError) {
        status = try Kenix.wait(peer)
    } catch {
        return "wait: \(error.name)"
    }
    if !sawPeer {
        return "never preempted: own count \(page[counter(0)]), peer's \(page[counter(1)])"
    }
    return status.isSuccess ? nil : "peer ended with \(status)"
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    if arg == 1 { return peer() }
    if let failure = test() {
        print("preempt: \(failure)")
        return 1
    }
    return 0
}
