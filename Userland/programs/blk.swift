// blk: the block server. It owns every data disk (block_claim) and serves
// clients over IPC (service 3, ServiceKey.block; protocol in docs/block.md,
// constants in KenixABI's BlockProtocol). Data never travels in messages: a
// client attaches a shared-memory buffer it created and granted to blk, then
// asks for runs of sectors read into, or written from, a place in it. blk
// names that place to the kernel (object, offset) and the disk moves the
// bytes straight into the client's frames; blk never maps a client buffer.
//
// A client's run becomes device requests of at most 512 KiB, issued while
// the disk's queue has room, all in flight together; the client's reply is
// deferred until the last one completes (several clients are served at
// once). Completions arrive as bits 0–7 of blk's bound notification (one
// per disk); bit 63 says a watched client ended (task_watch), and blk then
// stops issuing that client's requests and lets go of its buffers once no
// request uses them. blk never polls: between events it waits in `recv`.
//
// init starts it (after the console) when the machine has a data disk.

let maxBuffers = 32
let maxJobs = 32
let maxParts = 128
let clientEndedBit: UInt64 = 63

/// A data disk and the jobs waiting for room in its queue.
struct Disk {
    var info: BlockDiskInfo
    var inFlight = 0
    /// Jobs with sectors not yet issued, oldest first.
    var queue: [Int] = []
    var requests: UInt64 = 0
    var failed: UInt64 = 0
    var served: UInt64 = 0
}

/// A client's attached buffer (client 0: a free entry).
struct Buffer {
    var client: TaskID = 0
    var object: UInt64 = 0
    var size: UInt64 = 0
    /// Device requests in flight on it.
    var busy = 0
    /// Its client has ended: let go once `busy` is 0.
    var orphaned = false
}

/// One client request being served (client 0: a free entry).
struct Job {
    var client: TaskID = 0
    var disk = 0
    var op = BlockSubmitOp.read
    var buffer = -1
    /// The next sector to issue, sectors left to issue, and where they go.
    var sector: UInt64 = 0
    var remaining: UInt64 = 0
    var offset: UInt64 = 0
    var total: UInt64 = 0
    /// Device requests in flight.
    var outstanding = 0
    var failed = false
    var flushIssued = false
}

/// One device request in flight: the job it serves (-1: a free entry).
struct Part {
    var job = -1
}

final class Server {
    var disks: [Disk] = []
    var buffers = [Buffer](repeating: Buffer(), count: maxBuffers)
    var jobs = [Job](repeating: Job(), count: maxJobs)
    var parts = [Part](repeating: Part(), count: maxParts)
    var watched: [TaskID] = []
    let note: UInt64
    var done: [BlockDone] = []

    init(note: UInt64) { self.note = note }

    static func reply(_ status: BlockStatus, _ w0: UInt64 = 0, _ w1: UInt64 = 0, _ w2: UInt64 = 0,
                      _ w3: UInt64 = 0) -> Message {
        Message(tag: status.rawValue, w0, w1, w2, w3)
    }

    // MARK: Requests

    /// Answers `m` from `client` now, or returns nil when the answer is
    /// deferred (a read, write or flush under way).
    func handle(_ m: Message, from client: TaskID) -> Message? {
        guard m.tag >> 16 == 0, let op = BlockOp(rawValue: m.tag & BlockProtocol.opMask) else {
            return Self.reply(.invalidRequest)
        }
        let k = Int((m.tag >> BlockProtocol.diskShift) & BlockProtocol.diskMask)
        switch op {
        case .attach: return attach(m.w0, client: client)
        case .detach: return detach(m.w0, client: client)
        default: break
        }
        guard k < disks.count else { return Self.reply(.noSuchDisk) }
        let d = disks[k].info
        switch op {
        case .info:
            return Self.reply(.ok, d.sectorSize, d.sectorCount, d.flags, UInt64(disks.count))
        case .stats:
            return Self.reply(.ok, disks[k].requests, disks[k].failed, disks[k].served)
        case .flush:
            if d.isReadOnly || !d.hasWriteCache { return Self.reply(.ok) }   // nothing cached
            return start(Job(client: client, disk: k, op: .flush))
        case .read, .write:
            return transfer(op == .read ? .read : .write, disk: k, m, client: client)
        case .attach, .detach:
            return Self.reply(.invalidRequest)
        }
    }

    /// A read or write: w0 object, w1 offset, w2 first sector, w3 count.
    func transfer(_ op: BlockSubmitOp, disk k: Int, _ m: Message, client: TaskID) -> Message? {
        let d = disks[k].info
        guard let b = buffers.firstIndex(where: { $0.client == client && $0.object == m.w0 && !$0.orphaned }) else {
            return Self.reply(.noBuffer)
        }
        let (offset, sector, count) = (m.w1, m.w2, m.w3)
        let size = buffers[b].size
        guard count > 0, offset % d.sectorSize == 0, count <= size / d.sectorSize,
              offset <= size - count * d.sectorSize else { return Self.reply(.invalidRequest) }
        guard sector <= d.sectorCount, count <= d.sectorCount - sector else { return Self.reply(.outOfRange) }
        if op == .write && d.isReadOnly { return Self.reply(.readOnly) }
        return start(Job(client: client, disk: k, op: op, buffer: b, sector: sector, remaining: count,
                         offset: offset, total: count))
    }

    /// Queues `job` on its disk and issues what fits; nil (the reply waits)
    /// or `busy` when every job entry is taken.
    func start(_ job: Job) -> Message? {
        guard let j = jobs.firstIndex(where: { $0.client == 0 }) else { return Self.reply(.busy) }
        jobs[j] = job
        disks[job.disk].queue.append(j)
        pump(job.disk)
        return nil
    }

    func attach(_ object: UInt64, client: TaskID) -> Message? {
        let size: UInt64
        do throws(SyscallError) { size = try SharedMemory.size(object, heldBy: client) } catch {
            return Self.reply(.notGranted)
        }
        if buffers.contains(where: { $0.client == client && $0.object == object && !$0.orphaned }) {
            return Self.reply(.ok, size)
        }
        guard buffers.filter({ $0.client == client }).count < BlockProtocol.buffersPerClient,
              let b = buffers.firstIndex(where: { $0.client == 0 }) else { return Self.reply(.busy) }
        if !watched.contains(client) {
            guard (try? Kenix.watch(client, notification: note, bits: 1 << clientEndedBit)) != nil else {
                return Self.reply(.busy)
            }
            watched.append(client)
        }
        buffers[b] = Buffer(client: client, object: object, size: size)
        return Self.reply(.ok, size)
    }

    func detach(_ object: UInt64, client: TaskID) -> Message? {
        guard let b = buffers.firstIndex(where: { $0.client == client && $0.object == object && !$0.orphaned }) else {
            return Self.reply(.noBuffer)
        }
        guard buffers[b].busy == 0 else { return Self.reply(.busy) }
        drop(b)
        return Self.reply(.ok)
    }

    /// Frees buffer entry `b`, letting go of the object unless another entry names it.
    func drop(_ b: Int) {
        let object = buffers[b].object
        buffers[b] = Buffer()
        if !buffers.contains(where: { $0.client != 0 && $0.object == object }) {
            try? SharedMemory.release(object)
        }
    }

    // MARK: The disks

    /// Issues device requests for disk `k`'s queued jobs while its queue has room.
    func pump(_ k: Int) {
        let limit = BlockProtocol.maxDeviceRequest / disks[k].info.sectorSize
        while disks[k].inFlight < Int(disks[k].info.queueDepth), let j = disks[k].queue.first {
            guard let p = parts.firstIndex(where: { $0.job < 0 }) else { return }
            var job = jobs[j]
            let n = min(job.remaining, limit)
            let op = job.op
            let object = job.buffer >= 0 ? buffers[job.buffer].object : 0
            let submitted: Bool
            do throws(SyscallError) {
                if op == .flush {
                    try BlockDriver.submit(UInt64(k), .flush, sector: 0, count: 0, object: 0, offset: 0, tag: UInt64(p))
                } else {
                    try BlockDriver.submit(UInt64(k), op, sector: job.sector, count: n, object: object,
                                           offset: job.offset, tag: UInt64(p))
                }
                submitted = true
            } catch {
                // A full queue is retried when one of ours completes; with
                // none of ours in flight no completion would ever come, so
                // the job fails instead of waiting for ever.
                if error == .limitReached && disks[k].inFlight > 0 { return }
                submitted = false
            }
            if submitted {
                parts[p].job = j
                disks[k].inFlight += 1
                disks[k].requests += 1
                job.outstanding += 1
                if job.buffer >= 0 { buffers[job.buffer].busy += 1 }
            } else {
                job.failed = true
            }
            if op == .flush {
                job.flushIssued = true
            } else if submitted {
                job.sector += n
                job.offset += n * disks[k].info.sectorSize
                job.remaining -= n
            } else {
                job.remaining = 0
            }
            jobs[j] = job
            if job.remaining == 0 || job.flushIssued {
                disks[k].queue.removeFirst()
                if job.outstanding == 0 { finish(j) }
            }
        }
    }

    /// Disk `k` signalled: takes every completion, answers the jobs they end,
    /// then issues more.
    func completions(_ k: Int) {
        while true {
            done.removeAll(keepingCapacity: true)
            guard let n = try? BlockDriver.complete(UInt64(k), into: &done), n > 0 else { break }
            for c in done where c.tag < UInt64(maxParts) && parts[Int(c.tag)].job >= 0 {
                let j = parts[Int(c.tag)].job
                parts[Int(c.tag)].job = -1
                disks[k].inFlight -= 1
                jobs[j].outstanding -= 1
                if !c.succeeded { jobs[j].failed = true; disks[k].failed += 1 }
                let b = jobs[j].buffer
                if b >= 0 {
                    buffers[b].busy -= 1
                    if buffers[b].orphaned && buffers[b].busy == 0 { drop(b) }
                }
                let finishedIssuing = jobs[j].op == .flush ? jobs[j].flushIssued : jobs[j].remaining == 0
                if jobs[j].outstanding == 0 && finishedIssuing { finish(j) }
            }
        }
        pump(k)
    }

    /// Job `j` is over: its client gets the answer (dropped if it has ended).
    func finish(_ j: Int) {
        let job = jobs[j]
        jobs[j] = Job()
        if job.op != .flush { disks[job.disk].served += 1 }
        let reply = job.failed ? Self.reply(.ioError) : Self.reply(.ok, job.total)
        _ = try? IPC.reply(to: job.client, reply)
    }

    // MARK: Clients that end

    /// A watched client ended: forget it, stop issuing its requests, and let
    /// go of its buffers (at once, or when their last request completes).
    func clientsEnded() {
        var ended: [TaskID] = []
        for c in watched where !Kenix.isAlive(c) { ended.append(c) }
        watched.removeAll { ended.contains($0) }
        for k in disks.indices {
            for j in disks[k].queue where ended.contains(jobs[j].client) {
                jobs[j].remaining = 0
                jobs[j].flushIssued = true
            }
            disks[k].queue.removeAll { ended.contains(jobs[$0].client) }
        }
        for j in jobs.indices where jobs[j].client != 0 && ended.contains(jobs[j].client) && jobs[j].outstanding == 0 {
            jobs[j] = Job()
        }
        for b in buffers.indices where buffers[b].client != 0 && ended.contains(buffers[b].client) {
            if buffers[b].busy == 0 { drop(b) } else { buffers[b].orphaned = true }
        }
    }
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    guard let first = try? BlockDriver.info(0) else { return 0 }   // no data disk: nothing to serve
    let server: Server
    do throws(SyscallError) {
        let note = try Notification.create()
        try Notification.bind(note)
        server = Server(note: note)
        for k in 0..<min(first.diskCount, 8) {
            server.disks.append(Disk(info: try BlockDriver.info(k)))
            try BlockDriver.claim(k, notification: note, bit: k)
        }
        try Service.register(.block)
    } catch {
        print("blk: setup failed: \(error.name)")
        return 1
    }
    while true {
        guard let r = try? IPC.recv() else { continue }
        if r.isNotification {
            let bits = r.message.tag
            for k in server.disks.indices where bits & (1 << UInt64(k)) != 0 { server.completions(k) }
            if bits & (1 << clientEndedBit) != 0 { server.clientsEnded() }
        } else if let answer = server.handle(r.message, from: r.sender) {
            _ = try? IPC.reply(to: r.sender, answer)
        }
    }
}
