// AddressSpaceEngine+Regions: how cached pages become Unicorn regions.
//
// Interface: `mapPage` and `realias` (inside a run, from the memory hooks),
// `compact()` and `applyDeferred()` (between runs), `invalidate(page:)`,
// `invalidateAll()`, `evictOldest(pages:)` (the owner's cap).
//
// Unicorn 2.0.1 pays for every region on every map (QEMU rebuilds its flat
// memory view) and aborts past ~1000 sections, so one region per page does
// not scale. Instead:
//   - each page's frame is aliased into a host window at the page's offset
//     (HostWindow), so a run of guest-contiguous pages is host-contiguous;
//   - a new page becomes a one-page region (mapping inside a hook is safe;
//     unmapping is not attempted there);
//   - after `compactThreshold` new one-page regions the engine is asked to
//     stop, and `compact()` merges adjacent regions with equal permissions;
//     if more than `maxRegions` remain (a sparse address space, or one
//     larger than maxRegions merged regions), the oldest regions are
//     evicted, exactly as a TLB evicts entries: they fault in again.
// Host mappings: every aliased page is one host mapping. The owner caps the
// total across address spaces (UnicornCPUEngine.maxAliasedPages) by evicting,
// so a guest touching any number of pages cannot exhaust vm.max_map_count.
//
// Translated code: Unicorn keys translated blocks by an internal RAM offset
// that it reuses for later regions, so a region's blocks are dropped while it
// is still mapped, before every unmap. Otherwise code of a frame that left the
// address space could run again under a new mapping.
import HAL
import SimHost

struct Region {
    var start: UInt64
    var size: UInt64
    var permissions: UnicornPermissions
    /// When it was made; eviction takes the oldest first.
    var sequence: UInt64
    var end: UInt64 { start + size }
}

extension AddressSpaceEngine {
    static let chunkShift: UInt64 = 30
    static let chunkSize: UInt64 = 1 << chunkShift
    static let compactThreshold = 32
    static let maxRegions = 64
    static let regionsAfterEviction = 48
    /// Merging stops at this size. Unmapping a region costs Unicorn a flush
    /// per (1 KiB) page, and a merge unmaps what it merges: without a cap a
    /// task touching pages in order re-merged one ever-growing region at every
    /// compaction, which made filling RAM quadratic.
    static let maxRegionSize: UInt64 = 2 << 20

    // MARK: Mapping (inside a run)

    func mapPage(_ page: UInt64, frame: UInt64, level: UInt8,
                 permissions: UnicornPermissions) throws {
        let window = try window(for: page)
        let offset = page & (Self.chunkSize - 1)
        try window.alias(at: offset, ram: machine.ram, frameOffset: frame - machine.ramBase)
        owner.aliasedPages += 1
        try engine.mapRegion(page, size: PageGeometry.pageSize, permissions: permissions,
                             host: window.pointer(at: offset))
        pages[page] = CachedPage(frame: frame, level: level, permissions: permissions)
        insert(Region(start: page, size: PageGeometry.pageSize, permissions: permissions,
                      sequence: takeSequence()))
        machine.stats.pagesMapped &+= 1
        newRegions += 1
        if newRegions > Self.compactThreshold || owner.aliasedPages > owner.maxAliasedPages {
            needsCompaction = true
            engine.requestStop()
        }
    }

    /// Points the host address of mapped page `page` at `frame` (copy-on-
    /// write resolved inside a run: the region stays as it is until then).
    func realias(_ page: UInt64, frame: UInt64) throws {
        guard var cached = pages[page], cached.frame != frame else { return }
        try windows[page >> Self.chunkShift]!.alias(at: page & (Self.chunkSize - 1), ram: machine.ram,
                                                    frameOffset: frame - machine.ramBase)
        cached.frame = frame
        pages[page] = cached
    }

    private func window(for address: UInt64) throws(HostMemoryError) -> HostWindow {
        let chunk = address >> Self.chunkShift
        if let w = windows[chunk] { return w }
        let w = try HostWindow.reserve(size: Self.chunkSize)
        windows[chunk] = w
        return w
    }

    private func hostPointer(_ address: UInt64) -> UnsafeMutableRawPointer {
        windows[address >> Self.chunkShift]!.pointer(at: address & (Self.chunkSize - 1))
    }

    private func takeSequence() -> UInt64 {
        defer { nextSequence += 1 }
        return nextSequence
    }

    // MARK: Region list

    /// Index of the first region whose end is above `address`.
    private func lowerBound(_ address: UInt64) -> Int {
        var lo = 0, hi = regions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if regions[mid].end <= address { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private func insert(_ r: Region) { regions.insert(r, at: lowerBound(r.start)) }

    func regionIndex(containing address: UInt64) -> Int? {
        let i = lowerBound(address)
        return i < regions.count && regions[i].start <= address ? i : nil
    }

    /// Unmaps `r` from the engine, dropping its translated code first.
    private func unmap(_ r: Region) {
        if r.permissions.contains(.execute) { engine.dropTranslations(r.start, size: r.size) }
        do { try engine.unmapRegion(r.start, size: r.size) } catch {
            fatalError("HALHostSim: uc_mem_unmap failed: \(error)")
        }
    }

    private func map(_ r: Region) {
        do {
            try engine.mapRegion(r.start, size: r.size, permissions: r.permissions,
                                 host: hostPointer(r.start))
        } catch {
            fatalError("HALHostSim: uc_mem_map_ptr failed: \(error)")
        }
    }

    private func unalias(_ start: UInt64, pages count: Int) {
        windows[start >> Self.chunkShift]?.unalias(at: start & (Self.chunkSize - 1),
                                                    length: UInt64(count) * PageGeometry.pageSize)
        owner.aliasedPages -= count
    }

    // MARK: Between runs

    /// Applies the invalidations that arrived during the last run.
    func applyDeferred() {
        let pending = deferred
        deferred.removeAll()
        for page in pending { invalidate(page: page) }
    }

    /// Merges adjacent regions with equal permissions, then evicts the oldest
    /// regions if too many remain. Must not be called during a run.
    func compact() {
        needsCompaction = false
        newRegions = 0
        machine.stats.regionCompactions &+= 1
        var merged: [Region] = []
        merged.reserveCapacity(regions.count)
        var i = 0
        while i < regions.count {
            let first = regions[i]
            var j = i + 1
            var end = first.end
            var newest = first.sequence
            while j < regions.count, regions[j].start == end,
                  regions[j].permissions == first.permissions,
                  regions[j].end - first.start <= Self.maxRegionSize,
                  regions[j].start >> Self.chunkShift == first.start >> Self.chunkShift {
                end = regions[j].end
                newest = max(newest, regions[j].sequence)
                j += 1
            }
            if j - i > 1 {
                for k in i..<j { unmap(regions[k]) }
                let r = Region(start: first.start, size: end - first.start,
                               permissions: first.permissions, sequence: newest)
                map(r)
                merged.append(r)
            } else {
                merged.append(first)
            }
            i = j
        }
        regions = merged
        if regions.count > Self.maxRegions { evict(regions.count - Self.regionsAfterEviction) }
    }

    /// Drops the `count` oldest regions and their pages.
    private func evict(_ count: Int) {
        let victims = regions.sorted {
            ($0.sequence, $0.start) < ($1.sequence, $1.start)
        }.prefix(count)
        for r in victims {
            unmap(r)
            var page = r.start
            while page < r.end { pages[page] = nil; page += PageGeometry.pageSize }
            unalias(r.start, pages: Int(r.size / PageGeometry.pageSize))
        }
        let gone = Set(victims.map(\.start))
        regions.removeAll { gone.contains($0.start) }
        machine.stats.regionEvictions &+= UInt64(count)
    }

    /// Evicts the oldest regions until at least `pages` pages are gone (or
    /// none are left): the owner's cap on host mappings.
    func evictOldest(pages wanted: Int) {
        var count = 0, freed = 0
        for r in regions.sorted(by: { ($0.sequence, $0.start) < ($1.sequence, $1.start) }) {
            if freed >= wanted { break }
            freed += Int(r.size / PageGeometry.pageSize)
            count += 1
        }
        if count > 0 { evict(count) }
    }

    /// TLBI VAE1: forgets the page at `page` (page-aligned). During a run it
    /// waits for the run to stop (Unicorn must not unmap inside a hook).
    func invalidate(page: UInt64) {
        guard pages[page] != nil else { return }
        if inRun {
            if !deferred.contains(page) { deferred.append(page) }
            engine.requestStop()
            return
        }
        guard pages.removeValue(forKey: page) != nil, let i = regionIndex(containing: page) else { return }
        let r = regions[i]
        unmap(r)
        regions.remove(at: i)
        if page > r.start {
            let left = Region(start: r.start, size: page - r.start, permissions: r.permissions,
                              sequence: r.sequence)
            map(left)
            insert(left)
        }
        let after = page + PageGeometry.pageSize
        if after < r.end {
            let right = Region(start: after, size: r.end - after, permissions: r.permissions,
                               sequence: r.sequence)
            map(right)
            insert(right)
        }
        unalias(page, pages: 1)
        newRegions += 1
        if newRegions > Self.compactThreshold { needsCompaction = true }
    }

    /// TLBI ASIDE1: forgets every page.
    func invalidateAll() {
        precondition(!inRun, "HALHostSim: TLBI ASIDE1 inside a run")
        for r in regions { unmap(r) }
        regions.removeAll()
        owner.aliasedPages -= pages.count
        pages.removeAll()
        deferred.removeAll()
        for key in windows.keys.sorted() { windows[key]?.release() }
        windows.removeAll()
    }
}
