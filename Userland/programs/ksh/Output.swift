// Output helpers: byte-string comparison, numbers, columns, error lines and
// dates, all without String.

func equals(_ bytes: Bytes, _ s: StaticString) -> Bool {
    guard bytes.count == s.utf8CodeUnitCount else { return false }
    for i in 0..<bytes.count where bytes[i] != s.utf8Start[i] { return false }
    return true
}

/// A decimal number, or nil.
func number(_ bytes: Bytes) -> UInt64? {
    guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
    var value: UInt64 = 0
    for b in bytes {
        guard b >= 0x30 && b <= 0x39 else { return nil }
        value = value * 10 + UInt64(b - 0x30)
    }
    return value
}

/// Writes `value` right-aligned in `width` columns.
func writeNumber(_ value: UInt64, width: Int) {
    var digits = 1
    var v = value
    while v >= 10 { v /= 10; digits += 1 }
    for _ in digits..<max(width, digits) { Console.write(" ") }
    Console.write(value)
}

/// Writes `value` in exactly two digits.
func writeTwoDigits(_ value: Int64) {
    if value < 10 { Console.write("0") }
    Console.write(value)
}

/// "COMMAND: PATH: error"
func report(_ command: StaticString, _ path: Bytes, _ error: FileError) {
    Console.write(command)
    Console.write(": ")
    Console.write(bytes: path)
    Console.write(": ")
    Console.writeLine(error.name)
}

/// "YYYY-MM-DD HH:MM" (UTC) of nanoseconds since 1970-01-01.
func writeDate(_ nanoseconds: UInt64) {
    let seconds = Int64(nanoseconds / 1_000_000_000)
    let days = seconds / 86_400
    // Civil date from days (H. Hinnant's algorithm).
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    Console.write(year)
    Console.write("-")
    writeTwoDigits(month)
    Console.write("-")
    writeTwoDigits(day)
    Console.write(" ")
    writeTwoDigits(seconds % 86_400 / 3600)
    Console.write(":")
    writeTwoDigits(seconds % 3600 / 60)
}

/// The last component of a path ("a/b/c" → "c").
func baseName(_ path: Bytes) -> Bytes {
    var end = path.count
    while end > 1 && path[end - 1] == 0x2F { end -= 1 }
    var start = end
    while start > 0 && path[start - 1] != 0x2F { start -= 1 }
    return Array(path[start..<end])
}

/// `directory` + "/" + `name`.
func joined(_ directory: Bytes, _ name: Bytes) -> Bytes {
    var out = directory
    if out.last != 0x2F { out.append(0x2F) }
    out.append(contentsOf: name)
    return out
}
