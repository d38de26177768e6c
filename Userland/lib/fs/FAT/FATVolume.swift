// FATVolume: a mounted FAT32 volume behind the FileSystem interface. This
// file holds mounting, sync, unmount and the dirty flag; the node table, the
// directory slots, file data and the namespace operations are extensions in
// FATVolume+*.swift.
//
// Mount reads the boot sector (FATGeometry validates it), the whole FAT
// (FATTable.scan: exact free count, damage), FSInfo (a hint only) and checks
// the root directory. A volume whose FAT is damaged is mounted read-only
// with a warning; one whose store is read-only is read-only.
//
// The dirty flag is FAT[1]'s clean-shutdown bit (fatgen103, section 4): it is
// cleared, and written through, before the first change after a mount or a
// sync; `sync` writes everything, then FSInfo, then sets it again. So a
// volume on the medium is marked clean exactly when it is consistent.

#if canImport(KenixABI)
import KenixABI
#endif

public final class FATVolume<Store: BlockStore>: FileSystem {
    let cache: BlockCache<Store>
    public let geometry: FATGeometry
    let table: FATTable<Store>
    let clock: WallClock
    public private(set) var isReadOnly: Bool
    /// Lines for the log: why the volume is read-only, or was not cleanly unmounted.
    public private(set) var warnings: [StaticString] = []
    /// FAT[1] said the volume was not cleanly unmounted when it was mounted.
    public let wasDirty: Bool
    var markedDirty = false
    var isMounted = true

    var nodes: [FATNodeRecord] = []
    /// FAT entries followed to find a file's cluster for an offset
    /// (statistics: what the cursor and the chain marks save).
    public internal(set) var chainSteps = 0
    var freeNodes: [Int] = []
    var byLocation: [UInt64: Int] = [:]
    var byDirectory: [UInt32: Int] = [:]
    /// Directory scanning buffer: min(cluster size, 4 KiB).
    let chunk: UnsafeMutableRawBufferPointer
    /// The last directory position looked up: (directory, cluster index, cluster).
    var slotCursor: (directory: UInt32, index: UInt32, cluster: UInt32) = (0, 0, 0)

    public var clusterSize: Int { geometry.clusterSize }

    /// The largest volume mounted by default: its FAT bookkeeping takes 2 bits
    /// a cluster in memory (4 MiB at this count: 64 GiB with 4 KiB clusters).
    public static var defaultMaxClusters: UInt32 { 1 << 24 }

    /// Mounts the FAT32 volume on `store`. `cacheBlocks` 4 KiB blocks are
    /// cached; a volume of more than `maxClusters` clusters is refused
    /// (`outOfMemory`) rather than exhausting the server.
    public static func mount(_ store: Store, clock: @escaping WallClock, readOnly: Bool = false,
                             cacheBlocks: Int = 256, maxClusters: UInt32 = defaultMaxClusters) throws(MountFailure) -> FATVolume {
        guard store.sectorCount > 0 else { throw MountFailure(error: .ioError, reason: "the disk is empty") }
        guard store.sectorSize >= 512, store.sectorSize <= 4096, store.sectorSize & (store.sectorSize - 1) == 0 else {
            throw MountFailure(error: .invalidArgument, reason: "unsupported disk sector size")
        }
        let cache = BlockCache(store: store, blockSize: 4096, capacity: cacheBlocks)
        guard cache.deviceBytes >= 512 else { throw MountFailure(error: .ioError, reason: "the disk is smaller than a boot sector") }
        let boot = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 16)
        defer { boot.deallocate() }
        do throws(FileError) { try cache.read(at: 0, into: boot) } catch {
            throw MountFailure(error: .ioError, reason: "cannot read the boot sector")
        }
        let geometry = try FATGeometry(bootSector: UnsafeRawBufferPointer(boot), deviceBytes: cache.deviceBytes,
                                       deviceSectorSize: store.sectorSize)
        guard geometry.clusterCount <= maxClusters else {
            throw MountFailure(error: .outOfMemory, reason: "too many clusters for the server's memory",
                               clusters: UInt64(geometry.clusterCount))
        }
        let table = FATTable(cache: cache, geometry: geometry)
        var dirty = false
        do throws(FileError) {
            try table.scan()
            dirty = !(try table.isClean())
        } catch {
            throw MountFailure(error: .ioError, reason: "cannot read the FAT")
        }
        if geometry.fsInfoSector >= 1, geometry.fsInfoSector < geometry.reservedSectors,
           (try? cache.read(at: geometry.fsInfoSector * UInt64(geometry.bytesPerSector), into: boot)) != nil,
           let info = FSInfo(UnsafeRawBufferPointer(boot)), geometry.isValidCluster(info.nextFree) {
            table.nextFree = info.nextFree
        }
        do throws(FileError) { try table.checkChainStart(geometry.rootCluster) } catch {
            throw MountFailure(error: .ioError, reason: "the root directory's cluster is free, damaged or cross-linked")
        }
        let volume = FATVolume(cache: cache, geometry: geometry, table: table, clock: clock,
                               readOnly: readOnly || store.isReadOnly, wasDirty: dirty)
        if table.isDamaged {
            volume.isReadOnly = true
            volume.warnings.append("the FAT is damaged (cross-linked or broken chains): mounted read-only; run fsck.fat")
        }
        if dirty { volume.warnings.append("the volume was not cleanly unmounted (dirty flag set)") }
        return volume
    }

    private init(cache: BlockCache<Store>, geometry: FATGeometry, table: FATTable<Store>, clock: @escaping WallClock,
                 readOnly: Bool, wasDirty: Bool) {
        self.cache = cache
        self.geometry = geometry
        self.table = table
        self.clock = clock
        self.isReadOnly = readOnly
        self.wasDirty = wasDirty
        chunk = .allocate(byteCount: min(geometry.clusterSize, 4096), alignment: 16)
        nodes.append(FATNodeRecord.root(cluster: geometry.rootCluster))
        byDirectory[geometry.rootCluster] = 0
    }

    deinit { chunk.deallocate() }

    // MARK: changes, sync, unmount

    /// Called before every change: refuses on a read-only volume, and marks
    /// the volume dirty on the medium before its first change since a sync.
    func beginChange() throws(FileError) {
        guard isMounted else { throw .ioError }
        guard !isReadOnly else { throw .readOnly }
        if !markedDirty {
            try table.setClean(false)
            try cache.flush()
            markedDirty = true
        }
    }

    public func sync() throws(FileError) {
        guard isMounted, !isReadOnly, markedDirty else { return }
        try cache.flush()
        try writeFSInfo()
        try table.setClean(true)
        try cache.flush()
        markedDirty = false
    }

    private func writeFSInfo() throws(FileError) {
        let sector = geometry.fsInfoSector
        guard sector >= 1, sector < geometry.reservedSectors else { return }
        let offset = sector * UInt64(geometry.bytesPerSector)
        let raw = UnsafeMutableRawBufferPointer(rebasing: chunk[0..<512])
        try cache.read(at: offset, into: raw)
        guard FSInfo(UnsafeRawBufferPointer(raw)) != nil else { return }   // not an FSInfo sector: leave it
        raw.setLE32(488, table.freeCount)
        raw.setLE32(492, table.nextFree)
        try cache.write(at: offset, from: UnsafeRawBufferPointer(raw), rank: .table)
    }

    public func unmount() throws(FileError) {
        guard isMounted else { return }
        try sync()
        isMounted = false
        cache.discardAll()
    }

    public func usage() -> FileSystemUsage {
        FileSystemUsage(blockSize: UInt64(geometry.clusterSize), totalBlocks: UInt64(geometry.clusterCount),
                        freeBlocks: UInt64(table.freeCount), files: 0, type: .fat32, readOnly: isReadOnly)
    }

    /// Store requests so far (reads, writes), for statistics and tests.
    public var storeRequests: (reads: Int, writes: Int) { (cache.storeReads, cache.storeWrites) }
}
