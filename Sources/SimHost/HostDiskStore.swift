// HostDiskStore: the bytes behind a simulated disk (bottom layer: the only
// file here that does file I/O for disks). Either a host file, read and
// written in place with pread/pwrite so a run's disk survives it, or host
// memory.
//
// A file is held for the whole run under two exclusive locks: flock(2), which
// other kenix-sim runs (and `flock`-aware tools) respect, and an open-file-
// description byte-range lock on the bytes QEMU locks for its images (100 to
// 299, block/file-posix.c), so a file QEMU has open is refused here and QEMU
// refuses a file kenix-sim has open. A swap file is created or extended to
// its size; a data disk (the user's file) is never created, extended or
// truncated. `flush` is fdatasync(2); `closeFile` flushes first.
#if canImport(Glibc)
import Glibc
#endif

/// Why a disk file cannot be used.
public enum DiskFileProblem: Error, Equatable, Sendable {
    case missing
    case notRegularFile
    /// Its size is not a whole number of 512-byte sectors.
    case size(UInt64)
    /// Another process (kenix-sim, QEMU, `flock`) holds it.
    case locked
    /// This run already uses the file (as the swap disk or another data disk).
    case givenTwice
    /// open(2), fstat(2) or ftruncate(2) failed with this errno.
    case hostError(Int32)
}

public final class HostDiskStore {
    public let size: UInt64
    private var fd: Int32
    private let memory: UnsafeMutableRawPointer?

    /// A disk of `size` bytes in memory, zero-filled or holding `image`.
    public init(memorySize size: UInt64, image: [UInt8] = []) {
        self.size = size
        fd = -1
        memory = .allocate(byteCount: max(Int(size), 1), alignment: 4096)
        memory!.initializeMemory(as: UInt8.self, repeating: 0, count: max(Int(size), 1))
        image.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { memory!.copyMemory(from: base, byteCount: min(bytes.count, Int(size))) }
        }
    }

    /// The swap file at `path`, created or extended (with zeros) to `size` bytes.
    public init(swapPath path: String, size: UInt64) throws(DiskFileProblem) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            if errno == EISDIR { throw .notRegularFile }
            throw .hostError(errno)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = errno; Glibc.close(fd); throw .hostError(e) }
        // A device (/dev/null, /dev/full) would swallow or refuse the pages.
        guard st.st_mode & S_IFMT == S_IFREG else { Glibc.close(fd); throw .notRegularFile }
        if let problem = Self.lock(fd) { Glibc.close(fd); throw problem }
        if UInt64(st.st_size) < size && ftruncate(fd, off_t(size)) != 0 { let e = errno; Glibc.close(fd); throw .hostError(e) }
        self.fd = fd
        self.size = size
        memory = nil
    }

    /// The user's file at `path` as it is: a regular file whose size is a
    /// whole number of sectors (0 is allowed: an empty disk).
    public init(dataPath path: String, sectorSize: UInt64) throws(DiskFileProblem) {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ENOENT: throw .missing
            case EISDIR: throw .notRegularFile
            case let e: throw .hostError(e)
            }
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = errno; Glibc.close(fd); throw .hostError(e) }
        guard st.st_mode & S_IFMT == S_IFREG else { Glibc.close(fd); throw .notRegularFile }
        let bytes = UInt64(st.st_size)
        guard bytes % sectorSize == 0 else { Glibc.close(fd); throw .size(bytes) }
        if let problem = Self.lock(fd) { Glibc.close(fd); throw problem }
        self.fd = fd
        size = bytes
        memory = nil
    }

    /// st_dev and st_ino of the file at `path` (the same file under two
    /// names has one identity); nil when it does not exist.
    public static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    /// F_OFD_SETLK (Linux <bits/fcntl-linux.h>; Swift does not import it).
    private static let setOFDLock: Int32 = 37

    /// Takes both exclusive locks; nil when held, else why not.
    private static func lock(_ fd: Int32) -> DiskFileProblem? {
        if flock(fd, LOCK_EX | LOCK_NB) != 0 { return errno == EWOULDBLOCK ? .locked : .hostError(errno) }
        var range = Glibc.flock()
        range.l_type = Int16(F_WRLCK)
        range.l_whence = Int16(SEEK_SET)
        range.l_start = 100
        range.l_len = 200
        if fcntl(fd, Self.setOFDLock, &range) != 0 {
            return errno == EAGAIN || errno == EACCES ? .locked : .hostError(errno)
        }
        return nil
    }

    deinit {
        closeFile()
        memory?.deallocate()
    }

    /// Flushes and closes the file (the locks go with it); idempotent.
    public func closeFile() {
        guard fd >= 0 else { return }
        _ = flush()
        _ = Glibc.close(fd)
        fd = -1
    }

    /// Copies `length` bytes at `offset` to `buffer`; false on a host error.
    public func read(offset: UInt64, into buffer: UnsafeMutableRawPointer, length: Int) -> Bool {
        if let memory {
            buffer.copyMemory(from: memory + Int(offset), byteCount: length)
            return true
        }
        var done = 0
        while done < length {
            let n = pread(fd, buffer + done, length - done, off_t(offset) + off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }

    /// Copies `length` bytes from `buffer` to `offset`; false on a host error.
    public func write(offset: UInt64, from buffer: UnsafeRawPointer, length: Int) -> Bool {
        if let memory {
            (memory + Int(offset)).copyMemory(from: buffer, byteCount: length)
            return true
        }
        var done = 0
        while done < length {
            let n = pwrite(fd, buffer + done, length - done, off_t(offset) + off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }

    /// Makes every write so far durable on the host; false on a host error.
    public func flush() -> Bool {
        guard fd >= 0 else { return true }
        return fdatasync(fd) == 0
    }

    /// `count` bytes at `offset` of a memory disk (tests).
    public func bytes(at offset: UInt64, count: Int) -> [UInt8] {
        guard let memory else { return [] }
        return Array(UnsafeRawBufferPointer(start: memory + Int(offset), count: count))
    }
}
