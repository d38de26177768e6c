// HostFailure: the end of a run when the host cannot give the simulator
// what it needs to go on (memory for a CPU engine), as a message and an
// exit status of its own rather than a trap. Nothing is lost by ending
// there: disk files are written in place as each request completes
// (HostDiskStore), and the terminal leaves raw mode first.
#if canImport(Glibc)
import Glibc
#endif

public enum HostFailure {
    /// kenix-sim's exit status when the host ran out of memory.
    public static let outOfMemoryStatus: Int32 = 72

    /// Ends the process: "kenix-sim: the host is out of memory: `what`".
    public static func outOfMemory(_ what: String) -> Never {
        HostTerminal.restore()
        fflush(nil)   // the console's output so far goes out first
        var line = "kenix-sim: the host is out of memory: \(what)\n"
        line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
        exit(outOfMemoryStatus)
    }
}
