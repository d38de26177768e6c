// ScriptedFramebuffer: the test machine's display, a HAL `Framebuffer` whose
// pixels are a page-aligned stretch of the scripted RAM. ScriptedHAL puts it
// just after the initrd, the first frames the allocator would otherwise hand
// out, and lists it in BootInfo.reserved as a backend must. `present` keeps
// each damage rectangle, in order; one outside the mode breaks the contract
// and is reported as a harness error.
import HAL

final class ScriptedFramebuffer: Framebuffer {
    unowned let machine: SimMachine
    let mode: FramebufferMode
    /// `mode.byteCount` rounded up to whole pages.
    let pixels: PhysRange
    /// Every rectangle `present` was given, in order.
    private(set) var presents: [ScreenRect] = []

    init(machine: SimMachine, mode: FramebufferMode, base: PhysAddr) {
        precondition(base.raw & (PageGeometry.pageSize - 1) == 0, "pixels must be page-aligned")
        let page = PageGeometry.pageSize
        self.machine = machine
        self.mode = mode
        pixels = PhysRange(base: base, size: (UInt64(mode.byteCount) + page - 1) / page * page)
    }

    func present(_ damage: ScreenRect) {
        if damage.width <= 0 || damage.height <= 0 || damage.x < 0 || damage.y < 0
            || damage.x + damage.width > mode.width || damage.y + damage.height > mode.height {
            machine.harnessErrors.append("present outside the mode: \(damage)")
        }
        presents.append(damage)
    }

    // MARK: Inspection

    /// Pages of pixel memory.
    var pageCount: Int { Int(pixels.size / PageGeometry.pageSize) }

    /// Whether the frame at `address` is one of the pixel memory's.
    func contains(_ address: PhysAddr) -> Bool { pixels.contains(address) }

    /// The 8 bytes of pixel memory at byte `offset` (as a user load sees them).
    func word(at offset: Int) -> UInt64 { machine.pointer(to: pixels.base.adding(UInt64(offset))).load(as: UInt64.self) }

    /// Sets the 8 bytes at byte `offset`.
    func setWord(_ value: UInt64, at offset: Int) {
        machine.pointer(to: pixels.base.adding(UInt64(offset))).storeBytes(of: value, as: UInt64.self)
    }

    /// Fills the whole pixel memory with `byte`.
    func fill(_ byte: UInt8) {
        machine.pointer(to: pixels.base).initializeMemory(as: UInt8.self, repeating: byte, count: Int(pixels.size))
    }

    /// The whole pixel memory.
    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: machine.pointer(to: pixels.base), count: Int(pixels.size))) }
}
