// ksh: the Kenix shell. Reads lines from the console server and runs a few
// built-in commands; at the end of input (Ctrl-D) it exits with status 0.
//
//   help            list the commands
//   echo WORDS...   print the words
//   ps              tasks with their state and priority
//   mem             free and used frames (and swap, if any)
//   run NAME [N]    start a program from the initrd (argument N) and wait for it
//   run PATH ARGS   run a Linux program (PATH absolute, e.g. /bin/busybox sh)
//                   through the Linux server, and wait for it
//   kill ID         end a task
//   exit            leave the shell
//
// Text typed at the shell is handled as bytes (no String), so the program
// needs no Unicode tables.

typealias Bytes = [UInt8]

func words(_ line: Bytes) -> [Bytes] {
    var result: [Bytes] = []
    var current: Bytes = []
    for b in line {
        if b == 0x20 || b == 0x09 {
            if !current.isEmpty { result.append(current); current.removeAll() }
        } else {
            current.append(b)
        }
    }
    if !current.isEmpty { result.append(current) }
    return result
}

func equals(_ bytes: Bytes, _ s: StaticString) -> Bool {
    guard bytes.count == s.utf8CodeUnitCount else { return false }
    for i in 0..<bytes.count where bytes[i] != s.utf8Start[i] { return false }
    return true
}

/// A decimal number, or nil.
func number(_ bytes: Bytes) -> UInt64? {
    guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
    var value: UInt64 = 0
    for b in bytes {
        guard b >= 0x30 && b <= 0x39 else { return nil }
        value = value * 10 + UInt64(b - 0x30)
    }
    return value
}

func help() {
    Console.writeLine("commands:")
    Console.writeLine("  help            this list")
    Console.writeLine("  echo WORDS...   print the words")
    Console.writeLine("  ps              tasks with their state and priority")
    Console.writeLine("  mem             free and used frames (and swap, if any)")
    Console.writeLine("  run NAME [N]    start a program from the initrd (argument N) and wait for it")
    Console.writeLine("  run PATH ARGS   run a Linux program (e.g. run /bin/busybox sh) and wait for it")
    Console.writeLine("  kill ID         end a task")
    Console.writeLine("  exit            leave the shell")
}

func echo(_ args: ArraySlice<Bytes>) {
    var first = true
    for word in args {
        if !first { Console.write(" ") }
        Console.write(bytes: word)
        first = false
    }
    Console.newline()
}

/// Writes `value` right-aligned in `width` columns.
func writeNumber(_ value: UInt64, width: Int) {
    var digits = 1
    var v = value
    while v >= 10 { v /= 10; digits += 1 }
    for _ in digits..<max(width, digits) { Console.write(" ") }
    Console.write(value)
}

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

/// Whether boot-image file `name` is a foreign (Linux) program: an ELF
/// without the Kenix note.
func isForeign(_ name: Bytes) -> Bool {
    var head = [UInt8](repeating: 0, count: 4096)
    let n: Int? = name.withUnsafeBytes { nameRaw in
        head.withUnsafeMutableBytes { raw in
            Int(exactly: RawSyscall.invoke(.imageRead, UInt64(UInt(bitPattern: nameRaw.baseAddress)),
                                           UInt64(nameRaw.count), 0, UInt64(UInt(bitPattern: raw.baseAddress)),
                                           UInt64(raw.count)))
        }
    }
    guard let n, n >= 64 else { return false }
    head.removeLast(head.count - n)
    return head[0] == 0x7F && head[1] == 0x45 && !Program.isKenix(head)
}

/// Runs a Linux program through the Linux server and reports how it ended.
func runLinux(_ path: Bytes, _ argv: [Bytes]) {
    switch Linux.run(path: path, arguments: argv) {
    case .failure(.noServer): Console.writeLine("run: no Linux server")
    case .failure(.tooLong): Console.writeLine("run: arguments too long")
    case .failure(.errno(let e)):
        Console.write("run: ")
        Console.write(bytes: path)
        Console.write(": ")
        switch e {
        case 2: Console.writeLine("no such file")
        case 8: Console.writeLine("not an executable the Linux server runs")
        case 13: Console.writeLine("permission denied")
        default: Console.write("Linux error "); Console.write(UInt64(e)); Console.newline()
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

func run(_ name: Bytes, argument: UInt64 = 0) {
    if isForeign(name) {
        var path = words([0x2F, 0x62, 0x6F, 0x6F, 0x74, 0x2F])[0]   // "/boot/"
        path += name
        return runLinux(path, [path])
    }
    // withUnsafeBytes rethrows untyped errors, so the result is carried out as a Result.
    let spawned: Result<TaskID, SyscallError> = name.withUnsafeBytes { raw in
        do throws(SyscallError) { return .success(try Kenix.spawn(name: raw, arg: argument)) }
        catch { return .failure(error) }
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

func kill(_ arg: Bytes) {
    guard let id = number(arg) else { return Console.writeLine("kill: not a task id") }
    do throws(SyscallError) {
        try Kenix.kill(id)
    } catch {
        Console.write("kill: ")
        Console.writeLine(error.name)
    }
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    var line: Bytes = []
    while true {
        Console.write("ksh> ")
        guard Console.readLine(into: &line) else { break }
        let argv = words(line)
        guard let command = argv.first else { continue }
        if equals(command, "help") { help() }
        else if equals(command, "echo") { echo(argv.dropFirst()) }
        else if equals(command, "ps") { ps() }
        else if equals(command, "mem") { mem() }
        else if equals(command, "run") && argv.count >= 2 && argv[1].first == 0x2F { runLinux(argv[1], Array(argv.dropFirst())) }
        else if equals(command, "run") && argv.count == 2 { run(argv[1]) }
        else if equals(command, "run") && argv.count == 3 {
            if let n = number(argv[2]) { run(argv[1], argument: n) } else { Console.writeLine("run: N must be a number") }
        }
        else if equals(command, "kill") && argv.count == 2 { kill(argv[1]) }
        else if equals(command, "exit") { return 0 }
        else {
            Console.write("ksh: unknown command: ")
            Console.write(bytes: command)
            Console.writeLine(" (try help)")
        }
    }
    Console.newline()
    return 0
}
