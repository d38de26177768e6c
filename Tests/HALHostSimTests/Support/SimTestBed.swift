// SimTestBed: a simulated machine plus hand-built page tables, for tests that
// run hand-assembled EL0 code through HostSimHAL without a kernel.
import Foundation
import HAL
@testable import HALHostSim

final class SimTestBed {
    let hal: HostSimHAL
    var machine: SimMachine { hal.machine }
    private var nextFrame: UInt64
    private(set) var root: PhysAddr
    var asid = ASID(1)

    static let codeVA: UInt64 = 0x40_0000
    static let dataVA: UInt64 = 0x50_0000
    static let stackTop: UInt64 = 0x8000_0000

    /// The engine the tests run on: KENIX_SIM_CPU=unicorn|jit (default jit).
    /// `make test` runs this suite once per engine.
    static var cpu: SimCPUKind {
        ProcessInfo.processInfo.environment["KENIX_SIM_CPU"].flatMap(SimCPUKind.init(rawValue:)) ?? .jit
    }

    static func config(seed: UInt64 = 0, jitter: UInt64 = 0, maxTime: UInt64 = .max,
                       slice: UInt64 = 1_000_000, ram: UInt64 = 16 << 20, cpu: SimCPUKind = SimTestBed.cpu,
                       hotThreshold: UInt32 = SimConfig.defaultHotThreshold) -> SimConfig {
        var c = SimConfig(ramSize: ram, seed: seed, maxTime: maxTime, console: .capture)
        c.timerJitter = jitter
        c.sliceInstructions = slice
        c.cpu = cpu
        c.hotThreshold = hotThreshold
        return c
    }

    init(_ config: SimConfig = SimTestBed.config()) throws {
        hal = try HostSimHAL(config: config)
        nextFrame = config.ramBase
        root = PhysAddr(0)
        root = allocateFrame()
    }

    func allocateFrame() -> PhysAddr {
        let f = PhysAddr(nextFrame)
        nextFrame += 4096
        hal.memory.pointer(to: f).initializeMemory(as: UInt8.self, repeating: 0, count: 4096)
        return f
    }

    /// The level-3 slot for `va` (creating tables as needed) under `root`.
    func leafSlot(_ va: UInt64, root: PhysAddr? = nil) -> UnsafeMutablePointer<UInt64> {
        var table = root ?? self.root
        for level in 0..<3 {
            let slot = hal.memory.pointer(to: table)
                .assumingMemoryBound(to: UInt64.self) + TranslationWalk.index(of: VirtAddr(va), level: level)
            var d = PageDescriptor(raw: slot.pointee)
            if !d.isValid {
                d = .table(allocateFrame())
                slot.pointee = d.raw
            }
            table = d.outputAddress
        }
        return hal.memory.pointer(to: table).assumingMemoryBound(to: UInt64.self)
            + TranslationWalk.index(of: VirtAddr(va), level: 3)
    }

    func setLeaf(_ va: UInt64, _ d: PageDescriptor, root: PhysAddr? = nil) {
        leafSlot(va, root: root).pointee = d.raw
    }

    @discardableResult
    func map(_ va: UInt64, writable: Bool = true, executable: Bool = false, accessed: Bool = true,
             frame: PhysAddr? = nil, root: PhysAddr? = nil) -> PhysAddr {
        let f = frame ?? allocateFrame()
        setLeaf(va, .userPage(f, writable: writable, executable: executable, accessed: accessed), root: root)
        return f
    }

    /// Maps read-only executable pages at `va` holding `code`.
    @discardableResult
    func load(_ code: [UInt32], at va: UInt64 = SimTestBed.codeVA, root: PhysAddr? = nil) -> PhysAddr {
        let pages = (code.count * 4 + 4095) / 4096
        var first: PhysAddr?
        for p in 0..<max(pages, 1) {
            let f = map(va + UInt64(p) * 4096, writable: false, executable: true, root: root)
            if first == nil { first = f }
            let words = code[(p * 1024)..<min(code.count, (p + 1) * 1024)]
            for (i, w) in words.enumerated() { write32(f.adding(UInt64(i * 4)), w) }
        }
        return first!
    }

    func write32(_ a: PhysAddr, _ v: UInt32) { hal.memory.pointer(to: a).storeBytes(of: v, as: UInt32.self) }
    func write64(_ a: PhysAddr, _ v: UInt64) { hal.memory.pointer(to: a).storeBytes(of: v, as: UInt64.self) }
    func read64(_ a: PhysAddr) -> UInt64 { hal.memory.pointer(to: a).load(as: UInt64.self) }

    func activate(root: PhysAddr? = nil, asid: ASID? = nil) {
        hal.mmu.activate(root: root ?? self.root, asid: asid ?? self.asid)
    }

    /// A context at the code page with a stack.
    func context(at pc: UInt64 = SimTestBed.codeVA) -> UserContext {
        UserContext(entry: pc, stackTop: SimTestBed.stackTop)
    }

    /// Loads `code`, activates, runs once.
    func run(_ code: [UInt32], _ context: inout UserContext) -> Trap {
        load(code)
        activate()
        return hal.cpu.enterUser(&context)
    }
}
