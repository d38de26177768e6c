// TextScreen: a character grid drawn into a mapped framebuffer with a PSF
// font: what the console server shows. It keeps the characters too, so it
// can repaint the whole screen after a graphics program had it, and it
// scrolls by moving pixel rows up. It draws nothing while `visible` is false
// (the grid keeps changing), and `present` reports what changed since the
// last call. The cursor is the cell at the write position drawn inverted;
// it is put up only by `present`, so a burst of output moves it once.
// Colours are fixed, so the same text gives the same pixels on every backend.

public struct TextScreen {
    public static let foreground: UInt32 = 0x00D8_D8D8
    public static let background: UInt32 = 0x0010_1828

    public let columns: Int
    public let rows: Int
    public private(set) var column = 0
    public private(set) var row = 0
    public var visible = true
    private let font: PSFFont
    private let base: UInt64
    private let info: FramebufferInfo
    private var cells: [UInt8]
    /// Pixel rows changed since the last `present` (empty when lo > hi).
    private var dirtyTop = Int.max
    private var dirtyBottom = -1
    /// The cell drawn inverted as the cursor, if one is on screen.
    private var cursorShown: (column: Int, row: Int)? = nil

    public init(font: PSFFont, framebuffer base: UInt64, info: FramebufferInfo) {
        self.font = font
        self.base = base
        self.info = info
        columns = max(1, info.width / font.width)
        rows = max(1, info.height / font.height)
        cells = [UInt8](repeating: 0x20, count: columns * rows)
    }

    /// Writes `byte` at the cursor: printable characters, newline, carriage
    /// return, backspace (moves left) and tab.
    public mutating func write(_ byte: UInt8) {
        hideCursor()   // before anything moves: a scroll would carry it along
        switch byte {
        case 0x0A: newline()
        case 0x0D: column = 0
        case 0x08: if column > 0 { column -= 1 }
        case 0x09: repeat { write(0x20) } while column % 8 != 0 && column != 0
        default:
            guard byte >= 0x20 else { return }
            if column == columns { newline() }
            cells[row * columns + column] = byte
            draw(column, row)
            column += 1
        }
    }

    /// Clears the screen to the background and draws every cell again.
    public mutating func repaint() {
        guard visible else { return }
        cursorShown = nil
        fill(x: 0, y: 0, width: info.width, height: info.height, TextScreen.background)
        for r in 0..<rows { for c in 0..<columns where cells[r * columns + c] != 0x20 { draw(c, r) } }
        markDirty(0, info.height)
    }

    /// Puts the cursor up and presents the pixel rows changed since the last call.
    public mutating func present() {
        guard visible else { return }
        showCursor()
        guard dirtyTop <= dirtyBottom else { return }
        Framebuffer.present(x: 0, y: dirtyTop, width: info.width, height: dirtyBottom - dirtyTop + 1)
        dirtyTop = .max
        dirtyBottom = -1
    }

    private mutating func newline() {
        column = 0
        if row + 1 < rows { row += 1; return }
        // Scroll: the grid and the pixels move up one text row.
        for i in 0..<(columns * (rows - 1)) { cells[i] = cells[i + columns] }
        for i in (columns * (rows - 1))..<(columns * rows) { cells[i] = 0x20 }
        guard visible else { return }
        let line = font.height * info.stride
        let pixels = UnsafeMutableRawPointer(bitPattern: UInt(base))!
        pixels.copyMemory(from: pixels + line, byteCount: line * (rows - 1))
        fill(x: 0, y: (rows - 1) * font.height, width: info.width, height: font.height, TextScreen.background)
        markDirty(0, rows * font.height)
    }

    private mutating func draw(_ c: Int, _ r: Int, inverted: Bool = false) {
        guard visible else { return }
        let x0 = c * font.width, y0 = r * font.height
        font.draw(cells[r * columns + c], at: UnsafeMutableRawPointer(bitPattern: UInt(base) + UInt(y0 * info.stride + x0 * 4))!,
                  stride: info.stride, foreground: inverted ? TextScreen.background : TextScreen.foreground,
                  background: inverted ? TextScreen.foreground : TextScreen.background)
        markDirty(y0, y0 + font.height)
    }

    private mutating func hideCursor() {
        guard let shown = cursorShown else { return }
        cursorShown = nil
        draw(shown.column, shown.row)
    }

    /// The cursor at the write position (at the end of a full line, on its last cell).
    private mutating func showCursor() {
        let c = min(column, columns - 1)
        if let shown = cursorShown, shown.column == c, shown.row == row { return }
        hideCursor()
        draw(c, row, inverted: true)
        cursorShown = (c, row)
    }

    private func fill(x: Int, y: Int, width: Int, height: Int, _ colour: UInt32) {
        for yy in y..<(y + height) {
            let row = UnsafeMutablePointer<UInt32>(bitPattern: UInt(base) + UInt(yy * info.stride + x * 4))!
            row.initialize(repeating: colour, count: width)
        }
    }

    private mutating func markDirty(_ top: Int, _ bottom: Int) {
        dirtyTop = min(dirtyTop, top)
        dirtyBottom = max(dirtyBottom, bottom - 1)
    }
}
