// Reads past the end give 0 and writes past the end are dropped: a short
// record from a guest never traps the server.
import KenixLinux
import XCTest

final class LittleEndianTests: XCTestCase {
    func testRoundTripAndBounds() {
        var b = [UInt8](repeating: 0, count: 12)
        LE.put64(&b, 0, 0x0102_0304_0506_0708)
        LE.put32(&b, 8, 0xAABB_CCDD)
        XCTAssertEqual(b[0], 0x08)
        XCTAssertEqual(LE.u64(b, 0), 0x0102_0304_0506_0708)
        XCTAssertEqual(LE.u16(b, 8), 0xCCDD)
        XCTAssertEqual(LE.u64(b, 8), 0, "past the end")
        XCTAssertEqual(LE.u32(b, -1), 0)
        LE.put64(&b, 8, 1)
        XCTAssertEqual(LE.u32(b, 8), 0xAABB_CCDD, "a write past the end is dropped")
    }
}
