// UEFIHandover.swift: what the UEFI loader (uefi/loader.c, handover.h)
// passes in x1: the initrd it loaded and the UEFI memory map taken just
// before ExitBootServices. Every region of RAM that is still in use after
// boot services (runtime services, ACPI, reserved, the loader's own data:
// anything but BootServicesCode/Data, LoaderCode and ConventionalMemory;
// UEFI 2.10 table 7.10) becomes a BootInfo.reserved range.
import HAL

struct UEFIHandover {
    static let magic: UInt64 = 0x4645_5558_494E_454B          // "KENIXUEF"
    let initrd: PhysRange
    let memoryMap: UInt64
    let memoryMapSize: UInt64
    let descriptorSize: UInt64

    init?(physicalAddress: UInt64) {
        guard physicalAddress != 0, physicalAddress & 7 == 0 else { return nil }
        let h = UnsafePointer<UInt64>(bitPattern: UInt(kva(physicalAddress)))!
        guard h[0] == Self.magic, h[5] >= 40 else { return nil }
        initrd = PhysRange(base: PhysAddr(h[1]), size: h[2])
        memoryMap = h[3]; memoryMapSize = h[4]; descriptorSize = h[5]
    }

    /// Appends the in-use regions that overlap `ram`, merged when adjacent.
    func appendFirmwareRanges(inside ram: PhysRange, to reserved: inout [PhysRange]) {
        var count: UInt64 = 0
        var offset: UInt64 = 0
        var pending: PhysRange? = nil
        while offset + descriptorSize <= memoryMapSize {
            let d = UnsafeRawPointer(bitPattern: UInt(kva(memoryMap + offset)))!
            offset += descriptorSize
            let type = d.load(as: UInt32.self)
            let start = d.load(fromByteOffset: 8, as: UInt64.self)
            let pages = d.load(fromByteOffset: 24, as: UInt64.self)
            // 1 LoaderCode, 3/4 BootServicesCode/Data, 7 ConventionalMemory: free now.
            if type == 1 || type == 3 || type == 4 || type == 7 { continue }
            let lo = max(start, ram.base.raw), hi = min(start + pages * 4096, ram.end.raw)
            guard lo < hi else { continue }
            if let p = pending, p.end.raw == lo {
                pending = PhysRange(base: p.base, size: hi - p.base.raw)
            } else {
                if let p = pending { reserved.append(p); count += 1 }
                pending = PhysRange(base: PhysAddr(lo), size: hi - lo)
            }
        }
        if let p = pending { reserved.append(p); count += 1 }
        Console.put("reserved ")
        Console.put(decimal: count)
        Console.put(" firmware ranges from the memory map\n")
    }
}
