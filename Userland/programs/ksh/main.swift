// ksh: the Kenix shell. Reads lines from the console server and runs its
// built-in commands (the table in Commands.swift; `help` lists them); at the
// end of input (Ctrl-D) or `exit` it ends with status 0. Words are separated
// by spaces and tabs, and quotes ("..." or '...') keep spaces in one;
// `echo WORDS > FILE` (or `>> FILE`) writes instead of printing. Programs
// start by boot-image name or by path (`run`).
//
// Text is handled as bytes (no String), so the program needs no Unicode tables.

typealias Bytes = [UInt8]

/// The line's words: separated by spaces and tabs; "..." or '...' keeps
/// spaces in a word (`cat "/disk/A long name.txt"`), and the quotes go. nil
/// for a quote that is not closed.
func words(_ line: Bytes) -> [Bytes]? {
    var result: [Bytes] = []
    var current: Bytes = []
    var inWord = false
    var quote: UInt8? = nil
    for b in line {
        if let q = quote {
            if b == q { quote = nil } else { current.append(b) }
        } else if b == 0x22 || b == 0x27 {
            quote = b
            inWord = true
        } else if b == 0x20 || b == 0x09 {
            if inWord { result.append(current); current.removeAll() }
            inWord = false
        } else {
            current.append(b)
            inWord = true
        }
    }
    guard quote == nil else { return nil }
    if inWord { result.append(current) }
    return result
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    if arg & StartupOp.argumentFlag != 0 {
        let given = Startup.receive()
        taskDirectory = given.handle(InitHandle.taskDirectory)
        // The console's input is ours (and the programs' we run) while we
        // hold the key; without it, reads are refused (docs/capabilities.md).
        if let key = given.handle(InitHandle.consoleInput) { try? Console.claimInput(key: key) }
    }
    var line: Bytes = []
    while true {
        Console.write("ksh> ")
        guard Console.readLine(into: &line) else { break }
        guard let argv = words(line) else {
            Console.writeLine("ksh: a quote is not closed")
            continue
        }
        guard let name = argv.first else { continue }
        if equals(name, "exit") { return 0 }
        guard let command = commands.first(where: { equals(name, $0.name) }) else {
            Console.write("ksh: unknown command: ")
            Console.write(bytes: name)
            Console.writeLine(" (try help)")
            continue
        }
        let arguments = Array(argv.dropFirst())
        guard arguments.count >= command.minimum, arguments.count <= command.maximum else {
            Console.write("usage: ")
            Console.writeLine(command.usage)
            continue
        }
        command.run(arguments)
    }
    Console.newline()
    return 0
}
