// SimWindow: the framebuffer in an SDL2 window (bottom layer: the only file
// that calls SDL). Interface, used by SimMachine+Display:
//   - `init(title:mode:pixels:)` opens the window or throws (no DISPLAY, or
//     SDL cannot make one);
//   - `service(damage:force:)` pumps events and draws the undrawn damage,
//     each at most so often in host time (coalescing presents to ~60 frames
//     a second); `takeEvents()` hands over the keys and the close;
//   - `wait(milliseconds:)` blocks the host for the next event;
//   - `close()`.
// The window scales the framebuffer to fit, keeping its aspect ratio (black
// bars fill the rest), and may be resized. It only reads the pixels, and
// reads host time only to pace itself: nothing here reaches the simulation
// except the events, which the machine queues by its own rules.
import CSDL2
import HAL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the window has to tell the machine.
public enum SimWindowEvent: Equatable {
    /// A key went down (or repeats) or up; codes as the keyboard reports them.
    case key(KeyEvent)
    /// The user closed the window.
    case closed
}

/// Why no window opened.
public enum SimWindowError: Error, Equatable, CustomStringConvertible {
    /// The machine has no framebuffer to show.
    case noFramebuffer
    /// Neither DISPLAY nor WAYLAND_DISPLAY is set.
    case noDisplay
    /// SDL failed; its message.
    case sdl(String)

    public var description: String {
        switch self {
        case .noFramebuffer: "the machine has no framebuffer"
        case .noDisplay: "DISPLAY is not set"
        case .sdl(let message): "SDL: \(message)"
        }
    }
}

public final class SimWindow {
    /// Host milliseconds between two event pumps, and between two frames.
    static let pumpInterval: UInt64 = 4
    static let frameInterval: UInt64 = 16

    private let mode: FramebufferMode
    private let pixels: UnsafeRawPointer
    private var window: OpaquePointer?
    private var renderer: OpaquePointer?
    private var texture: OpaquePointer?
    private var events: [SimWindowEvent] = []
    private var lastPump: UInt64 = 0
    private var lastFrame: UInt64 = 0
    /// The window needs painting again (exposed or resized).
    private var needsRedraw = false

    /// Opens a window for `mode`'s pixels at `pixels` (which must outlive it).
    public init(title: String, mode: FramebufferMode, pixels: UnsafeRawPointer) throws(SimWindowError) {
        self.mode = mode
        self.pixels = pixels
        let display = getenv("DISPLAY").map { String(cString: $0) } ?? ""
        let wayland = getenv("WAYLAND_DISPLAY").map { String(cString: $0) } ?? ""
        guard !display.isEmpty || !wayland.isEmpty else { throw .noDisplay }
        // Ctrl-C must still stop kenix-sim at once.
        SDL_SetHint("SDL_NO_SIGNAL_HANDLERS", "1")
        SDL_SetHint("SDL_RENDER_SCALE_QUALITY", "linear")
        SDL_SetHint("SDL_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR", "0")
        guard SDL_Init(UInt32(SDL_INIT_VIDEO)) == 0 else { throw .sdl(Self.error()) }
        let (w, h) = Self.initialSize(mode)
        window = kenix_sdl_create_window(title, Int32(w), Int32(h))
        guard window != nil else { let e = Self.error(); SDL_Quit(); throw .sdl(e) }
        renderer = SDL_CreateRenderer(window, -1, 0)
        if renderer != nil { texture = kenix_sdl_create_xrgb_texture(renderer, Int32(mode.width), Int32(mode.height)) }
        guard renderer != nil, texture != nil else { let e = Self.error(); close(); throw .sdl(e) }
        SDL_RenderSetLogicalSize(renderer, Int32(mode.width), Int32(mode.height))
        SDL_StopTextInput()
    }

    deinit { close() }

    public func close() {
        guard window != nil else { return }
        if texture != nil { SDL_DestroyTexture(texture) }
        if renderer != nil { SDL_DestroyRenderer(renderer) }
        SDL_DestroyWindow(window)
        texture = nil; renderer = nil; window = nil
        SDL_Quit()
    }

    /// The framebuffer's size, shrunk (keeping the aspect ratio) to fit the
    /// screen's usable area.
    private static func initialSize(_ mode: FramebufferMode) -> (Int, Int) {
        var bounds = SDL_Rect()
        guard SDL_GetDisplayUsableBounds(0, &bounds) == 0, bounds.w > 0, bounds.h > 0 else {
            return (mode.width, mode.height)
        }
        let scale = min(1.0, Double(bounds.w) / Double(mode.width), Double(bounds.h) / Double(mode.height))
        return (max(1, Int(Double(mode.width) * scale)), max(1, Int(Double(mode.height) * scale)))
    }

    private static func error() -> String { String(cString: SDL_GetError()) }

    /// Pumps the events and draws `damage` (then nil) when due, or now if
    /// `force`. True when a frame was drawn.
    public func service(damage: inout ScreenRect?, force: Bool) -> Bool {
        guard window != nil else { return false }
        let t = SDL_GetTicks64()
        if force || t &- lastPump >= Self.pumpInterval {
            lastPump = t
            pump()
        }
        guard damage != nil || needsRedraw, force || t &- lastFrame >= Self.frameInterval else { return false }
        lastFrame = t
        if let d = damage {
            var rect = SDL_Rect(x: Int32(d.x), y: Int32(d.y), w: Int32(d.width), h: Int32(d.height))
            SDL_UpdateTexture(texture, &rect, pixels + d.y * mode.stride + d.x * 4, Int32(mode.stride))
            damage = nil
        }
        needsRedraw = false
        SDL_SetRenderDrawColor(renderer, 0, 0, 0, 255)
        SDL_RenderClear(renderer)
        SDL_RenderCopy(renderer, texture, nil, nil)
        SDL_RenderPresent(renderer)
        return true
    }

    /// The events since the last call, oldest first.
    public func takeEvents() -> [SimWindowEvent] {
        guard !events.isEmpty else { return [] }
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    /// Blocks the host until an event comes or `milliseconds` pass.
    public func wait(milliseconds: Int32) {
        guard window != nil else { return }
        handleNext(waiting: milliseconds)
        pump()
    }

    private func pump() {
        while handleNext(waiting: -1) {}
    }

    /// Takes one event (waiting up to `waiting` ms; < 0: only if one is
    /// there); false when none came.
    @discardableResult
    private func handleNext(waiting: Int32) -> Bool {
        var scancode: UInt32 = 0, pressed: Int32 = 0, isRepeat: Int32 = 0
        switch kenix_sdl_next_event(waiting, &scancode, &pressed, &isRepeat) {
        case KENIX_SDL_NONE:
            return false
        case KENIX_SDL_QUIT:
            events.append(.closed)
        case KENIX_SDL_KEY:
            // An autorepeat reports as another press, as the HAL says.
            if let code = SDLKeyMap.linuxCode(scancode: scancode) {
                events.append(.key(KeyEvent(code: code, pressed: pressed != 0)))
            }
        case KENIX_SDL_REDRAW:
            needsRedraw = true
        default:
            break
        }
        return true
    }
}
