// UARTInput: the simulated UART's receive side: a FIFO the kernel reads,
// fed by input events that arrive at given simulated times. The receive
// interrupt is a level: asserted while the FIFO holds data.
//
// Input comes from `SimConfig.input` (ConsoleInput: a file or the host's
// stdin, a line at a time when the machine idles) and from tests
// (`SimMachine.enqueueInput`, `scheduleInput`).

struct UARTInput {
    private var fifo: [UInt8] = []
    private var head = 0
    /// Future arrivals, sorted by time; equal times keep their order.
    private var scheduled: [(time: UInt64, bytes: [UInt8])] = []
    private var scheduledHead = 0

    var hasData: Bool { head < fifo.count }

    /// Time of the next arrival still to come.
    var nextArrival: UInt64? { scheduledHead < scheduled.count ? scheduled[scheduledHead].time : nil }

    mutating func pop() -> UInt8? {
        guard head < fifo.count else { return nil }
        let b = fifo[head]
        head += 1
        if head == fifo.count { fifo.removeAll(keepingCapacity: true); head = 0 }
        return b
    }

    mutating func append(_ bytes: [UInt8]) { fifo.append(contentsOf: bytes) }

    mutating func schedule(_ bytes: [UInt8], at time: UInt64) {
        var i = scheduled.count
        while i > scheduledHead && scheduled[i - 1].time > time { i -= 1 }
        scheduled.insert((time, bytes), at: i)
    }

    /// Moves every arrival due at or before `now` into the FIFO.
    mutating func deliver(upTo now: UInt64) {
        while scheduledHead < scheduled.count && scheduled[scheduledHead].time <= now {
            fifo.append(contentsOf: scheduled[scheduledHead].bytes)
            scheduledHead += 1
        }
        if scheduledHead == scheduled.count && scheduledHead > 0 {
            scheduled.removeAll(keepingCapacity: true); scheduledHead = 0
        }
    }
}
