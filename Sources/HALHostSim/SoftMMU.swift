// SoftMMU: the simulator's MMU, shared by both CPU engines: a translation
// table walk of the kernel's own descriptors (HAL.TranslationWalk, the walker
// the kernel uses), the permission and access-flag checks, and the policy for
// offering a fault to the kernel's FaultResolver.
//
// Interface: `translate(_:_:root:resolve:)` returns the page a user access
// may use, or nil after recording the fault (`takeFault()`). With `resolve`,
// a fault the policy allows is first offered to the kernel's resolver (set by
// SimCPU for the duration of one enterUser); if the resolver succeeds the walk
// is done once more, and a fault that remains is recorded as usual.
//
// The policy (HAL/FaultResolver.swift, the CPU's side of the contract):
// translation faults, access-flag faults and write permission faults, but not
// a write to an executable page: resolving that would change code under a
// translation that is running.
import HAL

/// A page a user access may use: a frame in simulated RAM.
struct SoftPage {
    /// Physical address of the 4 KiB frame.
    var frame: UInt64
    /// Its host address (simulated RAM is one host mapping).
    var host: UnsafeMutableRawPointer
    var writable: Bool
    var executable: Bool
    /// Level of the leaf (3 = page, 1 or 2 = block).
    var level: UInt8
}

final class SoftMMU {
    /// unowned(unsafe): the machine owns its MMU and outlives it.
    unowned(unsafe) let machine: SimMachine
    /// The kernel's resolver, while an enterUser runs (SimCPU sets it): a
    /// pointer to the caller's `inout` resolver and a function that calls it.
    /// The function is made once per resolver type (`useResolver(of:)`),
    /// so entering user mode allocates nothing.
    var resolverContext: UnsafeMutableRawPointer?
    var resolverFunction: ((UnsafeMutableRawPointer, MemoryFault) -> Bool)?
    private var resolverType: ObjectIdentifier?

    /// Makes `resolverFunction` call a resolver of type `R` through a
    /// pointer. It is stored only when the type changes: storing it on every
    /// entry to EL0 cost a retain and a release of the closure per trap.
    func useResolver<R: FaultResolver>(of _: R.Type) {
        if resolverType == ObjectIdentifier(R.self) { return }
        resolverFunction = { p, fault in
            p.assumingMemoryBound(to: R.self).pointee.resolveUserFault(fault)
        }
        resolverType = ObjectIdentifier(R.self)
    }
    private var fault: MemoryFault?
    /// Faults resolved on the spot (statistics).
    private(set) var resolved: UInt64 = 0

    init(machine: SimMachine) { self.machine = machine }

    /// The first fault recorded since the last take, cleared on read. The
    /// first, because Unicorn goes on trying the bytes of a store after one
    /// was refused; the instruction faults at the first.
    func takeFault() -> MemoryFault? {
        defer { fault = nil }
        return fault
    }

    /// Forgets a recorded fault (at each entry to EL0).
    func clearFault() { fault = nil }

    func translate(_ va: UInt64, _ access: MemoryAccess, root: PhysAddr?, resolve: Bool) -> SoftPage? {
        switch walk(va, access, root: root) {
        case .success(let page):
            return page
        case .failure(let f):
            if resolve, Self.offers(f.fault, executable: f.executable), let context = resolverContext,
               let call = resolverFunction, call(context, f.fault) {
                resolved &+= 1
                switch walk(va, access, root: root) {
                case .success(let page): return page
                case .failure(let again): record(again.fault)
                }
                return nil
            }
            if resolve { record(f.fault) }
            return nil
        }
    }

    private func record(_ f: MemoryFault) {
        if fault == nil { fault = f }
    }

    /// Whether the CPU may offer `fault` to the resolver.
    static func offers(_ fault: MemoryFault, executable: Bool) -> Bool {
        switch fault.status {
        case .translation, .accessFlag: return true
        case .permission: return fault.access == .write && !executable
        default: return false
        }
    }

    private struct Refusal: Error {
        var fault: MemoryFault
        /// The leaf allows execution (for permission faults).
        var executable: Bool
    }

    private func walk(_ va: UInt64, _ access: MemoryAccess, root: PhysAddr?) -> Result<SoftPage, Refusal> {
        let address = VirtAddr(va)
        func refuse(_ status: FaultStatus, executable: Bool = false) -> Result<SoftPage, Refusal> {
            .failure(Refusal(fault: MemoryFault(address: address, access: access, status: status), executable: executable))
        }
        guard let root else { return refuse(.translation(level: 0)) }
        let t: Translation
        switch TranslationWalk.translate(address, root: root, memory: WalkMemory(machine: machine)) {
        case .failure(let f): return refuse(f.status)
        case .success(let found): t = found
        }
        if let status = t.descriptor.userFault(for: access, level: t.level) {
            return refuse(status, executable: t.descriptor.isUserExecutable)
        }
        let frame = t.physical.raw & ~(PageGeometry.pageSize - 1)
        guard frame &- machine.ramBase < machine.config.ramSize else {
            return refuse(.other(esr: Self.externalAbortSyndrome(access)))
        }
        return .success(SoftPage(frame: frame, host: machine.ram.base + Int(frame - machine.ramBase),
                                 writable: !t.descriptor.isReadOnly, executable: t.descriptor.isUserExecutable,
                                 level: t.level))
    }

    /// ESR for a synchronous external abort from EL0 (a leaf pointing outside
    /// RAM): EC 0x20 instruction / 0x24 data abort, IL, WnR, DFSC 0x10.
    static func externalAbortSyndrome(_ access: MemoryAccess) -> UInt64 {
        let ec: UInt64 = access == .execute ? 0x20 : 0x24
        let wnr: UInt64 = access == .write ? 1 << 6 : 0
        return ec << 26 | 1 << 25 | wnr | 0x10
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
