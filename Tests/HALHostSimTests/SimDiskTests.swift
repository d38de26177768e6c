// The simulated disk: requests move sectors between RAM and the disk when
// they finish, one after another, each `latency` (+ seeded jitter) after the
// previous; the completion line is a level held while a completion is
// unread; bad requests are refused whole; a host file keeps the data.
import Foundation
import HAL
import XCTest
@testable import HALHostSim

final class SimDiskTests: XCTestCase {
    func bed(path: String? = nil, jitter: UInt64 = 0, seed: UInt64 = 0) throws -> SimTestBed {
        var c = SimTestBed.config(seed: seed)
        var d = SimDiskConfig(path: path, sectors: 64)
        d.latency = 10_000
        d.jitter = jitter
        d.queueDepth = 4
        c.disk = d
        return try SimTestBed(c)
    }

    func testWriteThenReadMovesSectorsAtCompletionTime() throws {
        let bed = try self.bed()
        let disk = try XCTUnwrap(bed.hal.disk)
        let gic = bed.hal.interrupts
        gic.enable(disk.irq)
        let source = bed.allocateFrame(), target = bed.allocateFrame()
        let bytes = bed.hal.memory.pointer(to: source)
        for i in 0..<1024 { bytes.storeBytes(of: UInt8(truncatingIfNeeded: i * 7), toByteOffset: i, as: UInt8.self) }

        XCTAssertTrue(disk.submit(BlockRequest(.write, sector: 8, count: 2, memory: source, tag: 1)))
        XCTAssertTrue(disk.submit(BlockRequest(.read, sector: 8, count: 2, memory: target, tag: 2)))
        XCTAssertNil(disk.takeCompletion(), "nothing finishes before its time")
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 10_000, "the first request takes one latency")
        XCTAssertEqual(gic.acknowledge(), disk.irq)
        XCTAssertEqual(disk.takeCompletion(), BlockCompletion(tag: 1, succeeded: true))
        XCTAssertNil(disk.takeCompletion())
        gic.endOfInterrupt(disk.irq)
        XCTAssertFalse(bed.machine.interruptPending, "the line drops once completions are taken")

        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 20_000, "the second waits for the first")
        XCTAssertEqual(gic.acknowledge(), disk.irq)
        XCTAssertEqual(disk.takeCompletion(), BlockCompletion(tag: 2, succeeded: true))
        gic.endOfInterrupt(disk.irq)
        XCTAssertEqual(memcmp(bed.hal.memory.pointer(to: source), bed.hal.memory.pointer(to: target), 1024), 0)
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .noFutureEvents)
    }

    func testBadRequestsAreRefusedWhole() throws {
        let bed = try self.bed()
        let disk = try XCTUnwrap(bed.hal.disk)
        let frame = bed.allocateFrame()
        XCTAssertEqual(disk.sectorCount, 64)
        XCTAssertEqual(disk.sectorSize, 512)
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: 63, count: 2, memory: frame, tag: 0)), "past the end")
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: 0, count: 0, memory: frame, tag: 0)), "empty")
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: UInt64.max, count: 2, memory: frame, tag: 0)))
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: 0, count: 1, memory: PhysAddr(0x1000), tag: 0)),
                       "memory outside RAM")
        let end = bed.hal.boot.ram.end.raw
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: 0, count: 2, memory: PhysAddr(end - 512), tag: 0)),
                       "memory running past RAM")
        for t in 0..<4 { XCTAssertTrue(disk.submit(BlockRequest(.read, sector: 0, count: 1, memory: frame, tag: UInt64(t)))) }
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: 0, count: 1, memory: frame, tag: 9)), "queue full")
        XCTAssertNil(HostSimHAL(machine: try SimMachine(config: SimTestBed.config())).disk, "no disk unless configured")
    }

    func testAHostFileKeepsTheData() throws {
        let path = NSTemporaryDirectory() + "kenix-disk-\(getpid()).img"
        defer { unlink(path) }
        do {
            let bed = try self.bed(path: path)
            let disk = try XCTUnwrap(bed.hal.disk)
            bed.hal.interrupts.enable(disk.irq)
            let frame = bed.allocateFrame()
            bed.hal.memory.pointer(to: frame).storeBytes(of: 0x1122_3344_5566_7788 as UInt64, as: UInt64.self)
            XCTAssertTrue(disk.submit(BlockRequest(.write, sector: 3, count: 1, memory: frame, tag: 5)))
            XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
            XCTAssertEqual(disk.takeCompletion(), BlockCompletion(tag: 5, succeeded: true))
        }
        let data = try XCTUnwrap(FileManager.default.contents(atPath: path))
        XCTAssertEqual(data.count, 64 * 512)
        XCTAssertEqual(data[3 * 512], 0x88)
        XCTAssertEqual(data[3 * 512 + 7], 0x11)
        XCTAssertThrowsError(try SimMachine(config: {
            var c = SimTestBed.config(); c.disk = SimDiskConfig(path: "/nonexistent/dir/disk.img", sectors: 8); return c
        }())) { XCTAssertEqual($0 as? SimError, .diskFile(path: "/nonexistent/dir/disk.img")) }
    }

    func testLatencyJitterComesFromTheSeed() throws {
        func finishTime(seed: UInt64) throws -> UInt64 {
            let bed = try self.bed(jitter: 5_000, seed: seed)
            let disk = try XCTUnwrap(bed.hal.disk)
            bed.hal.interrupts.enable(disk.irq)
            XCTAssertTrue(disk.submit(BlockRequest(.read, sector: 0, count: 1, memory: bed.allocateFrame(), tag: 0)))
            XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
            return bed.machine.now
        }
        let a = try finishTime(seed: 1), b = try finishTime(seed: 1), c = try finishTime(seed: 2)
        XCTAssertEqual(a, b)
        XCTAssertTrue((10_000..<15_000).contains(a))
        XCTAssertNotEqual(a, c, "another seed, another latency")
    }
}
