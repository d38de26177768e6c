// The raw syscall layer every libkenix wrapper goes through: the two
// assembly entry points in Userland/runtime/syscall.S, bound with
// @_extern(c), and the conversion of x0 into a value or a SyscallError.
//
// ABI (docs/syscalls.md): number in x8, arguments in x0–x5, result in x0
// (negative = error); IPC calls also return a message in x1–x5.

@_extern(c, "kx_syscall")
func kx_syscall(_ a0: UInt64, _ a1: UInt64, _ a2: UInt64, _ a3: UInt64,
                _ a4: UInt64, _ a5: UInt64, _ number: UInt64) -> Int64

@_extern(c, "kx_syscall_msg")
func kx_syscall_msg(_ a0: UInt64, _ a1: UInt64, _ a2: UInt64, _ a3: UInt64,
                    _ a4: UInt64, _ a5: UInt64, _ number: UInt64,
                    _ out: UnsafeMutableRawPointer) -> Int64

/// As `kx_syscall_msg`, with a seventh argument in x6 (`call_timeout`).
@_extern(c, "kx_syscall_msg7")
func kx_syscall_msg7(_ a0: UInt64, _ a1: UInt64, _ a2: UInt64, _ a3: UInt64,
                     _ a4: UInt64, _ a5: UInt64, _ a6: UInt64, _ number: UInt64,
                     _ out: UnsafeMutableRawPointer) -> Int64

/// x0–x5 as the kernel left them after a syscall that returns a message.
public struct SyscallRegisters {
    public var x0: Int64 = 0
    public var x1: UInt64 = 0
    public var x2: UInt64 = 0
    public var x3: UInt64 = 0
    public var x4: UInt64 = 0
    public var x5: UInt64 = 0
    public init() {}
}

public enum RawSyscall {
    /// Traps with `number` in x8 and returns x0 unchanged (negative = error).
    /// Also the way to issue a number `Syscall` does not know.
    @inline(__always)
    public static func invoke(_ number: UInt64, _ a0: UInt64 = 0, _ a1: UInt64 = 0,
                              _ a2: UInt64 = 0, _ a3: UInt64 = 0, _ a4: UInt64 = 0,
                              _ a5: UInt64 = 0) -> Int64 {
        kx_syscall(a0, a1, a2, a3, a4, a5, number)
    }

    @inline(__always)
    public static func invoke(_ call: Syscall, _ a0: UInt64 = 0, _ a1: UInt64 = 0,
                              _ a2: UInt64 = 0, _ a3: UInt64 = 0, _ a4: UInt64 = 0,
                              _ a5: UInt64 = 0) -> Int64 {
        kx_syscall(a0, a1, a2, a3, a4, a5, call.rawValue)
    }

    /// Traps and returns all of x0–x5.
    public static func invokeWithRegisters(_ call: Syscall, _ a0: UInt64 = 0, _ a1: UInt64 = 0,
                                           _ a2: UInt64 = 0, _ a3: UInt64 = 0, _ a4: UInt64 = 0,
                                           _ a5: UInt64 = 0) -> SyscallRegisters {
        var regs = SyscallRegisters()
        regs.x0 = kx_syscall_msg(a0, a1, a2, a3, a4, a5, call.rawValue, &regs)
        return regs
    }

    /// x0 as a value, or the error it encodes. A negative value outside
    /// the table (a kernel newer than this library) reads as invalidArgument.
    @inline(__always)
    public static func check(_ x0: Int64) throws(SyscallError) -> UInt64 {
        if x0 < 0 { throw SyscallError(rawValue: x0) ?? .invalidArgument }
        return UInt64(x0)
    }
}
