// ClientBuffers: each client's shared buffer, which the server makes (so it
// knows the real size and never trusts a client's word for it), grants to
// the client and maps into one of a few fixed windows of its own address
// space. A task maps at most 8 objects at once, so the windows are shared:
// the least recently used client's buffer is unmapped when another needs a
// window, and mapped again on its next request.
//
// A client's buffer is released (shm_release) when it detaches or ends, so
// its memory goes once the client lets go too: clients can come and go for
// ever; at most 32 objects exist at once in the whole system.

struct ClientBuffers {
    static let windowCount = 6
    /// Windows sit high in the shared-memory area, one maximum-size buffer apart.
    static let windowBase: UInt64 = 0x1_C000_0000
    static let windowStride: UInt64 = FileLimits.maxBufferSize

    struct Attachment {
        var shm: UInt64
        var size: UInt64
        var window: Int
        var lastUse: UInt64
    }

    private var attachments: [TaskID: Attachment] = [:]
    private var windows = [TaskID](repeating: 0, count: windowCount)
    private var tick: UInt64 = 0

    var clients: [TaskID] { Array(attachments.keys) }

    /// A buffer of `requested` bytes (0: the default) for `client`, granted
    /// to it: its id and size. When memory is short (a buffer is physically
    /// contiguous) it is smaller, halving down to the minimum. A client
    /// attaching again with the same size keeps its buffer.
    mutating func attach(_ client: TaskID, requested: UInt64) throws(FileError) -> (shm: UInt64, size: UInt64) {
        let wanted = requested == 0 ? FileLimits.defaultBufferSize : requested
        guard wanted >= FileLimits.minBufferSize, wanted <= FileLimits.maxBufferSize else { throw .invalidArgument }
        var size = (wanted + 4095) & ~4095
        if let existing = attachments[client], existing.size == size { return (existing.shm, existing.size) }
        detach(client)
        var created: UInt64? = nil
        while created == nil {
            do throws(SyscallError) { created = try SharedMemory.create(size: size) } catch {
                if error == .limitReached { throw .tooManyClients }
                guard size / 2 >= FileLimits.minBufferSize else { throw .outOfMemory }
                size = (size / 2 + 4095) & ~4095
            }
        }
        let shm = created!
        do throws(SyscallError) { try SharedMemory.grant(shm, to: client) } catch { throw .unavailable }
        attachments[client] = Attachment(shm: shm, size: size, window: -1, lastUse: 0)
        return (shm, size)
    }

    /// Lets go of `client`'s buffer (unmapped and released: freed once the
    /// client has let go too) and forgets it.
    mutating func detach(_ client: TaskID) {
        guard let a = attachments[client] else { return }
        if a.window >= 0 { windows[a.window] = 0 }
        try? SharedMemory.release(a.shm)
        attachments[client] = nil
    }

    /// `client`'s buffer, mapped (nil if it has none).
    mutating func buffer(for client: TaskID) throws(FileError) -> UnsafeMutableRawBufferPointer? {
        guard var a = attachments[client] else { return nil }
        tick += 1
        if a.window < 0 {
            let w = windows.firstIndex(of: 0) ?? leastRecentWindow()
            if windows[w] != 0 { evict(w) }
            let address = Self.windowBase + UInt64(w) * Self.windowStride
            do throws(SyscallError) { _ = try SharedMemory.map(a.shm, hint: address) } catch { throw .noBuffer }
            windows[w] = client
            a.window = w
        }
        a.lastUse = tick
        attachments[client] = a
        let address = Self.windowBase + UInt64(a.window) * Self.windowStride
        return UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: UInt(address)), count: Int(a.size))
    }

    private func leastRecentWindow() -> Int {
        var best = 0
        var oldest = UInt64.max
        for w in 0..<windows.count {
            if let a = attachments[windows[w]], a.lastUse < oldest { oldest = a.lastUse; best = w }
        }
        return best
    }

    private mutating func evict(_ w: Int) {
        let owner = windows[w]
        if var a = attachments[owner] {
            try? SharedMemory.unmap(a.shm)
            a.window = -1
            attachments[owner] = a
        }
        windows[w] = 0
    }
}
