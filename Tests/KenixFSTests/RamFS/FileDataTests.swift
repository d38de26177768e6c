// FileData: a RAM file's bytes with zeroed spare capacity. What a file
// must never show: old bytes after it was cut short and grown again, or
// bytes lost when its storage moves.
import XCTest
@testable import KenixFS

final class FileDataTests: XCTestCase {
    private func contents(_ d: FileData) -> [UInt8] { d.withUnsafeBytes { Array($0) } }

    func testGrowingInPiecesKeepsEveryByte() {
        var d = FileData()
        var expected: [UInt8] = []
        for piece in 0..<200 {
            let chunk = (0..<(37 + piece * 13)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ piece) }
            let at = d.count
            d.grow(to: at + chunk.count)
            d.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: at).copyMemory(from: chunk, byteCount: chunk.count) }
            expected += chunk
        }
        XCTAssertEqual(d.count, expected.count)
        XCTAssertEqual(contents(d), expected)
    }

    func testGrownBytesAreZeroEvenAfterATruncation() {
        var d = FileData([UInt8](repeating: 0xAB, count: 1000))
        d.truncate(to: 600)  // keeps its storage: the cut bytes become spare capacity
        d.grow(to: 1000)
        XCTAssertEqual(contents(d), [UInt8](repeating: 0xAB, count: 600) + [UInt8](repeating: 0, count: 400))
        d.truncate(to: 100)  // gives most of it back
        d.grow(to: 5000)
        XCTAssertEqual(contents(d), [UInt8](repeating: 0xAB, count: 100) + [UInt8](repeating: 0, count: 4900))
        d.truncate(to: 1200)  // keeps its storage again
        XCTAssertEqual(contents(d), [UInt8](repeating: 0xAB, count: 100) + [UInt8](repeating: 0, count: 1100))
        d.truncate(to: 0)
        XCTAssertEqual(d.count, 0)
        XCTAssertEqual(d.bytes, [])
        d.grow(to: 3)
        XCTAssertEqual(d.bytes, [0, 0, 0])
    }

    func testBytesAreTheFileNotItsCapacity() {
        var d = FileData(Array("target".utf8))
        XCTAssertEqual(d.bytes, Array("target".utf8))
        d.grow(to: 10)
        XCTAssertEqual(d.bytes, Array("target".utf8) + [0, 0, 0, 0])
    }
}
