// Process: one Linux process, run as one supervised Kenix task. The server
// holds everything Linux about it: ids and the process tree, the file
// table, the working directory, the break, signal state, and what it waits
// for while its task stays stopped. Pids start at 2: pid 1 is the notional
// init that adopts orphans (the server reaps them itself).

enum ProcessState {
    /// Its task runs, or is stopped in a syscall the server is serving.
    case live
    /// Stopped by a signal (SIGSTOP, SIGTSTP...) until SIGCONT.
    case stopped(Int)
    /// Ended; its task is gone. Waits for its parent's wait4.
    case zombie(ProcessEnd)
}

/// What a process blocked in a syscall waits for. The task stays stopped;
/// the server re-runs the syscall (`retry`) when something it could be
/// waiting for changes, or ends the wait at the deadline.
enum WaitKind {
    /// Re-run the syscall with its saved arguments; `deadline` ends it (the
    /// handler sees the time has passed).
    case retry
    /// nanosleep: 0 at the deadline.
    case sleep
    /// rt_sigsuspend: until a signal is delivered.
    case signal
    /// A vfork parent: until its child execs or ends.
    case vforkChild(Int)
}

/// How a blocked syscall ends when a signal interrupts it (Linux's
/// -ERESTARTSYS, -ERESTARTNOHAND).
enum RestartPolicy {
    /// Restarted after a handler with SA_RESTART; -EINTR after other handlers.
    case restartWithSARestart
    /// -EINTR after any handler; restarted when no handler runs.
    case restartWithoutHandler
    /// Always -EINTR.
    case never
}

struct BlockedCall {
    var number: UInt64
    var args: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    var kind: WaitKind
    var deadline: UInt64?
    var restart: RestartPolicy
}

final class Process {
    let pid: Int
    var task: TaskID
    var parent: Int
    var pgid: Int
    var sid: Int
    var state: ProcessState = .live
    var files: FileTable
    /// Absolute and normalized.
    var cwd: [UInt8]
    var umask: UInt64 = 0o022
    /// The executable's path (/proc/self/exe) and its name (prctl PR_GET_NAME).
    var exe: [UInt8] = []
    var name: [UInt8] = []
    var memory = ProcessMemory()
    var signals = SignalState()
    var blocked: BlockedCall? = nil
    /// Bytes a blocking write has already moved (a pipe write waiting for room).
    var progress: Int = 0
    /// set_tid_address / CLONE_CHILD_CLEARTID: zeroed at exit.
    var clearChildTid: UInt64 = 0
    /// The vfork parent waiting for this process to exec or end.
    var vforkParent: Int? = nil
    /// The Kenix client that launched it (LinuxServiceOp.start), answered at its end.
    var launcher: TaskID? = nil
    /// ITIMER_REAL: when SIGALRM is due, and its interval.
    var alarmAt: UInt64? = nil
    var alarmInterval: UInt64 = 0
    /// The x0 of the syscall being served (for restarts).
    var syscallX0: UInt64 = 0
    var startTime: UInt64 = 0
    /// The result its syscall returns once a stop signal's SIGCONT resumes it.
    var resultAfterStop: Int64? = nil
    /// Stopped between two instructions: SIGCONT resumes it as it was.
    var resumeAsIs = false
    /// Its parked syscall came while it was stopped: x4 and x5 are still
    /// to be read from its registers.
    var retryWithUpperArgs = false
    /// The wait status of its last stop or continue, and whether wait4 reported it.
    var stopStatus: UInt32 = 0
    var reportedStop = true
    /// nanosleep's rem pointer (0: none, or an absolute sleep).
    var sleepRemainAddress: UInt64 = 0
    /// futex: the address it waits on, and whether a FUTEX_WAKE came.
    var futexAddress: UInt64 = 0
    var futexWoken = false
    /// Has called execve since it was forked (setpgid on it then fails).
    var hasExeced = false

    init(pid: Int, task: TaskID, parent: Int, pgid: Int, sid: Int, files: FileTable, cwd: [UInt8]) {
        self.pid = pid; self.task = task; self.parent = parent; self.pgid = pgid; self.sid = sid
        self.files = files; self.cwd = cwd
    }

    var isZombie: Bool { if case .zombie = state { return true } else { return false } }
    var isLive: Bool { !isZombie }
    var isStopped: Bool { if case .stopped = state { return true } else { return false } }
}

/// The memory layout the server chose for the process: the break and the
/// signal trampoline. The kernel keeps the regions themselves.
struct ProcessMemory {
    /// First byte of the heap (page after the image) and the current break.
    var brkStart: UInt64 = 0
    var brk: UInt64 = 0
    /// Pages up to here are mapped for the heap.
    var brkMapped: UInt64 = 0
    /// Where `mov x8, #139; svc #0` lives (the default signal restorer).
    var trampoline: UInt64 = 0
    /// Next address tried for mmap without a hint (downwards from below the stack).
    var mmapCursor: UInt64 = 0
}

/// The Linux processes, by pid. At most one per Kenix task slot.
struct ProcessTable {
    var all: [Process] = []
    var nextPid = 2

    func find(pid: Int) -> Process? {
        for p in all where p.pid == pid { return p }
        return nil
    }

    func find(task: TaskID) -> Process? {
        for p in all where p.task == task && p.isLive { return p }
        return nil
    }

    mutating func allocatePid() -> Int {
        while true {
            let pid = nextPid
            nextPid = nextPid >= 32767 ? 2 : nextPid + 1
            var taken = false
            for p in all where p.pid == pid || p.pgid == pid || p.sid == pid { taken = true; break }
            if !taken { return pid }
        }
    }

    mutating func remove(_ victim: Process) {
        all.removeAll { $0 === victim }
    }

    func children(of pid: Int) -> [Process] { all.filter { $0.parent == pid } }

    func group(_ pgid: Int) -> [Process] { all.filter { $0.pgid == pgid && $0.isLive } }

    func groupExists(_ pgid: Int, session: Int) -> Bool {
        all.contains { $0.pgid == pgid && $0.sid == session && $0.isLive }
    }
}
