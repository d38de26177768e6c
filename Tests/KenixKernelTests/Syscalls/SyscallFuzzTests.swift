// Syscall fuzzing: programs that make random syscalls with hostile arguments
// (stale and foreign ids and handle values, kernel-looking and unaligned
// pointers, huge lengths; handles for two data disks to submit to) and fork,
// kill and fault along the way.
// Whatever they do, the kernel must neither trap nor misuse the hardware,
// every frame, notification, shared-memory object and task watch must be
// gone when everything has ended, and a seed must replay exactly.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class SyscallFuzzTests: XCTestCase {
    static let interestingValues: [UInt64] = [
        0, 1, 2, 3, 4, 7, 33, 64, 65, 0x1000, 0x4000_0000,
        UserLayout.imageBase, UserLayout.imageBase + 0x2000, UserLayout.stackTop - 8, UserLayout.stackTop,
        UserLayout.shmBase, UserLayout.mmapBase, UserLayout.mmapBase + 0xFFF, UserLayout.userLimit - 8,
        1 << 47, 1 << 48, UInt64.max, UInt64.max - 7, 0xFFFF_0000_0000_0000,
    ]

    static func randomArgument(_ rng: inout SeededRandom) -> Operand {
        switch rng.next() % 4 {
        case 0: return .imm(rng.next())
        case 1: return .imm(rng.next() % 80)
        default: return .imm(interestingValues[Int(rng.next() % UInt64(interestingValues.count))])
        }
    }

    static func program(seed: UInt64) -> [Step] {
        var rng = SeededRandom(seed: seed)
        let numbers = Array(0...103).map(UInt64.init) + [UInt64.max]
        // The disks' handles from init (at values 2 and 3).
        var steps: [Step] = Step.takeHandle(into: 19) + Step.takeHandle(into: 20)
        for _ in 0..<64 {
            // exit and unbounded sleeps are rare, so most programs live long enough to do harm.
            var number = numbers[Int(rng.next() % UInt64(numbers.count))]
            if number == Syscall.exit.rawValue && rng.next() % 4 != 0 { number = Syscall.yield.rawValue }
            var args = (0..<7).map { _ in randomArgument(&rng) }
            if number == Syscall.sleep.rawValue { args[0] = .imm(rng.next() % 2_000_000) }
            steps.append(.syscall(number, args))
            // A stray access usually kills the task, so it is rare.
            switch rng.next() % 40 {
            case 0: steps.append(.write(randomArgument(&rng), .imm(rng.next())))
            case 1: steps.append(.read(randomArgument(&rng), into: 3))
            case 2..<8: steps.append(.compute(rng.next() % 3_000_000))
            default: break
            }
        }
        steps.append(.exit(0))
        return steps
    }

    /// Two data disks, so the block syscalls meet real devices; init waits
    /// a little after its children, so the disk requests they left in
    /// flight complete (and release their memory) before the frame count.
    func run(seed: UInt64) throws -> TestSystem {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("fuzz"), .save(into: 19), .spawn("fuzz"), .save(into: 20),
                                 .sendHandle(to: .reg(19), handle: .disk(0)), .sendHandle(to: .reg(19), handle: .disk(1)),
                                 .sendHandle(to: .reg(20), handle: .disk(0)), .sendHandle(to: .reg(20), handle: .disk(1)),
                                 .wait(.reg(19)), .wait(.reg(20)), .sleep(.imm(1 * ms)), .exit(0)]),
            TestProgram("fuzz", Self.program(seed: seed), bss: 4096),
        ], frames: 512, dataDisks: [BlockScript.disk(), BlockScript.disk(sectors: 8, depth: 2, irq: 51)])
        sys.machine.maxEnters = 20_000
        _ = sys.run()
        return sys
    }

    func testRandomSyscallsNeverBreakTheKernel() throws {
        for seed: UInt64 in 1...400 {
            let sys = try run(seed: seed)
            sys.checkHarness()
            if sys.kernel.liveTaskCount == 0 {
                XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames, "seed \(seed): frames leaked")
                XCTAssertEqual(sys.kernel.liveNotificationCount, 0, "seed \(seed): notifications leaked")
                XCTAssertEqual(sys.kernel.liveSharedMemoryCount, 0, "seed \(seed): shared memory leaked")
                XCTAssertEqual(sys.kernel.liveWatchCount, 0, "seed \(seed): watches leaked")
            }
            if testRun?.failureCount ?? 0 > 0 { return XCTFail("first failing seed: \(seed)") }
        }
    }

    /// Guards the fuzzer itself: programs must live long enough to make
    /// many syscalls, and most runs must end so the frame check applies.
    func testTheFuzzerReachesDeepIntoTheKernel() throws {
        var syscalls = 0, finished = 0, forks = 0, diskRequests = 0
        for seed: UInt64 in 1...150 {
            let sys = try run(seed: seed)
            syscalls += sys.trace.filter { $0.kind == .syscall }.count
            forks += sys.trace.filter { $0.kind == .syscall && $0.b == Syscall.fork.rawValue }.count
            diskRequests += sys.dataDisks.reduce(0) { $0 + $1.requests.count }
            if sys.kernel.liveTaskCount == 0 { finished += 1 }
        }
        print("fuzz: \(syscalls) syscalls, \(forks) forks, \(diskRequests) disk requests, \(finished) runs finished")
        XCTAssertGreaterThan(syscalls, 5_000)
        XCTAssertGreaterThan(forks, 50)
        XCTAssertGreaterThan(finished, 100)
    }

    func testASeedReplaysExactly() throws {
        for seed: UInt64 in [3, 77] {
            let a = try run(seed: seed), b = try run(seed: seed)
            XCTAssertEqual(a.trace, b.trace, "seed \(seed)")
            XCTAssertEqual(a.uartText, b.uartText, "seed \(seed)")
        }
    }
}
