// TimedQueue: arrivals in time order (equal times in scheduling order), only
// when delivered, and the ready side in FIFO order across its compactions.
import XCTest
@testable import HALHostSim

final class TimedQueueTests: XCTestCase {
    func testArrivalsComeInTimeOrderAndOnlyWhenDelivered() {
        var q = TimedQueue<Int>()
        q.schedule([3], at: 300, now: 0)
        q.schedule([1], at: 100, now: 0)
        q.schedule([2], at: 300, now: 0)
        q.schedule([0], at: 0, now: 0)
        XCTAssertEqual(q.count, 1, "due now: ready at once")
        XCTAssertEqual(q.nextArrival, 100)
        q.deliver(upTo: 299)
        XCTAssertEqual(q.nextArrival, 300)
        q.deliver(upTo: 300)
        XCTAssertNil(q.nextArrival)
        var taken: [Int] = []
        while let e = q.take() { taken.append(e) }
        XCTAssertEqual(taken, [0, 1, 3, 2], "equal times keep their scheduling order")
        XCTAssertTrue(q.isEmpty)
    }

    func testLongRunsStayInOrderAcrossCompactions() {
        var q = TimedQueue<Int>()
        var next = 0, expected = 0
        for round in 0..<50 {
            q.append(Array(next..<next + 100))
            next += 100
            for t in 0..<60 { q.schedule([next], at: UInt64(round * 1000 + t + 1), now: UInt64(round * 1000)); next += 1 }
            q.deliver(upTo: UInt64(round * 1000 + 60))
            for _ in 0..<150 {
                XCTAssertEqual(q.take(), expected)
                expected += 1
            }
        }
        while let e = q.take() { XCTAssertEqual(e, expected); expected += 1 }
        XCTAssertEqual(expected, next)
        XCTAssertNil(q.nextArrival)
    }
}
