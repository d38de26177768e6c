// SimDisplay: the simulated framebuffer. Its pixels are simulated RAM: a
// page-aligned range just below the initrd, zeroed at power-on and listed in
// `BootInfo.reserved`, so the kernel never hands it out as frames. The mode
// is fixed (XRGB8888, stride = width × 4).
//
// `present` only records: the damage, a count (SimStats.presents) and, when
// a window is attached (SimMachine+Display), a redraw. Nothing here reads or
// changes simulated time or anything the guest can see, so a run is the same
// with a window, without one and with a screenshot taken.
import HAL

/// The simulated display's shape.
public struct SimDisplayConfig: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// When to keep a copy of the pixels (`SimMachine.screenshot`); nil: never.
    public var capture: SimCaptureMoment?

    /// Sizes the simulator accepts, each side (kenix-sim asks for 64...4096).
    public static let sideRange = 1...16384

    public init(width: Int = 640, height: Int = 480, capture: SimCaptureMoment? = nil) {
        self.width = width
        self.height = height
        self.capture = capture
    }

    public var mode: FramebufferMode {
        FramebufferMode(width: width, height: height, stride: width * 4, format: .xrgb8888)
    }
}

/// A moment of a run at which the machine copies the framebuffer.
public enum SimCaptureMoment: Equatable, Sendable {
    /// When the simulated clock reaches this many nanoseconds.
    case time(UInt64)
    /// When every typed line (keyboard, then UART) has been consumed and the
    /// machine is idle for good again, just before the UART's end of input
    /// (Ctrl-D) is sent.
    case inputEnd
}

/// The pixels as they were at one moment.
public struct SimScreenshot: Equatable, Sendable {
    public var mode: FramebufferMode
    /// `mode.byteCount` bytes of XRGB8888 rows, `mode.stride` apart.
    public var pixels: [UInt8]
    /// The simulated time it was taken.
    public var time: UInt64
}

final class SimDisplay {
    let mode: FramebufferMode
    /// Page-aligned, `mode.byteCount` rounded up to whole pages.
    let pixels: PhysRange
    /// The last `present`'s rectangle.
    var lastDamage: ScreenRect?
    /// The bounding box of the damage not yet drawn in the window.
    var undrawn: ScreenRect?
    /// Taken at `config.capture`, once.
    var screenshot: SimScreenshot?

    init(mode: FramebufferMode, pixels: PhysRange) {
        self.mode = mode
        self.pixels = pixels
    }

    func record(_ damage: ScreenRect) {
        lastDamage = damage
        undrawn = undrawn.map { $0.union(damage) } ?? damage
    }
}

extension ScreenRect {
    /// The smallest rectangle holding both.
    func union(_ other: ScreenRect) -> ScreenRect {
        let x0 = min(x, other.x), y0 = min(y, other.y)
        let x1 = max(x + width, other.x + other.width), y1 = max(y + height, other.y + other.height)
        return ScreenRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}

/// The HAL's view of the simulated display.
public struct SimFramebuffer: Framebuffer {
    let machine: SimMachine
    var display: SimDisplay { machine.display! }
    public var mode: FramebufferMode { display.mode }
    public var pixels: PhysRange { display.pixels }
    public func present(_ damage: ScreenRect) { machine.present(damage) }
}
