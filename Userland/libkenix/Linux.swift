// Starting Linux programs from Kenix (docs/linux.md): `Program.isKenix`
// tells a Kenix program from a foreign one by the Kenix note (the marker
// the kernel checks too), and `Linux.run` asks the Linux personality server
// (ServiceKey.linux) to run one on the console terminal, waiting until it
// ends. The server is the program's parent; the caller gets its wait status.

public enum Program {
    /// Whether an ELF file carries the Kenix note. `read(offset, count)`
    /// gives the file's bytes there (fewer at its end, nil on an error): the
    /// header, the program headers and the notes are read where they are.
    public static func isKenix(_ read: (Int, Int) -> [UInt8]?) -> Bool {
        guard let h = read(0, 64), h.count == 64 else { return false }
        func u16(_ b: [UInt8], _ at: Int) -> Int { at >= 0 && at + 2 <= b.count ? Int(b[at]) | Int(b[at + 1]) << 8 : 0 }
        func u32(_ b: [UInt8], _ at: Int) -> Int { u16(b, at) | u16(b, at + 2) << 16 }
        func u64(_ b: [UInt8], _ at: Int) -> Int { u32(b, at) | (u32(b, at + 4) & 0x7FFF_FFFF) << 32 }
        guard u32(h, 0) == 0x464C_457F, h[4] == 2, u16(h, 54) == 56 else { return false }
        let phoff = u64(h, 32), phnum = u16(h, 56)
        guard phnum > 0, phnum <= 64, let ph = read(phoff, phnum * 56), ph.count == phnum * 56 else { return false }
        for i in 0..<phnum where u32(ph, 56 * i) == 4 {                 // PT_NOTE
            let size = u64(ph, 56 * i + 32)
            guard size >= 12, size <= 4096, let notes = read(u64(ph, 56 * i + 8), size), notes.count == size else { continue }
            var at = 0
            while notes.count - at >= 12 {
                let nameSize = u32(notes, at), descSize = u32(notes, at + 4), type = u32(notes, at + 8)
                let next = at + 12 + (nameSize + 3) & ~3 + (descSize + 3) & ~3
                guard nameSize < 256, descSize < 256, next <= notes.count else { break }
                if type == Int(KenixNote.type) && nameSize == KenixNote.name.utf8CodeUnitCount + 1 {
                    var same = true
                    for k in 0..<KenixNote.name.utf8CodeUnitCount where notes[at + 12 + k] != KenixNote.name.utf8Start[k] {
                        same = false
                    }
                    if same { return true }
                }
                at = next
            }
        }
        return false
    }
}

/// How a Linux program ended (its wait status, Linux encoding).
public struct LinuxStatus: Equatable {
    public var raw: UInt64
    public var pid: UInt64
    public var exited: Bool { raw & 0x7F == 0 }
    public var exitCode: UInt64 { (raw >> 8) & 0xFF }
    public var signal: UInt64 { raw & 0x7F }
}

public enum Linux {
    /// Runs `path` with `arguments` (argv, argv[0] first; empty: the path)
    /// and `environment` (empty: the server's default) on the console
    /// terminal; returns when it ends. Errors: `.failure(errno)` (Linux
    /// numbers, e.g. 2 no such file, 8 not executable), or a Kenix error
    /// when there is no Linux server.
    public static func run(path: [UInt8], arguments: [[UInt8]] = [], environment: [[UInt8]] = [])
        -> Result<LinuxStatus, LinuxError> {
        guard let server = try? Service.lookup(.linux) else { return .failure(.noServer) }
        Console.flush()
        func send(_ op: LinuxServiceOp, _ s: [UInt8]) -> Bool {
            var start = 0
            repeat {
                let n = min(Int(LinuxServiceProtocol.maxChunk), s.count - start)
                var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                withUnsafeMutableBytes(of: &words) { raw in for i in 0..<n { raw[i] = s[start + i] } }
                let last = start + n == s.count
                let tag = op.rawValue | UInt64(n) << LinuxServiceProtocol.lengthShift
                    | (last ? LinuxServiceProtocol.endOfString : 0)
                guard let reply = try? IPC.call(server, Message(tag: tag, words.0, words.1, words.2, words.3)),
                      reply.tag == 0 else { return false }
                start += n
            } while start < s.count
            return true
        }
        guard (try? IPC.call(server, Message(tag: LinuxServiceOp.reset.rawValue))) != nil,
              send(.path, path) else { return .failure(.noServer) }
        for a in arguments where !send(.argument, a) { return .failure(.tooLong) }
        for e in environment where !send(.environment, e) { return .failure(.tooLong) }
        guard let reply = try? IPC.call(server, Message(tag: LinuxServiceOp.start.rawValue)) else {
            return .failure(.noServer)
        }
        let tag = Int64(bitPattern: reply.tag)
        if tag < 0 { return .failure(.errno(-tag)) }
        return .success(LinuxStatus(raw: reply.w0, pid: reply.w1))
    }
}

public enum LinuxError: Error, Equatable {
    /// No Linux server (or it died).
    case noServer
    /// A string or the list is longer than the server takes.
    case tooLong
    /// The server's answer: a Linux errno.
    case errno(Int64)
}
