// HostTraceFile: the optional text trace (`--trace FILE`), one line per
// event (bottom layer).
//
// Interface: `HostTraceFile(path:)` opens (truncates) the file, `write(line:)`
// appends one line, `flush()` pushes buffered lines to the file, `close()`
// flushes and closes. Buffered by stdio; the
// simulator formats lines only when a trace file is open. The first write
// that fails (a full disk) is kept in `failure`, for the caller to report:
// a trace that lost lines must not pass for a whole one.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class HostTraceFile {
    private var file: UnsafeMutablePointer<FILE>?
    /// Why the file is incomplete (strerror of the first failed write,
    /// flush or close); nil while every byte has gone out.
    public private(set) var failure: String?

    public init?(path: String) {
        guard let f = fopen(path, "w") else { return nil }
        file = f
    }

    /// Why the last `init(path:)` that failed did (strerror of errno).
    public static func openFailure() -> String { String(cString: strerror(errno)) }

    deinit { close() }

    public func write(line: String) {
        guard let file else { return }
        if fputs(line, file) == EOF || fputc(0x0A, file) == EOF { noteFailure() }
    }

    public func flush() {
        if let file, fflush(file) != 0 { noteFailure() }
    }

    public func close() {
        if let file, fclose(file) != 0 { noteFailure() }
        file = nil
    }

    private func noteFailure() {
        if failure == nil { failure = String(cString: strerror(errno)) }
    }
}
