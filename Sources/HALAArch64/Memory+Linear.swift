// Memory+Linear.swift: the kernel's view of physical memory. boot.S maps all
// of PA 0-4 GB (and LinearMap.extend maps RAM beyond) at KVA = KVA_BASE + PA
// through TTBR1, so PhysicalMemory.pointer(to:) is an addition. MMIO helpers
// for devices in the same map live here too.
import HAL
import _Volatile

let kernelVirtualBase: UInt64 = 0xFFFF_0000_0000_0000

@inline(__always) func kva(_ pa: UInt64) -> UInt64 { pa &+ kernelVirtualBase }
/// The physical address of a kernel pointer, including a heap pointer whose
/// top byte heap.c cleared (TBI1: bit 55 selects TTBR1, the byte is ignored).
@inline(__always) func pa(ofKernel va: UInt64) -> UInt64 {
    let canonical = va & (1 << 55) != 0 ? va | 0xFF00_0000_0000_0000 : va
    return canonical &- kernelVirtualBase
}

struct LinearMemory: PhysicalMemory {
    @inline(__always)
    func pointer(to address: PhysAddr) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(kva(address.raw)))!
    }

    /// Cores without coherent instruction caches (CTR_EL0.DIC/IDC clear) would
    /// otherwise run stale code from a reused frame.
    func synchronizeInstructions(at address: PhysAddr, length: Int) {
        kenix_sync_icache(kva(address.raw), UInt64(length))
    }
}

@inline(__always) func mmioRead32(_ va: UInt64) -> UInt32 {
    VolatileMappedRegister<UInt32>(unsafeBitPattern: UInt(va)).load()
}
@inline(__always) func mmioWrite32(_ va: UInt64, _ value: UInt32) {
    VolatileMappedRegister<UInt32>(unsafeBitPattern: UInt(va)).store(value)
}
@inline(__always) func mmioRead8(_ va: UInt64) -> UInt8 {
    VolatileMappedRegister<UInt8>(unsafeBitPattern: UInt(va)).load()
}
@inline(__always) func mmioWrite8(_ va: UInt64, _ value: UInt8) {
    VolatileMappedRegister<UInt8>(unsafeBitPattern: UInt(va)).store(value)
}
@inline(__always) func mmioWrite16(_ va: UInt64, _ value: UInt16) {
    VolatileMappedRegister<UInt16>(unsafeBitPattern: UInt(va)).store(value)
}
@inline(__always) func mmioRead64(_ va: UInt64) -> UInt64 {
    VolatileMappedRegister<UInt64>(unsafeBitPattern: UInt(va)).load()
}
@inline(__always) func mmioWrite64(_ va: UInt64, _ value: UInt64) {
    VolatileMappedRegister<UInt64>(unsafeBitPattern: UInt(va)).store(value)
}

enum LinearMap {
    /// Maps RAM above 4 GB (boot.S maps PA 0-4 GB) with 1 GB Normal WB blocks
    /// in the boot L1 table (ARM ARM D8.3.1; same attributes as boot.S).
    static func extend(toCover ram: PhysRange) {
        let l1 = UnsafeMutablePointer<UInt64>(bitPattern: UInt(kenix_addr_boot_l1()))!
        let gb: UInt64 = 1 << 30
        var index = max(UInt64(4), ram.base.raw / gb)
        while index * gb < ram.end.raw && index < 512 {
            l1[Int(index)] = 0x0040_0000_0000_0701 | (index << 30)
            index += 1
        }
        kenix_dsb_ishst()
    }
}
