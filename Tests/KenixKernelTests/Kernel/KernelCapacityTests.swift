// The kernel's capacities and the representations that depend on them.
import KenixKernel
import XCTest

final class KernelCapacityTests: XCTestCase {
    func testRepresentationsFitTheCapacities() {
        // Traps (and so fails the run) if an inline table's literal size and
        // its constant disagree, or a slot no longer fits its 16-bit ASID.
        KernelCapacity.check()
        XCTAssertLessThanOrEqual(KernelCapacity.maximumTaskSlots, 1 << 16, "a task slot is its ASID")
    }

    /// The task table is sized from RAM: one slot per 32 frames, clamped to
    /// [64, 4096]; 128 MiB (32,768 frames) gives at least 1,024 slots.
    func testTaskSlotsGrowWithRAM() {
        XCTAssertEqual(KernelCapacity.taskSlots(forFrames: 1024), 64)
        XCTAssertEqual(KernelCapacity.taskSlots(forFrames: 4096), 128)
        XCTAssertGreaterThanOrEqual(KernelCapacity.taskSlots(forFrames: 32_768), 1024)
        XCTAssertEqual(KernelCapacity.taskSlots(forFrames: 1 << 30), KernelCapacity.maximumTaskSlots)
    }
}
