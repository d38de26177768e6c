// ticker: a timer-driven program for the shell and the system tests. It
// ticks three times with `sleep`, then shows that a receive with a timeout
// ends by itself, and prints nothing that depends on how fast the machine is.

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    var last = Kenix.clock()
    for tick in 1...3 {
        Kenix.sleep(milliseconds: 100)
        let now = Kenix.clock()
        guard now - last >= 100_000_000 else {
            print("ticker: woke early")
            return 1
        }
        last = now
        print("ticker: tick \(tick)")
    }
    let start = Kenix.clock()
    do throws(SyscallError) {
        _ = try IPC.recv(timeout: 50_000_000)
        print("ticker: a message arrived from nowhere")
        return 2
    } catch {
        guard error == .timedOut, Kenix.clock() - start >= 50_000_000 else {
            print("ticker: receive ended early: \(error.name)")
            return 3
        }
    }
    print("ticker: receive timed out after 50 ms, as asked")
    return 0
}
