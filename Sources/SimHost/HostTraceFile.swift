// HostTraceFile: the optional text trace (`--trace FILE`), one line per
// event (bottom layer).
//
// Interface: `HostTraceFile(path:)` opens (truncates) the file, `write(line:)`
// appends one line, `flush()` pushes buffered lines to the file, `close()`
// flushes and closes. Buffered by stdio; the
// simulator formats lines only when a trace file is open.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class HostTraceFile {
    private var file: UnsafeMutablePointer<FILE>?

    public init?(path: String) {
        guard let f = fopen(path, "w") else { return nil }
        file = f
    }

    deinit { close() }

    public func write(line: String) {
        guard let file else { return }
        fputs(line, file)
        fputc(0x0A, file)
    }

    public func flush() {
        if let file { fflush(file) }
    }

    public func close() {
        if let file { fclose(file) }
        file = nil
    }
}
