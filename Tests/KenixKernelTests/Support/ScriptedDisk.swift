// ScriptedDisk: a disk of the test machine (the swap disk or a data disk), a
// HAL `BlockDevice` kept in host memory. By default it serves one request at
// a time in submission order: a request submitted at t finishes at max(t,
// the previous finish) + `latency` ticks of the machine's clock; with
// `latencyOf` each request takes its own time from submission instead, so
// completions come out of order. The data moves when a request finishes, as
// a DMA would (never at submission); a flush moves none. Its level line is high while a completion is untaken; the
// machine's `nextInterruptTime` includes the next finish, so an idle kernel
// jumps to it and is not reported as deadlocked. Requests chosen by the
// config's `fails` predicate finish with `succeeded: false` after scribbling
// over their destination (a device may leave partial data). Every accepted
// request is recorded, with when it was submitted, finished and taken.
import HAL

/// One request the disk accepted, and what became of it.
struct ScriptedDiskRequest: Equatable, CustomStringConvertible {
    /// Position among every accepted request (0 = the first).
    var index: Int
    /// Position among the accepted requests of the same operation.
    var operationIndex: Int
    var request: BlockRequest
    var submitted: UInt64
    var finishes: UInt64
    /// Whether it completes with `succeeded: true`; decided at submission.
    var succeeds: Bool
    var finished = false
    var taken: UInt64? = nil
    /// Submissions and takes numbered in the order they happened (several
    /// may happen at one clock time).
    var submitSequence = 0
    var takeSequence: Int? = nil

    var operation: BlockOperation { request.operation }
    var sector: UInt64 { request.sector }
    var description: String {
        "#\(index) \(operation) sector \(sector)×\(request.count) tag \(request.tag) \(submitted)→\(finishes)"
            + (succeeds ? "" : " FAILS")
    }
}

struct ScriptedDiskConfig {
    var sectors: UInt64 = 4096
    var sectorSize = 512
    var queueDepth = 8
    /// Ticks each request takes once the disk starts it.
    var latency: UInt64 = 20_000
    var irq = ScriptedDisk.defaultIRQ
    /// Writes are refused (`isReadOnly`).
    var readOnly = false
    /// The disk accepts flushes (`canFlush`).
    var writeCache = true
    /// Requests that complete with `succeeded: false` (the record's indices
    /// say which: e.g. `{ $0.operation == .write && $0.operationIndex == 0 }`
    /// fails the first write).
    var fails: (ScriptedDiskRequest) -> Bool = { _ in false }
    /// When set, each request finishes this long after its submission,
    /// whatever came before it (out-of-order completion).
    var latencyOf: ((ScriptedDiskRequest) -> UInt64)? = nil

    init(sectors: UInt64 = 4096, queueDepth: Int = 8, latency: UInt64 = 20_000, irq: IRQ = ScriptedDisk.defaultIRQ,
         fails: @escaping (ScriptedDiskRequest) -> Bool = { _ in false }) {
        self.sectors = sectors
        self.queueDepth = queueDepth
        self.latency = latency
        self.irq = irq
        self.fails = fails
    }
}

final class ScriptedDisk: BlockDevice {
    /// An SPI no other scripted device uses (the simulator's disk line too).
    static let defaultIRQ = IRQ(48)
    /// What the disk holds before anything is written, and what a failed
    /// transfer leaves behind: never a value a test writes.
    static let blankByte: UInt8 = 0xD5
    static let failureByte: UInt8 = 0xEE

    unowned let machine: SimMachine
    let config: ScriptedDiskConfig
    private var store: [UInt8]
    /// Every accepted request, in submission order.
    private(set) var requests: [ScriptedDiskRequest] = []
    /// Submissions refused (invalid or queue full).
    private(set) var refused: [BlockRequest] = []
    /// Indices into `requests`: submitted and not finished (finish times ascend),
    /// and finished but not taken.
    private var pending: [Int] = []
    private var completed: [Int] = []
    private var accepted: [BlockOperation: Int] = [:]
    private var sequence = 0

    init(machine: SimMachine, config: ScriptedDiskConfig) {
        self.machine = machine
        self.config = config
        store = [UInt8](repeating: Self.blankByte, count: Int(config.sectors) * config.sectorSize)
    }

    // MARK: BlockDevice

    var sectorSize: Int { config.sectorSize }
    var sectorCount: UInt64 { config.sectors }
    var queueDepth: Int { config.queueDepth }
    var irq: IRQ { config.irq }
    var isReadOnly: Bool { config.readOnly }
    var canFlush: Bool { config.writeCache }

    func submit(_ request: BlockRequest) -> Bool {
        finish(upTo: machine.now)
        guard isAcceptable(request) else {
            refused.append(request)
            return false
        }
        let start = max(machine.now, pending.last.map { requests[$0].finishes } ?? 0)
        var record = ScriptedDiskRequest(index: requests.count,
                                         operationIndex: accepted[request.operation, default: 0],
                                         request: request, submitted: machine.now,
                                         finishes: start + config.latency, succeeds: true,
                                         submitSequence: sequence)
        if let latencyOf = config.latencyOf { record.finishes = machine.now + latencyOf(record) }
        sequence += 1
        record.succeeds = !config.fails(record)
        accepted[request.operation, default: 0] += 1
        // Ordered by finish time (then submission), so `pending.first` is next.
        let at = pending.firstIndex { requests[$0].finishes > record.finishes } ?? pending.endIndex
        pending.insert(requests.count, at: at)
        requests.append(record)
        return true
    }

    /// The BlockDevice contract's refusals.
    private func isAcceptable(_ request: BlockRequest) -> Bool {
        // The queue holds a request until its completion is taken (as a virtio ring does).
        guard pending.count + completed.count < queueDepth else { return false }
        switch request.operation {
        case .flush: return request.count == 0 && config.writeCache
        case .write where config.readOnly: return false
        case .read, .write:
            let bytes = UInt64(request.count) * UInt64(sectorSize)
            let (end, overflow) = request.sector.addingReportingOverflow(UInt64(request.count))
            let offset = request.memory.raw &- machine.ramBase
            return request.count > 0 && !overflow && end <= config.sectors && request.memory.raw >= machine.ramBase
                && offset <= machine.ramSize && bytes <= machine.ramSize - offset
        }
    }

    func takeCompletion() -> BlockCompletion? {
        finish(upTo: machine.now)
        guard !completed.isEmpty else { return nil }
        let i = completed.removeFirst()
        requests[i].taken = machine.now
        requests[i].takeSequence = sequence
        sequence += 1
        return BlockCompletion(tag: requests[i].request.tag, succeeded: requests[i].succeeds)
    }

    // MARK: The machine's view

    /// The line is high: a completion is waiting to be taken.
    var hasCompletion: Bool { !completed.isEmpty }
    /// When the oldest unfinished request finishes.
    var nextFinish: UInt64? { pending.first.map { requests[$0].finishes } }
    var inFlight: Int { pending.count + completed.count }

    /// Finishes every request due by `now`, moving its data.
    func finish(upTo now: UInt64) {
        while let i = pending.first, requests[i].finishes <= now {
            pending.removeFirst()
            transfer(requests[i])
            requests[i].finished = true
            completed.append(i)
        }
    }

    private func transfer(_ r: ScriptedDiskRequest) {
        guard r.operation != .flush else { return }
        let length = Int(r.request.count) * sectorSize
        let offset = Int(r.sector) * sectorSize
        let memory = machine.pointer(to: r.request.memory)
        store.withUnsafeMutableBytes { disk in
            let sectors = disk.baseAddress! + offset
            switch (r.operation, r.succeeds) {
            case (.read, true): memory.copyMemory(from: sectors, byteCount: length)
            case (.write, true): sectors.copyMemory(from: memory, byteCount: length)
            case (.read, false): memory.initializeMemory(as: UInt8.self, repeating: Self.failureByte, count: length)
            case (.write, false): sectors.initializeMemory(as: UInt8.self, repeating: Self.failureByte, count: length)
            case (.flush, _): break
            }
        }
    }

    /// Makes the requests not finished yet that match `predicate` fail (a
    /// test paused the machine while they were in flight); returns how many.
    @discardableResult
    func failInFlight(where predicate: (ScriptedDiskRequest) -> Bool = { _ in true }) -> Int {
        var count = 0
        for i in pending where predicate(requests[i]) {
            requests[i].succeeds = false
            count += 1
        }
        return count
    }

    // MARK: Inspection

    /// `count` bytes of the disk from `sector`.
    func bytes(atSector sector: UInt64, count: Int) -> [UInt8] {
        let offset = Int(sector) * sectorSize
        return Array(store[offset..<(offset + count)])
    }

    var reads: [ScriptedDiskRequest] { requests.filter { $0.operation == .read } }
    var writes: [ScriptedDiskRequest] { requests.filter { $0.operation == .write } }
    var flushes: [ScriptedDiskRequest] { requests.filter { $0.operation == .flush } }

    /// Writes `bytes` to the disk from `sector` (a test's initial contents).
    func preload(_ bytes: [UInt8], atSector sector: UInt64) {
        let offset = Int(sector) * sectorSize
        store.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    }
}
