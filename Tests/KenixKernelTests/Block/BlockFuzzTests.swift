// Block interface fuzzing: two drivers fight over two data disks with
// plausible but often wrong requests (disks, operations, sectors at the
// edges, counts, objects they do or do not hold, offsets in and past their
// objects), close their objects and die, or kill each other (init hands
// each the disks and the task directory), with
// requests in flight, while the disks fail some requests and finish them out
// of order. The kernel must never trap or misuse a device, every request
// that reached a disk must complete, and every frame must come back once
// everything has ended. The general syscall fuzzer (SyscallFuzzTests) sends
// the block syscalls random numbers; this one reaches the devices.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class BlockFuzzTests: XCTestCase {
    static func pick<T>(_ rng: inout SeededRandom, _ values: [T]) -> T { values[Int(rng.next() % UInt64(values.count))] }

    static func program(seed: UInt64) -> [Step] {
        var rng = SeededRandom(seed: seed)
        // x20, x21: the disks' handles; x23: the task directory.
        var steps: [Step] = Step.takeHandle(into: 20) + Step.takeHandle(into: 21) + Step.takeHandle(into: 23)
        steps += [.notifyCreate, .save(into: 22), .shmCreate(size: 8192), .save(into: 19),
                  .blockClaim(.reg(20 + Int(rng.next() % 2)), note: .reg(22), bit: .imm(rng.next() % 64))]
        for _ in 0..<48 {
            switch rng.next() % 16 {
            case 0, 1:
                steps.append(.blockClaim(pick(&rng, [.reg(20), .reg(21), .disk(0), 1]), note: pick(&rng, [.reg(22), 1, 2, 9]),
                                         bit: .imm(pick(&rng, [0, 5, 63, 64]))))
            case 2...8:
                let disk = pick(&rng, [0, 0, 1, 2]) as UInt64
                let op = pick(&rng, [BlockSubmitOp.read, .read, .write, .write, .flush])
                let raw = rng.next() % 9 == 0 ? UInt64(3) : op.rawValue
                // Mostly plausible values, so that many requests reach a disk.
                let wild = rng.next() % 3 == 0
                let flush = op == .flush && !wild
                steps.append(.sys(.blockSubmit, .imm(disk | raw << BlockSubmitLayout.opShift),
                                  .imm(flush ? 0 : wild ? pick(&rng, [31, 32, 63, 64, UInt64.max]) : rng.next() % 24),
                                  .imm(flush ? 0 : wild ? pick(&rng, [0, 16, 17, 1 << 20]) : 1 + rng.next() % 8),
                                  flush ? 0 : wild ? pick(&rng, [1, 2, 3, 77]) : .reg(19),
                                  .imm(flush ? 0 : wild ? pick(&rng, [7680, 8192, 100, UInt64.max - 511])
                                                         : pick(&rng, [0, 512, 4096])),
                                  .imm(rng.next())))
            case 9, 10: steps.append(.blockComplete(.imm(pick(&rng, [0, 0, 1, 2]))))
            case 11: steps.append(.sleep(.imm(rng.next() % (200 * us))))
            case 12: steps.append(.compute(rng.next() % (100 * us)))
            case 13 where rng.next() % 4 == 0: steps.append(.handleClose(.reg(19)))
            case 14 where rng.next() % 6 == 0: steps.append(.kill(id: .imm(pick(&rng, [2, 3])), directory: .reg(23)))
            case 15 where rng.next() % 8 == 0: steps.append(.exit(0))
            default: steps.append(.yield)
            }
        }
        steps.append(.exit(0))
        return steps
    }

    func run(seed: UInt64) throws -> TestSystem {
        func disk(irq: UInt32, sectors: UInt64, salt: Int) -> ScriptedDiskConfig {
            var d = BlockScript.disk(sectors: sectors, depth: 3, irq: irq, fails: { $0.index % 7 == salt })
            d.latencyOf = { r in UInt64((r.index &* 7919 &+ salt &* 31) % 50 + 1) * us }
            return d
        }
        let sys = try TestSystem([
            TestProgram("init", [.spawn("fuzz"), .save(into: 19), .spawn("fuzz"), .save(into: 20)]
                        + [19, 20].flatMap { child in
                            [.disk(0), .disk(1), .imm(InitHandle.taskDirectory)].map { Step.sendHandle(to: .reg(child), handle: $0) }
                        }
                        + [.wait(.reg(19)), .wait(.reg(20)), .sleep(.imm(2 * ms)), .exit(0)]),
            TestProgram("fuzz", Self.program(seed: seed)),
        ], frames: 512, dataDisks: [disk(irq: 50, sectors: 64, salt: Int(seed % 7)), disk(irq: 51, sectors: 32, salt: 3)])
        sys.machine.maxEnters = 20_000
        _ = sys.run()
        return sys
    }

    func testDriversDoingTheirWorstNeverBreakTheKernel() throws {
        var submitted = 0, failed = 0, finished = 0
        for seed: UInt64 in 1...200 {
            let sys = try run(seed: seed)
            sys.checkHarness()
            for d in sys.dataDisks {
                submitted += d.requests.count
                failed += d.requests.filter { !$0.succeeds }.count
                XCTAssertTrue(d.refused.isEmpty, "seed \(seed): the kernel passed on a request the disk refused")
            }
            if sys.kernel.liveTaskCount == 0 {
                finished += 1
                XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames, "seed \(seed): frames leaked")
                for k in 0..<2 { XCTAssertEqual(sys.kernel.outstandingBlockRequests(disk: k), 0, "seed \(seed)") }
                XCTAssertTrue(sys.dataDisks.allSatisfy { $0.inFlight == 0 }, "seed \(seed): a request never completed")
            }
            if testRun?.failureCount ?? 0 > 0 { return XCTFail("first failing seed: \(seed)") }
        }
        print("block fuzz: \(submitted) requests reached the disks, \(failed) failed, \(finished) runs finished")
        XCTAssertGreaterThan(submitted, 400, "the fuzzer reaches the devices")
        XCTAssertGreaterThan(failed, 30, "and meets device failures")
        XCTAssertGreaterThan(finished, 180)
    }

    func testASeedReplaysExactly() throws {
        let a = try run(seed: 9), b = try run(seed: 9)
        XCTAssertEqual(a.trace, b.trace)
        XCTAssertEqual(a.dataDisks[0].requests, b.dataDisks[0].requests)
    }
}
