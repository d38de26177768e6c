// kenix-sim run --gdb [PORT] [--gdb-wait NAME]: the gdb stub's command-line
// side. The stub itself is HALHostSim's SimDebugger; here: the optional
// port, waiting for gdb, and what reverse execution needs from a run that is
// rebuilt from the start (it replays the same config): console output
// printed once (a replay prints nothing already printed) and console input
// read from the host once (a replay gets the same lines again).
import HALHostSim
import SimHost

#if canImport(Glibc)
import Glibc
#endif

enum GDBOptions {
    static let defaultPort = "1234"

    /// `--gdb` may come without a port: give it the default. `--gdb-wait`
    /// implies `--gdb`.
    static func normalize(_ args: inout [String]) {
        var i = 0
        var seen = false
        while i < args.count {
            if args[i] == "--" { break }
            if args[i].hasPrefix("--gdb=") { seen = true }
            if args[i] == "--gdb" {
                seen = true
                if i + 1 == args.count || !args[i + 1].allSatisfy(\.isNumber) || args[i + 1].isEmpty {
                    args.insert(defaultPort, at: i + 1)
                }
                i += 1
            }
            i += 1
        }
        if !seen && args.contains(where: { $0 == "--gdb-wait" || $0.hasPrefix("--gdb-wait=") }) {
            args += ["--gdb", defaultPort]
        }
    }

    /// Listens on localhost:`port` (0: a free one) and waits for gdb (a
    /// message on stderr gives the port).
    static func connect(port: UInt16, waitFor name: String?) -> SimDebugger {
        do {
            let c = try GDBConnection.listen(port: port) { bound in
                stderrLine("kenix-sim: waiting for gdb on localhost:\(bound) (target remote :\(bound))")
            }
            return SimDebugger(connection: c, waitFor: name)
        } catch {
            fail("--gdb: \(error)", code: 69)
        }
    }
}

/// The console as seen across replays: each byte position is printed once.
final class ReplayConsole {
    private var position = 0
    private var printed = 0

    /// A new machine starts again from the first byte.
    func rewind() { position = 0 }

    func put(_ byte: UInt8) {
        position += 1
        guard position > printed else { return }
        printed = position
        putchar(Int32(byte))
        if byte == 0x0A { fflush(nil) }
    }
}

/// Console input read from its source once, and replayed to later machines.
final class RecordedInput: ConsoleInputSource {
    private let source: ConsoleInputSource
    private var lines: [[UInt8]?] = []
    private var cursor = 0

    init(_ source: ConsoleInputSource) { self.source = source }

    func rewind() { cursor = 0 }

    var isReady: Bool { cursor < lines.count || source.isReady }

    func nextLine() -> [UInt8]? {
        if cursor < lines.count { cursor += 1; return lines[cursor - 1] }
        let line = source.nextLine()
        lines.append(line)
        cursor += 1
        return line
    }
}
