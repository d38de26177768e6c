// ProgramHeader: what execve needs to know about an executable before the
// kernel loads it: whether it is a script (#!), a static AArch64 ELF
// executable it can run (ET_EXEC), and the values of the auxiliary vector
// (AT_PHDR, AT_PHNUM, AT_PHENT, AT_ENTRY) and where the break starts. All
// reads are bounds-checked: a damaged file is an error, never a trap.

public enum ProgramKind: Equatable {
    /// A static ELF executable the kernel can load.
    case elf(ELFProgram)
    /// `#!interpreter [argument]` (the first line, at most 255 bytes).
    case script(interpreter: [UInt8], argument: [UInt8]?)
    /// A valid ELF this server cannot run: dynamically linked (PT_INTERP),
    /// position-independent (ET_DYN), or for another machine.
    case unsupported(ELFRefusal)
    /// Neither an ELF nor a script (ENOEXEC).
    case notExecutable
}

public enum ELFRefusal: Equatable {
    case dynamic
    case positionIndependent
    case wrongMachine
    case damaged
}

public struct ELFProgram: Equatable {
    public var entry: UInt64
    public var phdr: UInt64
    public var phent: UInt64
    public var phnum: UInt64
    /// The first address above every loadable segment (the break starts
    /// on the next page).
    public var end: UInt64
    /// Carries the Kenix note: a native Kenix program, not a Linux one.
    public var isKenix: Bool
}

public enum ProgramHeader {
    /// Decodes the start of a file (the first page or more; the program
    /// headers must be inside `b`).
    public static func classify(_ b: [UInt8]) -> ProgramKind {
        if b.count >= 2 && b[0] == 0x23 && b[1] == 0x21 { return script(b) }
        guard b.count >= 64, LE.u32(b, 0) == 0x464C_457F else { return .notExecutable }
        guard b[4] == 2, b[5] == 1 else { return .unsupported(.damaged) }
        guard LE.u16(b, 18) == 183 else { return .unsupported(.wrongMachine) }
        let type = LE.u16(b, 16)
        guard type == 2 || type == 3 else { return .notExecutable }
        let entry = LE.u64(b, 24), phoff = LE.u64(b, 32)
        let phent = UInt64(LE.u16(b, 54)), phnum = UInt64(LE.u16(b, 56))
        guard phent == 56, phnum > 0, phnum <= 64, phoff < UInt64(b.count),
              phoff + phnum * phent <= UInt64(b.count) else { return .unsupported(.damaged) }
        var phdr: UInt64? = nil
        var end: UInt64 = 0
        var isKenix = false
        var loads = 0
        for i in 0..<Int(phnum) {
            let p = Int(phoff) + i * 56
            let kind = LE.u32(b, p)
            let offset = LE.u64(b, p + 8), vaddr = LE.u64(b, p + 16)
            let filesz = LE.u64(b, p + 32), memsz = LE.u64(b, p + 40)
            switch kind {
            case 3: return .unsupported(.dynamic)                               // PT_INTERP
            case 6: phdr = vaddr                                                // PT_PHDR
            case 4: isKenix = isKenix || holdsKenixNote(b, offset: offset, size: filesz)
            case 1:                                                             // PT_LOAD
                loads += 1
                let (top, overflow) = vaddr.addingReportingOverflow(memsz)
                guard !overflow else { return .unsupported(.damaged) }
                end = max(end, top)
                if phdr == nil, offset <= phoff, phoff + phnum * phent <= offset + filesz {
                    phdr = vaddr &+ (phoff - offset)
                }
            default: break
            }
        }
        guard loads > 0 else { return .unsupported(.damaged) }
        if type == 3 { return .unsupported(.positionIndependent) }
        return .elf(ELFProgram(entry: entry, phdr: phdr ?? 0, phent: phent, phnum: phnum, end: end, isKenix: isKenix))
    }

    /// `#!` line: the interpreter and at most one argument (as Linux: the
    /// rest of the line after the interpreter, trimmed).
    static func script(_ b: [UInt8]) -> ProgramKind {
        var line: [UInt8] = []
        var i = 2
        while i < b.count && b[i] != 0x0A && line.count < 255 { line.append(b[i]); i += 1 }
        func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
        var s = 0
        while s < line.count && isBlank(line[s]) { s += 1 }
        var e = s
        while e < line.count && !isBlank(line[e]) { e += 1 }
        guard e > s else { return .notExecutable }
        let interpreter = Array(line[s..<e])
        var a = e
        while a < line.count && isBlank(line[a]) { a += 1 }
        var z = line.count
        while z > a && isBlank(line[z - 1]) { z -= 1 }
        return .script(interpreter: interpreter, argument: z > a ? Array(line[a..<z]) : nil)
    }

    /// The Kenix note (owner "Kenix", type 1): such a program is started
    /// natively, not by the Linux server.
    static func holdsKenixNote(_ b: [UInt8], offset: UInt64, size: UInt64) -> Bool {
        guard offset < UInt64(b.count), size <= UInt64(b.count) - offset else { return false }
        var at = Int(offset)
        let end = Int(offset + size)
        while end - at >= 12 {
            let nameSize = Int(LE.u32(b, at)), descSize = Int(LE.u32(b, at + 4)), type = LE.u32(b, at + 8)
            guard nameSize <= end, descSize <= end else { return false }
            let name = at + 12
            let next = name + (nameSize + 3) & ~3 + (descSize + 3) & ~3
            guard next <= end else { return false }
            if type == 1 && nameSize == 6 && b[name] == 0x4B && b[name + 1] == 0x65 && b[name + 2] == 0x6E
                && b[name + 3] == 0x69 && b[name + 4] == 0x78 && b[name + 5] == 0 { return true }
            at = next
        }
        return false
    }
}
