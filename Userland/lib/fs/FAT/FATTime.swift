// FATTime: FAT directory-entry dates and times (fatgen103, section 6) to and
// from nanoseconds since 1970-01-01 UTC. A date is day | month << 5 |
// (year − 1980) << 9; a time is seconds/2 | minutes << 5 | hours << 11; the
// creation time adds a count of 10 ms units (0–199). FAT stores local time
// with no zone; Kenix has no time zones, so it stores UTC. Times outside
// 1980–2107 are clamped; a zero or malformed date on disk reads as 0 (the
// epoch) rather than failing.

struct FATTimestamp: Equatable {
    var date: UInt16
    var time: UInt16
    var tenths: UInt8 = 0   // 10 ms units, creation time only
}

enum FATTime {
    static let nanosecondsPerSecond: UInt64 = 1_000_000_000

    static func encode(_ nanoseconds: UInt64) -> FATTimestamp {
        let first = UInt64(daysFromCivil(1980, 1, 1)) * 86_400
        let last = UInt64(daysFromCivil(2107, 12, 31)) * 86_400 + 86_399
        var seconds = nanoseconds / nanosecondsPerSecond
        var centis = UInt8((nanoseconds % nanosecondsPerSecond) / 10_000_000)
        if seconds < first { seconds = first; centis = 0 }
        if seconds > last { seconds = last; centis = 0 }
        let days = Int64(seconds / 86_400)
        let (y, m, d) = civilFromDays(days)
        let inDay = seconds % 86_400
        let hour = UInt16(inDay / 3600), minute = UInt16(inDay % 3600 / 60), second = UInt16(inDay % 60)
        let date = UInt16(d) | UInt16(m) << 5 | UInt16(y - 1980) << 9
        let time = second / 2 | minute << 5 | hour << 11
        return FATTimestamp(date: date, time: time, tenths: UInt8(second % 2) * 100 + centis)
    }

    static func decode(_ stamp: FATTimestamp) -> UInt64 {
        let day = Int64(stamp.date & 0x1F), month = Int64(stamp.date >> 5 & 0x0F), year = Int64(stamp.date >> 9) + 1980
        guard day >= 1, month >= 1, month <= 12 else { return 0 }
        let hour = UInt64(stamp.time >> 11), minute = UInt64(stamp.time >> 5 & 0x3F), second = UInt64(stamp.time & 0x1F) * 2
        guard hour < 24, minute < 60, second < 60 else { return 0 }
        let tenths = UInt64(min(stamp.tenths, 199))
        let seconds = UInt64(daysFromCivil(year, month, day)) * 86_400 + hour * 3600 + minute * 60 + second + tenths / 100
        return seconds * nanosecondsPerSecond + (tenths % 100) * 10_000_000
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
