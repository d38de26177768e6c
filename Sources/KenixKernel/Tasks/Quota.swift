// Quota: what a task may hold of each resource the kernel allocates on its
// behalf, and what it holds (docs/capabilities.md, "Quotas"). init starts
// with the whole machine; a new task's share is carved out of its parent's
// remainder (half of it, by default) and goes back to the parent when the
// child ends. So a fork bomb or a memory hog stops at its own quota, and
// everyone else's shares are untouched.
import KenixABI

/// A share of one resource.
struct Allowance: Equatable {
    var limit: Int
    var used: Int = 0

    var remaining: Int { max(limit - used, 0) }

    /// Takes `n` if the share allows it.
    mutating func take(_ n: Int) -> Bool {
        guard n <= remaining else { return false }
        used += n
        return true
    }

    mutating func giveBack(_ n: Int) { used = max(used - n, 0) }
}

struct Quota: Equatable {
    /// 4 KiB frames: the task's pages, its page tables, the shared-memory
    /// objects it created.
    var frames: Allowance
    /// Tasks it started that still hold a slot (ended ones until reaped).
    var tasks: Allowance
    /// Swap slots holding its pages.
    var swap: Allowance

    static let none = Quota(frames: Allowance(limit: 0), tasks: Allowance(limit: 0), swap: Allowance(limit: 0))

    /// The share a new child gets: `fraction` 256ths (QuotaShare) of what
    /// this quota has left of each resource; the parent keeps the rest. One
    /// task slot is always the child's own, outside its share.
    func childShare(_ fraction: UInt64 = QuotaShare.half) -> Quota {
        func part(_ n: Int) -> Int { Int(UInt64(max(n, 0)) * fraction / QuotaShare.whole) }
        return Quota(frames: Allowance(limit: part(frames.remaining)), tasks: Allowance(limit: part(tasks.remaining - 1)),
                     swap: Allowance(limit: part(swap.remaining)))
    }

    /// Sets aside `share` for a child (its limits leave this quota).
    mutating func lend(_ share: Quota) {
        frames.limit -= share.frames.limit
        tasks.limit -= share.tasks.limit
        swap.limit -= share.swap.limit
    }

    /// A child's share comes back.
    mutating func reclaim(_ share: Quota) {
        frames.limit += share.frames.limit
        tasks.limit += share.tasks.limit
        swap.limit += share.swap.limit
    }
}
