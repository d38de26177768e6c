// The shell's commands: one table gives each its name, usage, summary and
// argument counts, so `help` and the usage messages cannot drift from what
// the commands accept.

struct Command {
    let name: StaticString
    let usage: StaticString
    let summary: StaticString
    let minimum: Int
    let maximum: Int
    let run: ([Bytes]) -> Void
}

let commands: [Command] = [
    Command(name: "help", usage: "help [COMMAND]", summary: "this list, or one command's usage", minimum: 0, maximum: 1,
            run: help),
    Command(name: "echo", usage: "echo WORDS... [> FILE]", summary: "print the words (> FILE: write them, >> FILE: append)",
            minimum: 0, maximum: Int.max, run: echo),
    Command(name: "ps", usage: "ps", summary: "tasks with their state and priority", minimum: 0, maximum: 0, run: { _ in ps() }),
    Command(name: "mem", usage: "mem", summary: "free and used frames (and swap, if any)", minimum: 0, maximum: 0,
            run: { _ in mem() }),
    Command(name: "run", usage: "run PROGRAM [N|ARGS...]",
            summary: "run a program to its end (a Linux one gets ARGS)",
            minimum: 1, maximum: Int.max, run: run),
    Command(name: "kill", usage: "kill ID", summary: "end a task", minimum: 1, maximum: 1, run: kill),
    Command(name: "ls", usage: "ls [-l] [PATH...]", summary: "list directories (-l: kind, size, time)", minimum: 0,
            maximum: Int.max, run: list),
    Command(name: "cat", usage: "cat FILE...", summary: "print files", minimum: 1, maximum: Int.max, run: cat),
    Command(name: "cksum", usage: "cksum FILE...", summary: "CRC and size of files, as POSIX cksum prints them",
            minimum: 1, maximum: Int.max, run: checksum),
    Command(name: "write", usage: "write FILE WORDS...", summary: "write the words and a newline to FILE", minimum: 1,
            maximum: Int.max, run: writeWords),
    Command(name: "cp", usage: "cp FROM TO", summary: "copy a file (TO may be a directory)", minimum: 2, maximum: 2, run: copy),
    Command(name: "mv", usage: "mv FROM TO", summary: "move or rename (TO may be a directory)", minimum: 2, maximum: 2, run: move),
    Command(name: "rm", usage: "rm FILE...", summary: "remove files", minimum: 1, maximum: Int.max, run: remove),
    Command(name: "mkdir", usage: "mkdir DIR...", summary: "make directories", minimum: 1, maximum: Int.max, run: makeDirectories),
    Command(name: "rmdir", usage: "rmdir DIR...", summary: "remove empty directories", minimum: 1, maximum: Int.max,
            run: removeDirectories),
    Command(name: "cd", usage: "cd [DIR]", summary: "change the current directory (default /)", minimum: 0, maximum: 1,
            run: changeDirectory),
    Command(name: "pwd", usage: "pwd", summary: "print the current directory", minimum: 0, maximum: 0,
            run: { _ in printWorkingDirectory() }),
    Command(name: "df", usage: "df", summary: "mounted file systems and their space", minimum: 0, maximum: 0,
            run: { _ in diskFree() }),
    Command(name: "sync", usage: "sync", summary: "write every file system's changes to its disk", minimum: 0, maximum: 0,
            run: { _ in syncAll() }),
    Command(name: "exit", usage: "exit", summary: "leave the shell", minimum: 0, maximum: 0, run: { _ in }),
]

/// One line of help: usage in a column of 24, then the summary (80 columns in all).
func helpLine(_ c: Command) {
    Console.write("  ")
    Console.write(c.usage)
    for _ in c.usage.utf8CodeUnitCount..<max(24, c.usage.utf8CodeUnitCount + 1) { Console.write(" ") }
    Console.writeLine(c.summary)
}

func help(_ args: [Bytes]) {
    if let name = args.first {
        guard let c = commands.first(where: { equals(name, $0.name) }) else {
            Console.write("help: no command ")
            Console.write(bytes: name)
            return Console.newline()
        }
        return helpLine(c)
    }
    Console.writeLine("commands:")
    for c in commands { helpLine(c) }
}

func echo(_ args: [Bytes]) {
    var words = args
    var target: Bytes? = nil
    var append = false
    if words.count >= 2, equals(words[words.count - 2], ">") || equals(words[words.count - 2], ">>") {
        append = equals(words[words.count - 2], ">>")
        target = words[words.count - 1]
        words.removeLast(2)
    }
    var text: Bytes = []
    for (i, w) in words.enumerated() {
        if i > 0 { text.append(0x20) }
        text.append(contentsOf: w)
    }
    text.append(0x0A)
    guard let path = target else { return Console.write(bytes: text) }
    writeFile(text, to: path, append: append, command: "echo")
}
