// FATChainMarks: where a file's cluster chain is at every stride-th index,
// learnt as walks pass them. FAT has no index of a file's clusters, only
// the chain, so without them a seek backwards (a random read) walked the
// chain from its start: about 650,000 instructions per 4 KiB read of a
// 2 MiB file on 512-byte clusters. With them a walk starts at most one
// stride before its target. The stride grows with the file so the marks
// stay within `maximumCount` entries (4 KiB per open file).

struct FATChainMarks {
    /// clusters[m]: the cluster at chain index m × stride.
    private(set) var clusters: [UInt32] = []
    private(set) var stride: UInt32 = FATChainMarks.smallestStride
    static let smallestStride: UInt32 = 64
    static let maximumCount = 1024

    var isEmpty: Bool { clusters.isEmpty }

    /// Starts the marks at the chain's `first` cluster, for a chain of
    /// about `count` clusters.
    mutating func start(_ first: UInt32, clusters count: UInt32) {
        stride = Self.smallestStride
        while count / stride >= UInt32(Self.maximumCount) { stride *= 2 }
        clusters = [first]
    }

    /// The furthest mark at or before chain index `k`: (index, cluster).
    /// Only after `start`.
    func nearest(atOrBefore k: UInt32) -> (index: UInt32, cluster: UInt32) {
        let m = min(Int(k / stride), clusters.count - 1)
        return (UInt32(m) * stride, clusters[m])
    }

    /// A walk reached chain index `index` at `cluster`: kept if it is the
    /// next mark.
    mutating func passed(_ index: UInt32, _ cluster: UInt32) {
        guard !clusters.isEmpty, index % stride == 0, index / stride == UInt32(clusters.count),
              clusters.count < Self.maximumCount else { return }
        clusters.append(cluster)
    }
}
