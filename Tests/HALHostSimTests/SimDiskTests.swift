// The simulated disk's device model: requests move sectors between RAM and
// the disk when they finish; the data of successive requests moves over one
// channel, then each takes its own latency and seeded jitter, so several are
// in flight and they may finish out of order; the completion line is a level
// held while a completion is unread; bad requests are refused whole; a host
// file keeps the data. Data disk files, faults and power cuts:
// SimDataDiskTests.
import Foundation
import HAL
import XCTest
@testable import HALHostSim

final class SimDiskTests: XCTestCase {
    /// 1024 bytes take 1000 ns on the channel.
    static let rate: UInt64 = 1_024_000_000

    func bed(path: String? = nil, jitter: UInt64 = 0, seed: UInt64 = 0, depth: Int = 4) throws -> SimTestBed {
        var c = SimTestBed.config(seed: seed)
        var d = SimDiskConfig(path: path, sectors: 64)
        d.latency = 10_000
        d.jitter = jitter
        d.queueDepth = depth
        d.bytesPerSecond = Self.rate
        c.disk = d
        return try SimTestBed(c)
    }

    func testWriteThenReadMovesSectorsAtCompletionTime() throws {
        let bed = try self.bed()
        let disk = try XCTUnwrap(bed.hal.swapDevice)
        XCTAssertEqual(bed.hal.swapDisk, 0)
        let gic = bed.hal.interrupts
        gic.enable(disk.irq)
        let source = bed.allocateFrame(), target = bed.allocateFrame()
        let bytes = bed.hal.memory.pointer(to: source)
        for i in 0..<1024 { bytes.storeBytes(of: UInt8(truncatingIfNeeded: i * 7), toByteOffset: i, as: UInt8.self) }

        XCTAssertTrue(disk.submit(BlockRequest(.write, sector: 8, count: 2, memory: source, tag: 1)))
        XCTAssertTrue(disk.submit(BlockRequest(.read, sector: 8, count: 2, memory: target, tag: 2)))
        XCTAssertNil(disk.takeCompletion(), "nothing finishes before its time")
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 11_000, "the first: its 1000 ns of data, then one latency")
        XCTAssertEqual(gic.acknowledge(), disk.irq)
        XCTAssertEqual(disk.takeCompletion(), BlockCompletion(tag: 1, succeeded: true))
        XCTAssertNil(disk.takeCompletion())
        gic.endOfInterrupt(disk.irq)
        XCTAssertFalse(bed.machine.interruptPending, "the line drops once completions are taken")

        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 12_000, "the second was in flight meanwhile: its data after the first's")
        XCTAssertEqual(gic.acknowledge(), disk.irq)
        XCTAssertEqual(disk.takeCompletion(), BlockCompletion(tag: 2, succeeded: true))
        gic.endOfInterrupt(disk.irq)
        XCTAssertEqual(memcmp(bed.hal.memory.pointer(to: source), bed.hal.memory.pointer(to: target), 1024), 0)
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .noFutureEvents)
    }

    /// The order in which the tags of `count` one-sector reads, submitted
    /// together, complete.
    func completionOrder(seed: UInt64, count: Int = 4) throws -> [UInt64] {
        let bed = try self.bed(jitter: 20_000, seed: seed)
        let disk = try XCTUnwrap(bed.hal.swapDevice)
        bed.hal.interrupts.enable(disk.irq)
        let frame = bed.allocateFrame()
        for t in 0..<count { XCTAssertTrue(disk.submit(BlockRequest(.read, sector: UInt64(t), count: 1, memory: frame, tag: UInt64(t)))) }
        var order: [UInt64] = []
        while order.count < count, bed.hal.cpu.waitForInterrupt() == .interrupt {
            let irq = bed.hal.interrupts.acknowledge()
            while let c = disk.takeCompletion() { order.append(c.tag) }
            if let irq { bed.hal.interrupts.endOfInterrupt(irq) }
        }
        return order
    }

    func testRequestsInFlightFinishOutOfOrderBySeed() throws {
        let orders = try (1...8).map { try completionOrder(seed: $0) }
        for order in orders { XCTAssertEqual(order.sorted(), [0, 1, 2, 3], "every request completes once") }
        XCTAssertTrue(orders.contains { $0 != [0, 1, 2, 3] }, "some seed finishes them out of order: \(orders)")
        XCTAssertEqual(try completionOrder(seed: 5), orders[4], "the same seed, the same order")
    }

    func testBadRequestsAreRefusedWhole() throws {
        let bed = try self.bed()
        let disk = try XCTUnwrap(bed.hal.swapDevice)
        let frame = bed.allocateFrame()
        XCTAssertEqual(disk.sectorCount, 64)
        XCTAssertEqual(disk.sectorSize, 512)
        XCTAssertFalse(disk.isReadOnly)
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: 63, count: 2, memory: frame, tag: 0)), "past the end")
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: 0, count: 0, memory: frame, tag: 0)), "empty")
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: UInt64.max, count: 2, memory: frame, tag: 0)))
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: 0, count: 1, memory: PhysAddr(0x1000), tag: 0)),
                       "memory outside RAM")
        let end = bed.hal.boot.ram.end.raw
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: 0, count: 2, memory: PhysAddr(end - 512), tag: 0)),
                       "memory running past RAM")
        XCTAssertFalse(disk.submit(BlockRequest(.flush, sector: 0, count: 1, memory: frame, tag: 0)), "a flush with sectors")
        for t in 0..<4 { XCTAssertTrue(disk.submit(BlockRequest(.read, sector: 0, count: 1, memory: frame, tag: UInt64(t)))) }
        XCTAssertFalse(disk.submit(BlockRequest(.read, sector: 0, count: 1, memory: frame, tag: 9)), "queue full")
        XCTAssertFalse(disk.submit(.flush(tag: 9)), "queue full for a flush too")
        let bare = HostSimHAL(machine: try SimMachine(config: SimTestBed.config()))
        XCTAssertTrue(bare.disks.isEmpty, "no disk unless configured")
        XCTAssertNil(bare.swapDisk)
    }

    func testAFlushCompletesAndADiskWithoutACacheRefusesIt() throws {
        let bed = try self.bed()
        let disk = try XCTUnwrap(bed.hal.swapDevice)
        bed.hal.interrupts.enable(disk.irq)
        XCTAssertTrue(disk.canFlush)
        XCTAssertTrue(disk.submit(.flush(tag: 7)))
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 10_000, "a flush moves no data: one latency")
        XCTAssertEqual(disk.takeCompletion(), BlockCompletion(tag: 7, succeeded: true))

        var c = SimTestBed.config()
        var d = SimDiskConfig(medium: .memory(sectors: 8, image: []))
        d.writeCache = false
        c.dataDisks = [d]
        let uncached = try SimTestBed(c)
        XCTAssertFalse(uncached.hal.disks[0].canFlush)
        XCTAssertFalse(uncached.hal.disks[0].submit(.flush(tag: 1)))
    }

    func testAHostFileKeepsTheData() throws {
        let path = NSTemporaryDirectory() + "kenix-disk-\(getpid()).img"
        defer { unlink(path) }
        do {
            let bed = try self.bed(path: path)
            let disk = try XCTUnwrap(bed.hal.swapDevice)
            bed.hal.interrupts.enable(disk.irq)
            let frame = bed.allocateFrame()
            bed.hal.memory.pointer(to: frame).storeBytes(of: 0x1122_3344_5566_7788 as UInt64, as: UInt64.self)
            XCTAssertTrue(disk.submit(BlockRequest(.write, sector: 3, count: 1, memory: frame, tag: 5)))
            XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
            XCTAssertEqual(disk.takeCompletion(), BlockCompletion(tag: 5, succeeded: true))
        }
        let data = try XCTUnwrap(FileManager.default.contents(atPath: path))
        XCTAssertEqual(data.count, 64 * 512, "a swap file is created at its size")
        XCTAssertEqual(data[3 * 512], 0x88)
        XCTAssertEqual(data[3 * 512 + 7], 0x11)
        XCTAssertThrowsError(try SimMachine(config: {
            var c = SimTestBed.config(); c.disk = SimDiskConfig(path: "/nonexistent/dir/disk.img", sectors: 8); return c
        }())) { XCTAssertEqual($0 as? SimError, .disk(path: "/nonexistent/dir/disk.img", problem: .hostError(ENOENT))) }
    }

    func testLatencyJitterComesFromTheSeed() throws {
        func finishTime(seed: UInt64) throws -> UInt64 {
            let bed = try self.bed(jitter: 5_000, seed: seed)
            let disk = try XCTUnwrap(bed.hal.swapDevice)
            bed.hal.interrupts.enable(disk.irq)
            XCTAssertTrue(disk.submit(BlockRequest(.read, sector: 0, count: 1, memory: bed.allocateFrame(), tag: 0)))
            XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
            return bed.machine.now
        }
        let a = try finishTime(seed: 1), b = try finishTime(seed: 1), c = try finishTime(seed: 2)
        XCTAssertEqual(a, b)
        XCTAssertTrue((10_500..<15_500).contains(a), "500 ns of data, the latency, up to 5000 ns of jitter: \(a)")
        XCTAssertNotEqual(a, c, "another seed, another latency")
    }
}
