// SimDisk: a simulated disk (the swap disk or a data disk), a timed event
// source with virtio-blk's semantics. Several requests are in flight at once
// and finish out of order: the data of successive requests moves over one
// channel, one after another at `bytesPerSecond`, and each request then
// takes its own `latency` plus a seeded jitter; a request submitted at t
// finishes at max(t, the channel's free time) + transfer + latency + jitter.
// The data moves when the request finishes, as a DMA would. A flush makes
// every completed write durable on the host (fdatasync). The completion line
// is high while a completion is unread. Faults (SimDiskFault) fail chosen
// requests. Time reaches the disk only through the machine's event queue
// (SimMachine+Time), so runs stay deterministic.
import HAL
import SimHost

/// A simulated disk's medium, shape and timing.
public struct SimDiskConfig: Sendable {
    public enum Medium: Sendable {
        /// The swap area: a host file created or extended to `sectors`, or
        /// host memory (zeros) when `path` is nil.
        case swap(path: String?, sectors: UInt64)
        /// A data disk: the user's file as it is, never created, extended
        /// or truncated; its size is a whole number of sectors.
        case file(path: String)
        /// A data disk in host memory holding `image` (tests).
        case memory(sectors: UInt64, image: [UInt8])
    }

    public var medium: Medium
    /// Simulated time per request, after its data has moved.
    public var latency: UInt64 = 100_000
    /// Seeded extra latency per request, 0..<jitter ns.
    public var jitter: UInt64 = 20_000
    /// How fast the data of successive requests moves (one channel).
    public var bytesPerSecond: UInt64 = 1 << 30
    public var queueDepth = 16
    /// The disk caches writes until a flush (and accepts flushes).
    public var writeCache = true
    /// Requests that fail (only the config's own disk; `disk` is ignored).
    public var faults: [SimDiskFault] = []

    public init(medium: Medium) { self.medium = medium }

    /// The swap disk: a host file at `path` (created or extended), or host
    /// memory when nil.
    public init(path: String? = nil, sectors: UInt64) { medium = .swap(path: path, sectors: sectors) }
}

final class SimDisk {
    static let sectorSize = 512
    /// Completion lines: the swap disk's, then data disk k's is dataIRQBase + k.
    static let swapIRQ = IRQ(48)
    static let dataIRQBase: UInt32 = 50

    let config: SimDiskConfig
    let irq: IRQ
    /// Counts toward `SimConfig.powerCutAfterWrites`.
    let isDataDisk: Bool
    let sectors: UInt64
    let store: HostDiskStore
    /// Submitted, not finished, ordered by finish time (then submission).
    private var pending: [(request: BlockRequest, finish: UInt64, fails: Bool)] = []
    private var completions: [BlockCompletion] = []
    /// When the channel has moved the data of every request submitted so far.
    private var channelFree: UInt64 = 0
    private(set) var accepted = SimDiskCounts()
    private(set) var failed: UInt64 = 0

    init(config: SimDiskConfig, irq: IRQ) throws(SimError) {
        self.config = config
        self.irq = irq
        switch config.medium {
        case .swap(let path, let sectors):
            isDataDisk = false
            self.sectors = sectors
            let bytes = sectors * UInt64(Self.sectorSize)
            if let path {
                do { store = try HostDiskStore(swapPath: path, size: bytes) } catch {
                    throw .disk(path: path, problem: error)
                }
            } else {
                store = HostDiskStore(memorySize: bytes)
            }
        case .file(let path):
            isDataDisk = true
            do { store = try HostDiskStore(dataPath: path, sectorSize: UInt64(Self.sectorSize)) } catch {
                throw .disk(path: path, problem: error)
            }
            sectors = store.size / UInt64(Self.sectorSize)
        case .memory(let sectors, let image):
            isDataDisk = true
            self.sectors = sectors
            store = HostDiskStore(memorySize: sectors * UInt64(Self.sectorSize), image: image)
        }
    }

    var hasCompletion: Bool { !completions.isEmpty }
    var nextFinish: UInt64? { pending.first?.finish }

    /// Queues `r`; false, taking nothing, if it is invalid or the queue is full.
    func submit(_ r: BlockRequest, machine: SimMachine) -> Bool {
        guard pending.count + completions.count < config.queueDepth else { return false }
        let bytes = UInt64(r.count) * UInt64(Self.sectorSize)
        switch r.operation {
        case .flush:
            guard r.count == 0, config.writeCache else { return false }
        case .read, .write:
            let (end, overflow) = r.sector.addingReportingOverflow(UInt64(r.count))
            let offset = r.memory.raw &- machine.ramBase
            guard r.count > 0, !overflow, end <= sectors, r.memory.raw >= machine.ramBase,
                  offset <= machine.config.ramSize, bytes <= machine.config.ramSize - offset else { return false }
        }
        let op: SimDiskFault.Operation
        switch r.operation {
        case .read: op = .read; accepted.reads += 1
        case .write: op = .write; accepted.writes += 1
        case .flush: op = .flush; accepted.flushes += 1
        }
        let fails = config.faults.contains {
            $0.fails(op, sector: r.sector, count: UInt64(r.count), accepted: accepted)
        }
        let start = max(machine.now, channelFree)
        channelFree = Self.saturating(start, Self.transferTime(bytes, rate: config.bytesPerSecond))
        let jitter = config.jitter > 0 ? machine.rng.next(below: config.jitter) : 0
        let finish = Self.saturating(channelFree, Self.saturating(config.latency, jitter))
        let at = pending.firstIndex { $0.finish > finish } ?? pending.endIndex
        pending.insert((r, finish, fails), at: at)
        return true
    }

    /// Finishes every request due by `now`, moving its data. Stops at once
    /// when the machine loses power (the power cut may be this disk's write).
    func finish(upTo now: UInt64, machine: SimMachine) {
        while !machine.poweredOff, let first = pending.first, first.finish <= now {
            pending.removeFirst()
            let r = first.request
            var ok = !first.fails
            if ok {
                let offset = r.sector * UInt64(Self.sectorSize)
                let length = Int(r.count) * Self.sectorSize
                switch r.operation {
                case .read: ok = store.read(offset: offset, into: machine.host(r.memory), length: length)
                case .write: ok = store.write(offset: offset, from: machine.host(r.memory), length: length)
                case .flush: ok = store.flush()
                }
            }
            if !ok { failed += 1 }
            completions.append(BlockCompletion(tag: r.tag, succeeded: ok))
            if ok && r.operation == .write && isDataDisk { machine.dataWriteCompleted() }
        }
    }

    /// Nanoseconds `bytes` take at `rate` bytes a second (saturating: a
    /// terabyte request on a slow disk must not trap).
    static func transferTime(_ bytes: UInt64, rate: UInt64) -> UInt64 {
        let r = max(rate, 1)
        let product = bytes.multipliedFullWidth(by: 1_000_000_000)
        guard product.high < r else { return .max }
        return r.dividingFullWidth(product).quotient
    }

    static func saturating(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    func takeCompletion() -> BlockCompletion? {
        completions.isEmpty ? nil : completions.removeFirst()
    }

    /// Requests accepted and not yet taken (tests).
    var inFlight: Int { pending.count + completions.count }
}

/// The HAL's view of one simulated disk.
public struct SimBlockDevice: BlockDevice {
    let machine: SimMachine
    let disk: SimDisk
    public var sectorSize: Int { SimDisk.sectorSize }
    public var sectorCount: UInt64 { disk.sectors }
    public var queueDepth: Int { disk.config.queueDepth }
    public var isReadOnly: Bool { false }
    public var canFlush: Bool { disk.config.writeCache }
    public func submit(_ request: BlockRequest) -> Bool { disk.submit(request, machine: machine) }
    public func takeCompletion() -> BlockCompletion? { disk.takeCompletion() }
    public var irq: IRQ { disk.irq }
}
