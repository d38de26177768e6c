// SignalFrame: the AArch64 Linux signal frame (arch/arm64/kernel/signal.c),
// built on the task's stack when a handler runs and read back by
// rt_sigreturn. Layout, from the frame's start (16-byte aligned, the
// handler's sp):
//
//   0     siginfo (128 bytes)
//   128   ucontext: uc_flags, uc_link, uc_stack (24), uc_sigmask (8),
//         padding to 1024 bits of mask, then at 128+176 the sigcontext:
//         fault_address, x0–x30, sp, pc, pstate, and at 128+464 the
//         4096-byte __reserved area of records: an fpsimd_context (magic
//         0x46508001, size 528: fpsr, fpcr, v0–v31) and a null terminator
//   4688  end of the frame; above it (16-aligned) the frame record
//         {x29, x30} that x29 points to, so unwinders walk through handlers
//
// The handler starts with x0 = signal, x1 = &siginfo, x2 = &ucontext,
// sp = the frame, x29 = the frame record, x30 = the restorer (which calls
// rt_sigreturn), pc = the handler.

public enum SignalFrame {
    public static let infoSize = 128
    public static let ucontextOffset = 128
    public static let sigmaskOffset = ucontextOffset + 40
    public static let stackOffset = ucontextOffset + 16
    public static let mcontextOffset = ucontextOffset + 176
    public static let faultAddressOffset = mcontextOffset
    public static let registersOffset = mcontextOffset + 8
    public static let spOffset = mcontextOffset + 256
    public static let pcOffset = mcontextOffset + 264
    public static let pstateOffset = mcontextOffset + 272
    public static let reservedOffset = mcontextOffset + 288
    public static let reservedSize = 4096
    /// sizeof(struct rt_sigframe) on AArch64.
    public static let size = reservedOffset + reservedSize
    public static let fpsimdMagic: UInt32 = 0x4650_8001
    public static let fpsimdSize = 528
    /// PSTATE bits a frame may carry back: NZCV (EL0t, no masks).
    public static let pstateMask: UInt64 = 0xF000_0000
    /// `uc_stack.ss_flags` when no alternate stack is in use.
    public static let stackDisabled: UInt32 = 2

    /// Where the frame and its frame record go below `sp` (the stack in
    /// use when the signal came, or the top of the alternate stack).
    public static func placement(below sp: UInt64) -> (frame: UInt64, record: UInt64) {
        let record = (sp &- 16) & ~15
        let frame = (record &- UInt64(size)) & ~15
        return (frame, record)
    }

    /// The frame's bytes for interrupted registers `r`, with `info` and the
    /// mask to restore on return.
    public static func build(_ r: UserRegisters, info: SignalInfo, savedMask: SignalSet,
                             altStack: AltStack) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: size)
        let i = info.bytes
        for k in 0..<infoSize { b[k] = i[k] }
        LE.put64(&b, stackOffset, altStack.base)
        LE.put32(&b, stackOffset + 8, altStack.flags)
        LE.put64(&b, stackOffset + 16, altStack.size)
        LE.put64(&b, sigmaskOffset, savedMask.bits)
        LE.put64(&b, faultAddressOffset, info.faultAddress)
        for k in 0..<31 { LE.put64(&b, registersOffset + 8 * k, r.x[k]) }
        LE.put64(&b, spOffset, r.sp)
        LE.put64(&b, pcOffset, r.pc)
        LE.put64(&b, pstateOffset, r.nzcv & pstateMask)
        let fp = reservedOffset
        LE.put32(&b, fp, fpsimdMagic)
        LE.put32(&b, fp + 4, UInt32(fpsimdSize))
        LE.put32(&b, fp + 8, UInt32(truncatingIfNeeded: r.fpsr))
        LE.put32(&b, fp + 12, UInt32(truncatingIfNeeded: r.fpcr))
        for k in 0..<64 { LE.put64(&b, fp + 16 + 8 * k, r.v[k]) }
        // The terminator (magic 0, size 0) is already zero.
        return b
    }

    /// The registers and mask a frame restores, applied over `current` (for
    /// tpidr_el0, which the frame does not hold). nil when the frame is not
    /// one this server could have built: the task then gets SIGSEGV.
    public static func restore(_ b: [UInt8], over current: UserRegisters) -> (UserRegisters, SignalSet)? {
        guard b.count >= size else { return nil }
        var r = current
        for k in 0..<31 { r.x[k] = LE.u64(b, registersOffset + 8 * k) }
        r.sp = LE.u64(b, spOffset)
        r.pc = LE.u64(b, pcOffset)
        let pstate = LE.u64(b, pstateOffset)
        guard pstate & ~pstateMask == 0, r.pc & 3 == 0 else { return nil }
        r.nzcv = pstate
        // Walk the records of __reserved for the FP/SIMD state; it must be there.
        var at = reservedOffset
        var found = false
        while at + 8 <= reservedOffset + reservedSize {
            let magic = LE.u32(b, at), length = Int(LE.u32(b, at + 4))
            if magic == 0 && length == 0 { break }
            guard length >= 8, length % 16 == 0, at + length <= reservedOffset + reservedSize else { return nil }
            if magic == fpsimdMagic {
                guard length == fpsimdSize else { return nil }
                r.fpsr = UInt64(LE.u32(b, at + 8))
                r.fpcr = UInt64(LE.u32(b, at + 12))
                for k in 0..<64 { r.v[k] = LE.u64(b, at + 16 + 8 * k) }
                found = true
            }
            at += length
        }
        guard found else { return nil }
        return (r, SignalSet(bits: LE.u64(b, sigmaskOffset)).blockable)
    }
}

/// `sigaltstack`'s stack_t: base, flags (SS_ONSTACK 1, SS_DISABLE 2), size.
public struct AltStack: Equatable {
    public static let onStack: UInt32 = 1
    public static let disable: UInt32 = 2
    public static let minimumSize: UInt64 = 5120   // MINSIGSTKSZ on AArch64
    public static let recordSize = 24

    public var base: UInt64 = 0
    public var flags: UInt32 = disable
    public var size: UInt64 = 0

    public init(base: UInt64 = 0, flags: UInt32 = disable, size: UInt64 = 0) {
        self.base = base; self.flags = flags; self.size = size
    }

    public var isEnabled: Bool { flags & Self.disable == 0 && size > 0 }
    public func contains(_ sp: UInt64) -> Bool { isEnabled && sp > base && sp - base <= size }

    public var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.recordSize)
        LE.put64(&b, 0, base); LE.put32(&b, 8, flags); LE.put64(&b, 16, size)
        return b
    }
}

/// The siginfo record (128 bytes): signo, errno, code, then the fields of
/// the signal's kind at offset 16.
public struct SignalInfo: Equatable {
    public var signal: Int
    public var code: Int32
    /// Sender (kill, SIGCHLD) or 0.
    public var pid: Int32 = 0
    public var uid: UInt32 = 0
    /// SIGCHLD: the child's exit code or signal.
    public var status: Int32 = 0
    /// SIGSEGV, SIGBUS, SIGILL, SIGTRAP: the address.
    public var faultAddress: UInt64 = 0
    public var isFault: Bool = false

    public init(signal: Int, code: Int32) { self.signal = signal; self.code = code }

    public static let userCode: Int32 = 0          // SI_USER (kill)
    public static let kernelCode: Int32 = 0x80     // SI_KERNEL
    public static let tkillCode: Int32 = -6        // SI_TKILL
    public static let childExited: Int32 = 1       // CLD_EXITED
    public static let childKilled: Int32 = 2       // CLD_KILLED
    public static let childDumped: Int32 = 3       // CLD_DUMPED
    public static let segvMapError: Int32 = 1      // SEGV_MAPERR
    public static let segvAccessError: Int32 = 2   // SEGV_ACCERR
    public static let busAlignment: Int32 = 1      // BUS_ADRALN
    public static let illegalOpcode: Int32 = 1     // ILL_ILLOPC
    public static let trapBreakpoint: Int32 = 1    // TRAP_BRKPT

    public static func fault(_ signal: Int, code: Int32, address: UInt64) -> SignalInfo {
        var i = SignalInfo(signal: signal, code: code)
        i.faultAddress = address
        i.isFault = true
        return i
    }

    public var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: SignalFrame.infoSize)
        LE.put32(&b, 0, UInt32(truncatingIfNeeded: signal))
        LE.put32(&b, 8, UInt32(bitPattern: code))
        if isFault {
            LE.put64(&b, 16, faultAddress)
        } else {
            LE.put32(&b, 16, UInt32(bitPattern: pid))
            LE.put32(&b, 20, uid)
            if signal == Signal.SIGCHLD { LE.put32(&b, 24, UInt32(bitPattern: status)) }
        }
        return b
    }
}
