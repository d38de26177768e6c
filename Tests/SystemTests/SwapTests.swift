// Swapping with the real initrd on the host backend: a machine with 12 MiB of
// RAM and a simulated swap disk runs the `swap` program (more pages than
// RAM, every byte checked after it came back, a forked child's writes
// invisible to the parent, nothing leaked) and the `vm` test, whose memory
// hog now fills RAM and swap before the kernel kills it. Runs replay
// exactly. Tests/System/run.sh and Tests/QEMU/boot.sh run the same program
// through kenix-sim's --swap and a virtio-blk disk on QEMU.
import HAL
import HALHostSim
import KenixKernel
import XCTest

final class SwapTests: XCTestCase {
    /// 12 MiB: the boot image (busybox for the Linux personality included)
    /// and the framebuffer must fit in half of RAM.
    static let ram: UInt64 = 12 << 20

    func swapDisk(_ megabytes: UInt64) -> SimDiskConfig {
        SimDiskConfig(path: nil, sectors: megabytes << 20 / 512)
    }

    func testMorePagesThanRAMComeBackByteForByte() throws {
        let run = try bootInitrd(seed: 3, input: "run swap\nmem\n", ram: Self.ram, swap: swapDisk(64))
        XCTAssertEqual(run.outcome, .initExited(status: 0), run.console)
        let lines = run.console.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("swap: 3840 pages through 3072 frames of RAM: every byte came back") },
                      run.console)
        XCTAssertTrue(lines.contains("[swap exited with status 0]"), run.console)
        let counts = try XCTUnwrap(lines.first { $0.hasSuffix("pages per simulated second") }, run.console)
        XCTAssertTrue(counts.contains("written out") && !counts.hasPrefix("swap: 0 pages"), counts)
        XCTAssertTrue(lines.contains { $0.hasPrefix("swap: ") && $0.contains(" of 16384 pages used; ") },
                      "mem shows the swap area:\n\(run.console)")
    }

    func testWithoutSwapTheProgramSaysSo() throws {
        let run = try bootInitrd(seed: 3, input: "run swap\n", ram: Self.ram)
        XCTAssertTrue(run.console.contains("swap: no swap area"), run.console)
        XCTAssertTrue(run.console.contains("[swap exited with status 2]"), run.console)
    }

    func testTheVirtualMemoryTestPassesUnderSwapPressure() throws {
        // The memory hog takes all RAM and all 8 MiB of swap, then is killed;
        // every other check of `vm` still passes, and nothing leaks.
        let run = try bootInitrd(seed: 4, input: "run vm\n", ram: Self.ram, swap: swapDisk(8))
        XCTAssertTrue(run.console.contains("[vm exited with status 0]"), run.console)
        XCTAssertTrue(run.console.contains("(vm): out of memory at"), run.console)
    }

    func testSwappingReplaysExactly() throws {
        let a = try bootInitrd(seed: 9, input: "run swap\n", ram: Self.ram, swap: swapDisk(64))
        let b = try bootInitrd(seed: 9, input: "run swap\n", ram: Self.ram, swap: swapDisk(64))
        XCTAssertEqual(a, b)
        XCTAssertTrue(a.console.contains("every byte came back"), a.console)
    }
}
