// Quota: what a task's subtree (the task and every descendant) may hold of
// each resource the kernel allocates on its behalf, and what it holds
// (docs/capabilities.md, "Quotas"). Limits are ceilings, as cgroups': init's
// is the whole machine; a child's is a share of its parent's ceiling (all
// of it by default), and everything a task takes counts against its own
// ceiling and every ancestor's (Kernel+Quota). So a fork bomb or a memory
// hog stops at the ceiling of the subtree it runs in, and a parent that
// gives its children smaller ceilings than its own keeps room for itself.

import KenixABI

/// A ceiling on one resource, and what the subtree uses of it.
struct Allowance: Equatable {
    var limit: Int
    var used: Int = 0

    var remaining: Int { max(limit - used, 0) }
}

/// What `charge` and `refund` count.
enum QuotaResource {
    /// 4 KiB frames: pages, page tables, shared-memory objects.
    case frames
    /// Tasks started (ended ones until reaped), not counting the task itself.
    case tasks
    /// Swap slots holding the subtree's pages.
    case swap
    /// Kernel objects in the global tables: notifications and shared-memory
    /// objects it created that still exist, and task watches it holds.
    case objects
}

struct Quota: Equatable {
    var frames: Allowance
    var tasks: Allowance
    var swap: Allowance
    var objects: Allowance

    /// The fewest objects a child's share gives (childShare).
    static let objectsFloor = 8

    static let none = Quota(frames: Allowance(limit: 0), tasks: Allowance(limit: 0), swap: Allowance(limit: 0),
                            objects: Allowance(limit: 0))

    /// A new child's ceilings: `fraction` 256ths (QuotaShare) of this
    /// one's frames, tasks and objects, but at least `objectsFloor` objects
    /// (or all of this one's, if fewer): a server sized in frames (the
    /// console gets 1/256 of the supervisor's) still needs a notification
    /// or two, and the subtree stays inside this ceiling whatever the floor,
    /// since a child's use counts here too. Swap is inherited whole: it is
    /// where a subtree goes past its frame ceiling (a fork counts shared
    /// slots twice), and the frame ceilings already bound what each subtree
    /// holds in RAM.
    func childShare(_ fraction: UInt64 = QuotaShare.whole) -> Quota {
        func part(_ n: Int) -> Int { Int(UInt64(max(n, 0)) * fraction / QuotaShare.whole) }
        return Quota(frames: Allowance(limit: part(frames.limit)), tasks: Allowance(limit: part(tasks.limit - 1)),
                     swap: Allowance(limit: swap.limit),
                     objects: Allowance(limit: min(max(part(objects.limit), Self.objectsFloor), objects.limit)))
    }

    subscript(_ r: QuotaResource) -> Allowance {
        get {
            switch r {
            case .frames: return frames
            case .tasks: return tasks
            case .swap: return swap
            case .objects: return objects
            }
        }
        set {
            switch r {
            case .frames: frames = newValue
            case .tasks: tasks = newValue
            case .swap: swap = newValue
            case .objects: objects = newValue
            }
        }
    }
}
