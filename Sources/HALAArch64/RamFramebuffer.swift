// RamFramebuffer.swift: QEMU's ramfb (`-device ramfb`) as the HAL's
// Framebuffer. ramfb is a display that scans guest RAM: the guest picks the
// memory and the mode by writing the fw_cfg file "etc/ramfb", 28 bytes,
// big-endian {u64 addr, u32 fourcc, u32 flags, u32 width, u32 height,
// u32 stride} (QEMU hw/display/ramfb.c), through the DMA interface (fw_cfg
// ignores data-register writes). QEMU maps that memory and shows it as it is.
//
// The pixels are page-aligned, physically contiguous RAM taken from the top
// of RAM below every reserved range and the initrd; KernelMain adds them to
// BootInfo.reserved, so the kernel never hands them out, and fb_map maps them
// into user space. Mode: `kenix.fb=WxH` (64..4096 each), default 640x480,
// stride width × 4, XRGB8888 ("XR24").
//
// UEFI boots: AAVMF's QemuRamfbDxe configures ramfb first, with its own
// memory and mode. QEMU 7.2 accepts any later configuration (each write
// replaces the surface; no "one change per boot" lock), so ours simply takes
// over; Tests/QEMU/boot.sh proves it with a screendump of a UEFI boot.
// The firmware's framebuffer stays reserved (it is in the memory map).
import HAL

struct RamFramebuffer: Framebuffer {
    let mode: FramebufferMode
    let pixels: PhysRange

    /// Nothing to do: QEMU reads the pixels from RAM whenever it refreshes
    /// the window or takes a screendump. The pixels are in Normal
    /// write-back cacheable memory (the linear map and user mappings alike),
    /// which is correct on QEMU only because TCG (and KVM's view of guest
    /// RAM) is cache-coherent with the display. A real scan-out engine reads
    /// DRAM behind the caches: there the pixels would be mapped
    /// write-combining (Normal Non-cacheable) in the kernel and in user
    /// space, or present() would clean the damaged lines to the point of
    /// coherency (DC CVAC over each row of `damage`, then DSB) before the
    /// hardware scans them.
    func present(_ damage: ScreenRect) {}

    static let defaultWidth = 640, defaultHeight = 480
    static let smallest = 64, largest = 4096

    /// The mode `kenix.fb=WxH` asks for, or the default with a one-line
    /// warning when it is malformed or out of range.
    static func mode(requested: [UInt8]?) -> FramebufferMode {
        var width = defaultWidth, height = defaultHeight
        if let requested {
            var parts: (UInt64?, UInt64?) = (nil, nil)
            if let x = requested.firstIndex(of: 0x78) {      // 'x'
                parts = (BootArguments.decimal(Array(requested[..<x])),
                         BootArguments.decimal(Array(requested[(x + 1)...])))
            }
            if let w = parts.0, let h = parts.1, w >= UInt64(smallest), w <= UInt64(largest),
               h >= UInt64(smallest), h <= UInt64(largest) {
                width = Int(w); height = Int(h)
            } else {
                Console.put("kenix: display: kenix.fb=")
                for b in requested.prefix(32) { consoleUART.write(b >= 0x20 && b < 0x7F ? b : 0x3F) }
                Console.put(" ignored (want WxH, each 64..4096); using 640x480\n")
            }
        }
        return FramebufferMode(width: width, height: height, stride: width * 4, format: .xrgb8888)
    }

    /// Sets ramfb up: finds etc/ramfb, takes and zeroes the pixel memory,
    /// writes the configuration. nil (with a boot line saying why) when there
    /// is no fw_cfg, no DMA interface, no ramfb, not enough free RAM, or QEMU
    /// refuses the configuration. The caller reserves `pixels`.
    static func setUp(fwCfg: FWCfg?, requested: [UInt8]?, ram: PhysRange, reserved: [PhysRange],
                      initrd: PhysRange) -> RamFramebuffer? {
        guard let fwCfg, let file = fwCfg.file("etc/ramfb") else {
            Console.put("kenix: display: none (no -device ramfb)\n")
            return nil
        }
        guard file.size == 28, fwCfg.hasDMA else {
            Console.put("kenix: display: ramfb unusable (no fw_cfg DMA interface, or etc/ramfb not 28 bytes)\n")
            return nil
        }
        let mode = mode(requested: requested)
        let page: UInt64 = 4096
        let bytes = (UInt64(mode.byteCount) + page - 1) & ~(page - 1)
        guard let pixels = highestFreeRange(bytes, in: ram, avoiding: reserved + [initrd]) else {
            Console.put("kenix: display: not enough free RAM for the framebuffer\n")
            return nil
        }
        UnsafeMutableRawPointer(bitPattern: UInt(kva(pixels.base.raw)))!
            .initializeMemory(as: UInt8.self, repeating: 0, count: Int(bytes))      // black

        let config = UnsafeMutableRawPointer.allocate(byteCount: 32, alignment: 8)
        defer { config.deallocate() }
        config.storeBytes(of: pixels.base.raw.bigEndian, as: UInt64.self)
        config.storeBytes(of: mode.format.rawValue.bigEndian, toByteOffset: 8, as: UInt32.self)
        config.storeBytes(of: UInt32(0).bigEndian, toByteOffset: 12, as: UInt32.self)           // flags
        config.storeBytes(of: UInt32(mode.width).bigEndian, toByteOffset: 16, as: UInt32.self)
        config.storeBytes(of: UInt32(mode.height).bigEndian, toByteOffset: 20, as: UInt32.self)
        config.storeBytes(of: UInt32(mode.stride).bigEndian, toByteOffset: 24, as: UInt32.self)
        guard fwCfg.dmaWrite(file.key, from: pa(ofKernel: UInt64(UInt(bitPattern: config))), length: 28) else {
            Console.put("kenix: display: ramfb refused its configuration (fw_cfg DMA error)\n")
            return nil
        }
        Console.put("kenix: display: ramfb ")
        Console.put(decimal: UInt64(mode.width))
        Console.put("x")
        Console.put(decimal: UInt64(mode.height))
        Console.put(" XR24 at ")
        Console.put(shortHex: pixels.base.raw)
        Console.put("\n")
        return RamFramebuffer(mode: mode, pixels: pixels)
    }

    /// The highest page-aligned `size` bytes of `ram` that overlap none of
    /// `avoiding`; nil when there is no such gap.
    static func highestFreeRange(_ size: UInt64, in ram: PhysRange, avoiding: [PhysRange]) -> PhysRange? {
        guard size > 0, size <= ram.size else { return nil }
        var base = (ram.end.raw - size) & ~UInt64(4095)
        while base >= ram.base.raw {
            var clash: PhysRange? = nil
            func consider(_ r: PhysRange) {
                guard r.size > 0, r.base.raw < base + size, base < r.end.raw else { return }
                if clash == nil || r.base.raw < clash!.base.raw { clash = r }
            }
            for r in avoiding { consider(r) }
            guard let clash else { return PhysRange(base: PhysAddr(base), size: size) }
            // Below the lowest clashing range, and try again.
            guard clash.base.raw >= ram.base.raw + size else { return nil }
            base = (clash.base.raw - size) & ~UInt64(4095)
        }
        return nil
    }
}
