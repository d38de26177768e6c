// InitialStack: the stack a Linux program finds at its entry (the System V
// AArch64 ABI and Linux's create_elf_tables): from sp upwards argc, the
// argv pointers and NULL, the envp pointers and NULL, the auxiliary vector
// (type, value pairs ending with AT_NULL), then the strings, the 16 random
// bytes of AT_RANDOM and the platform string. sp is 16-byte aligned.
// `build` lays it out for a stack whose top is `top` and returns the bytes
// (to be written at `sp`) and `sp`.

public enum AuxType {
    public static let null: UInt64 = 0
    public static let phdr: UInt64 = 3
    public static let phent: UInt64 = 4
    public static let phnum: UInt64 = 5
    public static let pagesz: UInt64 = 6
    public static let base: UInt64 = 7
    public static let flags: UInt64 = 8
    public static let entry: UInt64 = 9
    public static let uid: UInt64 = 11
    public static let euid: UInt64 = 12
    public static let gid: UInt64 = 13
    public static let egid: UInt64 = 14
    public static let platform: UInt64 = 15
    public static let hwcap: UInt64 = 16
    public static let clktck: UInt64 = 17
    public static let secure: UInt64 = 23
    public static let random: UInt64 = 25
    public static let hwcap2: UInt64 = 26
    public static let execfn: UInt64 = 31
}

/// What the auxiliary vector says about the program and the machine.
public struct ExecInfo: Equatable {
    public var phdr: UInt64
    public var phent: UInt64
    public var phnum: UInt64
    public var entry: UInt64
    public var hwcap: UInt64
    public var hwcap2: UInt64
    public var random: [UInt8]      // 16 bytes
    public var uid: UInt64 = 0
    public var gid: UInt64 = 0

    public init(phdr: UInt64, phent: UInt64, phnum: UInt64, entry: UInt64, hwcap: UInt64, hwcap2: UInt64,
                random: [UInt8]) {
        self.phdr = phdr; self.phent = phent; self.phnum = phnum; self.entry = entry
        self.hwcap = hwcap; self.hwcap2 = hwcap2; self.random = random
    }
}

public enum InitialStack {
    public static let pageSize: UInt64 = 4096
    /// Clock ticks per second that times() counts (AT_CLKTCK, USER_HZ).
    public static let clockTicks: UInt64 = 100
    public static let platform: StaticString = "aarch64"

    /// The whole initial stack; nil if it would not fit in `limit` bytes.
    public static func build(top: UInt64, argv: [[UInt8]], envp: [[UInt8]], execfn: [UInt8], info: ExecInfo,
                             limit: Int) -> (sp: UInt64, bytes: [UInt8])? {
        // Strings area, from the top down: execfn, then envp, argv, platform, random.
        var strings: [UInt8] = []
        func add(_ s: [UInt8]) -> Int { let at = strings.count; strings += s; strings.append(0); return at }
        var platformBytes: [UInt8] = []
        for i in 0..<platform.utf8CodeUnitCount { platformBytes.append(platform.utf8Start[i]) }
        let platformAt = add(platformBytes)
        var argAt: [Int] = []
        for a in argv { argAt.append(add(a)) }
        var envAt: [Int] = []
        for e in envp { envAt.append(add(e)) }
        let execfnAt = add(execfn)
        while strings.count % 16 != 0 { strings.append(0) }
        let randomAt = strings.count
        strings += info.random.count == 16 ? info.random : [UInt8](repeating: 0, count: 16)
        let stringsBase = top - UInt64(strings.count) - 16   // 16 bytes of zero at the very top
        func addr(_ offset: Int) -> UInt64 { stringsBase + UInt64(offset) }

        var aux: [(UInt64, UInt64)] = [
            (AuxType.phdr, info.phdr), (AuxType.phent, info.phent), (AuxType.phnum, info.phnum),
            (AuxType.pagesz, pageSize), (AuxType.base, 0), (AuxType.flags, 0), (AuxType.entry, info.entry),
            (AuxType.uid, info.uid), (AuxType.euid, info.uid), (AuxType.gid, info.gid), (AuxType.egid, info.gid),
            (AuxType.hwcap, info.hwcap), (AuxType.hwcap2, info.hwcap2), (AuxType.clktck, clockTicks),
            (AuxType.secure, 0), (AuxType.random, addr(randomAt)), (AuxType.platform, addr(platformAt)),
            (AuxType.execfn, addr(execfnAt)),
        ]
        aux.append((AuxType.null, 0))
        let words = 1 + argv.count + 1 + envp.count + 1 + 2 * aux.count
        var sp = stringsBase - UInt64(words * 8)
        sp &= ~15
        let total = Int(top - sp)
        guard total <= limit else { return nil }
        var b = [UInt8](repeating: 0, count: total)
        var at = 0
        func word(_ v: UInt64) { LE.put64(&b, at, v); at += 8 }
        word(UInt64(argv.count))
        for a in argAt { word(addr(a)) }
        word(0)
        for e in envAt { word(addr(e)) }
        word(0)
        for (t, v) in aux { word(t); word(v) }
        let s = Int(stringsBase - sp)
        for k in 0..<strings.count { b[s + k] = strings[k] }
        return (sp, b)
    }
}
