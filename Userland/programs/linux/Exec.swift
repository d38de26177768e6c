// Exec: turning a file into a running Linux program, for execve and for
// programs Kenix launches. The file is resolved (a `#!` script runs its
// interpreter, up to 4 levels), its ELF header checked (static AArch64
// ET_EXEC only), its bytes staged in a shared-memory object the kernel
// loads from (task_create / task_exec), and the process's memory set up:
// an 8 MiB stack (demand-paged) with argv, envp and the auxiliary vector,
// the signal trampoline page above it, the break after the image. The
// staging object is reused, and keeps the last program: running busybox
// again copies nothing.

enum ExecLayout {
    /// The initial stack's top, and the trampoline page right above it.
    static let stackTop: UInt64 = 0x7FFF_FFFF_0000
    static let stackSize: UInt64 = 8 << 20
    /// The most the initial stack's strings and tables may take.
    static let argumentLimit = 512 * 1024
    static let minimumStaging: UInt64 = 2 << 20
    static let rw = MemoryProtection.read | MemoryProtection.write
}

/// A program ready for the kernel: its bytes at the start of the staging object.
struct StagedProgram {
    var program: ELFProgram
    var length: UInt64
    var path: [UInt8]
    var argv: [[UInt8]]
}

/// The shared-memory object programs are loaded from, and what it holds.
struct Staging {
    var shm: UInt64 = 0
    var size: UInt64 = 0
    var base: UnsafeMutableRawPointer? = nil
    /// (path, inode, size, modification time) of the file it holds.
    var holds: ([UInt8], UInt64, UInt64, UInt64)? = nil
    var holdsKenix = false

    /// Room for `length` bytes (a larger object when needed).
    mutating func reserve(_ length: UInt64) -> Bool {
        if length <= size, base != nil { return true }
        let want = max(ExecLayout.minimumStaging, (length + 0xFFFFF) & ~0xFFFFF)
        guard want <= SyscallLimits.maxSharedMemorySize,
              let id = try? SharedMemory.create(size: want) else { return false }
        if base != nil { try? SharedMemory.unmap(shm) }
        guard let address = try? SharedMemory.map(id) else { base = nil; size = 0; return false }
        shm = id; size = want; base = UnsafeMutableRawPointer(bitPattern: UInt(address)); holds = nil
        return true
    }
}

extension Server {
    /// Resolves `path` (following `#!`), stages the ELF and returns what to
    /// run with which arguments.
    func stage(_ path: [UInt8], argv original: [[UInt8]], cwd: [UInt8], exe: [UInt8]) -> Result<StagedProgram, Errno> {
        var path = path
        var argv = original
        var depth = 0
        while true {
            var absolute = PathName.join(cwd, path)
            if absolute == PathName.bytes("/proc/self/exe") { absolute = exe }
            let node: FileNode
            switch LinuxFiles.open(absolute, flags: OpenFlag.readOnly) {
            case .failure(let e): return .failure(e)
            case .success(let n): node = n
            }
            defer { node.close() }
            guard node.info.type == .regular else { return .failure(.EACCES) }
            var head = [UInt8](repeating: 0, count: 4096)
            let got = head.withUnsafeMutableBytes { node.readLocal(into: $0.baseAddress!, $0.count, at: 0) }
            guard got >= 0 else { return .failure(.EIO) }
            head.removeLast(head.count - got)
            switch ProgramHeader.classify(head) {
            case .script(let interpreter, let argument):
                depth += 1
                guard depth <= 4 else { return .failure(.ELOOP) }
                var next = [interpreter]
                if let argument { next.append(argument) }
                next.append(path)
                next += argv.dropFirst()
                argv = next
                path = interpreter
                continue
            case .notExecutable:
                return .failure(.ENOEXEC)
            case .unsupported(let why):
                switch why {
                case .dynamic:
                    Log.line("dynamically linked programs are not supported: ", absolute)
                    return .failure(.ENOENT)    // as Linux says when the interpreter is missing
                case .positionIndependent:
                    Log.line("position-independent executables are not supported: ", absolute)
                    return .failure(.ENOEXEC)
                case .wrongMachine, .damaged:
                    return .failure(.ENOEXEC)
                }
            case .elf(let program):
                let length = node.info.size
                let identity = (absolute, node.info.inode, length, node.info.modified)
                if let h = staging.holds, h.0 == identity.0, h.1 == identity.1, h.2 == identity.2, h.3 == identity.3,
                   !staging.holdsKenix {
                    return .success(StagedProgram(program: program, length: length, path: absolute, argv: argv))
                }
                guard staging.reserve(length), let base = staging.base else { return .failure(.ENOMEM) }
                staging.holds = nil
                let n = node.readLocal(into: base, Int(length), at: 0)
                guard n == Int(length) else { return .failure(.EIO) }
                staging.holds = identity
                staging.holdsKenix = false
                // A Kenix program (its note may sit anywhere in the file) is not
                // ours to run: its syscalls are Kenix's.
                let image = UnsafeRawBufferPointer(start: base, count: Int(length))
                if Program.isKenix({ offset, count in
                    guard offset >= 0, offset < image.count else { return [] }
                    return Array(image[offset..<min(image.count, offset + count)])
                }) {
                    staging.holdsKenix = true
                    Log.line("a Kenix program, not a Linux one (run it from ksh): ", absolute)
                    return .failure(.ENOEXEC)
                }
                return .success(StagedProgram(program: program, length: length, path: absolute, argv: argv))
            }
        }
    }

    /// Sets up a freshly loaded task (its image mapped, registers zero, pc
    /// at the entry): stack, trampoline, break, registers. False when memory
    /// ran out.
    func setUpImage(_ p: Process, _ staged: StagedProgram, envp: [[UInt8]]) -> Bool {
        let task = p.task
        let top = ExecLayout.stackTop
        guard (try? Tasks.map(task, hint: top - ExecLayout.stackSize, length: ExecLayout.stackSize,
                              prot: ExecLayout.rw, flags: MapFlags.fixed)) != nil,
              (try? Tasks.map(task, hint: top, length: 4096, prot: ExecLayout.rw, flags: MapFlags.fixed)) != nil
        else { return false }
        // mov x8, #139 (rt_sigreturn); svc #0
        guard Guest.write(task, top, [0x68, 0x11, 0x80, 0xD2, 0x01, 0x00, 0x00, 0xD4]),
              (try? Tasks.protect(task, top, length: 4096,
                                  prot: MemoryProtection.read | MemoryProtection.execute)) != nil
        else { return false }
        // AT_HWCAP is the one CPU baseline every backend and engine implements
        // (KenixABI CPUBaseline, docs/cpu-baseline.md): no copy of it here.
        let info = ExecInfo(phdr: staged.program.phdr, phent: staged.program.phent, phnum: staged.program.phnum,
                            entry: staged.program.entry, hwcap: CPUBaseline.hwcap, hwcap2: CPUBaseline.hwcap2,
                            random: random.bytes(16))
        guard let (sp, bytes) = InitialStack.build(top: top, argv: staged.argv, envp: envp, execfn: staged.path,
                                                   info: info, limit: ExecLayout.argumentLimit),
              Guest.write(task, sp, bytes) else { return false }
        var r = UserRegisters()
        r.sp = sp
        r.pc = staged.program.entry
        guard Guest.setRegisters(task, r) else { return false }
        let brk = (staged.program.end + 4095) & ~4095
        p.memory = ProcessMemory(brkStart: brk, brk: brk, brkMapped: brk, trampoline: top, mmapCursor: 0)
        p.exe = staged.path
        p.name = Array((PathName.split(staged.path)?.name ?? staged.path).prefix(15))
        return true
    }

    /// execve(path, argv, envp).
    func sysExecve(_ c: inout SyscallCall) -> Outcome {
        let p = c.process
        let path: [UInt8], argv: [[UInt8]], envp: [[UInt8]]
        switch Guest.string(c.task, c.a0) {
        case .failure(let e): return .error(e)
        case .success(let s): path = s
        }
        guard !path.isEmpty else { return .error(.ENOENT) }
        switch Guest.stringArray(c.task, c.a1) {
        case .failure(let e): return .error(e)
        case .success(let a): argv = a
        }
        switch Guest.stringArray(c.task, c.a2) {
        case .failure(let e): return .error(e)
        case .success(let e): envp = e
        }
        let staged: StagedProgram
        switch stage(path, argv: argv, cwd: p.cwd, exe: p.exe) {
        case .failure(let e): return .error(e)
        case .success(let s): staged = s
        }
        guard (try? Tasks.exec(p.task, shm: staging.shm, length: staged.length)) != nil else {
            return .error(.ENOMEM)
        }
        // The point of no return: the old image is gone.
        for fd in p.files.openDescriptors where p.files.descriptor(UInt64(fd))?.closeOnExec == true {
            if let last = p.files.remove(fd) { release(last) }
        }
        p.signals.resetForExec()
        p.hasExeced = true
        p.clearChildTid = 0
        guard setUpImage(p, staged, envp: envp) else {
            kill(p, WaitStatus.killedBy(Signal.SIGSEGV))
            return .done
        }
        releaseVfork(p)
        if (try? Tasks.resume(p.task)) == nil { taskVanished(p) }
        return .done
    }
}
