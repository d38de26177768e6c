// A linear framebuffer the platform shows: pixels in RAM that a user-space
// driver or client maps and draws into, and a "present" call that says which
// pixels are finished. The mode is fixed at boot. Both backends use the same
// pixel format, so a program draws the same bytes whichever runs it.

public enum PixelFormat: UInt32, Sendable {
    /// 32 bits a pixel, a little-endian word 0x00RRGGBB (bytes B, G, R, X):
    /// DRM_FORMAT_XRGB8888, fourcc "XR24", what QEMU's ramfb shows.
    case xrgb8888 = 0x3432_5258
}

public struct FramebufferMode: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// Bytes from one row to the next (at least width × 4).
    public var stride: Int
    public var format: PixelFormat

    public init(width: Int, height: Int, stride: Int, format: PixelFormat = .xrgb8888) {
        self.width = width; self.height = height; self.stride = stride; self.format = format
    }

    public var byteCount: Int { stride * height }
}

/// A rectangle of pixels (x, y from the top left).
public struct ScreenRect: Equatable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
}

public protocol Framebuffer {
    var mode: FramebufferMode { get }
    /// The pixel memory: page-aligned physical RAM, at least `mode.byteCount`
    /// bytes, that the backend keeps out of the kernel's frames (it is in
    /// `BootInfo.reserved`). The kernel maps it into user space.
    var pixels: PhysRange { get }
    /// The pixels in `damage` (inside the mode) are complete: show them. A
    /// display that scans memory by itself (ramfb) need not do anything.
    /// Contract: cheap, never fails, never changes the pixels; callable from
    /// a syscall.
    func present(_ damage: ScreenRect)
}

/// The platform has no display.
public struct NoFramebuffer: Framebuffer {
    public init() {}
    public var mode: FramebufferMode { FramebufferMode(width: 0, height: 0, stride: 0) }
    public var pixels: PhysRange { PhysRange(base: PhysAddr(0), size: 0) }
    public func present(_ damage: ScreenRect) {}
}
