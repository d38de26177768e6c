// The kernel's capacities and the representations that depend on them.
import KenixKernel
import XCTest

final class KernelCapacityTests: XCTestCase {
    func testRepresentationsFitTheCapacities() {
        // Traps (and so fails the run) if an inline table's literal size and
        // its constant disagree, or a bitmask is narrower than the task table.
        KernelCapacity.check()
        XCTAssertLessThanOrEqual(KernelCapacity.tasks, 64, "shared-memory and notification holders are UInt64 masks")
    }
}
