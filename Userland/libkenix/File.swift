// File: an open file of the file service, named by its descriptor (a slot
// of the task's open-file table in the server). Reads and writes of any
// size: the data moves through the shared buffer, a buffer's worth per
// request. Close it explicitly (descriptors are plain values, as in POSIX;
// the server closes whatever is left when the task ends).

public struct File {
    public let descriptor: Int

    /// Opens `path` with `OpenFlags` (read-only by default).
    public static func open(_ path: some PathRepresentable, _ flags: UInt64 = OpenFlags.readOnly) throws(FileError) -> File {
        File(descriptor: Int(try Files.pathCall(.open, path, flags)))
    }

    public func close() throws(FileError) {
        try Files.call(.close, UInt64(descriptor))
    }

    /// Reads at the position until `buffer` is full or the file ends; returns the bytes read.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        try transferIn(buffer, at: nil)
    }

    /// Reads at `offset` without moving the position.
    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        try transferIn(buffer, at: offset)
    }

    /// Up to `count` bytes from the position (fewer at the end of the file).
    public func read(upTo count: Int) throws(FileError) -> [UInt8] {
        var out = ByteChunks()
        let shared = try Files.buffer()
        while out.count < count {
            let want = min(count - out.count, shared.count)
            let n = Int(try Files.call(.read, UInt64(descriptor), UInt64(want)))
            out.append(UnsafeRawBufferPointer(rebasing: shared[0..<n]))
            if n < want { break }
        }
        return out.joined()
    }

    /// Everything from the position to the end.
    public func readAll() throws(FileError) -> [UInt8] {
        var out = ByteChunks()
        let shared = try Files.buffer()
        while true {
            let n = Int(try Files.call(.read, UInt64(descriptor), UInt64(shared.count)))
            if n == 0 { return out.joined() }
            out.append(UnsafeRawBufferPointer(rebasing: shared[0..<n]))
        }
    }

    private func transferIn(_ buffer: UnsafeMutableRawBufferPointer, at offset: UInt64?) throws(FileError) -> Int {
        let shared = try Files.buffer()
        var done = 0
        while done < buffer.count {
            let want = min(buffer.count - done, shared.count)
            let n: Int
            if let base = offset {
                n = Int(try Files.call(.readAt, UInt64(descriptor), UInt64(want), base + UInt64(done)))
            } else {
                n = Int(try Files.call(.read, UInt64(descriptor), UInt64(want)))
            }
            (buffer.baseAddress! + done).copyMemory(from: shared.baseAddress!, byteCount: n)
            done += n
            if n < want { break }
        }
        return done
    }

    /// Writes all of `bytes` at the position (at the end with `OpenFlags.append`);
    /// returns the bytes written, fewer only when the medium fills.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileError) -> Int {
        try transferOut(bytes, at: nil)
    }

    public func write(at offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws(FileError) -> Int {
        try transferOut(bytes, at: offset)
    }

    public func write(_ bytes: [UInt8]) throws(FileError) -> Int {
        let result: Result<Int, FileError> = bytes.withUnsafeBytes { raw in
            do throws(FileError) { return .success(try transferOut(raw, at: nil)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private func transferOut(_ bytes: UnsafeRawBufferPointer, at offset: UInt64?) throws(FileError) -> Int {
        let shared = try Files.buffer()
        var done = 0
        while done < bytes.count {
            let chunk = min(bytes.count - done, shared.count)
            shared.baseAddress!.copyMemory(from: bytes.baseAddress! + done, byteCount: chunk)
            let n: Int
            if let base = offset {
                n = Int(try Files.call(.writeAt, UInt64(descriptor), UInt64(chunk), base + UInt64(done)))
            } else {
                n = Int(try Files.call(.write, UInt64(descriptor), UInt64(chunk)))
            }
            done += n
            if n < chunk { break }
        }
        return done
    }

    /// Moves the position; returns the new one.
    @discardableResult
    public func seek(to offset: Int64, from origin: SeekOrigin = .start) throws(FileError) -> UInt64 {
        try Files.call(.seek, UInt64(descriptor), UInt64(bitPattern: offset), origin.rawValue)
    }

    public func status() throws(FileError) -> FileStatus {
        try Files.call(.fstat, UInt64(descriptor))
        return try Files.statusRecord()
    }

    public func truncate(to size: UInt64) throws(FileError) {
        try Files.call(.truncateFile, UInt64(descriptor), size)
    }

    /// Writes this file's file system's changes to its disk.
    public func sync() throws(FileError) {
        try Files.call(.syncFile, UInt64(descriptor))
    }
}
