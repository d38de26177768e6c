// System syscalls: uname, getrandom, prlimit64/getrlimit, getrusage,
// sysinfo. The numbers are fixed where Linux would report the machine's
// state, so that output is the same on every backend.

extension Server {
    /// uname: Linux 6.1.0 (glibc requires at least its ABI tag's 3.7.0).
    func sysUname(_ c: inout SyscallCall) -> Outcome {
        let fields: [StaticString] = ["Linux", "kenix", "6.1.0-kenix", "#1 Kenix", "aarch64", "(none)"]
        var b = [UInt8](repeating: 0, count: 65 * 6)
        for (i, f) in fields.enumerated() {
            for k in 0..<f.utf8CodeUnitCount { b[65 * i + k] = f.utf8Start[k] }
        }
        return Guest.write(c.task, c.a0, b) ? .success(0) : .error(.EFAULT)
    }

    /// getrandom(buf, length, flags): bytes of the server's deterministic
    /// generator (the simulator's runs stay reproducible).
    func sysGetrandom(_ c: inout SyscallCall) -> Outcome {
        guard c.a2 & ~7 == 0 else { return .error(.EINVAL) }
        let n = Int(min(c.a1, 1 << 25))
        var done = 0
        while done < n {
            let k = min(n - done, 4096)
            guard Guest.write(c.task, c.a0 &+ UInt64(done), random.bytes(k)) else {
                return done > 0 ? .success(done) : .error(.EFAULT)
            }
            done += k
        }
        return .success(n)
    }

    /// Resource limits: RLIMIT_STACK 8 MiB, RLIMIT_NOFILE 256, RLIMIT_CORE 0,
    /// the others unlimited.
    private func limit(_ resource: UInt64) -> (UInt64, UInt64)? {
        let infinity = UInt64.max
        switch resource {
        case 3: return (ExecLayout.stackSize, ExecLayout.stackSize)       // RLIMIT_STACK
        case 4: return (0, infinity)                                      // RLIMIT_CORE
        case 7: return (UInt64(FileTable.limit), UInt64(FileTable.limit)) // RLIMIT_NOFILE
        case 6: return (60, 60)                                           // RLIMIT_NPROC
        case 0...15: return (infinity, infinity)
        default: return nil
        }
    }

    /// prlimit64(pid, resource, new, old): setting is accepted and not kept.
    func sysPrlimit64(_ c: inout SyscallCall) -> Outcome {
        if c.a0 != 0 && c.a0 != UInt64(c.process.pid) && processes.find(pid: Int(Int32(truncatingIfNeeded: c.a0))) == nil { return .error(.ESRCH) }
        guard let (soft, hard) = limit(c.a1) else { return .error(.EINVAL) }
        if c.a2 != 0, Guest.read(c.task, c.a2, 16) == nil { return .error(.EFAULT) }
        if c.a3 != 0 {
            var b = [UInt8](repeating: 0, count: 16)
            LE.put64(&b, 0, soft); LE.put64(&b, 8, hard)
            guard Guest.write(c.task, c.a3, b) else { return .error(.EFAULT) }
        }
        return .success(0)
    }

    func sysGetrlimit(_ c: inout SyscallCall) -> Outcome {
        guard let (soft, hard) = limit(c.a0) else { return .error(.EINVAL) }
        var b = [UInt8](repeating: 0, count: 16)
        LE.put64(&b, 0, soft); LE.put64(&b, 8, hard)
        return Guest.write(c.task, c.a1, b) ? .success(0) : .error(.EFAULT)
    }

    func sysGetrusage(_ c: inout SyscallCall) -> Outcome {
        let who = Int64(bitPattern: c.a0)
        guard who == 0 || who == -1 || who == 1 else { return .error(.EINVAL) }
        return Guest.write(c.task, c.a1, [UInt8](repeating: 0, count: 144)) ? .success(0) : .error(.EFAULT)
    }

    /// sysinfo: uptime, memory from mem_info, the process count.
    func sysSysinfo(_ c: inout SyscallCall) -> Outcome {
        let m = Kenix.memoryInfo()
        var b = [UInt8](repeating: 0, count: 112)
        LE.put64(&b, 0, (Kenix.clock() - bootTime) / 1_000_000_000)
        LE.put64(&b, 32, m.totalFrames * 4096)
        LE.put64(&b, 40, UInt64(max(m.freeFrames, 0)) * 4096)
        LE.put64(&b, 64, m.swapSlots * 4096)
        LE.put64(&b, 72, (m.swapSlots - m.swapUsed) * 4096)
        LE.put16(&b, 80, UInt16(processes.all.count))
        LE.put32(&b, 104, 1)   // mem_unit
        return Guest.write(c.task, c.a0, b) ? .success(0) : .error(.EFAULT)
    }
}
