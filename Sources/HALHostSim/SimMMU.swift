// SimMMU: the HAL's MMU. TTBR0 and the TLB are the CPU engine's, per ASID
// (CPUEngine); activation selects an address space, invalidation drops its
// cached pages (and code translated from them). Nothing is re-walked until
// the next touch, as on hardware.
import HAL

public struct SimMMU: MMU {
    public unowned(unsafe) let machine: SimMachine

    public func activate(root: PhysAddr, asid: ASID) {
        // Twice per IPC round trip: by reference (EngineReference).
        Unmanaged.passUnretained(machine)._withUnsafeGuaranteedRef { $0.engineReference!.activate(root: root, asid: asid) }
    }

    public func invalidate(asid: ASID, page: VirtAddr) {
        machine.engine.invalidate(asid: asid, page: page.pageBase.raw)
    }

    public func invalidateAll(asid: ASID) {
        machine.engine.invalidateAll(asid: asid)
    }
}
