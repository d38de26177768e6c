// SimDiskFault: deterministic fault injection for a simulated disk. A fault
// names which requests fail: the Nth of an operation (counted on that disk
// in the order the disk accepted them, from 1), or every read or write that
// touches a range of sectors. A failed request completes at its normal time
// with `succeeded: false` and moves no data: a failed read leaves the memory
// as it was, a failed write leaves the sectors as they were.
//
// Text form (kenix-sim --disk-fail): [diskK:]OP@WHERE, OP one of read,
// write, flush, any (a read or a write); WHERE a request number N (1 = the
// first) or `sectors=S-E` / `sectors=S` (inclusive; not for flush).
//   read@3   write@sectors=2048-2055   disk1:any@sectors=0   flush@1

public struct SimDiskFault: Equatable, Sendable {
    public enum Operation: String, Sendable, CaseIterable {
        case read, write, flush, any
    }
    public enum Trigger: Equatable, Sendable {
        /// The Nth request of the operation (1-based).
        case nth(UInt64)
        /// Every request of the operation touching these sectors.
        case sectors(ClosedRange<UInt64>)
    }

    /// The data disk it applies to (kenix-sim's --disk order, from 0).
    public var disk: Int
    public var operation: Operation
    public var trigger: Trigger

    public init(disk: Int = 0, _ operation: Operation, _ trigger: Trigger) {
        self.disk = disk
        self.operation = operation
        self.trigger = trigger
    }

    /// Parses the text form; nil when it is malformed.
    public init?(parsing text: String) {
        var rest = Substring(text)
        disk = 0
        if rest.hasPrefix("disk"), let colon = rest.firstIndex(of: ":") {
            guard let k = Int(rest[rest.index(rest.startIndex, offsetBy: 4)..<colon]), (0..<256).contains(k) else {
                return nil
            }
            disk = k
            rest = rest[rest.index(after: colon)...]
        }
        let parts = rest.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let op = Operation(rawValue: String(parts[0])) else { return nil }
        operation = op
        let place = parts[1]
        if place.hasPrefix("sectors=") {
            guard op != .flush else { return nil }
            let range = place.dropFirst("sectors=".count).split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(range.count), let first = UInt64(range[0]),
                  let last = range.count == 2 ? UInt64(range[1]) : first, first <= last else { return nil }
            trigger = .sectors(first...last)
        } else {
            guard let n = UInt64(place), n > 0 else { return nil }
            trigger = .nth(n)
        }
    }

    /// Whether this fault fails a request of `operation` (read, write or
    /// flush) on `count` sectors from `sector`; `accepted` counts the
    /// requests the disk has accepted, this one included.
    func fails(_ operation: Operation, sector: UInt64, count: UInt64, accepted: SimDiskCounts) -> Bool {
        guard self.operation == operation || (self.operation == .any && operation != .flush) else { return false }
        switch trigger {
        case .nth(let n):
            switch self.operation {
            case .read: return accepted.reads == n
            case .write: return accepted.writes == n
            case .flush: return accepted.flushes == n
            case .any: return accepted.reads + accepted.writes == n
            }
        case .sectors(let range):
            guard operation != .flush, count > 0 else { return false }
            return sector <= range.upperBound && range.lowerBound <= sector + count - 1
        }
    }
}

/// Requests a disk has accepted, by operation.
public struct SimDiskCounts: Equatable, Sendable {
    public var reads: UInt64 = 0
    public var writes: UInt64 = 0
    public var flushes: UInt64 = 0
    public init() {}
}
