// Joining relative paths to a directory, lexical normalization for the
// working directory, splitting the last component.
import KenixLinux
import XCTest

final class PathNameTests: XCTestCase {
    func p(_ s: String) -> [UInt8] { Array(s.utf8) }
    func s(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    func testJoin() {
        XCTAssertEqual(s(PathName.join(p("/tmp"), p("a/b"))), "/tmp/a/b")
        XCTAssertEqual(s(PathName.join(p("/"), p("bin"))), "/bin")
        XCTAssertEqual(s(PathName.join(p("/tmp"), p("/etc"))), "/etc", "absolute stays")
        XCTAssertEqual(s(PathName.join(p("/tmp"), p(""))), "/tmp")
    }

    func testNormalize() {
        XCTAssertEqual(s(PathName.normalize(p("/tmp/./a//b/../c/"))), "/tmp/a/c")
        XCTAssertEqual(s(PathName.normalize(p("/../.."))), "/", "nothing above the root")
        XCTAssertEqual(s(PathName.normalize(p("//"))), "/")
        XCTAssertEqual(s(PathName.normalize(p("/a/b/../../.."))), "/")
        XCTAssertEqual(s(PathName.normalize(p("/a/..b"))), "/a/..b", "a name that starts with dots")
    }

    func testSplitAndWithin() throws {
        let (parent, name) = try XCTUnwrap(PathName.split(p("/disk/dir/file.txt")))
        XCTAssertEqual(s(parent), "/disk/dir")
        XCTAssertEqual(s(name), "file.txt")
        XCTAssertEqual(s(try XCTUnwrap(PathName.split(p("/x"))).parent), "/")
        XCTAssertNil(PathName.split(p("/")))
        XCTAssertTrue(PathName.isWithin(p("/dev/null"), p("/dev")))
        XCTAssertTrue(PathName.isWithin(p("/dev"), p("/dev")))
        XCTAssertFalse(PathName.isWithin(p("/devices"), p("/dev")))
        XCTAssertTrue(PathName.isWithin(p("/anything"), p("/")))
    }
}
