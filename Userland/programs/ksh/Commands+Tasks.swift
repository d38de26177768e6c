// Task commands: ps, mem, run (a boot-image program by name, or an ELF file
// by path through spawn_image) and kill. `ps` and `kill ID` act through the
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
    Console.writeLine("   ID  STATE     PRI  FRAMES/QUOTA   TASKS  RESTARTS  NAME")
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
        } else {
            Console.write("      -         -    ")
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
        Console.write(" swap pages")
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

/// The shared-memory object `run PATH` loads programs into, kept for the
/// next run (the shell cannot give an object back short of ending).
var imageObject: (id: UInt64, size: UInt64, address: UInt64)? = nil

/// Starts the ELF at `path`: its bytes go into a shared-memory object the
/// kernel loads from (spawn_image); the shell is the parent.
func spawnFromPath(_ path: Bytes, argument: UInt64) -> Result<Handle, SyscallError>? {
    let bytes: Bytes
    do throws(FileError) { bytes = try Files.contents(of: path) } catch {
        report("run", path, error)
        return nil
    }
    guard !bytes.isEmpty, UInt64(bytes.count) <= SyscallLimits.maxSharedMemorySize else {
        return .failure(.badExecutable)
    }
    let needed = (UInt64(bytes.count) + 4095) & ~4095
    if imageObject == nil || imageObject!.size < needed {
        do throws(SyscallError) {
            let id = try SharedMemory.create(size: needed)
            imageObject = (id, needed, try SharedMemory.map(id))
        } catch {
            return .failure(error)
        }
    }
    let object = imageObject!
    let target = UnsafeMutableRawPointer(bitPattern: UInt(object.address))!
    bytes.withUnsafeBytes { target.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    let name = baseName(path)
    return name.withUnsafeBytes { raw in
        do throws(SyscallError) {
            return .success(try Kenix.spawn(image: object.id, length: UInt64(bytes.count), name: raw, arg: argument))
        } catch {
            return .failure(error)
        }
    }
}

func run(_ args: [Bytes]) {
    let name = args[0]
    var argument: UInt64 = 0
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
