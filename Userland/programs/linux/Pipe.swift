// Pipe: a byte ring of `capacity` bytes in memory the server maps for it,
// with counts of the read and write descriptions open on it. Data moves
// straight between a task's memory and the ring (task_read/task_write);
// blocking readers and writers are the server's business (they retry).

final class Pipe {
    static let capacity = 65536
    /// Writes of at most this many bytes are atomic (POSIX PIPE_BUF).
    static let atomicLimit = 4096

    let storage: UnsafeMutableRawPointer
    private(set) var head = 0      // next byte to read
    private(set) var count = 0
    var readers = 0
    var writers = 0
    let id: Int

    init?(id: Int) {
        guard let address = try? Memory.map(length: UInt64(Self.capacity)) else { return nil }
        storage = UnsafeMutableRawPointer(bitPattern: UInt(address))!
        self.id = id
    }

    deinit { try? Memory.unmap(UInt64(UInt(bitPattern: storage)), length: UInt64(Self.capacity)) }

    var space: Int { Self.capacity - count }

    /// The readable bytes as at most two runs (wrapping).
    func readableRuns(max: Int) -> [(UnsafeMutableRawPointer, Int)] {
        let n = min(max, count)
        let first = min(n, Self.capacity - head)
        var runs = [(storage + head, first)]
        if n > first { runs.append((storage, n - first)) }
        return runs.filter { $0.1 > 0 }
    }

    /// The free space as at most two runs.
    func writableRuns(max: Int) -> [(UnsafeMutableRawPointer, Int)] {
        let n = min(max, space)
        let tail = (head + count) % Self.capacity
        let first = min(n, Self.capacity - tail)
        var runs = [(storage + tail, first)]
        if n > first { runs.append((storage, n - first)) }
        return runs.filter { $0.1 > 0 }
    }

    func consumed(_ n: Int) {
        head = (head + n) % Self.capacity
        count -= n
        if count == 0 { head = 0 }
    }

    func produced(_ n: Int) { count += n }
}
