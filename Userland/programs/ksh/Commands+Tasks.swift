// Task commands: ps, mem, run (a boot-image program by name, or an ELF file
// by path through spawn_image) and kill.

func ps() {
    Console.writeLine("   ID  STATE     PRI  NAME")
    for slot: UInt64 in 1..<64 {
        guard let info = try? Kenix.taskInfo(slot: slot) else { continue }
        writeNumber(info.id, width: 5)
        switch info.state {
        case .running: Console.write("  running ")
        case .ready: Console.write("  ready   ")
        case .blocked: Console.write("  blocked ")
        case .zombie: Console.write("  ended   ")
        }
        writeNumber(info.priority, width: 4)
        Console.write("  ")
        var name = info.name
        withUnsafeBytes(of: &name) { raw in
            for b in raw where b != 0 { _ = kx_putchar(Int32(b)) }
        }
        Console.newline()
    }
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
func spawnFromPath(_ path: Bytes, argument: UInt64) -> Result<TaskID, SyscallError>? {
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
            try? SharedMemory.release(object)
            throw error
        }
    } catch {
        return .failure(error)
    }
    defer { try? SharedMemory.release(object) }
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

func run(_ args: [Bytes]) {
    let name = args[0]
    var argument: UInt64 = 0
    if args.count == 2 {
        guard let n = number(args[1]) else { return Console.writeLine("run: N must be a number") }
        argument = n
    }
    let spawned: Result<TaskID, SyscallError>
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
    let child: TaskID
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
    do throws(SyscallError) {
        try Kenix.kill(id)
    } catch {
        Console.write("kill: ")
        Console.writeLine(error.name)
    }
}
