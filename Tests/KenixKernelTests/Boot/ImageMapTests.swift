// image_map: the boot image, read-only, shared by every task that asks.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class ImageMapTests: XCTestCase {
    func testTheArchiveIsMappedReadOnlyAtOneAddress() throws {
        let sys = try TestSystem([
            TestProgram("init", [.sys(.imageMap), .save(into: 20), .record("map"),
                                 .read(.reg(20), into: 0), .record("magic"),
                                 .sys(.imageMap), .record("again"),
                                 .spawn("writer", arg: .reg(20)), .save(into: 21), .wait(.reg(21)),
                                 .record("writer ended"), .exit(0)]),
            TestProgram("writer", [.sys(.imageMap), .record("writer map"), .write(.reg(0), 1), .exit(0)]),
        ], alignedInitrd: true)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let map = try XCTUnwrap(sys.record("map"))
        XCTAssertEqual(map.x0, UserLayout.shmBase)
        XCTAssertEqual(map.x[1], sys.hal.boot.initrd.size)
        // cpio newc: "070701" in ASCII.
        XCTAssertEqual(sys.record("magic")!.x0 & 0xFFFF_FFFF_FFFF, 0x3130_3730_3730)
        XCTAssertEqual(sys.record("again")?.x0, map.x0)
        XCTAssertEqual(sys.record("writer map")?.x[1], map.x[1])
        XCTAssertEqual(sys.record("writer ended")?.x[1], KillReason.memoryFault.rawValue, "the image is read-only")
        XCTAssertEqual(sys.record("writer ended")?.x[2], ExitKind.killed.rawValue)
    }

    func testTheImagePagesAreNeverFreed() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("mapper"), .save(into: 21), .wait(.reg(21)), .exit(0)]),
            TestProgram("mapper", [.sys(.imageMap), .exit(0)]),
        ], alignedInitrd: true)
        let before = sys.kernel.freeFrames
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.kernel.freeFrames, before + sys.footprint(of: "init"),
                       "the mapper's tables came back, the image's frames were never the kernel's")
    }

    func testAnArchiveOffAPageBoundaryIsNotShown() throws {
        // Its first page would show what lies before it.
        let sys = try TestSystem([TestProgram("init", [.sys(.imageMap), .record("map"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("map")?.error, .notFound)
    }
}
