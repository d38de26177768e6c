// AddressSpaceEngine: one ASID's CPU engine and its software MMU.
//
// Interface (for SimCPU and SimMMU): `engine` runs user code; `root` is the
// level-0 table last activated for this ASID; `takeFault()` returns the fault
// a run stopped on; `invalidate(page:)` / `invalidateAll()` drop cached
// translations (AddressSpaceEngine+Regions).
//
// How memory works: Unicorn's own MMU is unusable in 2.0.1, so guest virtual
// addresses are Unicorn addresses. A page is mapped into the engine on first
// touch: Unicorn reports the unmapped access, this class walks the kernel's
// tables (HAL.TranslationWalk, the same walker the kernel uses), checks the
// leaf (`PageDescriptor.userFault`) and either maps the page with the leaf's
// permissions and lets the access retry, or records the fault the hardware
// would raise and fails the access. The mapped pages are this ASID's TLB: a
// descriptor change has no effect until the kernel invalidates the page, as
// on hardware.
import HAL

/// A page held in the engine (one TLB entry).
struct CachedPage {
    var frame: UInt64
    var level: UInt8
    var permissions: UnicornPermissions
}

final class AddressSpaceEngine: UnicornMemoryDelegate {
    let asid: ASID
    let engine: UnicornEngine
    /// unowned(unsafe): the machine owns its address spaces and outlives them.
    unowned(unsafe) let machine: SimMachine
    /// TTBR0: the table last activated for this ASID.
    var root: PhysAddr?

    /// The TLB: every page mapped in the engine.
    var pages: [UInt64: CachedPage] = [:]
    /// Unicorn regions, sorted by start, non-overlapping (Regions extension).
    var regions: [Region] = []
    var nextSequence: UInt64 = 0
    var needsCompaction = false
    /// Host windows per 1 GiB chunk of guest address space.
    var windows: [UInt64: HostWindow] = [:]

    /// The fault the last refused access raised.
    private var fault: MemoryFault?

    init(asid: ASID, machine: SimMachine) throws(SimError) {
        self.asid = asid
        self.machine = machine
        do {
            engine = try UnicornEngine()
            try engine.enterEL0()
        } catch {
            throw .unicorn(operation: "\(error.operation)", code: error.code)
        }
        engine.delegate = self
    }

    deinit {
        invalidateAll() // unmaps every region before its host window goes
        engine.delegate = nil
    }

    /// The fault recorded by the last refused access, cleared on read.
    func takeFault() -> MemoryFault? {
        defer { fault = nil }
        return fault
    }

    // MARK: UnicornMemoryDelegate (called inside a run)

    func unicornUnmapped(_ access: UnicornAccess, address: UInt64, size: Int) -> Bool {
        let kind = MemoryAccess(access)
        let va = VirtAddr(address)
        guard let root else { return refuse(va, kind, .translation(level: 0)) }
        let walk = TranslationWalk.translate(va, root: root, memory: WalkMemory(machine: machine))
        let t: Translation
        switch walk {
        case .failure(let f): return refuse(va, kind, f.status)
        case .success(let found): t = found
        }
        if let status = t.descriptor.userFault(for: kind, level: t.level) {
            return refuse(va, kind, status)
        }
        let frame = t.physical.raw & ~(PageGeometry.pageSize - 1)
        guard frame &- machine.ramBase < machine.config.ramSize else {
            return refuse(va, kind, .other(esr: Self.externalAbortSyndrome(kind)))
        }
        var permissions: UnicornPermissions = .read
        if !t.descriptor.isReadOnly { permissions.insert(.write) }
        if t.descriptor.isUserExecutable { permissions.insert(.execute) }
        do {
            try mapPage(va.pageBase.raw, frame: frame, level: t.level, permissions: permissions)
        } catch {
            fatalError("HALHostSim: cannot map a page: \(error)")
        }
        return true
    }

    func unicornProtection(_ access: UnicornAccess, address: UInt64, size: Int) -> Bool {
        let level = pages[address & ~(PageGeometry.pageSize - 1)]?.level ?? 3
        return refuse(VirtAddr(address), MemoryAccess(access), .permission(level: level))
    }

    private func refuse(_ va: VirtAddr, _ access: MemoryAccess, _ status: FaultStatus) -> Bool {
        fault = MemoryFault(address: va, access: access, status: status)
        return false
    }

    /// ESR for a synchronous external abort from EL0 (a leaf pointing outside
    /// RAM): EC 0x20 instruction / 0x24 data abort, IL, WnR, DFSC 0x10.
    static func externalAbortSyndrome(_ access: MemoryAccess) -> UInt64 {
        let ec: UInt64 = access == .execute ? 0x20 : 0x24
        let wnr: UInt64 = access == .write ? 1 << 6 : 0
        return ec << 26 | 1 << 25 | wnr | 0x10
    }
}

extension MemoryAccess {
    init(_ access: UnicornAccess) {
        switch access {
        case .read: self = .read
        case .write: self = .write
        case .fetch: self = .execute
        }
    }
}

/// Physical memory as the simulator's own walker sees it: addresses outside
/// RAM read as zero (an invalid descriptor), so a bad table pointer written
/// by the kernel becomes a translation fault instead of a host crash.
struct WalkMemory: PhysicalMemory {
    unowned(unsafe) let machine: SimMachine

    @inline(__always)
    func pointer(to address: PhysAddr) -> UnsafeMutableRawPointer {
        let offset = address.raw &- machine.ramBase
        if offset <= machine.config.ramSize &- 4096 { return machine.ram.base + Int(offset) }
        return machine.zeroPage
    }
}
