// The kernel termios record (36 bytes: four flag words, c_line, 19 control
// characters), Linux's defaults for a fresh tty, and the words the console
// protocol carries a mode in.
import KenixTerminal
import XCTest

final class TermiosTests: XCTestCase {
    func testDefaultsAreLinuxs() {
        let t = Termios()
        XCTAssertEqual(t.iflag & Termios.ICRNL, Termios.ICRNL)
        XCTAssertEqual(t.oflag, Termios.OPOST | Termios.ONLCR)
        XCTAssertEqual(t.lflag, 0o105073, "ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN, as stty sane")
        XCTAssertEqual(t.cc[Termios.VINTR], 3)
        XCTAssertEqual(t.cc[Termios.VERASE], 0x7F)
        XCTAssertEqual(t.cc[Termios.VKILL], 0x15)
        XCTAssertEqual(t.cc[Termios.VEOF], 4)
        XCTAssertEqual(t.cc[Termios.VMIN], 1)
        XCTAssertEqual(t.cc[Termios.VSUSP], 0x1A)
    }

    func testBytesRoundTrip() throws {
        var t = Termios()
        t.lflag &= ~(Termios.ICANON | Termios.ECHO)
        t.cc[Termios.VMIN] = 0
        t.cc[Termios.VTIME] = 5
        let b = t.bytes
        XCTAssertEqual(b.count, 36)
        XCTAssertEqual(b[12], UInt8(t.lflag & 0xFF), "c_lflag at 12")
        XCTAssertEqual(b[17 + Termios.VTIME], 5, "c_cc at 17")
        XCTAssertEqual(try XCTUnwrap(Termios(bytes: b)), t)
        XCTAssertNil(Termios(bytes: Array(b[0..<20])))
    }

    func testWordsRoundTrip() {
        var t = Termios()
        t.iflag = 0x1234; t.oflag = 0; t.lflag = 0o1; t.cflag = 0o277
        t.cc[Termios.VINTR] = 7; t.cc[Termios.VWERASE] = 9
        let w = t.words
        XCTAssertEqual(Termios(words: w.0, w.1, w.2, w.3), t)
    }

    func testWindowSize() throws {
        let w = WindowSize(rows: 30, columns: 80)
        XCTAssertEqual(w.bytes, [30, 0, 80, 0, 0, 0, 0, 0])
        XCTAssertEqual(try XCTUnwrap(WindowSize(bytes: w.bytes)), w)
    }
}
