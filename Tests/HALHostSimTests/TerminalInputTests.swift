// A live terminal's keys (SimMachine+HostPoll): they reach the UART at a
// host-poll point while the CPU computes, not only when it idles; an idle
// machine waits for them; Ctrl-A x quits; --record writes each arrival with
// its point and --replay gives it there again, to the same trace hash; a
// replay that passes a recorded point without reaching it stops. Keys typed
// in the window reach the keyboard at a point too, busy or idle, and are
// recorded and replayed the same way. Also the escape keys and the
// recording's text format on their own.
import HAL
import XCTest
@testable import HALHostSim
@testable import SimHost

/// A terminal that types `script[n]` at its n-th read (from 1) and ends at `endAt`.
final class ScriptedTerminal: LiveKeySource {
    var script: [Int: [UInt8]]
    var endAt: Int?
    private(set) var reads = 0
    private(set) var notices: [String] = []

    init(_ script: [Int: [UInt8]], endAt: Int? = nil) { self.script = script; self.endAt = endAt }

    func take() -> [UInt8]? {
        reads += 1
        if let endAt, reads >= endAt { return nil }
        return script[reads] ?? []
    }

    func wait(milliseconds: Int32) -> Bool { endAt != nil || script.keys.contains { $0 > reads } }

    func notice(_ text: String) { notices.append(text) }
}

final class TerminalInputTests: XCTestCase {
    func drain(_ uart: SimUART) -> [UInt8] {
        var bytes: [UInt8] = []
        while let b = uart.read() { bytes.append(b) }
        return bytes
    }

    /// A machine running an endless loop in slices of 1,000 instructions,
    /// its UART's receive line enabled, polling the host at every point.
    func busyBed(_ terminal: SimTerminal) throws -> (SimTestBed, UserContext) {
        var c = SimTestBed.config(slice: 1000)
        c.terminal = terminal
        c.hostPollInterval = 0
        let bed = try SimTestBed(c)
        bed.load([A64.add(0, 0, 1), A64.b(-4)])
        bed.activate()
        bed.hal.interrupts.enable(bed.hal.uart.irq)
        return (bed, bed.context())
    }

    func testKeysReachABusyMachineAndReplayExactly() throws {
        let record = KeyRecordArray()
        let (bed, context) = try busyBed(.live(ScriptedTerminal([3: Array("ls\r".utf8)]), record: record))
        var ctx = context
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .interrupt, "typed while the loop runs")
        XCTAssertEqual(bed.machine.now, 3000, "at the third slice's end")
        XCTAssertEqual(bed.hal.interrupts.acknowledge(), bed.hal.uart.irq)
        XCTAssertEqual(drain(bed.hal.uart), Array("ls\r".utf8))
        XCTAssertEqual(record.events, [KeyRecording.Event(time: 3000, ordinal: 0, what: .keys(Array("ls\r".utf8)))])

        let (again, context2) = try busyBed(.replay(record.recording))
        var ctx2 = context2
        XCTAssertEqual(again.hal.cpu.enterUser(&ctx2), .interrupt)
        XCTAssertEqual(again.machine.now, 3000)
        XCTAssertEqual(again.hal.interrupts.acknowledge(), again.hal.uart.irq)
        XCTAssertEqual(drain(again.hal.uart), Array("ls\r".utf8))
        XCTAssertEqual(again.machine.traceHash, bed.machine.traceHash, "the replay is the same run")
        XCTAssertEqual(ctx2.x[0], ctx.x[0])
    }

    /// The busy bed with a keyboard, its line enabled.
    func keyboardBed(_ terminal: SimTerminal) throws -> (SimTestBed, UserContext) {
        var c = SimTestBed.config(slice: 1000)
        c.terminal = terminal
        c.hostPollInterval = 0
        c.keyboard = true
        c.inputDelay = 500
        let bed = try SimTestBed(c)
        bed.load([A64.add(0, 0, 1), A64.b(-4)])
        bed.activate()
        bed.hal.interrupts.enable(SimKeyboard.irq)
        return (bed, bed.context())
    }

    func testWindowKeysReachABusyMachineAndReplayExactly() throws {
        let record = KeyRecordArray()
        let (bed, context) = try keyboardBed(.live(ScriptedTerminal([:]), record: record))
        let typed = [KeyEvent(code: 30, pressed: true), KeyEvent(code: 30, pressed: false)]
        bed.machine.hostKeys = typed   // what the window's events left for the next point
        var ctx = context
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .interrupt, "typed while the loop runs")
        XCTAssertEqual(bed.machine.now, 1500, "the first slice's point (1000) gave them; they arrive inputDelay later")
        XCTAssertEqual(bed.hal.interrupts.acknowledge(), SimKeyboard.irq)
        let keyboard = try XCTUnwrap(bed.hal.keyboard)
        XCTAssertEqual([keyboard.takeEvent(), keyboard.takeEvent()], typed)
        XCTAssertTrue(bed.machine.hostKeys.isEmpty)
        XCTAssertEqual(record.events.map(\.line), ["1000 0 key 30 down", "1000 0 key 30 up"])

        let replay = try KeyRecording(parsing: Array((KeyRecording.header + "\n" + record.events.map(\.line).joined(separator: "\n")).utf8))
        XCTAssertEqual(replay, record.recording, "the recording's text reads back the same")
        let (again, context2) = try keyboardBed(.replay(replay))
        again.machine.hostKeys = [KeyEvent(code: 31, pressed: true)]   // typed during a replay: dropped
        var ctx2 = context2
        XCTAssertEqual(again.hal.cpu.enterUser(&ctx2), .interrupt)
        XCTAssertEqual(again.machine.now, 1500)
        XCTAssertEqual(again.hal.interrupts.acknowledge(), SimKeyboard.irq)
        let keyboard2 = try XCTUnwrap(again.hal.keyboard)
        XCTAssertEqual([keyboard2.takeEvent(), keyboard2.takeEvent(), keyboard2.takeEvent()], typed + [nil])
        XCTAssertEqual(again.machine.traceHash, bed.machine.traceHash, "the replay is the same run")
        XCTAssertEqual(ctx2.x[0], ctx.x[0])
    }

    func testCtrlAXQuitsAndTheQuitIsRecordedAndReplayed() throws {
        let record = KeyRecordArray()
        let terminal = ScriptedTerminal([2: [0x03, 0x01, 0x01, 0x01, UInt8(ascii: "h"), 0x01, UInt8(ascii: "x"), 0x41]])
        let (bed, context) = try busyBed(.live(terminal, record: record))
        var ctx = context
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .interrupt)
        XCTAssertEqual(drain(bed.hal.uart), [0x03, 0x01], "Ctrl-C goes through; Ctrl-A Ctrl-A is one Ctrl-A")
        XCTAssertEqual(bed.machine.terminalEnd, .quitKey)
        XCTAssertEqual(terminal.notices, [TerminalEscape.help])
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .halt)
        XCTAssertEqual(bed.machine.now, 2000)
        XCTAssertEqual(record.events.map(\.line), ["2000 0 03 01", "2000 0 quit"])

        let (again, context2) = try busyBed(.replay(record.recording))
        var ctx2 = context2
        XCTAssertEqual(again.hal.cpu.enterUser(&ctx2), .interrupt)
        XCTAssertEqual(drain(again.hal.uart), [0x03, 0x01])
        XCTAssertEqual(again.hal.cpu.enterUser(&ctx2), .halt)
        XCTAssertEqual(again.machine.now, 2000)
        XCTAssertEqual(again.machine.terminalEnd, .replayQuit)
        XCTAssertEqual(again.machine.traceHash, bed.machine.traceHash)
    }

    func testAReplayThatMissesARecordedPointStops() throws {
        let wrong = KeyRecording.Event(time: 2500, ordinal: 0, what: .keys([0x61]))
        let (bed, context) = try busyBed(.replay(KeyRecording(events: [wrong])))
        var ctx = context
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .halt, "no slice ends at 2500")
        XCTAssertEqual(bed.machine.terminalEnd, .replayDiverged(wrong))
        XCTAssertNil(bed.hal.uart.read())
    }

    func testAnIdleMachineWaitsForTheTerminalThenItsEnd() throws {
        let record = KeyRecordArray()
        var c = SimTestBed.config()
        c.terminal = .live(ScriptedTerminal([4: [0x62]], endAt: 6), record: record)
        c.hostPollInterval = 0
        let bed = try SimTestBed(c)
        let cpu = bed.hal.cpu, gic = bed.hal.interrupts, uart = bed.hal.uart
        gic.enable(uart.irq)
        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt, "the host is waited for; no time passes")
        XCTAssertEqual(bed.machine.now, 0)
        XCTAssertEqual(gic.acknowledge(), uart.irq)
        XCTAssertEqual(drain(uart), [0x62])
        gic.endOfInterrupt(uart.irq)
        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(gic.acknowledge(), uart.irq)
        XCTAssertEqual(drain(uart), [0x04], "the terminal's end is one Ctrl-D")
        gic.endOfInterrupt(uart.irq)
        XCTAssertEqual(cpu.waitForInterrupt(), .noFutureEvents, "nothing more will come")
        XCTAssertEqual(record.events.map(\.what), [.keys([0x62]), .keys([0x04])])

        // The replay gives them at the same points, then ends the run.
        var r = SimTestBed.config()
        r.terminal = .replay(record.recording)
        let again = try SimTestBed(r)
        again.hal.interrupts.enable(again.hal.uart.irq)
        XCTAssertEqual(again.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(drain(again.hal.uart), [0x62])
        again.hal.interrupts.endOfInterrupt(again.hal.uart.irq)
        XCTAssertEqual(again.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(drain(again.hal.uart), [0x04])
        again.hal.interrupts.endOfInterrupt(again.hal.uart.irq)
        XCTAssertEqual(again.hal.cpu.waitForInterrupt(), .halt, "past the recording: the session ends")
        XCTAssertEqual(again.machine.terminalEnd, .replayEnded)
    }

    func testTheEscapeKeys() {
        var e = TerminalEscape()
        XCTAssertEqual(e.feed(Array("ab".utf8) + [0x01]).guest, Array("ab".utf8))
        XCTAssertEqual(e.feed([0x01, 0x63]).guest, [0x01, 0x63], "a Ctrl-A split across reads")
        XCTAssertEqual(e.feed([0x01, UInt8(ascii: "z"), 0x64]).guest, [0x64], "an unknown escape is dropped")
        let quit = e.feed([0x65, 0x01, UInt8(ascii: "x"), 0x66])
        XCTAssertEqual(quit.guest, [0x65])
        XCTAssertTrue(quit.quit)
        XCTAssertTrue(e.feed([0x01, UInt8(ascii: "?")]).help)
        XCTAssertFalse(e.feed([0x03]).quit)
    }

    func testTheRecordingFormat() throws {
        let text = KeyRecording.header + "\n\n10 0 6c 73 0d\n10 1 03\n# a comment\n20 0 quit\n"
        let r = try KeyRecording(parsing: Array(text.utf8))
        XCTAssertEqual(r.events, [KeyRecording.Event(time: 10, ordinal: 0, what: .keys([0x6C, 0x73, 0x0D])),
                                  KeyRecording.Event(time: 10, ordinal: 1, what: .keys([0x03])),
                                  KeyRecording.Event(time: 20, ordinal: 0, what: .quit)])
        XCTAssertEqual(r.events.map(\.line), ["10 0 6c 73 0d", "10 1 03", "20 0 quit"])
        func problem(_ text: String) -> KeyRecording.ParseError? {
            do { _ = try KeyRecording(parsing: Array(text.utf8)); return nil } catch { return error }
        }
        XCTAssertEqual(problem("10 0 6c\n5 0 6d\n")?.line, 2, "out of order")
        XCTAssertEqual(problem("10 0 quit\n11 0 61\n")?.problem, "an event after quit")
        XCTAssertEqual(problem("10 0 signal 15\n11 0 61\n")?.problem, "an event after quit")
        XCTAssertEqual(problem("10 0 signal\n")?.line, 1)
        XCTAssertEqual(problem("10 0 signal 99\n")?.line, 1)
        let signalled = try KeyRecording(parsing: Array("30 2 signal 15\n".utf8))
        XCTAssertEqual(signalled.events, [KeyRecording.Event(time: 30, ordinal: 2, what: .signal(15))])
        XCTAssertEqual(signalled.events.map(\.line), ["30 2 signal 15"])
        XCTAssertEqual(problem("10 0 zz\n")?.line, 1)
        XCTAssertEqual(problem("10 0 123\n")?.line, 1)
        XCTAssertEqual(problem("ten 0 61\n")?.line, 1)
        XCTAssertEqual(problem("10 0\n")?.line, 1)
        let key = try KeyRecording(parsing: Array("40 1 key 28 down\n41 0 key 28 up\n".utf8))
        XCTAssertEqual(key.events.map(\.what), [.windowKey(KeyEvent(code: 28, pressed: true)), .windowKey(KeyEvent(code: 28, pressed: false))])
        XCTAssertEqual(problem("10 0 key 28\n")?.line, 1)
        XCTAssertEqual(problem("10 0 key 28 sideways\n")?.line, 1)
        XCTAssertEqual(problem("10 0 key 70000 down\n")?.line, 1)
    }
}
