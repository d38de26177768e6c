// FAT dates and times (fatgen103, section 6): encoding, decoding, clamping.
import XCTest
@testable import KenixFS

final class FATTimeTests: XCTestCase {
    func testEncodesAKnownInstant() {
        // 2024-05-17 12:34:56.78 UTC
        let stamp = FATTime.encode(1_715_949_296_780_000_000)
        XCTAssertEqual(stamp.date, 17 | 5 << 5 | (2024 - 1980) << 9)
        XCTAssertEqual(stamp.time, 56 / 2 | 34 << 5 | 12 << 11)
        XCTAssertEqual(stamp.tenths, 78)   // an even second: 0 × 100 + 78 hundredths
    }

    func testRoundTripsAtTwoSecondsAndTenMillisecondsForCreation() {
        let t: UInt64 = 1_715_949_297_550_000_000   // an odd second
        let stamp = FATTime.encode(t)
        XCTAssertEqual(FATTime.decode(stamp), t - t % 10_000_000)
        let coarse = FATTimestamp(date: stamp.date, time: stamp.time)
        XCTAssertEqual(FATTime.decode(coarse), 1_715_949_296_000_000_000)
    }

    func testClampsToTheRepresentableRange() {
        XCTAssertEqual(FATTime.encode(0).date, 1 | 1 << 5)                  // 1980-01-01
        XCTAssertEqual(FATTime.encode(UInt64.max).date, 31 | 12 << 5 | 127 << 9)
    }

    func testMalformedDatesReadAsTheEpoch() {
        XCTAssertEqual(FATTime.decode(FATTimestamp(date: 0, time: 0)), 0)
        XCTAssertEqual(FATTime.decode(FATTimestamp(date: 1 | 13 << 5, time: 0)), 0)
        XCTAssertEqual(FATTime.decode(FATTimestamp(date: 1 | 1 << 5, time: 24 << 11)), 0)
    }

    func testCivilDateConversionAgreesBothWays() {
        for days: Int64 in stride(from: 3652, to: 50_000, by: 97) {
            let (y, m, d) = FATTime.civilFromDays(days)
            XCTAssertEqual(FATTime.daysFromCivil(y, m, d), days)
        }
        XCTAssertEqual(FATTime.daysFromCivil(2000, 3, 1), 11_017)
    }
}
