// The display and the keyboard, for user-space drivers and clients.
//
// The framebuffer's pixels are platform memory, not the kernel's frames:
// `fb_map` maps them, unowned, into the caller's shared-memory area (any task
// may; the console server and graphics programs agree among themselves who
// draws), and `fb_present` tells the platform which pixels are finished.
// The keyboard has one owner, like the UART: the keyboard driver, which
// routes its interrupt line to itself and reads key events in registers.
import HAL
import KenixABI

extension Kernel {
    /// `fb_info`: x0 width, x1 height, x2 stride (bytes), x3 pixel format
    /// (a DRM fourcc).
    mutating func fbInfo(_ slot: Int) {
        guard let display = hal.display else { return setError(slot, .notFound) }
        let mode = display.mode
        let ctx = tasks[slot]
        ctx.pointee.context.x[0] = UInt64(mode.width)
        ctx.pointee.context.x[1] = UInt64(mode.height)
        ctx.pointee.context.x[2] = UInt64(mode.stride)
        ctx.pointee.context.x[3] = UInt64(mode.format.rawValue)
    }

    /// `fb_map`: the pixels, writable, in the caller's shared-memory area;
    /// the same address again on a second call.
    mutating func fbMap(_ slot: Int) -> Result<UInt64, SyscallError> {
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
    mutating func fbPresent(_ slot: Int, x: UInt64, y: UInt64, width: UInt64, height: UInt64) -> Result<UInt64, SyscallError> {
        guard let display = hal.display else { return .failure(.notFound) }
        let mode = display.mode
        guard width > 0, height > 0, x < UInt64(mode.width), y < UInt64(mode.height),
              width <= UInt64(mode.width) - x, height <= UInt64(mode.height) - y else {
            return .failure(.invalidArgument)
        }
        display.present(ScreenRect(x: Int(x), y: Int(y), width: Int(width), height: Int(height)))
        return .success(0)
    }

    /// `keyboard_claim`: makes the caller the keyboard's owner; returns its
    /// interrupt line, which the owner then routes with `irq_register`.
    mutating func keyboardClaim(_ slot: Int) -> Result<UInt64, SyscallError> {
        guard let keyboard = hal.keyboard else { return .failure(.notFound) }
        if let owner = keyboardOwner, tasks.liveSlot(of: owner) != nil { return .failure(.busy) }
        keyboardOwner = tasks[slot].pointee.id
        return .success(UInt64(keyboard.irq.number))
    }

    /// `keyboard_read`: x0 = events returned (0 to 4, 0 when none wait),
    /// x1–x4 = the events, each `code | pressed << 16`. Owner only.
    mutating func keyboardRead(_ slot: Int) {
        guard let keyboard = hal.keyboard else { return setError(slot, .notFound) }
        guard keyboardOwner == tasks[slot].pointee.id else { return setError(slot, .notPermitted) }
        let ctx = tasks[slot]
        var count: UInt64 = 0
        for r in 1...4 { ctx.pointee.context.x[r] = 0 }
        while count < 4, let event = keyboard.takeEvent() {
            ctx.pointee.context.x[Int(count) + 1] = UInt64(event.code) | (event.pressed ? 1 << 16 : 0)
            count += 1
        }
        ctx.pointee.context.x[0] = count
    }
}
