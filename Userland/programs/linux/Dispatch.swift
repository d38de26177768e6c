// Dispatch: one Linux syscall event to its handler. `SyscallCall` holds the
// number and the six argument registers (x4 and x5 are fetched with the
// register file only when a handler asks). Numbers the server does not
// serve get -ENOSYS and one log line the first time (Log.unknownSyscall);
// a few are answered -ENOSYS silently because the C library expects them
// missing and falls back (rseq, clone3, membarrier).

struct SyscallCall {
    let number: UInt64
    var args: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    let process: Process
    var haveUpperArgs = false
    /// Re-run of a blocked call (the server woke it).
    var isRetry = false
    /// The blocked call's deadline, on a retry.
    var deadline: UInt64? = nil

    init(number: UInt64, args: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64), process: Process) {
        self.number = number; self.args = args; self.process = process
    }

    var a0: UInt64 { args.0 }
    var a1: UInt64 { args.1 }
    var a2: UInt64 { args.2 }
    var a3: UInt64 { args.3 }
    var task: TaskID { process.task }

    /// x4 and x5 (a register-file read the first time).
    mutating func upper() -> (UInt64, UInt64) {
        if !haveUpperArgs {
            haveUpperArgs = true
            if let r = Guest.registers(process.task) { args.4 = r.x[4]; args.5 = r.x[5] }
        }
        return (args.4, args.5)
    }
    mutating func a4() -> UInt64 { upper().0 }
    mutating func a5() -> UInt64 { upper().1 }

    /// An fd argument: the low 32 bits as a signed int (AT_FDCWD is -100).
    static func fd(_ v: UInt64) -> Int64 { Int64(Int32(truncatingIfNeeded: v)) }
}

/// Syscalls answered -ENOSYS without a log line: the C library probes them
/// and has a fallback.
let quietlyMissing: [UInt64] = [293 /* rseq */, 435 /* clone3 */, 283 /* membarrier */]

extension Server {
    func dispatch(_ c: inout SyscallCall) -> Outcome {
        guard let call = LinuxSyscall(rawValue: c.number) else {
            if !quietlyMissing.contains(c.number) { Log.unknownSyscall(c.number, pid: c.process.pid) }
            return .error(.ENOSYS)
        }
        switch call {
        // processes
        case .exit, .exitGroup: return sysExit(&c)
        case .clone: return sysClone(&c)
        case .execve: return sysExecve(&c)
        case .wait4: return sysWait4(&c)
        case .setTidAddress: c.process.clearChildTid = c.a0; return .success(c.process.pid)
        case .setRobustList: return .success(0)
        case .getpid, .gettid: return .success(c.process.pid)
        case .getppid: return .success(c.process.parent)
        case .getuid, .geteuid, .getgid, .getegid: return .success(0)
        case .getresuid, .getresgid: return sysGetres(&c)
        case .setuid, .setgid, .setreuid, .setregid, .setresuid, .setresgid: return sysSetIdentity(&c)
        case .getgroups: return .success(0)
        case .setgroups: return .success(0)
        case .setpgid: return sysSetpgid(&c)
        case .getpgid: return sysGetpgid(&c)
        case .getsid: return sysGetsid(&c)
        case .setsid: return sysSetsid(&c)
        case .prctl: return sysPrctl(&c)
        case .futex: return sysFutex(&c)
        // memory
        case .brk: return sysBrk(&c)
        case .mmap: return sysMmap(&c)
        case .munmap: return sysMunmap(&c)
        case .mprotect: return sysMprotect(&c)
        case .mremap: return sysMremap(&c)
        case .madvise, .msync, .fadvise64: return .success(0)
        // files
        case .openat: return sysOpenat(&c)
        case .close: return sysClose(&c)
        case .read: return sysRead(&c)
        case .write: return sysWrite(&c)
        case .readv: return sysReadv(&c)
        case .writev: return sysWritev(&c)
        case .pread64: return sysPread(&c)
        case .pwrite64: return sysPwrite(&c)
        case .lseek: return sysLseek(&c)
        case .sendfile: return sysSendfile(&c)
        case .dup: return sysDup(&c)
        case .dup3: return sysDup3(&c)
        case .fcntl: return sysFcntl(&c)
        case .pipe2: return sysPipe2(&c)
        case .ioctl: return sysIoctl(&c)
        case .newfstatat: return sysNewfstatat(&c)
        case .fstat: return sysFstat(&c)
        case .statx: return sysStatx(&c)
        case .getdents64: return sysGetdents64(&c)
        case .faccessat, .faccessat2: return sysFaccessat(&c)
        case .readlinkat: return sysReadlinkat(&c)
        case .getcwd: return sysGetcwd(&c)
        case .chdir: return sysChdir(&c)
        case .fchdir: return sysFchdir(&c)
        case .mkdirat: return sysMkdirat(&c)
        case .unlinkat: return sysUnlinkat(&c)
        case .symlinkat: return sysSymlinkat(&c)
        case .linkat: return .error(.EPERM)
        case .renameat: return sysRenameat(&c, flags: 0)
        case .renameat2: return sysRenameat(&c, flags: c.a4())
        case .truncate: return sysTruncate(&c)
        case .ftruncate: return sysFtruncate(&c)
        case .fchmod, .fchown: return sysFchmodown(&c)
        case .fchmodat, .fchownat: return sysPathChmodown(&c)
        case .utimensat: return sysUtimensat(&c)
        case .statfs: return sysStatfs(&c)
        case .fstatfs: return sysFstatfs(&c)
        case .sync: LinuxFiles.sync(); return .success(0)
        case .fsync, .fdatasync: return sysFsync(&c)
        case .ppoll: return sysPpoll(&c)
        case .pselect6: return sysPselect6(&c)
        // signals
        case .kill: return sysKill(&c)
        case .tkill: return sysTkill(&c, checkGroup: false)
        case .tgkill: return sysTkill(&c, checkGroup: true)
        case .rtSigaction: return sysRtSigaction(&c)
        case .rtSigprocmask: return sysRtSigprocmask(&c)
        case .rtSigpending: return sysRtSigpending(&c)
        case .rtSigsuspend: return sysRtSigsuspend(&c)
        case .rtSigreturn: return sysRtSigreturn(&c)
        case .sigaltstack: return sysSigaltstack(&c)
        // time and system
        case .clockGettime: return sysClockGettime(&c)
        case .clockGetres: return sysClockGetres(&c)
        case .gettimeofday: return sysGettimeofday(&c)
        case .nanosleep: return sysNanosleep(&c, clock: 1, flags: 0, request: c.a0, remain: c.a1)
        case .clockNanosleep: return sysNanosleep(&c, clock: c.a0, flags: c.a1, request: c.a2, remain: c.a3)
        case .getitimer: return sysGetitimer(&c)
        case .setitimer: return sysSetitimer(&c)
        case .times: return sysTimes(&c)
        case .schedYield: return .success(0)
        case .uname: return sysUname(&c)
        case .sethostname: return .error(.EPERM)
        case .getrandom: return sysGetrandom(&c)
        case .prlimit64: return sysPrlimit64(&c)
        case .getrlimit: return sysGetrlimit(&c)
        case .setrlimit: return .success(0)
        case .getrusage: return sysGetrusage(&c)
        case .umask:
            let old = c.process.umask
            c.process.umask = c.a0 & 0o777
            return .value(Int64(old))
        case .sysinfo: return sysSysinfo(&c)
        case .getpriority: return .success(20)
        case .setpriority: return .success(0)
        }
    }
}
