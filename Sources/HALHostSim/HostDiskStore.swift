// HostDiskStore: the bytes behind the simulated disk (bottom layer: the only
// file here that does file I/O for it). Either a host file, read and written
// in place with pread/pwrite so a run's disk survives it, or host memory.
#if canImport(Glibc)
import Glibc
#endif

final class HostDiskStore {
    let size: UInt64
    private let fd: Int32
    private let memory: UnsafeMutableRawPointer?

    /// A zero-filled disk of `size` bytes in memory.
    init(memorySize size: UInt64) {
        self.size = size
        fd = -1
        memory = .allocate(byteCount: Int(size), alignment: 4096)
        memory!.initializeMemory(as: UInt8.self, repeating: 0, count: Int(size))
    }

    /// The host file at `path`, created or extended (with zeros) to `size`
    /// bytes; nil when it cannot be opened or sized.
    init?(path: String, size: UInt64) {
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0 else { close(fd); return nil }
        if UInt64(st.st_size) < size && ftruncate(fd, off_t(size)) != 0 { close(fd); return nil }
        self.fd = fd
        self.size = size
        memory = nil
    }

    deinit {
        if fd >= 0 { close(fd) }
        memory?.deallocate()
    }

    /// Copies `length` bytes at `offset` to `buffer`; false on a host error.
    func read(offset: UInt64, into buffer: UnsafeMutableRawPointer, length: Int) -> Bool {
        if let memory {
            buffer.copyMemory(from: memory + Int(offset), byteCount: length)
            return true
        }
        return pread(fd, buffer, length, off_t(offset)) == length
    }

    /// Copies `length` bytes from `buffer` to `offset`; false on a host error.
    func write(offset: UInt64, from buffer: UnsafeRawPointer, length: Int) -> Bool {
        if let memory {
            (memory + Int(offset)).copyMemory(from: buffer, byteCount: length)
            return true
        }
        return pwrite(fd, buffer, length, off_t(offset)) == length
    }
}
