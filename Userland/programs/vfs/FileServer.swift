// FileServer: the VFS server's loop. It registers ServiceKey.files, builds
// the name space — a RAM file system at "/" with /tmp, /disk (the FAT32
// volume on data disk 0, through the block server, when the machine has
// one; /disk1 ... for the other data disks: DataDisks.swift) and /boot (the
// boot image's files, read-only, shown in place through image_map) — and
// serves requests one at a time (docs/vfs.md).
//
// Client deaths: every attached client is watched (task_watch) on one bit of
// the server's bound notification; when it fires, or when a reply cannot be
// delivered, or when the client table is full, or before an unmount, the
// server asks task_status and releases what ended clients held
// (releaseClient: files, current directory, buffer window). A client that
// dies mid-request never blocks the server: its reply fails and it is released.

final class FileServer {
    static let watchBit: UInt64 = 1
    let ram: RamFS
    let vfs: VFS<BlockDisk>
    var buffers = ClientBuffers()
    var notification: UInt64 = 0

    init() {
        // First, so clients that start now queue on IPC rather than miss the service.
        do throws(SyscallError) { try Service.register(.files) } catch {
            print("vfs: cannot register the file service: \(error.name)")
            Kenix.exit(1)
        }
        let clock: WallClock = { (try? Kenix.realTime()) ?? Kenix.clock() }
        // The RAM file system may hold a quarter of RAM (at least 1 MiB).
        let capacity = max(Kenix.memoryInfo().totalFrames * 4096 / 4, 1 << 20)
        ram = RamFS(capacity: capacity, clock: clock)
        vfs = VFS(root: .ram(ram), clock: clock)
        if let n = try? Notification.create(), (try? Notification.bind(n)) != nil { notification = n }
        buildNameSpace()
        mountDataDisks(clock: clock)
    }

    private func buildNameSpace() {
        for name: StaticString in ["tmp", "disk", "boot"] {
            if let node = try? ram.create(in: ram.rootNode, name.pathBytes, kind: .directory, target: []) { ram.release(node) }
        }
        guard let boot = try? ram.lookup(ram.rootNode, [0x62, 0x6F, 0x6F, 0x74]) else { return }
        defer { ram.release(boot) }
        do throws(SyscallError) {
            let image = try BootImage.map()
            do throws(FileError) { try CPIOReader.populate(ram, directory: boot, from: image) } catch {
                print("vfs: /boot: the boot image is damaged (\(error.name))")
            }
        } catch {
            print("vfs: /boot: no boot image (\(error.name))")
        }
        try? ram.setReadOnly(boot)
    }

    func run() -> Never {
        while true {
            let received: Received
            do throws(SyscallError) { received = try IPC.recv() } catch { continue }
            if received.isNotification {
                releaseEndedClients()
                continue
            }
            let reply = handle(received.sender, received.message)
            do throws(SyscallError) {
                try IPC.reply(Message(tag: UInt64(bitPattern: reply.result), reply.w0))
            } catch {
                release(received.sender)   // it is gone
            }
        }
    }

    func handle(_ client: TaskID, _ m: Message) -> FileReply {
        let op = m.tag & 0xFF
        if op == FileRequest.attach.rawValue { return attach(client, size: m.w0) }
        // A client that has just ended (the shell, before init unmounts at
        // shutdown) may not be released yet: its files must not keep a volume busy.
        if op == FileRequest.unmount.rawValue { releaseEndedClients() }
        if op == FileRequest.detach.rawValue {
            release(client)
            return FileReply(result: 0)
        }
        let buffer: UnsafeMutableRawBufferPointer?
        do throws(FileError) { buffer = try buffers.buffer(for: client) } catch { return FileReply(result: error.rawValue) }
        return vfs.handle(client, op: op, m.w0, m.w1, m.w2, m.w3, buffer: buffer)
    }

    private func attach(_ client: TaskID, size: UInt64) -> FileReply {
        do throws(FileError) {
            if !vfs.isAttached(client) {
                do throws(FileError) { try vfs.attach(client) } catch {
                    guard error == .tooManyClients else { throw error }
                    releaseEndedClients()
                    try vfs.attach(client)
                }
                if notification != 0 { try? Kenix.watch(client, notification: notification, bits: Self.watchBit) }
            }
            let buffer: (shm: UInt64, size: UInt64)
            do throws(FileError) { buffer = try buffers.attach(client, requested: size) } catch {
                if error == .tooManyClients || error == .outOfMemory { releaseEndedClients() }
                release(client)
                throw error
            }
            return FileReply(result: Int64(buffer.shm), w0: buffer.size)
        } catch {
            return FileReply(result: error.rawValue)
        }
    }

    /// The one way a client's resources go: files, current directory, buffer.
    func release(_ client: TaskID) {
        vfs.releaseClient(client)
        buffers.detach(client)
    }

    /// Releases every attached client that has ended.
    func releaseEndedClients() {
        for client in vfs.attachedClients where !Kenix.isAlive(client) { release(client) }
    }
}
