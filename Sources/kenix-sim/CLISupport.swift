// Small pieces of the kenix-sim command line: argument types, file reading,
// error descriptions and exits. Host-only code; nothing here enters a run.
import ArgumentParser
import HALHostSim
import KenixKernel
import SimHost

#if canImport(Glibc)
import Glibc
#endif

/// A simulated duration: "500ms", "10s", "2m", "250us", "42ns"; a bare number is seconds.
struct Duration: ExpressibleByArgument {
    var nanoseconds: UInt64
    init?(argument: String) {
        let units: [(String, UInt64)] = [("ns", 1), ("us", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
                                         ("m", 60_000_000_000)]
        for (suffix, scale) in units where argument.hasSuffix(suffix) {
            guard let value = UInt64(argument.dropLast(suffix.count)) else { continue }
            let (ns, overflow) = value.multipliedReportingOverflow(by: scale)
            if overflow { return nil }
            nanoseconds = ns
            return
        }
        guard let seconds = UInt64(argument) else { return nil }
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return nil }
        nanoseconds = ns
    }

    /// How `--help` shows a default: the largest unit that divides it ("60s", "500ms").
    var defaultValueDescription: String {
        let units: [(String, UInt64)] = [("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000),
                                         ("us", 1_000)]
        for (suffix, scale) in units where nanoseconds != 0 && nanoseconds % scale == 0 {
            return "\(nanoseconds / scale)\(suffix)"
        }
        return "\(nanoseconds)ns"
    }
}

/// A byte count: "64M", "1G", "4096K" or plain bytes.
struct ByteSize: ExpressibleByArgument {
    var bytes: UInt64
    init(bytes: UInt64) { self.bytes = bytes }
    init?(argument: String) {
        let scales: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var text = Substring(argument.uppercased())
        var scale: UInt64 = 1
        if let last = text.last, let s = scales[last] { scale = s; text = text.dropLast() }
        guard let value = UInt64(text) else { return nil }
        let (b, overflow) = value.multipliedReportingOverflow(by: scale)
        if overflow { return nil }
        bytes = b
    }

    /// How `--help` shows a default: "128M", "64M", "1G".
    var defaultValueDescription: String {
        for (suffix, scale) in [("G", UInt64(1) << 30), ("M", 1 << 20), ("K", 1 << 10)]
        where bytes != 0 && bytes % scale == 0 {
            return "\(bytes / scale)\(suffix)"
        }
        return "\(bytes)"
    }
}

/// `--screenshot-at`: a simulated time or "input-end".
struct CaptureWhen: ExpressibleByArgument {
    var moment: SimCaptureMoment
    var text: String
    init?(argument: String) {
        text = argument
        if argument == "input-end" {
            moment = .inputEnd
        } else if let d = Duration(argument: argument) {
            moment = .time(d.nanoseconds)
        } else {
            return nil
        }
    }
}

/// "WxH" with each side in 64...4096.
func parseScreenSize(_ text: String) -> (width: Int, height: Int)? {
    let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
    guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]),
          (64...4096).contains(w), (64...4096).contains(h) else { return nil }
    return (w, h)
}

/// Scripted console input and key files (--input, --keys, --replay) larger
/// than this are refused: typed input is never that long, and a file with
/// no end (/dev/zero) must not take the host's memory.
let largestScriptFile = 64 << 20

/// The boot image at `path` for a machine of `ram` bytes, or the process
/// ends with a clear error: --ram is checked first (64), and the image is
/// read only up to what such a machine takes (half of RAM, SimMachine's own
/// rule, and never more than 2 GiB into host memory), so a file with no end
/// is refused (64) rather than read whole; unreadable, 66.
func readInitrd(_ path: String, ram: UInt64) -> [UInt8] {
    guard SimConfig.isValidRAMSize(ram) else { fail(describe(SimError.badRAMSize), code: 64) }
    let half = ram / 2
    let limit = half > 2 << 30 ? (2 << 30, ", the largest boot image kenix-sim reads")
                               : (Int(half), ", half the simulated RAM (--ram)")
    switch readFile(path, limit: limit.0, why: limit.1) {
    case .success(let bytes): return bytes
    case .failure(let message): fail("cannot read initrd '\(path)': \(message)", code: 66)
    case .tooLarge(let message): fail("initrd '\(path)' is \(message)", code: 64)
    }
}

/// Writes `bytes` to `path` (replacing it); an error message on failure.
func writeFile(_ path: String, _ bytes: [UInt8]) -> String? {
    guard let f = fopen(path, "wb") else { return String(cString: strerror(errno)) }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    let failed = written != bytes.count || fflush(f) != 0
    let message = failed ? String(cString: strerror(errno)) : nil
    fclose(f)
    return message
}

func stderrLine(_ s: String) {
    fflush(nil)   // keep stdout (the console) ahead of the report
    var line = s + "\n"
    line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

/// The machine has started running: from then on a signal stops the run
/// the orderly way, and fail() reports its own error.
nonisolated(unsafe) var runStarted = false

func fail(_ message: String, code: Int32) -> Never {
    // A signal that arrived while setting up (a read or gdb's accept
    // interrupted) is the reason, not what it interrupted: 128 + N, as a
    // run it stops.
    if !runStarted, let signal = HostSignals.pending {
        stderrLine("kenix-sim: stopped by \(HostSignals.name(signal)) before the run began")
        Foundation_exit(128 + signal)
    }
    stderrLine("kenix-sim: error: " + message)
    Foundation_exit(code)
}

func Foundation_exit(_ code: Int32) -> Never {
    SimMachine.stopBackgroundWork()
    fflush(nil)
    exit(code)
}

func hex16(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}

func pad9(_ v: UInt64) -> String {
    let s = String(v)
    return String(repeating: "0", count: 9 - s.count) + s
}

func describe(_ error: SimError) -> String {
    switch error {
    case .badRAMSize: return "RAM size must be a multiple of 4 KiB from 1M to 64G (--ram)"
    case .initrdTooLarge: return "the initrd does not fit in simulated RAM (try a larger --ram)"
    case .hostMemory(let op, let e): return "host memory: \(op) failed (\(String(cString: strerror(e))))"
    case .unicorn(let op, let code): return "Unicorn: \(op) failed (error \(code))"
    case .unicornUnavailable(let why): return "--cpu unicorn: \(why)"
    case .jit(let message): return "JIT engine: \(message)"
    case .traceFile(let path, let reason): return "cannot create trace file '\(path)': \(reason)"
    case .disk(let path, let problem): return "disk file '\(path)': " + describe(problem)
    case .tooManyDisks: return "at most \(SimConfig.maximumDataDisks) data disks"
    case .displayTooLarge:
        return "the framebuffer and the initrd take more than half of simulated RAM (try a larger --ram, a smaller --fb-size or --no-display)"
    }
}

func describe(_ problem: DiskFileProblem) -> String {
    switch problem {
    case .missing: return "no such file (a data disk is never created: make one first, e.g. make disk)"
    case .notRegularFile: return "not a regular file"
    case .size(let bytes): return "its size, \(bytes) bytes, is not a whole number of 512-byte sectors"
    case .locked: return "in use by another program (a kenix-sim run, QEMU, or a flock holder)"
    case .givenTwice: return "given twice (--swap and --disk must all be different files)"
    case .hostError(let e) where refusedReadWrite(e):
        return String(cString: strerror(e)) + " (kenix-sim opens disk files read-write)"
    case .hostError(let e): return String(cString: strerror(e))
    }
}

/// Whether open(2)'s `errno` says a disk file may not be opened read-write
/// (permissions, a read-only file system): a file the run cannot use as
/// given (66), and the message says why.
func refusedReadWrite(_ errno: Int32) -> Bool { errno == EACCES || errno == EROFS || errno == EPERM }

/// kenix-sim's exit status for a machine that could not be built.
func exitStatus(for error: SimError) -> Int32 {
    switch error {
    case .displayTooLarge, .tooManyDisks, .initrdTooLarge: return 64   // --ram, --fb-size, --disk
    case .disk(_, .missing): return 66
    case .disk(_, .hostError(let e)) where refusedReadWrite(e): return 66
    case .disk(_, .locked): return 75
    case .disk(_, .givenTwice): return 64
    case .badRAMSize: return 64
    case .hostMemory, .jit: return HostFailure.outOfMemoryStatus
    case .traceFile: return 74
    case .unicornUnavailable: return 69   // a service the run needs is not there (as kenix-bench says it)
    default: return 65
    }
}

func describe(_ error: BootError, initrd: String, program: String) -> String {
    switch error {
    case .noInitrd: return "the initrd '\(initrd)' is empty"
    case .malformedInitrd(let e): return "malformed initrd '\(initrd)': \(describe(e))"
    case .initNotFound: return "the initrd '\(initrd)' has no program named '\(program)'"
    case .badInit(let e): return "'\(program)' is not a valid AArch64 ELF64 executable: \(describe(e))"
    case .outOfMemory: return "not enough RAM to start '\(program)' (try a larger --ram)"
    }
}

func describe(_ error: CPIOError) -> String {
    switch error {
    case .truncated: return "an entry runs past the end of the file"
    case .badMagic: return "not a cpio 'newc' archive (bad magic; expected 070701)"
    case .badHeaderField: return "a header field is not hexadecimal"
    case .badName: return "an entry name is empty, too long or not NUL-terminated"
    case .missingTrailer: return "no TRAILER!!! entry"
    }
}

func describe(_ error: ELFError) -> String {
    switch error {
    case .truncated: return "file too short for an ELF header"
    case .badMagic: return "no ELF magic"
    case .notELF64: return "not ELF64"
    case .notLittleEndian: return "not little-endian"
    case .badVersion: return "unknown ELF version"
    case .notExecutable: return "not an executable (ET_EXEC)"
    case .wrongMachine: return "not AArch64 (EM_AARCH64)"
    case .badProgramHeaders: return "program headers missing or outside the file"
    case .tooManySegments: return "too many PT_LOAD segments"
    case .noLoadableSegments: return "no PT_LOAD segment"
    case .segmentOutsideFile: return "a segment's bytes lie outside the file"
    case .segmentOutsideImageArea: return "a segment lies outside the user image area (0x400000..0x40000000)"
    case .segmentSizeMismatch: return "a segment's file size exceeds its memory size"
    case .writableAndExecutable: return "a segment is both writable and executable (W^X)"
    case .overlappingSegments: return "two segments share a page"
    case .entryNotExecutable: return "the entry point is not in an executable segment"
    case .notAKenixProgram: return "not a Kenix program (no Kenix note): a Linux program cannot be init"
    }
}

extension SimCPUKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
}

extension SimLoopCompiler: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
}
