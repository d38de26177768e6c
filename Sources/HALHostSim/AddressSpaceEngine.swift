// AddressSpaceEngine: one ASID's Unicorn engine and the pages it has mapped
// (the Unicorn CPU engine's TLB for that address space).
//
// Interface (for UnicornCPUEngine): `engine` runs user code; `root` is the
// level-0 table last activated for this ASID; `invalidate(page:)` /
// `invalidateAll()` drop cached translations (AddressSpaceEngine+Regions).
//
// How memory works: Unicorn 2.0.1's own MMU is unusable, so guest virtual
// addresses are Unicorn addresses. A page is mapped into the engine on first
// touch: Unicorn reports the unmapped access, the machine's SoftMMU walks the
// kernel's tables (and may resolve the fault through the kernel), and this
// class either maps the page with the leaf's permissions and lets the access
// retry, or fails the access (the SoftMMU recorded the fault the hardware
// would raise). The mapped pages are this ASID's TLB: a descriptor change has
// no effect until the kernel invalidates the page, as on hardware.
//
// A write to a page mapped read-only is Unicorn's protection event: the
// SoftMMU may resolve it (copy-on-write), and the new frame is aliased at the
// page's host address at once, so the store lands in it; the page's region is
// rebuilt writable after the run (`deferred`). Invalidations that arrive
// during a run (from the resolver) wait until the run stops the same way:
// Unicorn must not unmap inside its hooks.
import HAL
import KenixABI
import SimHost

/// A page held in the engine (one TLB entry).
struct CachedPage {
    var frame: UInt64
    var level: UInt8
    var permissions: UnicornPermissions
}

final class AddressSpaceEngine: UnicornMemoryDelegate {
    let asid: ASID
    let engine: UnicornEngine
    /// unowned(unsafe): the CPU engine owns its address spaces and outlives them.
    unowned(unsafe) let owner: UnicornCPUEngine
    var machine: SimMachine { owner.machine }
    /// TTBR0: the table last activated for this ASID.
    var root: PhysAddr?
    /// When it was last activated (UnicornCPUEngine's count): which engine
    /// the cap on live engines closes first.
    var lastActivation: UInt64 = 0

    /// The TLB: every page mapped in the engine.
    var pages: [UInt64: CachedPage] = [:]
    /// Unicorn regions, sorted by start, non-overlapping (Regions extension).
    var regions: [Region] = []
    var nextSequence: UInt64 = 0
    var needsCompaction = false
    /// Regions made (or split) since the last compaction.
    var newRegions = 0
    /// Host windows per 1 GiB chunk of guest address space.
    var windows: [UInt64: HostWindow] = [:]
    /// Inside `engine.run` (hooks may fire): unmapping must wait.
    var inRun = false
    /// Pages to unmap once the run has stopped.
    var deferred: [UInt64] = []

    init(asid: ASID, owner: UnicornCPUEngine) throws(SimError) {
        self.asid = asid
        self.owner = owner
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

    // MARK: UnicornMemoryDelegate (called inside a run)

    func unicornUnmapped(_ access: UnicornAccess, address: UInt64, size: Int) -> Bool {
        guard let page = owner.machine.mmu.translate(address, MemoryAccess(access), root: root, resolve: true) else {
            return false
        }
        var permissions: UnicornPermissions = .read
        if page.writable { permissions.insert(.write) }
        if page.executable { permissions.insert(.execute) }
        do {
            try mapPage(address & ~(PageGeometry.pageSize - 1), frame: page.frame, level: page.level,
                        permissions: permissions)
        } catch {
            fatalError("HALHostSim: cannot map a page: \(error)")
        }
        return true
    }

    func unicornProtection(_ access: UnicornAccess, address: UInt64, size: Int) -> Bool {
        let base = address & ~(PageGeometry.pageSize - 1)
        guard let page = owner.machine.mmu.translate(address, MemoryAccess(access), root: root, resolve: true) else {
            return false
        }
        // Allowed now: a resolved copy-on-write (or a leaf the kernel made
        // writable and is about to invalidate). Point the page's host
        // address at the frame the tables name, let the access go on, and
        // rebuild the region after the run.
        do { try realias(base, frame: page.frame) } catch {
            fatalError("HALHostSim: cannot map a page: \(error)")
        }
        if !deferred.contains(base) { deferred.append(base) }
        engine.requestStop()
        return true
    }

    func unicornZeroBlock(address: UInt64) -> Bool {
        guard let page = owner.machine.mmu.translate(address, .write, root: root, resolve: true) else { return false }
        let base = address & ~(PageGeometry.pageSize - 1)
        if let cached = pages[base], cached.frame != page.frame {
            // Copy-on-write resolved here: the engine's mapping is the old frame.
            do { try realias(base, frame: page.frame) } catch { fatalError("HALHostSim: cannot map a page: \(error)") }
            if !deferred.contains(base) { deferred.append(base) }
            engine.requestStop()
        }
        let block = CPUBaseline.zeroBlockBytes
        (page.host + Int(address & (PageGeometry.pageSize - 1) & ~(block - 1)))
            .initializeMemory(as: UInt8.self, repeating: 0, count: Int(block))
        return true
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
