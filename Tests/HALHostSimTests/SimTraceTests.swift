// The trace hash and the trace file.
import Foundation
import HAL
import XCTest
@testable import HALHostSim

final class SimTraceTests: XCTestCase {
    func testFNV1aKnownValue() {
        var h = TraceHash()
        for b in Array("a".utf8) { h.add(byte: b) }
        XCTAssertEqual(h.value, 0xAF63_DC4C_8601_EC8C) // FNV-1a 64 of "a"
    }

    func testWordsAreHashedInOrder() {
        var a = TraceHash(), b = TraceHash(), c = TraceHash()
        a.add(UInt64(1)); a.add(UInt64(2))
        b.add(UInt64(2)); b.add(UInt64(1))
        c.add(UInt64(1)); c.add(UInt64(2))
        XCTAssertNotEqual(a.value, b.value)
        XCTAssertEqual(a.value, c.value)
        XCTAssertNotEqual(a.value, TraceHash().value)
    }

    func testEventsAreHashedWithTheirTime() throws {
        let a = try SimTestBed(), b = try SimTestBed()
        a.hal.trace.record(TraceEvent(.taskSwitch, 3))
        b.hal.trace.record(TraceEvent(.taskSwitch, 3))
        XCTAssertEqual(a.machine.traceHash, b.machine.traceHash)
        a.hal.trace.record(TraceEvent(.syscall, 3, 4))
        XCTAssertNotEqual(a.machine.traceHash, b.machine.traceHash)
    }

    func testTrapsAreHashed() throws {
        let a = try SimTestBed(), b = try SimTestBed()
        var c1 = a.context(), c2 = b.context()
        XCTAssertEqual(a.run([A64.svc()], &c1), .syscall)
        XCTAssertEqual(b.run([A64.nop, A64.svc()], &c2), .syscall)
        XCTAssertNotEqual(a.machine.traceHash, b.machine.traceHash, "different pc and time")
    }

    func testTraceFileHasOneLinePerEvent() throws {
        let path = "/tmp/kenix-halhostsim-trace-\(getpid()).txt"
        var c = SimTestBed.config()
        c.traceFile = path
        let bed = try SimTestBed(c)
        bed.hal.trace.record(TraceEvent(.taskSwitch, 3))
        var ctx = bed.context()
        XCTAssertEqual(bed.run([A64.movz(8, 2), A64.svc()], &ctx), .syscall)
        bed.hal.trace.record(TraceEvent(.syscall, 3, 2))
        bed.machine.flush()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(text, """
            t=0 switch task=3
            t=2 trap syscall pc=0x400008
            t=2 syscall task=3 nr=2

            """)
        unlink(path)
    }
}
