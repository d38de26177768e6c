// One server the supervisor keeps running: how to start it (program,
// priority, quota share, the handles it is given by role), what to do when
// it ends (the policy), and its current life (task, restarts, heartbeats).

enum RestartPolicy {
    /// Always restarted (console, file server).
    case permanent
    /// Restarted only after a failure; a clean exit 0 (kbd on a machine
    /// without a keyboard, blk without disks) ends its supervision.
    case transient
}

struct SupervisedServer {
    let program: StaticString
    let priority: UInt64
    /// The frame ceiling it gets (0: `Quotas.restShare` of the supervisor's).
    let frames: UInt64
    let policy: RestartPolicy
    /// (role, handle in the supervisor's table): duplicated for each start.
    var roles: [(role: UInt64, handle: Handle)]

    /// The running instance's task handle (0: not running).
    var task: Handle = 0
    var taskID: TaskID = 0
    var restarts: UInt64 = 0
    var startedAt: UInt64 = 0
    /// When to start it again (0: not waiting to).
    var restartAt: UInt64 = 0
    /// Heartbeats missed in a row.
    var missed = 0
    /// Ended for good (transient, exited 0).
    var finished = false
    var backoff = Backoff()

    init(_ program: StaticString, priority: UInt64, frames: UInt64, policy: RestartPolicy,
         roles: [(role: UInt64, handle: Handle)]) {
        self.program = program
        self.priority = priority
        self.frames = frames
        self.policy = policy
        self.roles = roles
    }

    /// The program name's first 8 bytes, little-endian, NUL-padded (SupervisorOp.server).
    var packedName: UInt64 {
        var packed: UInt64 = 0
        let count = min(program.utf8CodeUnitCount, 8)
        for i in 0..<count { packed |= UInt64(program.utf8Start[i]) << UInt64(8 * i) }
        return packed
    }
}

/// Sizing a server's quota: spawn takes a share in 256ths of the
/// supervisor's own ceilings (docs/capabilities.md, "Quotas"), so a wish in
/// frames becomes such a fraction. Ceilings are not reservations: the
/// servers' shares may add up to more than the supervisor's, and together
/// they never pass it.
enum Quotas {
    /// A server with no wish gets this part of the supervisor's ceiling.
    static let restShare: UInt64 = QuotaShare.whole * 3 / 4

    /// The share (QuotaShare) that gives about `frames` frames (0: `restShare`).
    static func share(forFrames frames: UInt64) -> UInt64 {
        guard frames > 0 else { return restShare }
        guard let q = try? Kenix.quota(), q.framesLimit > 0 else { return QuotaShare.whole }
        return max(1, min(QuotaShare.whole, (frames * QuotaShare.whole + q.framesLimit - 1) / q.framesLimit))
    }
}
