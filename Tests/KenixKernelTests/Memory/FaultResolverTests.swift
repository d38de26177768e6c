// Kernel+FaultResolver: the faults a CPU may resolve on the spot, from
// inside enterUser (demand-zero, copy-on-write, the access flag), are
// resolved there with the same results as through a trap; everything else
// (a fault outside every region, a page in swap, a write to code) is
// declined and handled by the trap path as always; and
// KernelConfig.resolveFaultsInPlace turns it all off. The scripted CPU
// offers faults as the simulator's engines do (SoftMMU's policy).
import HAL
import KenixABI
import KenixKernel
import XCTest

private let page: UInt64 = 0x1000
private let base = UserLayout.mmapBase
private let rw = MemoryProtection.read | MemoryProtection.write
private let data: UInt64 = 0x40_2000   // program 0's data page

final class FaultResolverTests: XCTestCase {
    private func system(_ programs: [TestProgram], inPlace: Bool, frames: Int = 1024) throws -> TestSystem {
        var config = KernelConfig()
        config.resolveFaultsInPlace = inPlace
        let sys = try TestSystem(programs, frames: frames, config: config)
        sys.machine.resolveFaultsInPlace = true   // the CPU always offers
        return sys
    }

    func testDemandZeroPagesAreMappedWithoutATrap() throws {
        let steps: [Step] = [.mmap(3 * page, rw), .write(.imm(base + 8), 0x55), .read(.imm(base + 8), into: 3),
                             .read(.imm(base + 2 * page), into: 4), .record("done"), .memInfo, .record("mem"), .exit(0)]
        let inPlace = try system([TestProgram("init", steps)], inPlace: true)
        let trapped = try system([TestProgram("init", steps)], inPlace: false)
        XCTAssertEqual(inPlace.run(), .initExited(status: 0))
        XCTAssertEqual(trapped.run(), .initExited(status: 0))
        XCTAssertEqual(inPlace.machine.faultsResolvedInPlace, 2, "two pages touched, each once")
        XCTAssertEqual(trapped.machine.faultsResolvedInPlace, 0, "resolveFaultsInPlace off: every fault traps")
        XCTAssertEqual(trapped.machine.enterCount - inPlace.machine.enterCount, 2, "two traps fewer")
        XCTAssertEqual(inPlace.record("done")?.x[3], 0x55)
        XCTAssertEqual(inPlace.record("done")?.x[4], 0, "zero-filled")
        XCTAssertEqual(inPlace.record("mem")?.x0, trapped.record("mem")?.x0, "the same frames used either way")
        XCTAssertEqual(inPlace.record("done")?.time, trapped.record("done")?.time)
    }

    func testCopyOnWriteIsBrokenInPlaceAndStaysPrivate() throws {
        let steps: [Step] = [
            /* 0 */ .write(.imm(data), 1), .fork, .branch(ifRegister: 0, equals: 0, to: 7),
            /* 3 parent */ .wait(.reg(0)), .read(.imm(data), into: 1), .record("parent sees"), .exit(0),
            /* 7 child */ .write(.imm(data), 2), .read(.imm(data), into: 1), .record("child sees"), .exit(0)]
        let sys = try system([TestProgram("init", steps, bss: 4096)], inPlace: true)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertGreaterThanOrEqual(sys.machine.faultsResolvedInPlace, 1, "the child's write broke copy-on-write in place")
        XCTAssertEqual(sys.record("child sees")?.x[1], 2)
        XCTAssertEqual(sys.record("parent sees")?.x[1], 1, "the child's write is not the parent's")
    }

    func testFaultsThatMustKillOrWaitAreDeclined() throws {
        // Outside every region: declined, then killed by the trap path.
        let sys = try system([TestProgram("init", [.spawn("victim"), .wait(.reg(0)), .record("status"), .exit(0)]),
                              TestProgram("victim", [.mmap(page, rw), .read(.imm(base + page), into: 0), .exit(0)])],
                             inPlace: true)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("status")?.x[1], KillReason.memoryFault.rawValue, sys.uartText)
        XCTAssertEqual(sys.machine.faultsResolvedInPlace, 0)
        XCTAssertTrue(sys.uartText.contains("(victim): data abort (translation fault, level 1) on read at 0x200001000"),
                      sys.uartText)
        // A write to a read-only region: declined (the resolver refuses it).
        let ro = try system([TestProgram("init", [.spawn("victim"), .wait(.reg(0)), .record("status"), .exit(0)]),
                             TestProgram("victim", [.mmap(page, MemoryProtection.read), .read(.imm(base), into: 0),
                                                    .write(.imm(base), 1), .exit(0)])], inPlace: true)
        XCTAssertEqual(ro.run(), .initExited(status: 0))
        XCTAssertEqual(ro.record("status")?.x[1], KillReason.memoryFault.rawValue)
        XCTAssertEqual(ro.machine.faultsResolvedInPlace, 1, "only the read's demand-zero fault")
    }

    func testSwappedOutPagesStillWaitForTheDisk() throws {
        var s = SwapScript()
        s.mapRegion()
        s.forEachPage { $0.stamp(0x2222) }
        s.forEachPage { $0.checkStamp(0x2222) }
        s.recordMismatches("verified")
        s.drain()
        s.add(.exit(0))
        var config = KernelConfig()
        config.resolveFaultsInPlace = true
        let sys = try TestSystem([TestProgram("init", s.steps)], frames: SwapScript.smallRAM,
                                 config: config, disk: ScriptedDiskConfig())
        sys.machine.resolveFaultsInPlace = true   // the CPU offers, whatever KENIX_FAULTS_IN_PLACE says
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("verified")?.x[1], 0)
        XCTAssertGreaterThan(sys.machine.faultsResolvedInPlace, 0, "demand-zero and access-flag faults")
        XCTAssertGreaterThan(sys.pageIns.count, 0, "pages in swap came back through the trap path")
        sys.checkDiskLog()
        sys.checkNothingLeaked()
    }
}
