// TimedQueue: the receive side of a simulated input device (the UART's bytes,
// the keyboard's events): a FIFO fed by batches that arrive at given
// simulated times. A batch waits in `scheduled` until `deliver(upTo:)` sees
// its time, then joins the ready side, which `take()` empties in order.
// Equal times keep the order they were scheduled in. The device's level line
// is `!isEmpty`; `nextArrival` is its next event for the machine's clock
// (SimMachine+Time), the only way time reaches it.
//
// Both sides advance a head index and drop their consumed front only when it
// is at least half of the array (or all of it), so takes and deliveries are
// O(1) amortised.

struct TimedQueue<Element> {
    private var ready: [Element] = []
    private var readyHead = 0
    /// Future arrivals, sorted by time; equal times keep their order.
    private var scheduled: [(time: UInt64, elements: [Element])] = []
    private var scheduledHead = 0

    /// Elements ready to take.
    var count: Int { ready.count - readyHead }
    var isEmpty: Bool { readyHead == ready.count }

    /// Time of the next arrival still to come.
    var nextArrival: UInt64? { scheduledHead < scheduled.count ? scheduled[scheduledHead].time : nil }

    /// The oldest ready element, removed; nil if none is ready.
    mutating func take() -> Element? {
        guard readyHead < ready.count else { return nil }
        let e = ready[readyHead]
        readyHead += 1
        Self.dropConsumed(&ready, &readyHead)
        return e
    }

    /// Elements ready from now on, after those already ready.
    mutating func append(_ elements: [Element]) { ready.append(contentsOf: elements) }

    /// Elements that arrive at `time`: at once (after those already ready) if
    /// `time <= now`, else at `deliver(upTo:)` after any arrival due before
    /// or at the same time.
    mutating func schedule(_ elements: [Element], at time: UInt64, now: UInt64) {
        guard time > now else { ready.append(contentsOf: elements); return }
        var i = scheduled.count
        while i > scheduledHead && scheduled[i - 1].time > time { i -= 1 }
        scheduled.insert((time, elements), at: i)
    }

    /// Moves every arrival due at or before `now` to the ready side.
    mutating func deliver(upTo now: UInt64) {
        while scheduledHead < scheduled.count && scheduled[scheduledHead].time <= now {
            ready.append(contentsOf: scheduled[scheduledHead].elements)
            scheduledHead += 1
        }
        Self.dropConsumed(&scheduled, &scheduledHead)
    }

    /// Drops `array[..<head]` once it is all of `array`, or at least half of
    /// it and large enough to be worth the copy.
    private static func dropConsumed<T>(_ array: inout [T], _ head: inout Int) {
        if head == array.count {
            if head > 0 { array.removeAll(keepingCapacity: true); head = 0 }
        } else if head >= 1024 && head * 2 >= array.count {
            array.removeFirst(head)
            head = 0
        }
    }
}
