// Memory syscalls: brk, mmap, munmap, mprotect, mremap. The kernel keeps
// the regions (task_map, task_unmap, task_protect); the server keeps the
// break and Linux's rules: MAP_FIXED replaces what was there, a private
// file mapping is a copy of the file's bytes, PROT_WRITE|PROT_EXEC is
// refused (W^X: -EACCES), shared file mappings are not supported (-ENODEV).

enum MapFlag {
    static let shared: UInt64 = 0x01
    static let privateMapping: UInt64 = 0x02
    static let fixed: UInt64 = 0x10
    static let anonymous: UInt64 = 0x20
    static let fixedNoReplace: UInt64 = 0x100000
    static let known: UInt64 = 0x03 | 0x10 | 0x20 | 0x100 /* GROWSDOWN */ | 0x800 /* DENYWRITE */ | 0x1000 /* EXECUTABLE */
        | 0x2000 /* LOCKED */ | 0x4000 /* NORESERVE */ | 0x8000 /* POPULATE */ | 0x10000 /* NONBLOCK */
        | 0x20000 /* STACK */ | 0x40000 /* HUGETLB */ | 0x100000 | 0x80000 /* SYNC */
}

extension Server {
    static let page: UInt64 = 4096

    /// brk(addr): moves the break within [start, ...); returns the break
    /// (the old one when it cannot move, as Linux does).
    func sysBrk(_ c: inout SyscallCall) -> Outcome {
        let p = c.process
        var m = p.memory
        let want = c.a0
        guard want >= m.brkStart, want < ExecLayout.stackTop - ExecLayout.stackSize else { return .value(Int64(m.brk)) }
        let top = (want + Self.page - 1) & ~(Self.page - 1)
        if top > m.brkMapped {
            guard (try? Tasks.map(p.task, hint: m.brkMapped, length: top - m.brkMapped, prot: ExecLayout.rw,
                                  flags: MapFlags.fixed)) != nil else { return .value(Int64(m.brk)) }
            m.brkMapped = top
        } else if top < m.brkMapped {
            guard (try? Tasks.unmap(p.task, top, length: m.brkMapped - top)) != nil else { return .value(Int64(m.brk)) }
            m.brkMapped = top
        }
        m.brk = want
        p.memory = m
        return .value(Int64(want))
    }

    /// Kenix rights from Linux PROT_* (READ 1, WRITE 2, EXEC 4: the same bits).
    private func rights(_ prot: UInt64) -> UInt64? {
        guard prot & ~7 == 0 else { return nil }
        return prot
    }

    /// mmap(addr, length, prot, flags, fd, offset).
    func sysMmap(_ c: inout SyscallCall) -> Outcome {
        let p = c.process
        let (hint, length, prot, flags) = (c.a0, c.a1, c.a2, c.a3)
        guard length > 0, length <= 1 << 40, flags & ~MapFlag.known == 0 else { return .error(.EINVAL) }
        let kind = flags & 3
        guard kind == MapFlag.shared || kind == MapFlag.privateMapping else { return .error(.EINVAL) }
        guard let r = rights(prot) else { return .error(.EINVAL) }
        if prot & 2 != 0 && prot & 4 != 0 { return .error(.EACCES) }
        let size = (length + Self.page - 1) & ~(Self.page - 1)
        let fixed = flags & (MapFlag.fixed | MapFlag.fixedNoReplace) != 0
        if fixed {
            guard hint & (Self.page - 1) == 0, hint >= UserLayout.imageBase,
                  hint < UserLayout.userLimit, size <= UserLayout.userLimit - hint else { return .error(.EINVAL) }
        }
        var file: OpenFile? = nil
        let offset = c.a5()
        if flags & MapFlag.anonymous == 0 {
            guard let f = self.file(c, c.a4()) else { return .error(.EBADF) }
            guard case .node(let n) = f.object, !n.isDirectory else { return .error(.ENODEV) }
            guard offset & (Self.page - 1) == 0 else { return .error(.EINVAL) }
            guard f.canRead else { return .error(.EACCES) }
            if kind == MapFlag.shared { return .error(.ENODEV) }
            file = f
        }
        // Where: exactly at a fixed address (replacing what was there), else anywhere.
        let address: UInt64
        let mapRights = file != nil ? r | MemoryProtection.write : r
        if fixed {
            if flags & MapFlag.fixedNoReplace == 0 { _ = try? Tasks.unmap(p.task, hint, length: size) }
            guard let a = try? Tasks.map(p.task, hint: hint, length: size, prot: mapRights,
                                         flags: MapFlags.fixed | (kind == MapFlag.shared ? MapFlags.shared : 0))
            else { return .error(flags & MapFlag.fixedNoReplace != 0 ? .EEXIST : .ENOMEM) }
            address = a
        } else {
            guard let a = try? Tasks.map(p.task, hint: 0, length: size, prot: mapRights,
                                         flags: kind == MapFlag.shared ? MapFlags.shared : 0)
            else { return .error(.ENOMEM) }
            address = a
        }
        if let f = file, case .node(let n) = f.object {
            // A private copy of the file's bytes, then the asked rights.
            var done: UInt64 = 0
            while done < size {
                let k = min(size - done, UInt64(Self.scratchSize))
                let got = n.read(into: .local(scratch), Int(k), at: offset &+ done)
                if got <= 0 { break }
                guard Guest.writeFrom(p.task, address + done, scratch, Int(got)) else { break }
                done += UInt64(got)
                if got < Int64(k) { break }
            }
            if mapRights != r { _ = try? Tasks.protect(p.task, address, length: size, prot: r) }
        }
        return .value(Int64(address))
    }

    func sysMunmap(_ c: inout SyscallCall) -> Outcome {
        guard c.a0 & (Self.page - 1) == 0, c.a1 > 0, c.a1 <= UserLayout.userLimit,
              c.a0 < UserLayout.userLimit else { return .error(.EINVAL) }
        let size = (c.a1 + Self.page - 1) & ~(Self.page - 1)
        guard size <= UserLayout.userLimit - c.a0 else { return .error(.EINVAL) }
        if c.a0 < UserLayout.imageBase { return .success(0) }
        do throws(SyscallError) {
            try Tasks.unmap(c.task, c.a0, length: size)
            return .success(0)
        } catch {
            return .error(error == .limitReached ? .ENOMEM : .EINVAL)
        }
    }

    func sysMprotect(_ c: inout SyscallCall) -> Outcome {
        guard c.a0 & (Self.page - 1) == 0, let r = rights(c.a2) else { return .error(.EINVAL) }
        if c.a2 & 2 != 0 && c.a2 & 4 != 0 { return .error(.EACCES) }
        if c.a1 == 0 { return .success(0) }
        guard c.a1 <= UserLayout.userLimit else { return .error(.ENOMEM) }
        let size = (c.a1 + Self.page - 1) & ~(Self.page - 1)
        guard c.a0 >= UserLayout.imageBase, c.a0 < UserLayout.userLimit, size <= UserLayout.userLimit - c.a0 else {
            return .error(.ENOMEM)
        }
        do throws(SyscallError) {
            try Tasks.protect(c.task, c.a0, length: size, prot: r)
            return .success(0)
        } catch {
            return .error(error == .invalidArgument ? .ENOMEM : .EINVAL)
        }
    }

    /// mremap(old, oldsize, newsize, flags): shrinking in place, or -ENOMEM
    /// (glibc's realloc then allocates anew and copies).
    func sysMremap(_ c: inout SyscallCall) -> Outcome {
        guard c.a0 & (Self.page - 1) == 0, c.a2 > 0, c.a1 <= UserLayout.userLimit, c.a2 <= UserLayout.userLimit,
              c.a0 < UserLayout.userLimit else { return .error(.EINVAL) }
        let old = (c.a1 + Self.page - 1) & ~(Self.page - 1), new = (c.a2 + Self.page - 1) & ~(Self.page - 1)
        if new == old { return .value(Int64(c.a0)) }
        if new < old {
            _ = try? Tasks.unmap(c.task, c.a0 + new, length: old - new)
            return .value(Int64(c.a0))
        }
        return .error(.ENOMEM)
    }
}
