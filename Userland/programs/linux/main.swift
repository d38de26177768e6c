// linux: the Linux personality server (docs/linux.md). It runs unmodified
// static AArch64 Linux programs as supervised Kenix tasks: their syscalls
// and faults come here as events, and everything Linux (processes, files,
// pipes, the terminal, signals) lives in this program, not in the kernel.
// Registers ServiceKey.linux; Kenix programs start Linux programs through
// it (Launch.swift). init starts it after the console.

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    let server = Server()
    do throws(SyscallError) {
        try Service.register(.linux)
        server.notification = try Notification.create()
        try Notification.bind(server.notification)
    } catch {
        Console.write("linux: cannot start: ")
        Console.writeLine(error.name)
        return 1
    }
    if !server.terminal.connect(notification: server.notification) {
        Console.writeLine("linux: the console has no terminal support; Linux programs get no terminal")
    }
    LinuxFiles.start()
    server.run()
}
