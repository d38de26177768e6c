// The framebuffer and the keyboard (docs/syscalls.md, "Display and
// keyboard"), and data files of the boot image. The pixels are 32-bit words
// 0x00RRGGBB (XRGB8888) on every backend.

public struct FramebufferInfo {
    public var width: Int
    public var height: Int
    /// Bytes from one row to the next.
    public var stride: Int
    /// DRM fourcc; "XR24" (XRGB8888) on every Kenix platform.
    public var format: UInt64
}

public enum Framebuffer {
    public static let xrgb8888: UInt64 = 0x3432_5258

    /// The display's mode; `notFound` when the machine has no display.
    public static func info() throws(SyscallError) -> FramebufferInfo {
        let r = RawSyscall.invokeWithRegisters(.fbInfo)
        _ = try RawSyscall.check(r.x0)
        return FramebufferInfo(width: Int(r.x0), height: Int(r.x1), stride: Int(r.x2), format: r.x3)
    }

    /// Maps the pixels into the caller (the same address on a second call).
    public static func map() throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.fbMap))
    }

    /// Tells the display these pixels are finished.
    public static func present(x: Int, y: Int, width: Int, height: Int) {
        _ = RawSyscall.invoke(.fbPresent, UInt64(x), UInt64(y), UInt64(width), UInt64(height))
    }
}

/// One key press or release: a Linux input event code.
public struct KeyEvent: Equatable {
    public var code: UInt16
    public var pressed: Bool
}

public enum Keyboard {
    /// Makes the caller the keyboard's owner; returns its interrupt line.
    /// `notFound` without a keyboard, `busy` when another task owns it.
    public static func claim() throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.keyboardClaim))
    }

    /// Up to four waiting events (none when the queue is empty). Owner only.
    public static func read() throws(SyscallError) -> [KeyEvent] {
        let r = RawSyscall.invokeWithRegisters(.keyboardRead)
        let count = try RawSyscall.check(r.x0)
        let packed = [r.x1, r.x2, r.x3, r.x4]
        var events: [KeyEvent] = []
        for i in 0..<Int(min(count, 4)) {
            events.append(KeyEvent(code: UInt16(truncatingIfNeeded: packed[i]), pressed: packed[i] & (1 << 16) != 0))
        }
        return events
    }
}

public enum BootImage {
    /// The whole boot image (a cpio newc archive), mapped read-only into the
    /// caller; the same mapping on every call.
    public static func map() throws(SyscallError) -> UnsafeRawBufferPointer {
        let r = RawSyscall.invokeWithRegisters(.imageMap)
        let address = try RawSyscall.check(r.x0)
        return UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: UInt(address)), count: Int(r.x1))
    }

    /// Reads file `name` of the boot image from `offset` into `buffer`;
    /// returns the bytes read (0 at the end). `notFound` if there is no such file.
    public static func read(_ name: StaticString, offset: Int,
                            into buffer: UnsafeMutableRawBufferPointer) throws(SyscallError) -> Int {
        Int(try RawSyscall.check(RawSyscall.invoke(.imageRead, UInt64(UInt(bitPattern: name.utf8Start)),
                                                   UInt64(name.utf8CodeUnitCount), UInt64(offset),
                                                   UInt64(UInt(bitPattern: buffer.baseAddress)),
                                                   UInt64(buffer.count))))
    }

    /// The whole file `name` (read in pieces), or the error.
    public static func contents(of name: StaticString) throws(SyscallError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let offset = bytes.count
            let result = chunk.withUnsafeMutableBytes { raw -> Result<Int, SyscallError> in
                do throws(SyscallError) { return .success(try read(name, offset: offset, into: raw)) }
                catch { return .failure(error) }
            }
            let n = try result.get()
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }
}
