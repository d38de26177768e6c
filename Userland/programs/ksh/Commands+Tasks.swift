// Task commands: ps, mem, run and kill. `run` starts a Kenix program (a
// boot-image name, or an ELF file by path through spawn_image; argument N)
// or a Linux program (any executable without the Kenix note: busybox, the
// static test programs) through the Linux server, with the words after it
// as its arguments; the Kenix note decides (Program.isKenix).
// `ps` and `kill ID` act through the
// task directory handle init gives the shell (docs/capabilities.md); a shell
// started without one (a nested `run ksh`) sees only its own children.

/// The task directory handle, if the parent gave one (Startup).
nonisolated(unsafe) var taskDirectory: Handle? = nil

/// Restart counts by task id, asked of the supervisor (SupervisorOp.server).
func restartCounts() -> [(id: TaskID, restarts: UInt64)] {
    var counts: [(id: TaskID, restarts: UInt64)] = []
    var index: UInt64 = 0
    while let m = try? Service.call(.supervisor, Message(tag: SupervisorOp.server.rawValue, index)), m.tag == 0 {
        counts.append((m.w0, m.w1))
        index += 1
    }
    return counts
}

func ps() {
    guard let directory = taskDirectory else { return Console.writeLine("ps: notPermitted (no task directory)") }
    let restarts = restartCounts()
    Console.writeLine("   ID  STATE     PRI  FRAMES/QUOTA   TASKS  OBJECTS  RESTARTS  NAME")
    var slot: UInt64 = 1
    while true {
        let info: TaskInfo?
        do throws(SyscallError) { info = try Kenix.taskInfo(directory: directory, slot: slot) } catch { break }
        defer { slot += 1 }
        guard let info else { continue }
        writeNumber(info.id, width: 5)
        switch info.state {
        case .running: Console.write("  running ")
        case .ready: Console.write("  ready   ")
        case .blocked: Console.write("  blocked ")
        case .zombie: Console.write("  ended   ")
        }
        writeNumber(info.priority, width: 4)
        if let q = try? Kenix.quota(directory: directory, slot: slot) {
            writeNumber(q.framesUsed, width: 7)
            Console.write("/")
            Console.write(q.framesLimit)
            for _ in digits(q.framesLimit)..<7 { Console.write(" ") }
            writeNumber(q.tasksUsed, width: 5)
            writeNumber(q.objectsUsed, width: 9)
        } else {
            Console.write("      -         -            -")
        }
        if let r = restarts.first(where: { $0.id == info.id }) {
            writeNumber(r.restarts, width: 10)
        } else {
            Console.write("         -")
        }
        Console.write("  ")
        var name = info.name
        withUnsafeBytes(of: &name) { raw in
            for b in raw where b != 0 { _ = kx_putchar(Int32(b)) }
        }
        Console.newline()
    }
}

/// How many decimal digits `n` prints as.
func digits(_ n: UInt64) -> Int {
    var count = 1
    var rest = n / 10
    while rest > 0 { count += 1; rest /= 10 }
    return count
}

func mem() {
    let info = Kenix.memoryInfo()
    Console.write("frames: ")
    Console.write(info.freeFrames)
    Console.write(" free, ")
    Console.write(info.totalFrames - info.freeFrames)
    Console.write(" used, ")
    Console.write(info.totalFrames)
    Console.write(" total (4 KiB each)")
    Console.newline()
    if let q = try? Kenix.quota() {
        Console.write("shell quota: ")
        Console.write(q.framesUsed)
        Console.write(" of ")
        Console.write(q.framesLimit)
        Console.write(" frames, ")
        Console.write(q.tasksUsed)
        Console.write(" of ")
        Console.write(q.tasksLimit)
        Console.write(" tasks, ")
        Console.write(q.swapUsed)
        Console.write(" of ")
        Console.write(q.swapLimit)
        Console.write(" swap pages, ")
        Console.write(q.objectsUsed)
        Console.write(" of ")
        Console.write(q.objectsLimit)
        Console.write(" objects")
        Console.newline()
    }
    guard info.swapSlots > 0 else { return }
    Console.write("swap: ")
    Console.write(info.swapUsed)
    Console.write(" of ")
    Console.write(info.swapSlots)
    Console.write(" pages used; ")
    Console.write(info.pagesOut)
    Console.write(" written out, ")
    Console.write(info.pagesIn)
    Console.write(" read back")
    Console.newline()
}

/// Starts the ELF at `path`: its bytes go into a shared-memory object the
/// kernel loads from (spawn_image, which keeps nothing of it); the shell is
/// the parent, and lets the object go (shm_release) as soon as the kernel
/// has loaded the program, so a shell that runs many programs holds none.
func spawnFromPath(_ path: Bytes, argument: UInt64) -> Result<Handle, SyscallError>? {
    let bytes: Bytes
    do throws(FileError) { bytes = try Files.contents(of: path) } catch {
        report("run", path, error)
        return nil
    }
    guard !bytes.isEmpty, UInt64(bytes.count) <= SyscallLimits.maxSharedMemorySize else {
        return .failure(.badExecutable)
    }
    let object: UInt64
    let address: UInt64
    do throws(SyscallError) {
        object = try SharedMemory.create(size: (UInt64(bytes.count) + 4095) & ~4095)
        do throws(SyscallError) { address = try SharedMemory.map(object) } catch {
            SharedMemory.release(object)
            throw error
        }
    } catch {
        return .failure(error)
    }
    defer { SharedMemory.release(object) }
    let target = UnsafeMutableRawPointer(bitPattern: UInt(address))!
    bytes.withUnsafeBytes { target.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    let name = baseName(path)
    return name.withUnsafeBytes { raw in
        do throws(SyscallError) {
            return .success(try Kenix.spawn(image: object, length: UInt64(bytes.count), name: raw, arg: argument))
        } catch {
            return .failure(error)
        }
    }
}

/// What kind of program `name` (a path, or a boot-image name) is: nil when
/// it cannot be read; true for a foreign program (an ELF without the Kenix
/// note, which the Linux server runs).
func isForeign(_ name: Bytes) -> Bool? {
    if name.contains(0x2F) {
        guard let f = try? File.open(name) else { return nil }
        defer { try? f.close() }
        return isForeign { offset, count in
            var b = [UInt8](repeating: 0, count: count)
            let n: Int? = b.withUnsafeMutableBytes { raw in try? f.read(at: UInt64(offset), into: raw) }
            guard let n else { return nil }
            b.removeLast(count - n)
            return b
        }
    }
    return isForeign { offset, count in
        var b = [UInt8](repeating: 0, count: count)
        let n: Int64 = name.withUnsafeBytes { nameRaw in
            b.withUnsafeMutableBytes { raw in
                RawSyscall.invoke(.imageRead, UInt64(UInt(bitPattern: nameRaw.baseAddress)), UInt64(nameRaw.count),
                                  UInt64(offset), UInt64(UInt(bitPattern: raw.baseAddress)), UInt64(raw.count))
            }
        }
        guard n >= 0 else { return nil }
        b.removeLast(count - Int(n))
        return b
    }
}

/// An ELF without the Kenix note: a Linux program.
func isForeign(_ read: (Int, Int) -> [UInt8]?) -> Bool? {
    guard let h = read(0, 4), h.count == 4 else { return nil }
    return h == [0x7F, 0x45, 0x4C, 0x46] && !Program.isKenix(read)
}

/// Runs a Linux program through the Linux server and reports how it ended.
func runLinux(_ path: Bytes, _ argv: [Bytes]) {
    switch Linux.run(path: path, arguments: argv) {
    case .failure(.noServer): Console.writeLine("run: no Linux server")
    case .failure(.tooLong): Console.writeLine("run: arguments too long")
    case .failure(.errno(let e)):
        Console.write("run: ")
        Console.write(bytes: path)
        switch e {
        case 2: Console.writeLine(": no such file")
        case 8: Console.writeLine(": not an executable the Linux server runs")
        case 13: Console.writeLine(": permission denied")
        default: Console.write(": Linux error "); Console.write(UInt64(e)); Console.newline()
        }
    case .success(let status):
        Console.write("[")
        Console.write(bytes: path)
        if status.exited {
            Console.write(" exited with status ")
            Console.write(status.exitCode)
        } else {
            Console.write(" killed by signal ")
            Console.write(status.signal)
        }
        Console.writeLine("]")
    }
}

func run(_ args: [Bytes]) {
    let name = args[0]
    if isForeign(name) == true {
        let path = name.contains(0x2F) ? name : Array("/boot/".utf8) + name
        return runLinux(path, [name.contains(0x2F) ? name : path] + args.dropFirst())
    }
    var argument: UInt64 = 0
    if args.count > 2 { return Console.writeLine("run: a Kenix program takes one number (run PROGRAM [N])") }
    if args.count == 2 {
        guard let n = number(args[1]) else { return Console.writeLine("run: N must be a number") }
        argument = n
    }
    let spawned: Result<Handle, SyscallError>
    if name.contains(0x2F) {
        guard let result = spawnFromPath(name, argument: argument) else { return }
        spawned = result
    } else {
        // withUnsafeBytes rethrows untyped errors, so the result is carried out as a Result.
        spawned = name.withUnsafeBytes { raw in
            do throws(SyscallError) { return .success(try Kenix.spawn(name: raw, arg: argument)) }
            catch { return .failure(error) }
        }
    }
    let child: Handle
    switch spawned {
    case .success(let id): child = id
    case .failure(let error):
        Console.write("run: ")
        Console.write(bytes: name)
        Console.write(": ")
        Console.writeLine(error.name)
        return
    }
    // The program runs in the foreground: typed lines go to it until it ends.
    try? Console.lendInput(to: child)
    switch try? Kenix.wait(child) {
    case .exited(let status):
        Console.write("[")
        Console.write(bytes: name)
        Console.write(" exited with status ")
        Console.write(status)
        Console.writeLine("]")
    case .killed(let reason):
        Console.write("[")
        Console.write(bytes: name)
        Console.write(" was killed: ")
        Console.writeLine(KillReason(rawValue: reason)?.name ?? "unknown")
    case nil:
        Console.writeLine("run: wait failed")
    }
}

func kill(_ args: [Bytes]) {
    guard let id = number(args[0]) else { return Console.writeLine("kill: not a task id") }
    guard let directory = taskDirectory else { return Console.writeLine("kill: notPermitted (no task directory)") }
    do throws(SyscallError) {
        try Kenix.kill(id: id, directory: directory)
    } catch {
        Console.write("kill: ")
        Console.writeLine(error.name)
    }
}
