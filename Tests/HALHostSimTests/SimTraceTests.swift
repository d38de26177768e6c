// The trace hash, the trace file and the JSON trace (ChromeTraceWriter).
import Foundation
import HAL
import KenixABI
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

    /// A record (an event, a trap) is folded in one step; every word, its
    /// high bits and its place still count.
    func testRecordsDependOnEveryWordAndItsPlace() {
        func hash(_ tag: UInt8, _ w: [UInt64]) -> UInt64 {
            var h = TraceHash()
            h.add(record: tag, w[0], w[1], w[2], w[3], w[4])
            return h.value
        }
        let words: [UInt64] = [1, 2, 3, 4, 5]
        let base = hash(0x10, words)
        XCTAssertEqual(base, hash(0x10, words))
        XCTAssertNotEqual(base, hash(0x11, words))
        for i in 0..<5 {
            var w = words
            w[i] ^= 1 << 60
            XCTAssertNotEqual(hash(0x10, w), base, "word \(i)")
        }
        for i in 0..<4 {
            var w = words
            w.swapAt(i, i + 1)
            XCTAssertNotEqual(hash(0x10, w), base, "words \(i) and \(i + 1) swapped")
        }
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
            t=0 switch task=3 free=0 ready=0
            t=2 trap syscall pc=0x400008
            t=2 syscall task=3 nr=2

            """)
        unlink(path)
    }

    /// --trace-json: a call from task 3 to task 4 and its reply become B/E
    /// slices on threads 3 and 4, named, joined by flows s (sender) and f
    /// (receiver); the slice still open at the end is closed, and the
    /// brackets too.
    func testJSONTraceHasSlicesFlowsAndNames() throws {
        let path = "/tmp/kenix-halhostsim-trace-\(getpid()).json"
        var c = SimTestBed.config()
        c.traceJSONFile = path
        let bed = try SimTestBed(c)
        let t = bed.hal.trace
        t.record(TraceEvent(.taskName, 3, 0x746E_6569_6C63))      // "client"
        t.record(TraceEvent(.taskName, 4, 0x7265_7672_6573))      // "server"
        t.record(TraceEvent(.taskSwitch, 4, 100, 1))
        t.record(TraceEvent(.syscall, 4, Syscall.recv.rawValue))
        t.record(TraceEvent(.taskSwitch, 3, 100, 0))
        t.record(TraceEvent(.syscall, 3, Syscall.call.rawValue))
        t.record(TraceEvent(.ipcDeliver, 3, 4, 0x55))
        t.record(TraceEvent(.taskSwitch, 4, 99, 0))
        t.record(TraceEvent(.syscallExit, 4, Syscall.recv.rawValue, 3))
        t.record(TraceEvent(.syscall, 4, Syscall.reply.rawValue))
        t.record(TraceEvent(.ipcDeliver, 4, 3, 0x77))
        t.record(TraceEvent(.syscallExit, 4, Syscall.reply.rawValue, 0))
        bed.machine.closeTraceJSON()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        unlink(path)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try XCTUnwrap(doc["traceEvents"] as? [[String: Any]])
        func phases(_ tid: Int) -> [String] {
            events.filter { $0["tid"] as? Int == tid && $0["ph"] as? String != "M" }.compactMap { $0["ph"] as? String }
        }
        XCTAssertEqual(phases(4), ["B", "f", "E", "B", "s", "E"], "recv (the call arrives), reply (sent)")
        XCTAssertEqual(phases(3), ["B", "s", "f", "E"], "the call, closed at the end with the reply's flow")
        let names = events.filter { $0["name"] as? String == "thread_name" }
            .compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
        XCTAssertEqual(names, ["CPU 0", "client #3", "server #4"])
        let flows = events.filter { ["s", "f"].contains($0["ph"] as? String) }
            .map { "\($0["ph"]!) \($0["tid"]!) \($0["id"]!)" }
        XCTAssertEqual(flows, ["s 3 1", "f 4 1", "s 4 2", "f 3 2"])
        let slices = events.filter { $0["ph"] as? String == "B" && $0["tid"] as? Int != 0 }.compactMap { $0["name"] as? String }
        XCTAssertEqual(slices, ["recv", "call", "reply"])
    }
}
