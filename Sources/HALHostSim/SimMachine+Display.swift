// SimMachine+Display: the framebuffer's presents, screenshots and the
// window (SimWindow, the bottom layer that talks to SDL).
//
// None of it touches simulated time, the trace hash or anything the guest
// can read: a present is counted and drawn, a screenshot is a copy of the
// pixels, and window events are only queued (keys, fed when the machine is
// idle for good; see SimMachine+Input) or end the run (closing the window).
// The window is drawn and its events taken at the machine's host-poll points
// (SimMachine+HostPoll), busy or idle, and at each present.
import HAL
import SimHost

extension SimMachine {
    /// `Framebuffer.present`: records the damage and shows it in the window.
    func present(_ damage: ScreenRect) {
        guard let display else { return }
        stats.presents &+= 1
        display.record(damage)
        if window != nil { serviceWindow() }
    }

    /// The display's mode, if the machine has one.
    public var displayMode: FramebufferMode? { display?.mode }

    /// The rectangle of the last present.
    public var lastPresentedDamage: ScreenRect? { display?.lastDamage }

    /// The pixels now.
    public func framebufferSnapshot() -> SimScreenshot? {
        guard let display else { return nil }
        let bytes = [UInt8](UnsafeRawBufferPointer(start: host(display.pixels.base), count: display.mode.byteCount))
        return SimScreenshot(mode: display.mode, pixels: bytes, time: now)
    }

    /// The copy taken at `config.display.capture`, once that moment came.
    public var screenshot: SimScreenshot? { display?.screenshot }

    /// Takes the screenshot if `moment` is the configured one.
    func capture(_ moment: SimCaptureMoment) {
        guard let display, display.screenshot == nil, config.display?.capture == moment else { return }
        display.screenshot = framebufferSnapshot()
        // Captured while idle before the time came: the pixels are those of then.
        if case .time(let t) = moment, now < t { display.screenshot?.time = t }
        captureTime = nil
    }

    /// Called whenever the clock moved: captures once `captureTime` is reached.
    @inline(__always)
    func checkCaptureTime() {
        if let t = captureTime, now >= t { capture(.time(t)) }
    }

    // MARK: The window

    /// Opens a window showing the framebuffer. Fails (and the run goes on
    /// headless) without a display, or when SDL cannot make a window.
    public func openWindow(title: String) throws(SimWindowError) {
        guard let display else { throw .noFramebuffer }
        let w = try SimWindow(title: title, mode: display.mode, pixels: UnsafeRawPointer(host(display.pixels.base)))
        window = w
        ensureHostPoller()
        display.undrawn = ScreenRect(x: 0, y: 0, width: display.mode.width, height: display.mode.height)
        serviceWindow(force: true)
    }

    /// Closes the window, if one is open.
    public func closeWindow() {
        window?.close()
        window = nil
    }

    /// Handles the window's events and draws the undrawn damage. Cheap when
    /// called often: unless `force`, the window pumps its events at most every
    /// few host milliseconds and draws at most ~60 times a host second.
    func serviceWindow(force: Bool = false) {
        guard let window, let display else { return }
        if window.service(damage: &display.undrawn, force: force) { stats.windowDraws &+= 1 }
        for event in window.takeEvents() { handle(event) }
    }

    /// Waits on the host (up to `milliseconds`) for a window event; draws
    /// what is due meanwhile.
    func waitForWindow(milliseconds: Int32) {
        guard let window else { return }
        window.wait(milliseconds: milliseconds)
        serviceWindow()
    }

    func handle(_ event: SimWindowEvent) {
        switch event {
        case .closed:
            // With a poller (a window is open) the halt comes at its next
            // point, where a key recording can place it.
            windowClosed = true
            if hostPoller == nil { requestHalt() }
        case .key(let key):
            if keyboard != nil { hostKeys.append(key) }
        }
    }

    /// Halts the machine as soon as the CPU checks: the running slice ends,
    /// `enterUser` returns `.halt`, `waitForInterrupt` returns `.halt`.
    func requestHalt() {
        haltTime = min(haltTime, now)
    }
}
