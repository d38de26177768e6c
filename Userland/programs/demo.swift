// demo: a graphics demo. It takes the display from the console server and
// draws an animated scene into the mapped framebuffer, one frame per tick of
// a 30 Hz timer (sleep to each frame's deadline): a moving colour field, a
// bouncing ball and the frame number in the console font. Every pixel of
// frame N depends only on N and the screen size, never on time, so frame N
// is the same picture on every backend.
//
// Argument: the last frame to draw (default 90). After it, the demo says so
// and waits for Enter, leaving that frame on screen (a test captures it
// then); then it gives the display back and exits 0.
// With bit 62 set it is a benchmark: no pacing, no waiting; it prints how
// much simulated time the frames took and exits.

let frameInterval: UInt64 = 33_333_333
let benchmarkFlag: UInt64 = 1 << 62
let ballSize = 48

/// A triangle wave over [0, limit]: where a bouncing coordinate is at `v`.
func bounce(_ v: Int, _ limit: Int) -> Int {
    guard limit > 0 else { return 0 }
    let p = v % (2 * limit)
    return p <= limit ? p : 2 * limit - p
}

struct Scene {
    let info: FramebufferInfo
    let base: UInt64
    let font: PSFFont?

    func pixelRow(_ y: Int) -> UnsafeMutablePointer<UInt32> {
        UnsafeMutablePointer<UInt32>(bitPattern: UInt(base) + UInt(y * info.stride))!
    }

    func draw(frame t: Int) {
        let w = info.width, h = info.height
        // The colour field: red across, green down, blue rippling with t.
        for y in 0..<h {
            let row = pixelRow(y)
            let green = UInt32(y * 255 / max(h - 1, 1)) << 8
            var x = 0
            while x < w {
                let red = UInt32(x * 255 / max(w - 1, 1)) << 16
                let blue = UInt32(((x >> 2) ^ (y >> 2)) &+ t * 4) & 0xFF
                row[x] = red | green | blue
                x += 1
            }
        }
        // The ball.
        let bx = bounce(t * 7, w - ballSize), by = bounce(t * 5, h - ballSize)
        let r = ballSize / 2
        for dy in 0..<ballSize where by + dy < h {
            let row = pixelRow(by + dy)
            for dx in 0..<ballSize where bx + dx < w {
                let ex = dx - r, ey = dy - r
                let d2 = ex * ex + ey * ey
                if d2 <= r * r { row[bx + dx] = d2 <= (r - 4) * (r - 4) ? 0x00FF_C040 : 0x00FF_FFFF }
            }
        }
        if let font { label("frame \(t)", font) }
        Framebuffer.present(x: 0, y: 0, width: w, height: h)
    }

    /// Draws `text` at the top left, white on black.
    func label(_ text: String, _ font: PSFFont) {
        var x = 8
        for c in text.utf8 {
            font.draw(c, at: UnsafeMutableRawPointer(pixelRow(8) + x), stride: info.stride,
                      foreground: 0x00FF_FFFF, background: 0)
            x += font.width
        }
    }
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    let benchmark = arg & benchmarkFlag != 0
    let lastFrame = arg & 0xFFFF_FFFF != 0 ? Int(arg & 0xFFFF_FFFF) : 90
    // Booted as the first task (a benchmark), there is no console server:
    // the demo is init and holds the devices itself.
    let console = (try? Service.lookup(.console)) != nil
    if !console, (try? UART.claim(device: InitHandle.uart)) != nil { Console.useUART() }
    let info: FramebufferInfo
    let base: UInt64
    do throws(SyscallError) {
        info = try Framebuffer.info()
        let device = console ? try Console.takeScreen() : InitHandle.framebuffer
        base = try Framebuffer.map(device: device)
    } catch {
        print("demo: no display, or it is busy (\(error.name))")
        return 2
    }
    guard info.format == Framebuffer.xrgb8888 else {
        print("demo: unsupported pixel format")
        return 3
    }
    let font = (try? BootImage.contents(of: "font.psf")).flatMap { try? PSFFont($0) }
    let scene = Scene(info: info, base: base, font: font)
    let start = Kenix.clock()
    for frame in 0...lastFrame {
        scene.draw(frame: frame)
        guard !benchmark else { continue }
        let deadline = start + UInt64(frame + 1) * frameInterval
        let now = Kenix.clock()
        if now < deadline { Kenix.sleep(nanoseconds: deadline - now) }
    }
    if benchmark {
        print("demo: \(lastFrame + 1) frames at \(info.width)x\(info.height) in \(Kenix.clock() - start) ns")
        return 0
    }
    print("demo: frame \(lastFrame) shown; press Enter")
    var line: [UInt8] = []
    _ = Console.readLine(into: &line)
    if console { Console.giveScreen() }
    return 0
}
