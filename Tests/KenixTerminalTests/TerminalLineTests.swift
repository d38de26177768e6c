// The line discipline: canonical editing and its echo, end of file, the
// signal characters, raw mode, input and output mapping, mode switches.
import KenixTerminal
import XCTest

final class TerminalLineTests: XCTestCase {
    /// Types `s`, returns (echo, signals raised).
    @discardableResult
    func type(_ line: inout TerminalLine, _ s: [UInt8]) -> ([UInt8], [Int]) {
        var echo: [UInt8] = []
        var signals: [Int] = []
        for b in s { if let n = line.receive(b, echo: &echo) { signals.append(n) } }
        return (echo, signals)
    }
    func b(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testCanonicalLineWithEcho() {
        var l = TerminalLine()
        let (echo, _) = type(&l, b("ls -l"))
        XCTAssertEqual(echo, b("ls -l"))
        XCTAssertFalse(l.canRead, "nothing until the line ends")
        let (echo2, _) = type(&l, [0x0D])
        XCTAssertEqual(echo2, [0x0D, 0x0A], "CR read as NL (ICRNL), echoed as CR NL (ONLCR)")
        XCTAssertTrue(l.canRead)
        XCTAssertEqual(l.read(max: 100).bytes, b("ls -l\n"))
        XCTAssertFalse(l.canRead)
    }

    func testOneLinePerRead() {
        var l = TerminalLine()
        type(&l, b("one\ntwo\n"))
        XCTAssertEqual(l.read(max: 100).bytes, b("one\n"))
        XCTAssertEqual(l.read(max: 2).bytes, b("tw"), "a short read takes part of the line")
        XCTAssertEqual(l.read(max: 100).bytes, b("o\n"))
    }

    func testEraseKillAndWordErase() {
        var l = TerminalLine()
        let (echo, _) = type(&l, b("abc") + [0x7F])
        XCTAssertEqual(echo, b("abc") + [0x08, 0x20, 0x08], "ECHOE rubs out")
        type(&l, [0x08])   // Backspace erases too
        type(&l, b("X\n"))
        XCTAssertEqual(l.read(max: 100).bytes, b("aX\n"))
        type(&l, b("gone") + [0x15] + b("kept\n"))
        XCTAssertEqual(l.read(max: 100).bytes, b("kept\n"), "VKILL")
        type(&l, b("one two") + [0x17] + b("three\n"))
        XCTAssertEqual(l.read(max: 100).bytes, b("one three\n"), "VWERASE")
        var u = TerminalLine()
        let (e, _) = type(&u, b("é") + [0x7F] + b("e\n"))
        XCTAssertEqual(u.read(max: 100).bytes, b("e\n"), "a UTF-8 character erases whole")
        XCTAssertEqual(Array(e), b("é") + [0x08, 0x20, 0x08] + b("e") + [0x0D, 0x0A], "with one rubout")
        var empty = TerminalLine()
        let (none, _) = type(&empty, [0x7F])
        XCTAssertTrue(none.isEmpty, "nothing to erase, nothing echoed")
    }

    func testEndOfFile() {
        var l = TerminalLine()
        type(&l, [0x04])
        XCTAssertTrue(l.canRead)
        let r = l.read(max: 10)
        XCTAssertTrue(r.endOfFile && r.bytes.isEmpty, "Ctrl-D at the start of a line: end of file")
        XCTAssertFalse(l.canRead, "consumed")
        type(&l, b("abc") + [0x04])
        XCTAssertEqual(l.read(max: 10).bytes, b("abc"), "Ctrl-D after text: the text, without a newline")
        type(&l, b("x\n") + [0x04])
        XCTAssertEqual(l.read(max: 10).bytes, b("x\n"))
        XCTAssertTrue(l.read(max: 10).endOfFile, "a read stops at the mark, the next one meets it")
    }

    func testSignalCharacters() {
        var l = TerminalLine()
        type(&l, b("half a line"))
        let (echo, signals) = type(&l, [0x03])
        XCTAssertEqual(signals, [2], "Ctrl-C: SIGINT")
        XCTAssertEqual(echo, b("^C"))
        XCTAssertFalse(l.canRead)
        type(&l, b("\n"))
        XCTAssertEqual(l.read(max: 100).bytes, b("\n"), "the half line was flushed")
        XCTAssertEqual(type(&l, [0x1C]).1, [3], "Ctrl-\\: SIGQUIT")
        XCTAssertEqual(type(&l, [0x1A]).1, [20], "Ctrl-Z: SIGTSTP")
        var quiet = TerminalLine()
        var t = Termios()
        t.lflag &= ~Termios.ISIG
        quiet.setMode(t, flush: false)
        XCTAssertEqual(type(&quiet, [0x03]).1, [], "no ISIG: an ordinary byte")
    }

    func testRawMode() {
        var l = TerminalLine()
        var t = Termios()
        t.lflag &= ~(Termios.ICANON | Termios.ECHO)
        l.setMode(t, flush: false)
        let (echo, _) = type(&l, [0x1B, 0x5B, 0x41])   // an arrow key
        XCTAssertTrue(echo.isEmpty, "no echo")
        XCTAssertTrue(l.canRead)
        XCTAssertEqual(l.read(max: 2).bytes, [0x1B, 0x5B])
        XCTAssertEqual(l.read(max: 10).bytes, [0x41])
        type(&l, [0x7F, 0x04])
        XCTAssertEqual(l.read(max: 10).bytes, [0x7F, 0x04], "erase and EOF are data in raw mode")
    }

    func testSwitchingModes() {
        var l = TerminalLine()
        type(&l, b("pending"))
        var t = Termios()
        t.lflag &= ~Termios.ICANON
        l.setMode(t, flush: false)
        XCTAssertEqual(l.read(max: 100).bytes, b("pending"), "leaving canonical mode hands the edited line over")
        type(&l, b("zz"))
        l.setMode(Termios(), flush: true)
        XCTAssertFalse(l.canRead, "TCSETSF drops typed input")
    }

    func testEchoOfControlsAndNoEcho() {
        var l = TerminalLine()
        XCTAssertEqual(type(&l, [0x01]).0, b("^A"), "ECHOCTL")
        var t = Termios()
        t.lflag &= ~Termios.ECHO
        l.setMode(t, flush: true)
        XCTAssertEqual(type(&l, b("secret\n")).0, [], "no ECHO, no ECHONL")
        t.lflag |= Termios.ECHONL
        l.setMode(t, flush: true)
        XCTAssertEqual(type(&l, b("x\n")).0, [0x0D, 0x0A], "ECHONL echoes only the newline")
    }

    func testOutputProcessing() {
        let l = TerminalLine()
        var out: [UInt8] = []
        l.output(b("a\nb\n"), into: &out)
        XCTAssertEqual(out, b("a\r\nb\r\n"))
        var t = Termios()
        t.oflag = 0
        var raw = TerminalLine()
        raw.setMode(t, flush: false)
        out = []
        raw.output(b("a\n"), into: &out)
        XCTAssertEqual(out, b("a\n"), "no OPOST: bytes as they are")
    }

    func testLinesAreBounded() {
        var l = TerminalLine()
        type(&l, [UInt8](repeating: 0x41, count: 5000))
        type(&l, b("\n"))
        XCTAssertEqual(l.read(max: 10000).bytes.count, TerminalLine.maxLine + 1)
    }

    func testHandOver() {
        var l = TerminalLine()
        l.inject(readable: b("ahead\n"), editing: b("part"))
        XCTAssertEqual(l.read(max: 100).bytes, b("ahead\n"))
        type(&l, b("\n"))
        XCTAssertEqual(l.read(max: 100).bytes, b("part\n"))
        type(&l, b("x\ny"))
        let (ready, editing) = l.takeAll()
        XCTAssertEqual(ready, b("x\n"))
        XCTAssertEqual(editing, b("y"))
        XCTAssertFalse(l.canRead)
    }
}
