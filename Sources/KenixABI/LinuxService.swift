// The Linux personality server's protocol for Kenix programs (docs/linux.md):
// how ksh or init starts a Linux program. A request is an IPC `call` to the
// server (ServiceKey.linux): tag = op | length << 8 | flags, up to 32 bytes
// little-endian in w0–w3. The caller first sends its program's path, then
// each argument and environment string in chunks (a flag ends a string),
// then `start`; the reply to `start` is deferred until the program ends.
// The server keeps one pending launch per caller.

public enum LinuxServiceOp: UInt64, CaseIterable {
    /// Forget any launch being built by this caller.
    case reset = 1
    /// Bytes of the path (the executable).
    case path = 2
    /// Bytes of an argument (argv[0] first).
    case argument = 3
    /// Bytes of an environment string NAME=value. Without any, the server
    /// gives the default environment (PATH, HOME, TERM, SHELL, USER).
    case environment = 4
    /// Run it on the console terminal, in a new session, as its foreground
    /// process group; the reply comes when it ends: tag 0, w0 the wait status
    /// (Linux encoding: exit code << 8, or the signal number), w1 its pid.
    /// Errors: tag = -errno (Linux), e.g. -2 no such file, -8 not executable.
    case start = 5
}

public enum LinuxServiceProtocol {
    /// In a chunk's tag: this chunk ends the string.
    public static let endOfString: UInt64 = 1 << 16
    /// The most bytes a chunk carries.
    public static let maxChunk: UInt64 = 32
    public static let lengthShift: UInt64 = 8
    public static let opMask: UInt64 = 0xFF
    /// Longest path, argument or environment string; most strings per launch.
    public static let maxString = 4096
    public static let maxStrings = 256
}
