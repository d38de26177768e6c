// Compiled only by `make embedded-check`, in Embedded Swift for
// aarch64-none-none-elf: it instantiates Kernel<H> with a minimal HAL so that
// every generic path of the kernel is specialised and checked against the
// Embedded subset (no existentials, reflection or runtime generics). Nothing
// here runs; the real hardware HAL is Sources/HALAArch64.
import HAL
import KenixKernel

struct NullCPU: CPU {
    func enterUser(_ context: inout UserContext) -> Trap { .halt }
    func waitForInterrupt() -> WakeReason { .halt }
}
struct NullMMU: MMU {
    func activate(root: PhysAddr, asid: ASID) {}
    func invalidate(asid: ASID, page: VirtAddr) {}
    func invalidateAll(asid: ASID) {}
}
struct NullGIC: InterruptController {
    func enable(_ irq: IRQ) {}
    func disable(_ irq: IRQ) {}
    func acknowledge() -> IRQ? { nil }
    func endOfInterrupt(_ irq: IRQ) {}
}
struct NullTimer: Timer {
    var frequency: UInt64 { 62_500_000 }
    func now() -> UInt64 { 0 }
    func setDeadline(_ deadline: UInt64?) {}
    var irq: IRQ { IRQ(27) }
}
struct NullUART: UART {
    func write(_ byte: UInt8) {}
    func read() -> UInt8? { nil }
    var irq: IRQ { IRQ(33) }
}
struct LinearRAM: PhysicalMemory {
    func pointer(to address: PhysAddr) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(address.raw))!
    }
}
struct NullTrace: TraceSink { func record(_ event: TraceEvent) {} }

struct CheckHAL: HAL {
    var cpu: NullCPU { NullCPU() }
    var mmu: NullMMU { NullMMU() }
    var interrupts: NullGIC { NullGIC() }
    var timer: NullTimer { NullTimer() }
    var uart: NullUART { NullUART() }
    var memory: LinearRAM { LinearRAM() }
    var trace: NullTrace { NullTrace() }
    var boot: BootInfo {
        BootInfo(ram: PhysRange(base: PhysAddr(0x4000_0000), size: 0x800_0000), reserved: [],
                 initrd: PhysRange(base: PhysAddr(0x4700_0000), size: 0x1000))
    }
}

@_cdecl("kenix_embedded_check")
public func kenixEmbeddedCheck() -> Int {
    do {
        var kernel = try Kernel(hal: CheckHAL())
        switch kernel.run() {
        case .initExited(let status): return Int(status)
        default: return -1
        }
    } catch {
        return -2
    }
}
