// UnicornRegisterFile: moves a `UserContext` into and out of a Unicorn engine
// with batch register I/O and no allocation per trap.
//
// Interface: `load(_:into:)` before a run, `save(_:from:)` after it.
//
// It keeps a shadow of what the engine holds (every register is read back
// after each run), so `load` writes only the registers the kernel changed:
// usually x0–x5 after a syscall. Reads cannot be skipped: user code may have
// changed any register. The shadow is laid out like the context (x0–x30
// contiguous, q0–q31 contiguous), so saving is three block copies.
//
// Unicorn 2.0.1 register widths: PSTATE, NZCV, FPCR and FPSR are read and
// written as 32-bit values (a read stores only 4 bytes), Q registers as 16
// bytes, the rest as 64-bit. Every slot here is zeroed once and the upper
// bytes of 32-bit slots are never written, so they stay zero. PC is read but
// never written here: `uc_emu_start` takes it as its start address.
import CUnicorn
import HAL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class UnicornRegisterFile {
    // Shadow layout, in 64-bit words.
    static let xWord = 0          // x0–x30: words 0..<31
    static let spWord = 31
    static let pstateWord = 32
    static let tpidrWord = 33
    static let fpcrWord = 34
    static let fpsrWord = 35
    static let pcWord = 36
    static let qWord = 38         // q0–q31: words 38..<102, 16-byte aligned
    static let words = 102

    /// Register slots: x0–x30, sp, pstate, tpidr, fpcr, fpsr, q0–q31, pc.
    static let xSlot = 0, spSlot = 31, pstateSlot = 32, tpidrSlot = 33
    static let fpcrSlot = 34, fpsrSlot = 35, qSlot = 36, pcSlot = 68
    static let slots = 69

    /// PSTATE for EL0t with interrupts unmasked; only NZCV comes from the task.
    static let nzcvMask: UInt64 = 0xF000_0000

    // unsafe: allocated once, freed in deinit, never escaped; `values` is the
    // shadow, and `pointers[i]` points at slot i's words inside it.
    private let values: UnsafeMutablePointer<UInt64>
    private let ids: UnsafeMutablePointer<Int32>
    private let pointers: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    private let dirtyIds: UnsafeMutablePointer<Int32>
    private let dirtyPointers: UnsafeMutablePointer<UnsafeMutableRawPointer?>

    init() {
        values = .allocate(capacity: Self.words)
        values.initialize(repeating: 0, count: Self.words)
        let n = Self.slots
        ids = .allocate(capacity: n)
        pointers = .allocate(capacity: n)
        dirtyIds = .allocate(capacity: n)
        dirtyIds.initialize(repeating: 0, count: n)
        dirtyPointers = .allocate(capacity: n)
        dirtyPointers.initialize(repeating: nil, count: n)
        func slot(_ i: Int, _ reg: uc_arm64_reg, word: Int) {
            ids[i] = Int32(reg.rawValue)
            pointers[i] = UnsafeMutableRawPointer(values + word)
        }
        for i in 0..<29 { slot(i, uc_arm64_reg(UC_ARM64_REG_X0.rawValue + UInt32(i)), word: i) }
        slot(29, UC_ARM64_REG_X29, word: 29)
        slot(30, UC_ARM64_REG_X30, word: 30)
        slot(Self.spSlot, UC_ARM64_REG_SP, word: Self.spWord)
        slot(Self.pstateSlot, UC_ARM64_REG_PSTATE, word: Self.pstateWord)
        slot(Self.tpidrSlot, UC_ARM64_REG_TPIDR_EL0, word: Self.tpidrWord)
        slot(Self.fpcrSlot, UC_ARM64_REG_FPCR, word: Self.fpcrWord)
        slot(Self.fpsrSlot, UC_ARM64_REG_FPSR, word: Self.fpsrWord)
        for i in 0..<32 {
            slot(Self.qSlot + i, uc_arm64_reg(UC_ARM64_REG_Q0.rawValue + UInt32(i)), word: Self.qWord + 2 * i)
        }
        slot(Self.pcSlot, UC_ARM64_REG_PC, word: Self.pcWord)
    }

    deinit {
        values.deallocate(); ids.deallocate(); pointers.deallocate()
        dirtyIds.deallocate(); dirtyPointers.deallocate()
    }

    /// Reads every register into the shadow. Call once after creating the
    /// engine, so the shadow starts equal to it.
    func refresh(_ uc: OpaquePointer) {
        _ = uc_reg_read_batch(uc, ids, pointers, Int32(Self.slots))
    }

    /// Writes the registers of `context` that differ from the engine's.
    func load(_ context: inout UserContext, into uc: OpaquePointer) {
        var n = 0
        withUnsafeBytes(of: &context.x) { x in
            for i in 0..<31 { stage(x.load(fromByteOffset: 8 * i, as: UInt64.self), i, word: i, &n) }
        }
        stage(context.sp, Self.spSlot, word: Self.spWord, &n)
        stage(context.nzcv & Self.nzcvMask, Self.pstateSlot, word: Self.pstateWord, &n)
        stage(context.tpidr, Self.tpidrSlot, word: Self.tpidrWord, &n)
        stage(context.fp.fpcr & 0xFFFF_FFFF, Self.fpcrSlot, word: Self.fpcrWord, &n)
        stage(context.fp.fpsr & 0xFFFF_FFFF, Self.fpsrSlot, word: Self.fpsrWord, &n)
        withUnsafeBytes(of: &context.fp.v) { v in
            let q = values + Self.qWord
            // Fast path: user code and kernel rarely change FP state.
            if memcmp(q, v.baseAddress!, 64 * 8) == 0 { return }
            for i in 0..<32 {
                let lo = v.load(fromByteOffset: 16 * i, as: UInt64.self)
                let hi = v.load(fromByteOffset: 16 * i + 8, as: UInt64.self)
                if q[2 * i] != lo || q[2 * i + 1] != hi {
                    q[2 * i] = lo; q[2 * i + 1] = hi
                    dirtyIds[n] = ids[Self.qSlot + i]; dirtyPointers[n] = pointers[Self.qSlot + i]; n += 1
                }
            }
        }
        if n > 0 { _ = uc_reg_write_batch(uc, dirtyIds, dirtyPointers, Int32(n)) }
    }

    /// Reads every register (and PC) back into `context`.
    func save(_ context: inout UserContext, from uc: OpaquePointer) {
        _ = uc_reg_read_batch(uc, ids, pointers, Int32(Self.slots))
        withUnsafeMutableBytes(of: &context.x) { x in
            x.baseAddress!.copyMemory(from: values + Self.xWord, byteCount: 31 * 8)
        }
        withUnsafeMutableBytes(of: &context.fp.v) { v in
            v.baseAddress!.copyMemory(from: values + Self.qWord, byteCount: 64 * 8)
        }
        context.sp = values[Self.spWord]
        context.nzcv = values[Self.pstateWord] & Self.nzcvMask
        context.tpidr = values[Self.tpidrWord]
        context.fp.fpcr = values[Self.fpcrWord] & 0xFFFF_FFFF
        context.fp.fpsr = values[Self.fpsrWord] & 0xFFFF_FFFF
        context.pc = values[Self.pcWord]
    }

    /// PSTATE as the engine holds it (as of the last refresh or save).
    var pstate: UInt64 { values[Self.pstateWord] & 0xFFFF_FFFF }

    func readPC(_ uc: OpaquePointer) -> UInt64 {
        var pc: UInt64 = 0
        _ = uc_reg_read(uc, Int32(UC_ARM64_REG_PC.rawValue), &pc)
        return pc
    }

    /// Sets the pc (the next run starts at the engine's own pc argument; this
    /// is for `save` to read back).
    func writePC(_ pc: UInt64, _ uc: OpaquePointer) {
        var value = pc
        _ = uc_reg_write(uc, Int32(UC_ARM64_REG_PC.rawValue), &value)
    }

    /// Writes x`index` directly, keeping the shadow in step.
    func writeX(_ index: Int, _ value: UInt64, _ uc: OpaquePointer) {
        values[index] = value
        _ = uc_reg_write(uc, ids[index], values + index)
    }

    @inline(__always)
    private func stage(_ value: UInt64, _ slot: Int, word: Int, _ n: inout Int) {
        if values[word] != value {
            values[word] = value
            dirtyIds[n] = ids[slot]; dirtyPointers[n] = pointers[slot]; n += 1
        }
    }
}
