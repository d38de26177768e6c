// Log: the server's one-line diagnostics on the console ("linux: ..."), and
// the once-per-number notice for syscalls it does not serve.

enum Log {
    static var unknownSeen: [UInt64] = []

    static func line(_ s: StaticString) {
        Console.write("linux: ")
        Console.writeLine(s)
    }

    static func line(_ s: StaticString, _ bytes: [UInt8]) {
        Console.write("linux: ")
        Console.write(s)
        Console.write(bytes: bytes)
        Console.newline()
        Console.flush()
    }

    /// "linux: unsupported syscall N (name) from pid P", once per number.
    static func unknownSyscall(_ number: UInt64, pid: Int) {
        guard !unknownSeen.contains(number) else { return }
        unknownSeen.append(number)
        Console.write("linux: unsupported syscall ")
        Console.write(number)
        if let name = LinuxSyscallNames.name(number) {
            Console.write(" (")
            Console.write(name)
            Console.write(")")
        }
        Console.write(" from pid ")
        Console.write(UInt64(pid))
        Console.writeLine(": -ENOSYS")
        Console.flush()
    }
}
