// The display, for user-space drivers and clients. The framebuffer's pixels
// are platform memory, not the kernel's frames: `fb_map` maps them, unowned,
// into the caller's shared-memory area (any task may; the console server and
// graphics programs agree among themselves who draws), and `fb_present`
// tells the platform which pixels are finished.
import HAL
import KenixABI

extension Kernel {
    /// `fb_info`: x0 width, x1 height, x2 stride (bytes), x3 pixel format
    /// (a DRM fourcc).
    mutating func fbInfo() -> SyscallResult {
        guard let display = hal.display else { return .failure(.notFound) }
        let mode = display.mode
        return .registers(SyscallReturn(x0: UInt64(mode.width), x1: UInt64(mode.height),
                                        x2: UInt64(mode.stride), x3: UInt64(mode.format.rawValue)))
    }

    /// `fb_map`: the pixels, writable, in the caller's shared-memory area;
    /// the same address again on a second call.
    mutating func fbMap(_ slot: Int) -> SyscallResult {
        guard let display = hal.display, display.pixels.size > 0 else { return .failure(.notFound) }
        let t = tasks[slot]
        if t.pointee.framebufferAddress != 0 { return .success(t.pointee.framebufferAddress) }
        let page = PageGeometry.pageSize
        let pages = (display.pixels.size + page - 1) / page
        let length = pages * page
        let address = freeShmAddress(slot, length: length)
        guard address <= UserLayout.shmLimit, length <= UserLayout.shmLimit - address else {
            return .failure(.outOfMemory)
        }
        if case .failure(let e) = mapPhysical(slot, at: address, base: display.pixels.base, pages: Int(pages)) {
            return .failure(e)
        }
        t.pointee.framebufferAddress = address
        t.pointee.shmNextAddress = address + length
        return .success(address)
    }

    /// `fb_present(x, y, width, height)`: those pixels are finished.
    mutating func fbPresent(x: UInt64, y: UInt64, width: UInt64, height: UInt64) -> SyscallResult {
        guard let display = hal.display else { return .failure(.notFound) }
        let mode = display.mode
        guard width > 0, height > 0, x < UInt64(mode.width), y < UInt64(mode.height),
              width <= UInt64(mode.width) - x, height <= UInt64(mode.height) - y else {
            return .failure(.invalidArgument)
        }
        display.present(ScreenRect(x: Int(x), y: Int(y), width: Int(width), height: Int(height)))
        return .success(0)
    }
}
