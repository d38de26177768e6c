// The floor of this design: one EL0 `svc` trapping out of the CPU engine to
// the host and resuming. Measured on a two-instruction loop (`svc #0; b .-4`):
//   - raw Unicorn: uc_emu_start → UC_HOOK_INTR → uc_emu_stop, reading only the PC;
//   - through the HAL: `SimCPU.enterUser`, which also moves the whole
//     UserContext (x0–x30, SP, PC, NZCV, TPIDR, q0–q31, FPCR, FPSR) in and
//     out, on either CPU engine.
// And the store loop of issue 12 (`str x0, [x1]; subs x2, x2, #1; b.ne`),
// through enterUser on either engine, per iteration.
import CUnicorn
import HAL
import HALHostSim
import SimHost

private let codeAddress: UInt64 = 0x40_0000
private let svcLoop: [UInt32] = [0xD400_0001, 0x17FF_FFFF]   // svc #0; b .-4

/// Host ns per raw Unicorn svc round trip.
func rawUnicornSvc(rounds: Int) -> Double {
    var uc: OpaquePointer?
    guard uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc) == UC_ERR_OK, let uc else { fatalError("uc_open") }
    defer { uc_close(uc) }
    uc_mem_map(uc, codeAddress, 4096, UInt32(UC_PROT_ALL.rawValue))
    svcLoop.withUnsafeBytes { _ = uc_mem_write(uc, codeAddress, $0.baseAddress, $0.count) }
    var hook: uc_hook = 0
    let onInterrupt: uc_cb_hookintr_t = { uc, _, _ in
        uc_emu_stop(uc)
    }
    kenix_uc_hook_intr(uc, &hook, onInterrupt, nil)
    var pc = codeAddress
    let start = HostClock.monotonicNanoseconds()
    for _ in 0..<rounds {
        uc_emu_start(uc, pc, 0, 0, 0)
        uc_reg_read(uc, Int32(UC_ARM64_REG_PC.rawValue), &pc)
    }
    return Double(HostClock.monotonicNanoseconds() - start) / Double(rounds)
}

/// A machine with `code` at codeAddress and a writable data page after it,
/// activated (hand-built tables in the first frames of RAM).
private func machineRunning(_ code: [UInt32], cpu: SimCPUKind) -> HostSimHAL {
    var config = SimConfig(ramSize: 1 << 20, console: .discard)
    config.cpu = cpu
    guard let hal = try? HostSimHAL(config: config) else { fatalError("HostSimHAL") }
    // Hand-built tables: root, L1, L2, L3 and one code page, in the first frames of RAM.
    let ram = hal.boot.ram.base
    func frame(_ i: UInt64) -> PhysAddr { ram.adding(i * PageGeometry.pageSize) }
    func slot(_ table: PhysAddr, _ level: Int) -> UnsafeMutablePointer<UInt64> {
        hal.memory.pointer(to: table).assumingMemoryBound(to: UInt64.self)
            .advanced(by: TranslationWalk.index(of: VirtAddr(codeAddress), level: level))
    }
    for i in 0..<6 { hal.memory.pointer(to: frame(UInt64(i))).initializeMemory(as: UInt8.self, repeating: 0, count: 4096) }
    slot(frame(0), 0).pointee = PageDescriptor.table(frame(1)).raw
    slot(frame(1), 1).pointee = PageDescriptor.table(frame(2)).raw
    slot(frame(2), 2).pointee = PageDescriptor.table(frame(3)).raw
    slot(frame(3), 3).pointee = PageDescriptor.userPage(frame(4), writable: false, executable: true).raw
    slot(frame(3), 3).advanced(by: 1).pointee = PageDescriptor.userPage(frame(5), writable: true, executable: false).raw
    code.withUnsafeBytes { hal.memory.pointer(to: frame(4)).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    hal.mmu.activate(root: frame(0), asid: ASID(1))
    return hal
}

/// Host ns per svc round trip through `SimCPU.enterUser` on `cpu`.
func halSvc(rounds: Int, cpu: SimCPUKind) -> Double {
    let hal = machineRunning(svcLoop, cpu: cpu)
    var context = UserContext(entry: codeAddress, stackTop: 0)
    let start = HostClock.monotonicNanoseconds()
    for _ in 0..<rounds {
        guard hal.cpu.enterUser(&context) == .syscall else { fatalError("expected a syscall trap") }
    }
    return Double(HostClock.monotonicNanoseconds() - start) / Double(rounds)
}

/// Host ns per iteration of `str x0, [x1]; subs x2, x2, #1; b.ne .-8` on
/// `cpu`, run through enterUser (one trap at the end).
func storeLoop(iterations: UInt64, cpu: SimCPUKind) -> Double {
    let hal = machineRunning([0xF900_0020, 0xF100_0442, 0x54FF_FFC1, 0xD400_0001], cpu: cpu)
    var warm = UserContext(entry: codeAddress, stackTop: 0)
    warm.x[1] = codeAddress + PageGeometry.pageSize
    warm.x[2] = 1000
    guard hal.cpu.enterUser(&warm) == .syscall else { fatalError("expected a syscall trap") }
    var context = UserContext(entry: codeAddress, stackTop: 0)
    context.x[1] = codeAddress + PageGeometry.pageSize
    context.x[2] = iterations
    let start = HostClock.monotonicNanoseconds()
    guard hal.cpu.enterUser(&context) == .syscall else { fatalError("expected a syscall trap") }
    return Double(HostClock.monotonicNanoseconds() - start) / Double(iterations)
}
