// kenix-sim's data disks (--disk FILE): the user's file is used as it is
// (never created, extended or truncated; its size must be whole sectors),
// locked against other programs and against a second use in the same run;
// every completed write is in the file; chosen requests fail (SimDiskFault)
// without moving data; a power cut stops the machine right after the Nth
// completed write, with exactly the writes before it in the file.
import Foundation
import HAL
import XCTest
@testable import HALHostSim

final class SimDataDiskTests: XCTestCase {
    var files: [String] = []

    override func tearDown() {
        for f in files { unlink(f) }
        files.removeAll()
    }

    /// A fresh file of `bytes` bytes, each `fill`.
    func makeFile(_ bytes: Int, fill: UInt8 = 0) -> String {
        let path = NSTemporaryDirectory() + "kenix-data-\(getpid())-\(files.count).img"
        FileManager.default.createFile(atPath: path, contents: Data(repeating: fill, count: bytes))
        files.append(path)
        return path
    }

    func contents(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

    func config(_ disks: [SimDiskConfig], powerCut: UInt64? = nil, seed: UInt64 = 0) -> SimConfig {
        var c = SimTestBed.config(seed: seed)
        c.dataDisks = disks
        c.powerCutAfterWrites = powerCut
        return c
    }

    static func file(_ path: String, faults: [SimDiskFault] = []) -> SimDiskConfig {
        var d = SimDiskConfig(medium: .file(path: path))
        d.latency = 10_000
        d.jitter = 3_000
        d.faults = faults
        return d
    }

    /// Submits `requests` to data disk `k`, then takes completions until
    /// every one is in or the machine stops; returns them in order.
    @discardableResult
    func drive(_ bed: SimTestBed, disk k: Int = 0, _ requests: [BlockRequest]) -> [BlockCompletion] {
        let disk = bed.hal.disks[k]
        bed.hal.interrupts.enable(disk.irq)
        for r in requests { XCTAssertTrue(disk.submit(r), "accepted: \(r)") }
        var done: [BlockCompletion] = []
        while done.count < requests.count, bed.hal.cpu.waitForInterrupt() == .interrupt {
            let irq = bed.hal.interrupts.acknowledge()
            while let c = disk.takeCompletion() { done.append(c) }
            if let irq { bed.hal.interrupts.endOfInterrupt(irq) }
        }
        return done
    }

    /// A frame filled with `byte`.
    func frame(_ bed: SimTestBed, _ byte: UInt8) -> PhysAddr {
        let f = bed.allocateFrame()
        bed.hal.memory.pointer(to: f).initializeMemory(as: UInt8.self, repeating: byte, count: 4096)
        return f
    }

    func testTheFileIsUsedAsItIsAndKeepsEveryCompletedWrite() throws {
        let path = makeFile(16 * 512, fill: 0x11)
        do {
            let bed = try SimTestBed(config([Self.file(path)]))
            XCTAssertNil(bed.hal.swapDisk, "a data disk is never the swap disk")
            let disk = bed.hal.disks[0]
            XCTAssertEqual(disk.sectorCount, 16, "the file's size, whole sectors")
            XCTAssertEqual(disk.irq, IRQ(50), "data disk 0's line")
            let source = frame(bed, 0xAB), target = frame(bed, 0)
            let done = drive(bed, [BlockRequest(.write, sector: 15, count: 1, memory: source, tag: 1),
                                   BlockRequest(.read, sector: 0, count: 2, memory: target, tag: 2),
                                   .flush(tag: 3)])
            XCTAssertEqual(Set(done.map(\.tag)), [1, 2, 3])
            XCTAssertTrue(done.allSatisfy(\.succeeded))
            XCTAssertEqual(bed.hal.memory.pointer(to: target).load(fromByteOffset: 1000, as: UInt8.self), 0x11)
            XCTAssertFalse(disk.submit(BlockRequest(.read, sector: 16, count: 1, memory: target, tag: 4)),
                           "the disk ends where the file does")
        }
        let bytes = contents(path)
        XCTAssertEqual(bytes.count, 16 * 512, "never extended")
        XCTAssertEqual(Array(bytes[(15 * 512)...]), [UInt8](repeating: 0xAB, count: 512))
        XCTAssertEqual(Array(bytes[..<(15 * 512)]), [UInt8](repeating: 0x11, count: 15 * 512))
    }

    func testMissingOddSizedAndEmptyFiles() throws {
        let missing = NSTemporaryDirectory() + "kenix-no-such-\(getpid()).img"
        XCTAssertThrowsError(try SimMachine(config: config([Self.file(missing)]))) {
            XCTAssertEqual($0 as? SimError, .disk(path: missing, problem: .missing))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "never created")
        let odd = makeFile(1000)
        XCTAssertThrowsError(try SimMachine(config: config([Self.file(odd)]))) {
            XCTAssertEqual($0 as? SimError, .disk(path: odd, problem: .size(1000)))
        }
        XCTAssertEqual(contents(odd).count, 1000, "never truncated")
        XCTAssertThrowsError(try SimMachine(config: config([Self.file(NSTemporaryDirectory())]))) {
            XCTAssertEqual($0 as? SimError, .disk(path: NSTemporaryDirectory(), problem: .notRegularFile))
        }
        let empty = makeFile(0)
        let bed = try SimTestBed(config([Self.file(empty)]))
        XCTAssertEqual(bed.hal.disks[0].sectorCount, 0, "an empty file is a disk of no sectors")
        XCTAssertFalse(bed.hal.disks[0].submit(BlockRequest(.read, sector: 0, count: 1, memory: frame(bed, 0), tag: 0)))
        XCTAssertThrowsError(try SimMachine(config: config(Array(repeating: Self.file(empty), count: 9)))) {
            XCTAssertEqual($0 as? SimError, .tooManyDisks)
        }
    }

    func testAFileIsNeverOpenedTwice() throws {
        let path = makeFile(8 * 512)
        let link = path + ".link"
        XCTAssertEqual(symlink(path, link), 0)
        files.append(link)
        XCTAssertThrowsError(try SimMachine(config: config([Self.file(path), Self.file(link)]))) {
            XCTAssertEqual($0 as? SimError, .disk(path: link, problem: .givenTwice), "the same file under two names")
        }
        var swapToo = config([Self.file(path)])
        swapToo.disk = SimDiskConfig(path: path, sectors: 8)
        XCTAssertThrowsError(try SimMachine(config: swapToo)) {
            XCTAssertEqual($0 as? SimError, .disk(path: path, problem: .givenTwice), "swap and data disk")
        }
        // Another run (another machine) holding it: locked until it lets go.
        var first: SimMachine? = try SimMachine(config: config([Self.file(path)]))
        XCTAssertThrowsError(try SimMachine(config: config([Self.file(path)]))) {
            XCTAssertEqual($0 as? SimError, .disk(path: path, problem: .locked))
        }
        first!.closeDisks()
        first = nil
        XCTAssertNoThrow(try SimMachine(config: config([Self.file(path)])))
    }

    func testAnotherProgramsLocksAreRespected() throws {
        let path = makeFile(8 * 512)
        // flock(1) and friends.
        let fd = open(path, O_RDWR)
        defer { close(fd) }
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        XCTAssertThrowsError(try SimMachine(config: config([Self.file(path)]))) {
            XCTAssertEqual($0 as? SimError, .disk(path: path, problem: .locked))
        }
        XCTAssertEqual(flock(fd, LOCK_UN), 0)
        // QEMU's image lock: a shared lock on byte 100 (its "consistent read" permission).
        var range = Glibc.flock()
        range.l_type = Int16(F_RDLCK)
        range.l_whence = Int16(SEEK_SET)
        range.l_start = 100
        range.l_len = 1
        XCTAssertEqual(fcntl(fd, 37 /* F_OFD_SETLK */, &range), 0)
        XCTAssertThrowsError(try SimMachine(config: config([Self.file(path)]))) {
            XCTAssertEqual($0 as? SimError, .disk(path: path, problem: .locked))
        }
    }

    func testInjectedFaultsFailWithoutMovingData() throws {
        let path = makeFile(64 * 512, fill: 0x22)
        let faults = [SimDiskFault(parsing: "write@2")!, SimDiskFault(parsing: "read@sectors=10-11")!,
                      SimDiskFault(parsing: "flush@1")!]
        let bed = try SimTestBed(config([Self.file(path, faults: faults)]))
        let a = frame(bed, 0xA1), b = frame(bed, 0xB2), target = frame(bed, 0x77)
        let done = drive(bed, [BlockRequest(.write, sector: 0, count: 1, memory: a, tag: 1),
                               BlockRequest(.write, sector: 1, count: 1, memory: b, tag: 2),    // the 2nd write
                               BlockRequest(.read, sector: 8, count: 2, memory: target, tag: 3),
                               BlockRequest(.read, sector: 11, count: 4, memory: target.adding(2048), tag: 4),
                               .flush(tag: 5)])
        let ok = Dictionary(uniqueKeysWithValues: done.map { ($0.tag, $0.succeeded) })
        XCTAssertEqual(ok, [1: true, 2: false, 3: true, 4: false, 5: false])
        let memory = bed.hal.memory.pointer(to: target)
        XCTAssertEqual(memory.load(fromByteOffset: 0, as: UInt8.self), 0x22, "the read that succeeded")
        XCTAssertEqual(memory.load(fromByteOffset: 2048, as: UInt8.self), 0x77, "a failed read leaves memory as it was")
        bed.machine.closeDisks()
        let bytes = contents(path)
        XCTAssertEqual(bytes[0], 0xA1)
        XCTAssertEqual(bytes[512], 0x22, "a failed write leaves the sector as it was")

        XCTAssertNil(SimDiskFault(parsing: "write"))
        XCTAssertNil(SimDiskFault(parsing: "write@0"))
        XCTAssertNil(SimDiskFault(parsing: "erase@1"))
        XCTAssertNil(SimDiskFault(parsing: "read@sectors=9-3"))
        XCTAssertNil(SimDiskFault(parsing: "flush@sectors=1"))
        XCTAssertEqual(SimDiskFault(parsing: "disk2:any@sectors=5"), SimDiskFault(disk: 2, .any, .sectors(5...5)))
    }

    func testAPowerCutKeepsExactlyTheWritesCompletedBeforeIt() throws {
        let path = makeFile(32 * 512)
        let bed = try SimTestBed(config([Self.file(path)], powerCut: 3, seed: 7))
        let frames = (0..<6).map { frame(bed, UInt8(0x10 + $0)) }
        let done = drive(bed, (0..<6).map { BlockRequest(.write, sector: UInt64($0), count: 1, memory: frames[$0], tag: UInt64($0)) })
        XCTAssertTrue(bed.machine.poweredOff)
        XCTAssertEqual(bed.machine.dataWritesCompleted, 3)
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .halt, "the machine stops at the cut")
        bed.machine.closeDisks()
        let bytes = contents(path)
        let written = (0..<6).filter { bytes[$0 * 512] != 0 }
        XCTAssertEqual(written.count, 3, "exactly three writes reached the file: \(written)")
        XCTAssertEqual(Set(done.prefix(3).map { Int($0.tag) }), Set(written), "the first three to complete")
        for s in written { XCTAssertEqual(Array(bytes[(s * 512)..<((s + 1) * 512)]), [UInt8](repeating: UInt8(0x10 + s), count: 512)) }
        XCTAssertEqual(bytes.count, 32 * 512)
    }
}
