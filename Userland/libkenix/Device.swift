// Devices and services (docs/syscalls.md, "Devices and services"): the UART
// (only its owner, the console server, writes to it) and the service
// registry that maps well-known keys to task ids.

public enum UART {
    /// Makes the caller the UART's owner; `busy` if someone else is.
    /// Returns the UART's receive interrupt line.
    @discardableResult
    public static func claim() throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.uartClaim))
    }

    /// Takes up to `buffer.count` received bytes; 0 when none are waiting.
    public static func read(into buffer: UnsafeMutableRawBufferPointer) throws(SyscallError) -> Int {
        let address = UInt64(UInt(bitPattern: buffer.baseAddress))
        return Int(try RawSyscall.check(RawSyscall.invoke(.uartRead, address, UInt64(buffer.count))))
    }

    /// Writes up to 4096 bytes; returns how many were written.
    public static func write(_ bytes: UnsafeRawBufferPointer) throws(SyscallError) -> Int {
        let address = UInt64(UInt(bitPattern: bytes.baseAddress))
        return Int(try RawSyscall.check(RawSyscall.invoke(.uartWrite, address, UInt64(bytes.count))))
    }
}

public enum Service {
    /// Registers the caller as the server for `key` until it ends.
    public static func register(_ key: ServiceKey) throws(SyscallError) {
        try register(rawKey: key.rawValue)
    }

    public static func register(rawKey: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.serviceRegister, rawKey))
    }

    /// The task registered for `key`.
    public static func lookup(_ key: ServiceKey) throws(SyscallError) -> TaskID {
        try lookup(rawKey: key.rawValue)
    }

    public static func lookup(rawKey: UInt64) throws(SyscallError) -> TaskID {
        try RawSyscall.check(RawSyscall.invoke(.serviceLookup, rawKey))
    }
}
