// The test machine's keyboard and display keep the contracts the kernel
// relies on: the keyboard's level line is high exactly while an event
// waits, events come out in arrival order, and an idle machine waits for the
// next arrival only while the line can be signalled; the pixels are whole
// pages of RAM after the initrd, reserved, and the frame count leaves them out.
import HAL
import XCTest

final class ScriptedKeyboardTests: XCTestCase {
    private let a = KeyEvent(code: 30, pressed: true)
    private let b = KeyEvent(code: 30, pressed: false)
    private let c = KeyEvent(code: 28, pressed: true)

    func testTheLineIsHighExactlyWhileAnEventWaits() throws {
        let hal = ScriptedHAL(frames: 32, initrd: [], keyboard: ScriptedKeyboardConfig(
            waiting: [a], arrivals: [TimedKeyEvent(time: 100, event: b), TimedKeyEvent(time: 50, event: c)]))
        let machine = hal.machine
        let keyboard = try XCTUnwrap(hal.keyboard)
        XCTAssertEqual(keyboard.irq.number, 49)
        XCTAssertNil(machine.deliverableIRQ, "masked")
        XCTAssertNil(machine.nextInterruptTime, "a masked line wakes nobody")
        machine.enabledIRQs.insert(49)
        XCTAssertEqual(machine.deliverableIRQ?.number, 49)
        XCTAssertEqual(keyboard.takeEvent(), a)
        XCTAssertNil(machine.deliverableIRQ, "the queue is empty: the line dropped")
        XCTAssertEqual(machine.nextInterruptTime, 50)
        XCTAssertNil(keyboard.takeEvent())
        machine.now = 100
        XCTAssertEqual(machine.deliverableIRQ?.number, 49)
        XCTAssertEqual(keyboard.takeEvent(), c, "the earlier arrival first")
        XCTAssertEqual(machine.deliverableIRQ?.number, 49)
        XCTAssertEqual(keyboard.takeEvent(), b)
        XCTAssertNil(machine.deliverableIRQ)
        XCTAssertNil(machine.nextInterruptTime)
        XCTAssertEqual(keyboard.taken, [TimedKeyEvent(time: 0, event: a), TimedKeyEvent(time: 100, event: c),
                                        TimedKeyEvent(time: 100, event: b)])
    }

    func testThePixelsAreReservedRAMAfterTheInitrd() throws {
        let initrd = [UInt8](repeating: 1, count: 5000)
        let plain = ScriptedHAL(frames: 64, initrd: initrd)
        let hal = ScriptedHAL(frames: 64, initrd: initrd, display: FramebufferMode(width: 60, height: 40, stride: 256))
        let display = try XCTUnwrap(hal.display)
        XCTAssertNil(plain.display)
        let initrdEnd = hal.boot.initrd.base.raw + hal.boot.initrd.size
        XCTAssertEqual(display.pixels.base.raw, (initrdEnd + 0xFFF) & ~0xFFF, "the first page boundary after the initrd")
        XCTAssertEqual(display.pixels.size, 3 * 0x1000)
        XCTAssertEqual(hal.boot.reserved.last, display.pixels)
        XCTAssertEqual(hal.allocatableFrames, plain.allocatableFrames - 3)
        display.present(ScreenRect(x: 0, y: 0, width: 61, height: 1))
        XCTAssertEqual(hal.machine.harnessErrors.count, 1, "a rectangle outside the mode is the kernel's mistake")
    }
}
