// Bounds-checked little-endian reads from untrusted bytes (ELF files, the
// initrd). Every read says whether it fit, so a malformed file produces an
// error value, never an out-of-bounds access or a trap.

public struct ByteReader {
    public let bytes: UnsafeRawBufferPointer
    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var count: Int { bytes.count }

    /// True if `length` bytes at `offset` lie inside the buffer (overflow-safe).
    @inline(__always)
    public func contains(offset: UInt64, length: UInt64) -> Bool {
        let (end, overflow) = offset.addingReportingOverflow(length)
        return !overflow && end <= UInt64(bytes.count)
    }

    @inline(__always) public func u8(_ offset: Int) -> UInt8? {
        contains(offset: UInt64(offset), length: 1) ? bytes[offset] : nil
    }
    @inline(__always) public func u16(_ offset: Int) -> UInt16? { read(offset, UInt16.self) }
    @inline(__always) public func u32(_ offset: Int) -> UInt32? { read(offset, UInt32.self) }
    @inline(__always) public func u64(_ offset: Int) -> UInt64? { read(offset, UInt64.self) }

    @inline(__always)
    private func read<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T? {
        guard offset >= 0, contains(offset: UInt64(offset), length: UInt64(MemoryLayout<T>.size)) else { return nil }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// A sub-range of the buffer, or nil if it does not fit.
    public func slice(offset: UInt64, length: UInt64) -> UnsafeRawBufferPointer? {
        guard contains(offset: offset, length: length) else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[Int(offset)..<Int(offset + length)])
    }
}
