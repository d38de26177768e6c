// UnicornEngine: the bottom layer over one Unicorn 2.0.1 AArch64 engine.
//
// Interface (all the rest of HALHostSim sees of Unicorn):
//   - `run(pc:budget:)` executes EL0 code until a CPU exception, a memory
//     event the delegate refuses, a stop request or the instruction budget,
//     and reports how many instructions ran (`executed`) and why it stopped;
//   - `mapRegion` / `unmapRegion` / `dropTranslations` manage guest memory;
//   - `registers` moves a `UserContext` in and out (UnicornRegisterFile).
// Memory events are passed to `delegate` (the software MMU above).
//
// Why this shape: Unicorn's hooks are C callbacks. They receive one
// `user_data` pointer, which here is a `kenix_hook_state` (CUnicorn.h) allocated
// once per engine. The hooks that run per instruction and per trap are C
// functions in CUnicorn.h over that plain struct (as Swift closures they ran user
// code at ~40 MIPS in debug builds, which the system tests use); the memory
// hooks, which run once per page, are Swift closures that reach this object
// through `engine` (an Unmanaged pointer).
//
// Unicorn 2.0.1 behaviour relied on (measured; see the tests):
//   - An access a memory hook refuses ends emulation with `cpu_loop_exit`
//     without restoring the guest PC: PC is left wherever QEMU last wrote it,
//     normally the start of the translated block, while the instructions
//     before the faulting one have already changed registers. Resuming there
//     would run them twice. QEMU writes the PC before every instruction only
//     when a UC_HOOK_CODE hook covers it, so this engine counts instructions
//     with a code hook (not a block hook): faults are precise, and the count
//     is exact. The price is about half the raw speed (~270 vs ~520 MIPS on
//     a load/add loop, measured in C).
//   - A code hook that calls `uc_emu_stop` stops *before* its instruction
//     runs, so the budget check stops between instructions.
//   - Calling `uc_emu_stop` from a memory hook that returns true aborts the
//     current block with PC at the block start; the memory hooks therefore
//     never stop the engine: they set `stop_requested`, and the next code hook
//     stops before its instruction.
//   - `svc` arrives at UC_HOOK_INTR as exception 2 with PC past the `svc`;
//     an undefined instruction as exception 1 with PC at the instruction.
import CUnicorn

/// Why `UnicornEngine.run` returned.
enum UnicornStop: Equatable {
    /// The instruction budget is used up.
    case budget
    /// A memory hook asked for a stop (e.g. the region map needs compacting).
    case requested
    /// A CPU exception, numbered as QEMU numbers them (`QEMUException`).
    case exception(UInt32)
    /// An unmapped or protected access the delegate refused.
    case memoryRefused
    /// Unicorn's own invalid-instruction stop (UC_ERR_INSN_INVALID).
    case invalidInstruction
    /// Any other Unicorn error: a simulator bug or a host failure.
    case failure(UInt32)
    /// Emulation ended for no reason a hook saw (a WFI hint, for example).
    case other
    /// User code reached the engine's own trampoline page (at `pc`).
    case trampoline
}

/// QEMU's AArch64 exception numbers as UC_HOOK_INTR reports them
/// (qemu/target/arm/cpu.h, EXCP_*).
enum QEMUException {
    static let undefined: UInt32 = 1
    static let supervisorCall: UInt32 = 2
    static let prefetchAbort: UInt32 = 3
    static let dataAbort: UInt32 = 4
    static let breakpoint: UInt32 = 7
}

/// Decides what to do about an access Unicorn cannot satisfy. Called from
/// inside `uc_emu_start`; must not stop or unmap anything in the engine.
protocol UnicornMemoryDelegate: AnyObject {
    /// An access to an address no region covers. Return true after mapping
    /// the page (the access is retried), false to fail the access.
    func unicornUnmapped(_ access: UnicornAccess, address: UInt64, size: Int) -> Bool
    /// An access a region's permissions forbid. Return false to fail it.
    func unicornProtection(_ access: UnicornAccess, address: UInt64, size: Int) -> Bool
    /// DC ZVA of `address` (Xt): zero its aligned 64-byte block. False
    /// after recording the fault (at `address`).
    func unicornZeroBlock(address: UInt64) -> Bool
}

enum UnicornAccess: UInt8 { case read, write, fetch }

/// Unicorn region permissions (UC_PROT_*).
struct UnicornPermissions: OptionSet, Equatable {
    let rawValue: UInt32
    static let read = UnicornPermissions(rawValue: UC_PROT_READ.rawValue)
    static let write = UnicornPermissions(rawValue: UC_PROT_WRITE.rawValue)
    static let execute = UnicornPermissions(rawValue: UC_PROT_EXEC.rawValue)
}

struct UnicornError: Error, Equatable {
    var code: UInt32
    var operation: StaticString
    static func == (a: UnicornError, b: UnicornError) -> Bool { a.code == b.code }
}

final class UnicornEngine {
    /// The engine handle. Owned: closed in deinit.
    let handle: OpaquePointer
    /// Hook state (CUnicorn.h's `kenix_hook_state`); allocated once, freed in
    /// deinit. unsafe: valid for the engine's lifetime; touched only by the
    /// engine's thread, by the hooks only inside `run`.
    private let state: UnsafeMutablePointer<kenix_hook_state>
    let registers: UnicornRegisterFile
    /// The engine's clrex page (UnicornEngine+EL0). Owned: freed in deinit.
    let clrexPage = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 4096)
    /// The software MMU above. unowned(unsafe): it owns this engine.
    unowned(unsafe) var delegate: (any UnicornMemoryDelegate)?

    init() throws(UnicornError) {
        var uc: OpaquePointer?
        let err = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc)
        guard err == UC_ERR_OK, let uc else { throw UnicornError(code: err.rawValue, operation: "uc_open") }
        handle = uc
        state = .allocate(capacity: 1)
        state.initialize(to: kenix_hook_state())
        registers = UnicornRegisterFile()
        state.pointee.engine = Unmanaged.passUnretained(self).toOpaque()
        state.pointee.trampoline_page = Self.clrexAddress
        // self is fully initialized: on a throw below, deinit cleans up.
        try check(kenix_uc_exits_enable(uc), "uc_ctl_exits_enable")
        var hook: uc_hook = 0
        try check(kenix_uc_install_run_hooks(uc, state), "hook code and intr")
        try check(kenix_uc_hook_unmapped(uc, &hook, UnicornEngine.unmappedHook, state), "hook unmapped")
        try check(kenix_uc_hook_prot(uc, &hook, UnicornEngine.protectionHook, state), "hook prot")
        try check(kenix_uc_hook_sys(uc, &hook, UnicornEngine.sysHook, state), "hook sys")
    }

    deinit {
        uc_close(handle)
        clrexPage.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    // MARK: Running

    /// Runs from `pc` until something stops the engine; at most `budget`
    /// instructions start. `executed` counts the instructions started, which
    /// includes one that faulted or was undefined (see `executed`).
    func run(pc: UInt64, budget: UInt64) -> UnicornStop {
        state.pointee.executed = 0
        state.pointee.budget = budget
        state.pointee.stop_requested = false
        state.pointee.emulation_fault = false
        state.pointee.stop = UInt8(KENIX_STOP_NONE)
        let err = uc_emu_start(handle, pc, 0, 0, 0)
        switch err {
        case UC_ERR_OK:
            switch Int(state.pointee.stop) {
            case Int(KENIX_STOP_BUDGET): return .budget
            case Int(KENIX_STOP_REQUESTED): return .requested
            case Int(KENIX_STOP_EXCEPTION): return .exception(state.pointee.exception)
            case Int(KENIX_STOP_TRAMPOLINE): return .trampoline
            default: return .other
            }
        case UC_ERR_READ_UNMAPPED, UC_ERR_WRITE_UNMAPPED, UC_ERR_FETCH_UNMAPPED,
             UC_ERR_READ_PROT, UC_ERR_WRITE_PROT, UC_ERR_FETCH_PROT:
            return .memoryRefused
        case UC_ERR_INSN_INVALID: return .invalidInstruction
        default: return .failure(err.rawValue)
        }
    }

    /// `run(pc:budget:)` preceded by a `clrex` on the engine's own page (an
    /// exception return clears the exclusive monitor; Unicorn offers no other
    /// way to clear it). The clrex is not counted.
    func runAfterClearingExclusive(pc: UInt64, budget: UInt64) -> UnicornStop {
        state.pointee.redirect_to = pc
        state.pointee.redirect = true
        let stop = run(pc: Self.clrexAddress, budget: budget &+ 1)
        state.pointee.redirect = false
        if state.pointee.executed > 0 { state.pointee.executed -= 1 }
        return stop
    }

    /// Instructions started by the last `run`. An instruction that raised a
    /// data abort, an undefined-instruction or a breakpoint exception is
    /// included; one whose fetch failed is not (it never started).
    var executed: UInt64 { state.pointee.executed }

    /// The emulated instruction at `lastPC` faulted in the last run (its
    /// fault is the SoftMMU's): it did not retire, and the pc must go back.
    var emulationFaulted: Bool { state.pointee.emulation_fault }
    var lastPC: UInt64 { state.pointee.last_pc }

    /// Asks the running engine to stop before its next instruction. For
    /// memory delegates; the current instruction completes first.
    func requestStop() { state.pointee.stop_requested = true }

    var pc: UInt64 { registers.readPC(handle) }

    /// The instruction word at `address`, if the engine maps it.
    func instruction(at address: UInt64) -> UInt32? {
        var word: UInt32 = 0
        guard uc_mem_read(handle, address, &word, 4) == UC_ERR_OK else { return nil }
        return UInt32(littleEndian: word)
    }

    // MARK: Memory

    /// Maps `[address, address + size)` onto host memory at `host`.
    func mapRegion(_ address: UInt64, size: UInt64, permissions: UnicornPermissions,
                   host: UnsafeMutableRawPointer) throws(UnicornError) {
        try check(uc_mem_map_ptr(handle, address, Int(size), permissions.rawValue, host), "uc_mem_map_ptr")
    }

    /// Unmaps a region mapped before (or part of one).
    func unmapRegion(_ address: UInt64, size: UInt64) throws(UnicornError) {
        try check(uc_mem_unmap(handle, address, Int(size)), "uc_mem_unmap")
    }

    /// Drops translated code of the *mapped* range `[address, address + size)`.
    /// Must be called before the range is unmapped: Unicorn keys its blocks by
    /// an internal RAM offset it reuses for later regions, so blocks of an
    /// unmapped region could otherwise reappear under a different mapping.
    func dropTranslations(_ address: UInt64, size: UInt64) {
        _ = kenix_uc_remove_cache(handle, address, address &+ size)
    }

    /// Drops every translated block.
    func dropAllTranslations() { _ = kenix_uc_flush_translations(handle) }

    // MARK: Memory hooks (C callbacks: no captures, state through user_data)
    // The counting and exception hooks are in CUnicorn.h.

    private static let unmappedHook: uc_cb_eventmem_t = { _, type, address, size, _, userData in
        let s = userData.unsafelyUnwrapped.assumingMemoryBound(to: kenix_hook_state.self)
        guard let raw = s.pointee.engine, let access = UnicornAccess(type) else { return false }
        return Unmanaged<UnicornEngine>.fromOpaque(raw)._withUnsafeGuaranteedRef {
            $0.delegate?.unicornUnmapped(access, address: address, size: Int(size)) ?? false
        }
    }

    /// SYS at EL0: DC ZVA is done here, through the delegate (QEMU 5's
    /// helper in Unicorn 2.0.1 neither stops at a fault nor reports Xt);
    /// every other SYS goes on to QEMU, which refuses it (UCI = 0).
    private static let sysHook: uc_cb_insn_sys_t = { uc, reg, cp, userData in
        guard let cp, cp.pointee.op0 == 1, cp.pointee.op1 == 3, cp.pointee.crn == 7,
              cp.pointee.crm == 4, cp.pointee.op2 == 1 else { return 0 }
        let s = userData.unsafelyUnwrapped.assumingMemoryBound(to: kenix_hook_state.self)
        var xt: UInt64 = 0
        if reg != UC_ARM64_REG_XZR { _ = uc_reg_read(uc, Int32(reg.rawValue), &xt) }
        guard let raw = s.pointee.engine else { return 0 }
        let done = Unmanaged<UnicornEngine>.fromOpaque(raw)._withUnsafeGuaranteedRef {
            $0.delegate?.unicornZeroBlock(address: xt) ?? false
        }
        if !done {
            s.pointee.emulation_fault = true
            s.pointee.stop_requested = true
        }
        return 1
    }

    private static let protectionHook: uc_cb_eventmem_t = { _, type, address, size, _, userData in
        let s = userData.unsafelyUnwrapped.assumingMemoryBound(to: kenix_hook_state.self)
        guard let raw = s.pointee.engine, let access = UnicornAccess(type) else { return false }
        return Unmanaged<UnicornEngine>.fromOpaque(raw)._withUnsafeGuaranteedRef {
            $0.delegate?.unicornProtection(access, address: address, size: Int(size)) ?? false
        }
    }
}

extension UnicornAccess {
    init?(_ type: uc_mem_type) {
        switch type {
        case UC_MEM_READ, UC_MEM_READ_UNMAPPED, UC_MEM_READ_PROT, UC_MEM_READ_AFTER: self = .read
        case UC_MEM_WRITE, UC_MEM_WRITE_UNMAPPED, UC_MEM_WRITE_PROT: self = .write
        case UC_MEM_FETCH, UC_MEM_FETCH_UNMAPPED, UC_MEM_FETCH_PROT: self = .fetch
        default: return nil
        }
    }
}

@inline(__always)
func check(_ err: uc_err, _ operation: StaticString) throws(UnicornError) {
    if err != UC_ERR_OK { throw UnicornError(code: err.rawValue, operation: operation) }
}
