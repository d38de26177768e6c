// SimMMU: the HAL's MMU. TTBR0 and the TLB are per-ASID engines
// (AddressSpaceEngine); activation selects one, invalidation drops its
// cached pages. Nothing is re-walked until the next touch, as on hardware.
import HAL

public struct SimMMU: MMU {
    public let machine: SimMachine

    public func activate(root: PhysAddr, asid: ASID) {
        let space = machine.space(for: asid)
        space.root = root
        machine.current = space
    }

    public func invalidate(asid: ASID, page: VirtAddr) {
        machine.spaces[Int(asid.raw)]?.invalidate(page: page.pageBase.raw)
    }

    public func invalidateAll(asid: ASID) {
        machine.spaces[Int(asid.raw)]?.invalidateAll()
    }
}
