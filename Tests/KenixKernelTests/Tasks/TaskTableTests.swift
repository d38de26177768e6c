// TaskTable: slots are initialized as they are first claimed (the storage is never
// cleared), claimed lowest first, and reused with a new id; scans stop at the
// slots ever used.
@testable import KenixKernel
import XCTest

final class TaskTableTests: XCTestCase {
    /// Storage full of garbage, as a recycled frame may be: nothing may read it
    /// before the table initializes it.
    private func withGarbageStorage(capacity: Int, _ body: (inout TaskTable) -> Void) {
        let bytes = TaskTable.storageBytes(capacity: capacity)
        let storage = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
        defer { storage.deallocate() }
        storage.initializeMemory(as: UInt8.self, repeating: 0xA5, count: bytes)
        var table = TaskTable(capacity: capacity, storage: storage)
        body(&table)
    }

    func testAFreshTableHasUsedNoSlotAndNamesNoTask() {
        withGarbageStorage(capacity: 64) { table in
            XCTAssertTrue(table.slotsEverUsed.isEmpty)
            XCTAssertEqual(table.liveCount, 0)
            for slot in [1, 5, 63] {
                XCTAssertNil(table.slot(of: TaskID(slot: slot, generation: 0, capacity: 64)),
                             "slot \(slot) never held a task")
            }
            XCTAssertTrue(table.slotsEverUsed.isEmpty, "looking an id up initializes nothing")
        }
    }

    func testSlotsAreClaimedLowestFirstAndInitializedOnFirstUse() {
        withGarbageStorage(capacity: 64) { table in
            XCTAssertEqual(table.claim(), 1)
            XCTAssertEqual(table.slotsEverUsed, 1..<2)
            XCTAssertEqual(table[1].pointee.state, .free, "claimed, not yet given a state")
            table[1].pointee.state = .ready
            XCTAssertEqual(table.claim(), 2)
            table[2].pointee.state = .ready
            XCTAssertEqual(table.liveCount, 2)
            XCTAssertEqual(table.slot(of: table[2].pointee.id), 2)

            // Each fresh slot claim() hands out is initialized as a free slot
            // with generation 0, over the garbage, and only that one.
            for s in 3...40 {
                XCTAssertEqual(table.claim(), s)
                XCTAssertEqual(table.slotsEverUsed, 1..<(s + 1))
                XCTAssertEqual(table[s].pointee.state, .free)
                XCTAssertEqual(table[s].pointee.generation, 0)
                XCTAssertEqual(table[s].pointee.id, TaskID(slot: s, generation: 0, capacity: 64))
                table[s].pointee.state = .ready
            }
            table.release(3)
            XCTAssertEqual(table.claim(), 3, "the lowest free slot, not the first never used")
        }
    }

    func testAReleasedSlotIsReusedUnderANewId() {
        withGarbageStorage(capacity: 64) { table in
            guard let s = table.claim() else { return XCTFail("no slot") }
            table[s].pointee.state = .ready
            let old = table[s].pointee.id
            table.release(s)
            XCTAssertNil(table.slot(of: old))
            XCTAssertEqual(table.claim(), s)
            table[s].pointee.state = .ready
            XCTAssertNotEqual(table[s].pointee.id, old)
            XCTAssertNil(table.slot(of: old), "the stale id names nothing")
            XCTAssertEqual(table.slot(of: table[s].pointee.id), s)
        }
    }

    func testAFullTableClaimsNothing() {
        withGarbageStorage(capacity: 8) { table in
            for expected in 1..<8 {
                guard let s = table.claim() else { return XCTFail("slot \(expected) was free") }
                XCTAssertEqual(s, expected)
                table[s].pointee.state = .ready
            }
            XCTAssertNil(table.claim())
            XCTAssertEqual(table.slotsEverUsed, 1..<8)
        }
    }
}
