// KeyRecordFile: `kenix-sim run --record FILE`'s writer (bottom layer: a
// host file). The header first, then one line per event (KeyRecording's
// format), each flushed at once, so the file is whole up to the last key
// however the run ends.
#if canImport(Glibc)
import Glibc
#endif

public final class KeyRecordFile: KeyRecordSink {
    private let file: UnsafeMutablePointer<FILE>

    /// Creates (or truncates) `path`; nil if it cannot be written.
    public init?(path: String) {
        guard let f = fopen(path, "w") else { return nil }
        file = f
        fputs(KeyRecording.header + "\n", file)
        fflush(file)
    }

    deinit { fclose(file) }

    public func record(_ event: KeyRecording.Event) {
        fputs(event.line + "\n", file)
        fflush(file)
    }
}
