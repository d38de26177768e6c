// HandleTable: each task slot's table is initialized when a task first
// claims the slot (reset; the storage is never cleared), and scans cover
// only the tables ever used.
@testable import KenixKernel
import KenixABI
import XCTest

final class HandleTableTests: XCTestCase {
    func testTablesStartEmptyOnGarbageStorageAndOnlyUsedOnesAreScanned() {
        let slots = 16, perTask = 8
        let bytes = HandleTable.storageBytes(taskSlots: slots, perTask: perTask)
        let storage = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
        defer { storage.deallocate() }
        storage.initializeMemory(as: UInt8.self, repeating: 0xA5, count: bytes)
        let table = HandleTable(taskSlots: slots, perTask: perTask, storage: storage)
        XCTAssertTrue(table.slotsEverUsed.isEmpty)

        table.reset(3)   // a task claims slot 3 (Kernel.claimTask)
        XCTAssertEqual(table.slotsEverUsed, 0..<4)
        XCTAssertNil(table.lookup(3, 1), "a fresh table has no handles, whatever the storage held")
        XCTAssertEqual(table.count(3), 0)
        XCTAssertTrue(table.hasRoom(3))

        let value = table.insert(3, HandleEntry(kind: .notification, rights: 1, object: 42))
        XCTAssertEqual(value, 1)
        XCTAssertEqual(table.lookup(3, 1)?.entry.object, 42)
        for s in 0..<3 { XCTAssertEqual(table.count(s), 0, "slot \(s) was initialized empty") }
        XCTAssertEqual(table.slotsEverUsed, 0..<4, "no table above slot 3 was touched")

        // A slot's next task starts with an empty table, its handles at
        // their well-known values again.
        table.reset(3)
        XCTAssertNil(table.lookup(3, 1))
        XCTAssertEqual(table.insert(3, HandleEntry(kind: .notification, rights: 1, object: 7)), 1)
    }
}
