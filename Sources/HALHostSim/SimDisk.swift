// SimDisk: the simulated disk, a timed event source. A request submitted at
// time t finishes at max(t, the previous request's finish) + latency + a
// seeded jitter (the disk serves one request at a time, in order); the data
// moves when it finishes, as a DMA would. Its interrupt line (48, an SPI) is
// high while a completion is unread. Time reaches it only through the
// machine's event queue (SimMachine+Time), so runs stay deterministic.
import HAL

/// The simulated disk's shape and timing.
public struct SimDiskConfig: Sendable {
    /// A host file to keep the disk in (created or extended); nil: host memory.
    public var path: String?
    public var sectors: UInt64
    /// Simulated time per request.
    public var latency: UInt64 = 100_000
    /// Seeded extra latency per request, 0..<jitter ns.
    public var jitter: UInt64 = 20_000
    public var queueDepth = 16

    public init(path: String? = nil, sectors: UInt64) {
        self.path = path
        self.sectors = sectors
    }
}

final class SimDisk {
    static let sectorSize = 512
    static let irq = IRQ(48)

    let config: SimDiskConfig
    private let store: HostDiskStore
    /// Submitted, not finished; finish times ascend.
    private var pending: [(request: BlockRequest, finish: UInt64)] = []
    private var completions: [BlockCompletion] = []

    init(config: SimDiskConfig) throws(SimError) {
        self.config = config
        let bytes = config.sectors * UInt64(Self.sectorSize)
        if let path = config.path {
            guard let s = HostDiskStore(path: path, size: bytes) else { throw .diskFile(path: path) }
            store = s
        } else {
            store = HostDiskStore(memorySize: bytes)
        }
    }

    var hasCompletion: Bool { !completions.isEmpty }
    var nextFinish: UInt64? { pending.first?.finish }

    /// Queues `r` to finish after the requests before it; false if invalid or full.
    func submit(_ r: BlockRequest, machine: SimMachine) -> Bool {
        let bytes = UInt64(r.count) * UInt64(Self.sectorSize)
        let (end, overflow) = r.sector.addingReportingOverflow(UInt64(r.count))
        let offset = r.memory.raw &- machine.ramBase
        guard r.count > 0, !overflow, end <= config.sectors, pending.count < config.queueDepth,
              r.memory.raw >= machine.ramBase, offset <= machine.config.ramSize,
              bytes <= machine.config.ramSize - offset else { return false }
        let start = max(machine.now, pending.last?.finish ?? 0)
        let jitter = config.jitter > 0 ? machine.rng.next(below: config.jitter) : 0
        pending.append((r, start + config.latency + jitter))
        return true
    }

    /// Finishes every request due by `now`, moving its data.
    func finish(upTo now: UInt64, machine: SimMachine) {
        while let first = pending.first, first.finish <= now {
            pending.removeFirst()
            let r = first.request
            let offset = r.sector * UInt64(Self.sectorSize)
            let length = Int(r.count) * Self.sectorSize
            let memory = machine.host(r.memory)
            let ok = r.operation == .read
                ? store.read(offset: offset, into: memory, length: length)
                : store.write(offset: offset, from: memory, length: length)
            completions.append(BlockCompletion(tag: r.tag, succeeded: ok))
        }
    }

    func takeCompletion() -> BlockCompletion? {
        completions.isEmpty ? nil : completions.removeFirst()
    }
}

/// The HAL's view of the simulated disk.
public struct SimBlockDevice: BlockDevice {
    let machine: SimMachine
    var disk: SimDisk { machine.disk! }
    public var sectorSize: Int { SimDisk.sectorSize }
    public var sectorCount: UInt64 { disk.config.sectors }
    public var queueDepth: Int { disk.config.queueDepth }
    public func submit(_ request: BlockRequest) -> Bool { disk.submit(request, machine: machine) }
    public func takeCompletion() -> BlockCompletion? { disk.takeCompletion() }
    public var irq: IRQ { SimDisk.irq }
}
