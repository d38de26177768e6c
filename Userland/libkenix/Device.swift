// Devices and services (docs/syscalls.md, "Devices and services"): the UART
// (only its owner, the console server, writes to it) and the service
// registry that maps well-known keys to task ids.

public enum UART {
    /// With the UART's device handle, makes the caller its owner (`busy` if
    /// someone else is). Returns a handle for its receive line and the line.
    public static func claim(device: Handle) throws(SyscallError) -> (lineHandle: Handle, line: UInt64) {
        let r = RawSyscall.invokeWithRegisters(.uartClaim, device)
        return (try RawSyscall.check(r.x0), r.x1)
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
    /// Registers the caller as the server for a key, with that key's
    /// service handle (which its parent handed it), until it ends.
    public static func register(with keyHandle: Handle) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.serviceRegister, keyHandle))
    }

    /// A handle to call the server registered for `key`; looked up once and
    /// kept (`forget` drops it, e.g. after the server died).
    public static func lookup(_ key: ServiceKey) throws(SyscallError) -> Handle {
        try lookup(rawKey: key.rawValue)
    }

    public static func lookup(rawKey: UInt64) throws(SyscallError) -> Handle {
        let index = Int(rawKey)
        if index < serviceHandles.count, serviceHandles[index] != 0 { return serviceHandles[index] }
        let handle = try RawSyscall.check(RawSyscall.invoke(.serviceLookup, rawKey))
        if index < serviceHandles.count { serviceHandles[index] = handle }
        return handle
    }

    /// Drops the kept handle for `key`: the next lookup asks again (the
    /// server may have been restarted).
    public static func forget(_ key: ServiceKey) {
        let index = Int(key.rawValue)
        guard index < serviceHandles.count, serviceHandles[index] != 0 else { return }
        Handles.close(serviceHandles[index])
        serviceHandles[index] = 0
    }
}

/// The handles `Service.lookup` keeps, by key.
nonisolated(unsafe) var serviceHandles: [Handle] = [0, 0, 0, 0, 0, 0, 0, 0]
