// HostFile.swift: reading a host file whole, with a bound: what kenix-sim
// and kenix-bench read (boot images, scripts) may be a device or a pipe with
// no end, which must be refused rather than read until the host gives out.
import Glibc

/// A file's bytes, or why not: it cannot be read (`failure`), or it goes on
/// past the reader's limit (`tooLarge`).
public enum ReadResult { case success([UInt8]), failure(String), tooLarge(String) }

/// The bytes of `path`, at most `limit` of them: a longer file (or a
/// device or pipe that goes on past it) is refused rather than read whole;
/// `why` says what the limit is, for the message.
public func readFile(_ path: String, limit: Int, why: String = "") -> ReadResult {
    guard let f = fopen(path, "rb") else { return .failure(String(cString: strerror(errno))) }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n > 0 {
            guard bytes.count + n <= limit else { return .tooLarge("larger than \(describeBytes(limit))\(why)") }
            bytes.append(contentsOf: chunk[0..<n])
        }
        if n < chunk.count {
            if ferror(f) != 0 { return .failure(String(cString: strerror(errno))) }
            break
        }
    }
    return .success(bytes)
}

/// "64 MiB", "512 KiB", "100 bytes": a size for a message.
public func describeBytes(_ bytes: Int) -> String {
    for (unit, scale) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= scale && bytes % scale == 0 {
        return "\(bytes / scale) \(unit)"
    }
    return "\(bytes) bytes"
}
