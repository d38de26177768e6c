// The floor of this design: one EL0 `svc` trapping out of Unicorn to the host
// and resuming. Measured two ways on a two-instruction loop (`svc #0; b .-4`):
//   - raw Unicorn: uc_emu_start → UC_HOOK_INTR → uc_emu_stop, reading only the PC;
//   - through the HAL: `SimCPU.enterUser`, which also moves the whole
//     UserContext (x0–x30, SP, PC, NZCV, TPIDR, q0–q31, FPCR, FPSR) in and out.
import CUnicorn
import HAL
import HALHostSim

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
    let start = hostNanoseconds()
    for _ in 0..<rounds {
        uc_emu_start(uc, pc, 0, 0, 0)
        uc_reg_read(uc, Int32(UC_ARM64_REG_PC.rawValue), &pc)
    }
    return Double(hostNanoseconds() - start) / Double(rounds)
}

/// Host ns per svc round trip through `SimCPU.enterUser`.
func halSvc(rounds: Int) -> Double {
    guard let hal = try? HostSimHAL(config: SimConfig(ramSize: 1 << 20, console: .discard)) else {
        fatalError("HostSimHAL")
    }
    // Hand-built tables: root, L1, L2, L3 and one code page, in the first frames of RAM.
    let ram = hal.boot.ram.base
    func frame(_ i: UInt64) -> PhysAddr { ram.adding(i * PageGeometry.pageSize) }
    func slot(_ table: PhysAddr, _ level: Int) -> UnsafeMutablePointer<UInt64> {
        hal.memory.pointer(to: table).assumingMemoryBound(to: UInt64.self)
            .advanced(by: TranslationWalk.index(of: VirtAddr(codeAddress), level: level))
    }
    for i in 0..<5 { hal.memory.pointer(to: frame(UInt64(i))).initializeMemory(as: UInt8.self, repeating: 0, count: 4096) }
    slot(frame(0), 0).pointee = PageDescriptor.table(frame(1)).raw
    slot(frame(1), 1).pointee = PageDescriptor.table(frame(2)).raw
    slot(frame(2), 2).pointee = PageDescriptor.table(frame(3)).raw
    slot(frame(3), 3).pointee = PageDescriptor.userPage(frame(4), writable: false, executable: true).raw
    svcLoop.withUnsafeBytes { hal.memory.pointer(to: frame(4)).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    hal.mmu.activate(root: frame(0), asid: ASID(1))
    var context = UserContext(entry: codeAddress, stackTop: 0)
    let start = hostNanoseconds()
    for _ in 0..<rounds {
        guard hal.cpu.enterUser(&context) == .syscall else { fatalError("expected a syscall trap") }
    }
    return Double(hostNanoseconds() - start) / Double(rounds)
}
