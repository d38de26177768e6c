// The scripted MMU: walks the kernel's tables with HAL.TranslationWalk, like
// the simulator, and caches leaves in a TLB tagged by ASID exactly as hardware
// may. A translation stays cached until the kernel invalidates it, so a
// missing TLB invalidate shows up as a stale access in a test.
import HAL

struct ScriptedMMU: MMU {
    let machine: SimMachine

    func activate(root: PhysAddr, asid: ASID) {
        machine.activeRoot = root
        machine.activeASID = asid
        machine.activations += 1
    }

    func invalidate(asid: ASID, page: VirtAddr) {
        machine.tlb[TLBKey(asid: asid.raw, page: page.pageBase.raw)] = nil
        machine.invalidations.append((asid, page))
    }

    func invalidateAll(asid: ASID) {
        machine.tlb = machine.tlb.filter { $0.key.asid != asid.raw }
        machine.invalidations.append((asid, nil))
    }

    /// What an EL0 `access` at `va` would do in the active address space: the
    /// physical address, or the fault status hardware would report.
    func translate(_ va: UInt64, for access: MemoryAccess) -> UserAccess {
        guard let root = machine.activeRoot, let asid = machine.activeASID else {
            machine.harnessErrors.append("user access with no address space active")
            return .fault(.translation(level: 0))
        }
        let key = TLBKey(asid: asid.raw, page: VirtAddr(va).pageBase.raw)
        let entry: TLBEntry
        if let cached = machine.tlb[key] {
            entry = cached
        } else {
            switch TranslationWalk.translate(VirtAddr(va), root: root, memory: SimulatedRAM(machine: machine)) {
            case .failure(let fault): return .fault(fault.status)
            case .success(let t):
                entry = TLBEntry(frame: t.physical.raw & ~(PageGeometry.pageSize - 1),
                                 descriptor: t.descriptor, level: t.level)
                // Hardware does not cache a leaf whose access flag is clear.
                if t.descriptor.accessed { machine.tlb[key] = entry }
            }
        }
        if let fault = entry.descriptor.userFault(for: access, level: entry.level) { return .fault(fault) }
        return .allowed(PhysAddr(entry.frame | (va & (PageGeometry.pageSize - 1))))
    }
}

extension ScriptedMMU {
    /// Whether the leaf for `va` (walked now, not cached) lets EL0 execute.
    func leafIsExecutable(_ va: UInt64) -> Bool {
        guard let root = machine.activeRoot,
              case .success(let t) = TranslationWalk.translate(VirtAddr(va), root: root,
                                                               memory: SimulatedRAM(machine: machine)) else { return false }
        return t.descriptor.isUserExecutable
    }
}

/// The outcome of one EL0 access.
enum UserAccess {
    case allowed(PhysAddr)
    case fault(FaultStatus)
}
