// The test machine's disk keeps the BlockDevice contract the pager relies
// on: requests finish in order at known times and move their data then (not
// at submission), the level line is high exactly while a completion is
// untaken, an idle machine with a request in flight waits for it instead of
// reporting a deadlock, invalid or excess requests are refused, and chosen
// requests fail.
import HAL
import XCTest

final class ScriptedDiskTests: XCTestCase {
    private let ramBase = ScriptedHAL.ramBase
    private var hal: ScriptedHAL!
    private var machine: SimMachine { hal.machine }
    private var disk: ScriptedDisk { hal.swapDevice! }

    private func makeDisk(_ config: ScriptedDiskConfig = ScriptedDiskConfig(sectors: 64, queueDepth: 2, latency: 100)) {
        hal = ScriptedHAL(frames: 32, initrd: [], disk: config)
        machine.enabledIRQs.insert(disk.irq.number)
    }

    private func frame(_ i: UInt64) -> PhysAddr { PhysAddr(ramBase + i * PageGeometry.pageSize) }
    private func fill(_ frame: PhysAddr, _ byte: UInt8) {
        machine.pointer(to: frame).initializeMemory(as: UInt8.self, repeating: byte, count: 4096)
    }
    private func bytes(_ frame: PhysAddr) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: machine.pointer(to: frame), count: 4096))
    }

    func testRequestsFinishInOrderAndMoveTheirDataWhenTheyFinish() {
        makeDisk()
        fill(frame(1), 0x11)
        XCTAssertTrue(disk.submit(BlockRequest(.write, sector: 8, count: 8, memory: frame(1), tag: 7)))
        fill(frame(1), 0x22)                 // changed after submission: the device reads it later
        XCTAssertTrue(disk.submit(BlockRequest(.read, sector: 8, count: 8, memory: frame(2), tag: 8)))
        XCTAssertEqual(disk.requests.map(\.finishes), [100, 200], "one at a time, in order")
        XCTAssertEqual(disk.bytes(atSector: 8, count: 1), [ScriptedDisk.blankByte], "nothing moved yet")
        XCTAssertFalse(machine.interruptDeliverable)
        XCTAssertEqual(machine.nextInterruptTime, 100)

        machine.now = 150
        XCTAssertEqual(machine.deliverableIRQ, disk.irq, "a completion is waiting: the line is high")
        XCTAssertEqual(disk.bytes(atSector: 8, count: 4096), [UInt8](repeating: 0x22, count: 4096))
        XCTAssertEqual(disk.takeCompletion(), BlockCompletion(tag: 7, succeeded: true))
        XCTAssertNil(disk.takeCompletion())
        XCTAssertFalse(machine.interruptDeliverable, "every completion taken: the line drops")
        XCTAssertNotEqual(bytes(frame(2)).first, 0x22, "the read has not finished")

        machine.now = 200
        XCTAssertEqual(disk.takeCompletion(), BlockCompletion(tag: 8, succeeded: true))
        XCTAssertEqual(bytes(frame(2)), [UInt8](repeating: 0x22, count: 4096))
        XCTAssertEqual(disk.requests.map(\.taken), [150, 200])
    }

    func testAnIdleMachineWaitsForTheDiskInsteadOfReportingADeadlock() {
        makeDisk()
        let cpu = hal.cpu
        XCTAssertEqual(cpu.waitForInterrupt(), .noFutureEvents)
        XCTAssertTrue(disk.submit(BlockRequest(.write, sector: 0, count: 1, memory: frame(1), tag: 1)))
        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(machine.now, 100, "time jumped to the completion")
        XCTAssertEqual(machine.deliverableIRQ, disk.irq)
        machine.activeIRQs.insert(disk.irq.number)
        XCTAssertNil(machine.deliverableIRQ, "an active line is not signalled again")
    }

    func testInvalidAndExcessRequestsAreRefused() {
        makeDisk()
        let refused = [
            BlockRequest(.read, sector: 0, count: 0, memory: frame(1), tag: 0),
            BlockRequest(.read, sector: 60, count: 8, memory: frame(1), tag: 0),
            BlockRequest(.read, sector: .max, count: 8, memory: frame(1), tag: 0),
            BlockRequest(.read, sector: 0, count: 8, memory: PhysAddr(ramBase - 4096), tag: 0),
            BlockRequest(.read, sector: 0, count: 8, memory: frame(31).adding(512), tag: 0),
        ]
        for r in refused { XCTAssertFalse(disk.submit(r), "\(r)") }
        XCTAssertTrue(disk.submit(BlockRequest(.read, sector: 0, count: 8, memory: frame(1), tag: 1)))
        XCTAssertTrue(disk.submit(BlockRequest(.read, sector: 8, count: 8, memory: frame(2), tag: 2)))
        machine.now = 1_000
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: 16, count: 8, memory: frame(3), tag: 3)),
                       "finished but untaken requests still hold the queue")
        _ = disk.takeCompletion()
        XCTAssertTrue(disk.submit(BlockRequest(.read, sector: 16, count: 8, memory: frame(3), tag: 3)))
        XCTAssertEqual(disk.refused.count, 6)
        XCTAssertEqual(disk.requests.count, 3)
    }

    func testChosenRequestsFailAndLeaveGarbage() {
        makeDisk(ScriptedDiskConfig(sectors: 64, queueDepth: 4, latency: 10,
                                    fails: { $0.operation == .write && $0.operationIndex == 1 }))
        fill(frame(1), 0x33)
        fill(frame(2), 0x44)
        XCTAssertTrue(disk.submit(BlockRequest(.write, sector: 0, count: 8, memory: frame(1), tag: 1)))
        XCTAssertTrue(disk.submit(BlockRequest(.write, sector: 8, count: 8, memory: frame(1), tag: 2)))
        XCTAssertTrue(disk.submit(BlockRequest(.read, sector: 0, count: 8, memory: frame(2), tag: 3)))
        XCTAssertTrue(disk.submit(BlockRequest(.read, sector: 16, count: 8, memory: frame(3), tag: 4)))
        XCTAssertEqual(disk.failInFlight { $0.request.tag == 4 }, 1)
        machine.now = 100
        XCTAssertEqual((0..<4).compactMap { _ in disk.takeCompletion()?.succeeded }, [true, false, true, false])
        XCTAssertEqual(disk.bytes(atSector: 8, count: 1), [ScriptedDisk.failureByte])
        XCTAssertEqual(bytes(frame(2)).first, 0x33)
        XCTAssertEqual(bytes(frame(3)).first, ScriptedDisk.failureByte)
    }
}
