// RamFramebuffer+SelfTest.swift: `kenix.fb-test`, the HAL drawing a known
// picture into its framebuffer before the kernel starts, so the display path
// (fw_cfg, ramfb configuration, mode, stride, pixel format) is checked by a
// screendump without any user-space code. Tests/QEMU/fb_pattern.py draws the
// same picture for the comparison. The pattern, for a W×H mode:
//   - 8 vertical bars: pixel column x is in bar i = x * 8 / W (integer
//     division), whose colour has red 0xC0 if bit 0 of i is set, green 0xC0
//     if bit 1, blue 0xC0 if bit 2, else 0: black, red, green, yellow, blue,
//     magenta, cyan, grey (0xC0C0C0), left to right;
//   - a 1-pixel white (0xFFFFFF) border: rows 0 and H-1, columns 0 and W-1.
// Pixels are XRGB8888 words 0x00RRGGBB. Prints "fb-test: drawn WxH" or
// "fb-test: FAILED no ramfb display"; booting continues either way.
import HAL

enum FramebufferSelfTest {
    static func barColour(_ i: Int) -> UInt32 {
        (i & 1 != 0 ? 0xC0_0000 : 0) | (i & 2 != 0 ? 0x00_C000 : 0) | (i & 4 != 0 ? 0x00_00C0 : 0)
    }

    static func run(_ hal: ArmHAL) {
        guard let display = hal.display else {
            Console.put("fb-test: FAILED no ramfb display\n")
            return
        }
        let mode = display.mode
        let base = hal.memory.pointer(to: display.pixels.base)
        for y in 0..<mode.height {
            let row = (base + y * mode.stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<mode.width {
                let border = x == 0 || y == 0 || x == mode.width - 1 || y == mode.height - 1
                row[x] = border ? 0xFF_FFFF : barColour(x * 8 / mode.width)
            }
        }
        display.present(ScreenRect(x: 0, y: 0, width: mode.width, height: mode.height))
        Console.put("fb-test: drawn ")
        Console.put(decimal: UInt64(mode.width))
        Console.put("x")
        Console.put(decimal: UInt64(mode.height))
        Console.put("\n")
    }
}
