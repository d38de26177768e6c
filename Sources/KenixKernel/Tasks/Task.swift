// Task: one thread of execution with its own address space. Its state says
// exactly what it is doing; a blocked task records what it waits for, so the
// kernel can wake it, or fail its IPC when a partner dies.
import HAL
import KenixABI

public enum BlockReason: Equatable, Sendable {
    /// Queued on `to`'s sender queue; `isCall` means it wants a reply after.
    case sending(to: TaskID, isCall: Bool)
    /// Its call was received by `server`; waiting for the reply.
    case awaitingReply(from: TaskID)
    /// Waiting for a message from `from`, or from anyone when nil.
    case receiving(from: TaskID?)
    /// Sleeping until the kernel clock reaches `until` (ns).
    case sleeping(until: UInt64)
    /// Waiting for child `child` to end.
    case waitingFor(child: TaskID)
    /// Waiting for bits of notification `id`.
    case waitingForNotification(id: UInt64)
    /// Waiting for the pager: a page coming back from swap, or a free frame.
    /// Woken when a disk transfer completes, it retries what it was doing.
    case paging
    /// A supervised task stopped by an event its supervisor has received;
    /// only `task_resume` (or its end) moves it on.
    case stopped(by: TaskID)
}

public enum TaskState: Equatable, Sendable {
    case free
    case ready
    case running
    case blocked(BlockReason)
    /// Ended, waiting for its parent to reap it.
    case zombie
}

/// How a task ended (what `wait` reports).
public struct ExitRecord: Equatable, Sendable {
    public var status: Int64
    public var killed: Bool
}

public struct Task {
    public internal(set) var id: TaskID
    public internal(set) var state: TaskState = .free
    public internal(set) var priority: UInt8 = 0
    public internal(set) var parent: TaskID = TaskID(raw: 0)
    public var context = UserContext()
    var space: AddressSpace? = nil
    var generation: UInt64 = 0
    /// Program name for diagnostics (first 16 bytes).
    var name = TaskName(repeating: 0)
    var nameLength = 0
    /// The number + 1 of the syscall this task blocked in, 0 if none: its
    /// `syscallExit` trace event is recorded when the task next runs.
    var syscallPending: UInt64 = 0
    var exit = ExitRecord(status: 0, killed: false)

    // Scheduling: intrusive ready-queue links (slot indices, -1 = none).
    var queueNext = -1
    var queuePrev = -1
    /// Time left of the current slice, in ns.
    var sliceRemaining: UInt64 = 0

    // IPC: this task's queue of blocked senders (slot indices).
    var sendersHead = -1
    var sendersTail = -1
    /// Link in the receiver's sender queue.
    var senderNext = -1
    /// The caller `reply` answers.
    var lastCaller: TaskID? = nil

    // Timed waits: when the task's sleep or blocking IPC ends by itself
    // (ns of kernel clock), and its link in the kernel's sorted timer list.
    var wakeAt: UInt64? = nil
    var timerNext = -1
    /// Where the task's own page-out clock stands (Kernel.evictOwnPage).
    var ownClockAddress: UInt64 = 0
    /// The timed wait is deferrable (TimeoutFlag.deferrable).
    var wakeDeferrable = false

    /// Shared-memory objects mapped into this task: (object id, address).
    var shmMappings = ShmMappings(repeating: ShmMapping())
    var shmNextAddress: UInt64 = 0
    /// Where `fb_map` put the framebuffer (0 = not mapped).
    var framebufferAddress: UInt64 = 0
    /// Where `image_map` put the boot image (0 = not mapped).
    var imageAddress: UInt64 = 0

    /// Where untouched memory may be demand-paged (mmap, heap, stack growth).
    var regions = RegionList()
    /// The heap: [heapStart, heapEnd) grows and shrinks with `brk`.
    var heapStart: UInt64 = 0
    var heapEnd: UInt64 = 0
    var mmapNextAddress: UInt64 = 0

    /// The notification bound to this task (0 = none): its signals also end
    /// a receive from anyone.
    var boundNotification: UInt64 = 0

    /// Its syscall touched a page that must come from swap first: the
    /// syscall runs again from the start once the task is woken.
    var restartSyscall = false

    /// What it may hold of frames, tasks and swap, and holds (Quota).
    var quota = Quota.none
    /// Bumped by `handle_revoke` on a task handle: older handles are dead.
    var epoch: UInt32 = 0
    /// The handle the task bound its notification with (what a receive
    /// ended by that notification reports in x2).
    var boundHandle: UInt64 = 0

    /// The server that handles this task's syscalls and faults (Supervision);
    /// nil for a Kenix task, whose syscalls the kernel handles.
    var supervisor: TaskID? = nil
    /// The event a supervised task waits to hand its supervisor (valid while
    /// it is queued as a sender with `eventPending`).
    var event = SupervisorMessage()
    var eventPending = false

    init(slot: Int, capacity: Int) { id = TaskID(slot: slot, generation: 0, capacity: capacity) }

    var isAlive: Bool {
        switch state { case .free, .zombie: return false; default: return true }
    }

    /// The state as `task_info` and `task_status` report it.
    var stateCode: TaskStateCode {
        switch state {
        case .running: .running
        case .ready: .ready
        case .blocked: .blocked
        case .zombie, .free: .zombie
        }
    }

    /// What it waits for and on whom (`task_status`'s x1 and x2).
    var waitCode: (code: TaskWaitCode, partner: UInt64) {
        guard case .blocked(let reason) = state else { return (.none, 0) }
        switch reason {
        case .sending(let to, _): return (.call, to.raw)
        case .awaitingReply(let from): return (.call, from.raw)
        case .receiving(let from): return (.receive, from?.raw ?? 0)
        case .sleeping: return (.sleep, 0)
        case .waitingFor(let child): return (.child, child.raw)
        case .waitingForNotification: return (.notification, 0)
        case .paging: return (.pager, 0)
        case .stopped(let by): return (.stopped, by.raw)
        }
    }
}

struct ShmMapping {
    var object: UInt64 = 0    // 0 = unused entry
    var address: UInt64 = 0
}

/// A supervision event as its supervisor receives it: tag and four words.
struct SupervisorMessage {
    var tag: UInt64 = 0
    var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
}
