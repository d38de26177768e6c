// The memory-management unit. The kernel writes VMSAv8-64 translation tables
// (4 KB granule, 48-bit VA, four levels) into physical frames; the MMU walks
// them. The kernel must invalidate after it changes or removes a valid
// descriptor, exactly as on hardware: a backend may cache old translations
// until told otherwise.

public protocol MMU {
    /// Makes `root` (a level-0 table) the user address space, tagged `asid`
    /// (TTBR0_EL1). Cached translations of other ASIDs stay valid.
    /// Contract: not called from an interrupt handler; never fails.
    func activate(root: PhysAddr, asid: ASID)

    /// Drops any cached translation of the page at `page` in `asid`
    /// (TLBI VAE1 + barriers). Takes effect before the next `enterUser`.
    func invalidate(asid: ASID, page: VirtAddr)

    /// Drops every cached translation tagged `asid` (TLBI ASIDE1). Called
    /// before an ASID is reused for another address space.
    func invalidateAll(asid: ASID)
}
