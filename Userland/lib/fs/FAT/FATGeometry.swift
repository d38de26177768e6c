// FATGeometry: the boot sector's BIOS Parameter Block, validated, and the
// layout it implies (FAT and data region offsets, cluster size, cluster
// count). Follows Microsoft's "FAT: General Overview of On-Disk Format"
// (fatgen103), section 3 (boot sector and BPB) and section 4 ("FAT Type
// Determination"): the type is decided by the count of data clusters alone —
// below 4085 FAT12, below 65525 FAT16, else FAT32. Only FAT32 is supported;
// FAT12 and FAT16 volumes are refused with `notSupported` and a message.
// Anything inconsistent or pointing past the disk refuses the mount; nothing
// here traps on a damaged sector.

#if canImport(KenixABI)
import KenixABI
#endif

/// Why a volume was not mounted: the error a client sees and a line for the log.
public struct MountFailure: Error, Equatable {
    public var error: FileError
    public var reason: StaticString
    /// The data-cluster count, when the refusal is about the FAT type.
    public var clusters: UInt64 = 0

    public static func == (a: MountFailure, b: MountFailure) -> Bool {
        a.error == b.error && a.clusters == b.clusters
            && a.reason.utf8CodeUnitCount == b.reason.utf8CodeUnitCount
            && bytesEqual(a.reason, b.reason)
    }
}

private func bytesEqual(_ a: StaticString, _ b: StaticString) -> Bool {
    for i in 0..<a.utf8CodeUnitCount where a.utf8Start[i] != b.utf8Start[i] { return false }
    return true
}

public struct FATGeometry {
    public var bytesPerSector: Int
    public var sectorsPerCluster: Int
    public var reservedSectors: UInt64
    public var fatCount: Int
    public var sectorsPerFAT: UInt64
    public var totalSectors: UInt64
    public var rootCluster: UInt32
    public var fsInfoSector: UInt64
    public var backupBootSector: UInt64
    /// BPB_ExtFlags bit 7: only `activeFAT` is in use, no mirroring.
    public var mirroring: Bool
    public var activeFAT: Int
    public var media: UInt8
    public var clusterCount: UInt32
    public var volumeID: UInt32

    public var clusterSize: Int { bytesPerSector * sectorsPerCluster }
    /// The highest valid cluster number (clusters are numbered from 2).
    public var maxCluster: UInt32 { clusterCount + 1 }
    public var fatBytes: UInt64 { sectorsPerFAT * UInt64(bytesPerSector) }
    public func fatOffset(_ copy: Int) -> UInt64 { reservedSectors * UInt64(bytesPerSector) + UInt64(copy) * fatBytes }
    public var dataOffset: UInt64 { fatOffset(fatCount) }
    public func clusterOffset(_ cluster: UInt32) -> UInt64 {
        dataOffset + UInt64(cluster - 2) * UInt64(clusterSize)
    }
    public func isValidCluster(_ c: UInt32) -> Bool { c >= 2 && c <= maxCluster }

    /// Cluster counts at which the FAT type changes (fatgen103, section 4).
    public static let fat16MinimumClusters: UInt64 = 4085
    public static let fat32MinimumClusters: UInt64 = 65525

    /// Parses and validates boot sector `sector` (at least 512 bytes) for a
    /// device of `deviceBytes` bytes with `deviceSectorSize`-byte sectors.
    public init(bootSector sector: UnsafeRawBufferPointer, deviceBytes: UInt64,
                deviceSectorSize: Int) throws(MountFailure) {
        guard sector.count >= 512 else { throw MountFailure(error: .ioError, reason: "boot sector unreadable") }
        let jumpOK = (sector[0] == 0xEB && sector[2] == 0x90) || sector[0] == 0xE9
        guard jumpOK, sector[510] == 0x55, sector[511] == 0xAA else {
            throw MountFailure(error: .invalidArgument, reason: "no FAT boot sector (jump instruction or 0x55AA signature missing)")
        }
        let bps = Int(sector.le16(11))
        guard bps == 512 || bps == 1024 || bps == 2048 || bps == 4096 else {
            throw MountFailure(error: .invalidArgument, reason: "bad BPB_BytsPerSec (not 512, 1024, 2048 or 4096)")
        }
        guard bps >= deviceSectorSize, bps % deviceSectorSize == 0 else {
            throw MountFailure(error: .invalidArgument, reason: "BPB_BytsPerSec is smaller than the disk's sector")
        }
        let spc = Int(sector[13])
        guard spc != 0, spc & (spc - 1) == 0, bps * spc <= 65536 else {
            throw MountFailure(error: .invalidArgument, reason: "bad BPB_SecPerClus (not a power of two, or clusters over 64 KiB)")
        }
        let reserved = UInt64(sector.le16(14))
        let fats = Int(sector[16])
        guard reserved >= 1, fats >= 1, fats <= 4 else {
            throw MountFailure(error: .invalidArgument, reason: "bad BPB_RsvdSecCnt or BPB_NumFATs")
        }
        let rootEntries = UInt64(sector.le16(17))
        let total16 = UInt64(sector.le16(19)), total32 = UInt64(sector.le32(32))
        let fat16Size = UInt64(sector.le16(22)), fat32Size = UInt64(sector.le32(36))
        let fatSize = fat16Size != 0 ? fat16Size : fat32Size
        let total = total16 != 0 ? total16 : total32
        let rootDirSectors = (rootEntries * 32 + UInt64(bps) - 1) / UInt64(bps)
        let metadata = reserved + UInt64(fats) * fatSize + rootDirSectors
        guard fatSize != 0, total != 0, metadata < total else {
            throw MountFailure(error: .invalidArgument, reason: "bad BPB sizes (FAT size, total sectors)")
        }
        let clusters = (total - metadata) / UInt64(spc)
        if clusters < Self.fat16MinimumClusters {
            throw MountFailure(error: .notSupported, reason: "FAT12 volume (fewer than 4085 clusters): only FAT32 is supported",
                               clusters: clusters)
        }
        if clusters < Self.fat32MinimumClusters {
            throw MountFailure(error: .notSupported, reason: "FAT16 volume (fewer than 65525 clusters): only FAT32 is supported",
                               clusters: clusters)
        }
        guard rootEntries == 0, fat16Size == 0, total16 == 0 else {
            throw MountFailure(error: .invalidArgument, reason: "FAT32 by cluster count, but the BPB has FAT12/16 fields")
        }
        guard sector.le16(42) == 0 else {
            throw MountFailure(error: .notSupported, reason: "unknown FAT32 version (BPB_FSVer is not 0:0)")
        }
        // Cluster numbers are 28 bits; the FAT must hold an entry for every cluster.
        guard clusters <= 0x0FFF_FFF5, fatSize * UInt64(bps) / 4 >= clusters + 2 else {
            throw MountFailure(error: .invalidArgument, reason: "the FAT is too small for the cluster count")
        }
        guard total * UInt64(bps) <= deviceBytes else {
            throw MountFailure(error: .ioError, reason: "the volume is larger than its disk (a truncated image?)")
        }
        let extFlags = sector.le16(40)
        let root = sector.le32(44)
        guard root >= 2, UInt64(root) <= clusters + 1 else {
            throw MountFailure(error: .invalidArgument, reason: "BPB_RootClus is outside the volume")
        }
        bytesPerSector = bps
        sectorsPerCluster = spc
        reservedSectors = reserved
        fatCount = fats
        sectorsPerFAT = fatSize
        totalSectors = total
        rootCluster = root
        fsInfoSector = UInt64(sector.le16(48))
        backupBootSector = UInt64(sector.le16(50))
        mirroring = extFlags & 0x80 == 0
        activeFAT = Int(extFlags & 0x0F)
        guard mirroring || activeFAT < fats else {
            throw MountFailure(error: .invalidArgument, reason: "BPB_ExtFlags names a FAT that does not exist")
        }
        media = sector[21]
        clusterCount = UInt32(clusters)
        volumeID = sector.le32(67)
    }
}

/// The FSInfo sector (fatgen103, section 5): a hint of the free-cluster
/// count and where to look for a free cluster. Kept up to date on sync.
struct FSInfo {
    static let leadSignature: UInt32 = 0x4161_5252
    static let structSignature: UInt32 = 0x6141_7272
    static let trailSignature: UInt32 = 0xAA55_0000
    static let unknown: UInt32 = 0xFFFF_FFFF

    var freeCount: UInt32
    var nextFree: UInt32

    /// nil if the sector does not carry the three signatures.
    init?(_ sector: UnsafeRawBufferPointer) {
        guard sector.count >= 512, sector.le32(0) == Self.leadSignature,
              sector.le32(484) == Self.structSignature, sector.le32(508) == Self.trailSignature else { return nil }
        freeCount = sector.le32(488)
        nextFree = sector.le32(492)
    }
}
