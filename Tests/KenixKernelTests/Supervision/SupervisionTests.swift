// Supervision: a server creates tasks from ELF images, receives their
// syscalls and unresolved faults as events, resumes them with results, reads
// and writes their registers and memory, maps memory in them, forks and
// re-executes them; nobody else may (a handle without `supervise` is not
// enough), and they end with their supervisor.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class SupervisionTests: XCTestCase {
    let marker = SupervisorEventTag.marker
    let dataAddress = UserLayout.imageBase + 0x2000          // init's data (program 0)

    /// init's steps that copy `image` (its data segment) into a new
    /// shared-memory object (its handle in x19) and create a supervised task
    /// from it (its handle in x21; the record "created" has its id in x1
    /// and its entry in x2).
    func create(_ image: [UInt8], priority: Operand = 0, program: Int = 0) -> [Step] {
        let data = UserLayout.imageBase + UInt64(program) * ProgramImage.slotSize + 0x2000
        return [.shmCreate(size: .imm(UInt64(image.count))), .save(into: 19), .shmMap(.reg(19)), .save(into: 20),
         .copy(from: .imm(data), to: .reg(20), length: .imm(UInt64((image.count + 7) / 8 * 8))),
         .sys(.taskCreate, .reg(19), .imm(UInt64(image.count)), priority, .string("guest"), .length(of: "guest")),
         .save(into: 21), .record("created")]
    }

    func resume(_ value: Operand = 0, mode: ResumeMode = .setResult) -> Step {
        .sys(.taskResume, .reg(21), value, .imm(mode.rawValue))
    }

    func testSyscallsBecomeEventsAndResumeSetsTheResult() throws {
        let guest = TestProgram("guest", [.syscall(64, [1, 2, 3, 4, 5, 6]), .record("after write"),
                                          .syscall(93, [7]), .record("never")])
        let image = ProgramImage(guest, index: 1).elf
        let sys = try TestSystem([
            TestProgram("init", create(image) + [
                resume(mode: .keepRegisters), .record("started"),
                .recv(), .record("event 1"), resume(42),
                .recv(), .record("event 2"),
                .kill(.reg(21)), .wait(.reg(21)), .exit(0)], data: image),
            guest,
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        let created = try XCTUnwrap(sys.record("created"))
        XCTAssertEqual(created.x[2], ProgramImage(guest, index: 1).entry)
        let id = created.x[1]
        XCTAssertEqual(sys.record("started")?.x0, 0)
        let first = try XCTUnwrap(sys.record("event 1"))
        XCTAssertEqual(first.x0, id, "the event's sender is the task")
        XCTAssertEqual(first.x[1], marker | SupervisorEvent.syscall.rawValue | 64 << SupervisorEventTag.numberShift)
        XCTAssertEqual(Array(first.x[2...5]), [1, 2, 3, 4])
        XCTAssertEqual(sys.record("after write")?.x0, 42)
        XCTAssertEqual(sys.record("after write")?.x[1], 2, "only x0 changes")
        XCTAssertEqual(sys.record("event 2")?.x[1], marker | SupervisorEvent.syscall.rawValue | 93 << 16)
        XCTAssertEqual(sys.records("never").count, 0)
    }

    func testUnresolvedFaultsUndefinedInstructionsAndBreakpointsAreEvents() throws {
        let guest = TestProgram("guest", [.read(0x10, into: 0), .undefined, .brk(0x3e8), .exit(0)])
        let image = ProgramImage(guest, index: 1).elf
        let entry = ProgramImage(guest, index: 1).entry
        // Each event: record it, move the pc past the instruction, resume.
        let regs = dataAddress + 0x2000
        func skip() -> [Step] {
            [.sys(.taskGetRegisters, .reg(21), .imm(regs)),
             .read(.imm(regs + UInt64(SupervisedRegisters.pc)), into: 22),
             .write(.imm(regs + UInt64(SupervisedRegisters.pc)), .regPlus(22, 4)),
             .read(.imm(regs + 8 * 28), into: 23),
             .write(.imm(regs + 8 * 28), .regPlus(23, 1)),        // the script's step register follows the pc
             .sys(.taskSetRegisters, .reg(21), .imm(regs)), resume(mode: .keepRegisters)]
        }
        let sys = try TestSystem([
            TestProgram("init", create(image) + [resume(mode: .keepRegisters),
                .recv(), .record("fault")] + skip() + [.recv(), .record("undefined")] + skip()
                + [.recv(), .record("brk"), .kill(.reg(21)), .wait(.reg(21)), .exit(0)],
                data: image, bss: 0x3000),
            guest,
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        let fault = try XCTUnwrap(sys.record("fault"))
        XCTAssertEqual(fault.x[1], marker | SupervisorEvent.memoryFault.rawValue)
        XCTAssertEqual(fault.x[2], 0x10)
        XCTAssertEqual(fault.x[3], MemoryAccessCode.read.rawValue)
        XCTAssertEqual(fault.x[4] & 0xFF, FaultCode.translation.rawValue)
        XCTAssertEqual(fault.x[5], entry)
        XCTAssertEqual(sys.record("undefined")?.x[1], marker | SupervisorEvent.undefinedInstruction.rawValue)
        XCTAssertEqual(sys.record("undefined")?.x[2], entry + 4)
        XCTAssertEqual(sys.record("brk")?.x[1], marker | SupervisorEvent.breakpoint.rawValue)
        XCTAssertEqual(sys.record("brk")?.x[3], 0x3e8)
        XCTAssertEqual(sys.uartText, "", "no kill diagnostics: the supervisor decides")
    }

    func testMemoryMappedAndCopiedOnTheTasksBehalf() throws {
        let guest = TestProgram("guest", [.syscall(1, []), .read(0x3000_0000, into: 0), .record("read"),
                                          .write(0x3000_0008, 0xBEEF), .syscall(2, [])])
        let image = ProgramImage(guest, index: 1).elf
        let buffer = dataAddress + 0x2000
        let sys = try TestSystem([
            TestProgram("init", create(image) + [
                .sys(.taskMap, .reg(21), 0x3000_0000, 0x2000, 3, .imm(MapFlags.fixed)), .record("map"),
                .write(.imm(buffer), 0x1234_5678),
                .sys(.taskWrite, .reg(21), 0x3000_0000, .imm(buffer), 8), .record("write"),
                resume(mode: .keepRegisters), .recv(), resume(), .recv(),
                .sys(.taskRead, .reg(21), 0x3000_0008, .imm(buffer + 8), 8), .record("task read"),
                .read(.imm(buffer + 8), into: 0), .record("seen"),
                .sys(.taskRead, .reg(21), 0x5000_0000, .imm(buffer), 8), .record("unmapped"),
                .sys(.taskRead, .reg(21), 0x3000_0000, 0x10, 8), .record("bad local"),
                .sys(.taskRead, .reg(21), 0x3000_0000, .imm(buffer), .imm(SupervisionLimits.maxTransfer + 1)),
                .record("too long"),
                .sys(.taskProtect, .reg(21), 0x3000_0000, 0x1000, 1), .record("protect"),
                .sys(.taskWrite, .reg(21), 0x3000_0000, .imm(buffer), 8), .record("write read-only"),
                .sys(.taskUnmap, .reg(21), 0x3000_0000, 0x2000), .record("unmap"),
                .sys(.taskRead, .reg(21), 0x3000_0000, .imm(buffer), 8), .record("after unmap"),
                .kill(.reg(21)), .wait(.reg(21)), .exit(0)], data: image, bss: 0x3000),
            guest,
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("map")?.x0, 0x3000_0000, "a supervisor places memory outside the mmap area")
        XCTAssertEqual(sys.record("write")?.x0, 8)
        XCTAssertEqual(sys.record("read")?.x0, 0x1234_5678)
        XCTAssertEqual(sys.record("task read")?.x0, 8)
        XCTAssertEqual(sys.record("seen")?.x0, 0xBEEF)
        XCTAssertEqual(sys.record("unmapped")?.error, .badAddress)
        XCTAssertEqual(sys.record("bad local")?.error, .badAddress)
        XCTAssertEqual(sys.record("too long")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("protect")?.x0, 0)
        XCTAssertEqual(sys.record("write read-only")?.error, .badAddress)
        XCTAssertEqual(sys.record("unmap")?.x0, 0)
        XCTAssertEqual(sys.record("after unmap")?.error, .badAddress)
    }

    func testForkCopiesOnWriteAndExecReplacesTheImage() throws {
        let guest = TestProgram("guest", [.syscall(1, []), .write(0x3000_0000, .reg(0)), .syscall(2, [])])
        let other = TestProgram("other", [.record("other runs"), .syscall(3, [])])
        let guestImage = ProgramImage(guest, index: 1).elf
        let otherImage = ProgramImage(other, index: 2).elf
        let buffer = dataAddress + 0x3000
        let otherOffset: UInt64 = 0x2000           // otherImage sits after guestImage in init's data
        let sys = try TestSystem([
            TestProgram("init", create(guestImage) + [
                .sys(.taskMap, .reg(21), 0x3000_0000, 0x1000, 3, .imm(MapFlags.fixed)),
                resume(mode: .keepRegisters), .recv(),                       // guest stopped at syscall 1
                .sys(.taskFork, .reg(21)), .save(into: 22), .record("fork"),
                resume(111), .sys(.taskResume, .reg(22), 222, 0),
                .recv(), .recv(),                                            // both at syscall 2
                .sys(.taskRead, .reg(21), 0x3000_0000, .imm(buffer), 8), .read(.imm(buffer), into: 0),
                .record("parent saw"),
                .sys(.taskRead, .reg(22), 0x3000_0000, .imm(buffer), 8), .read(.imm(buffer), into: 0),
                .record("clone saw"),
                // exec the clone into `other`
                .shmCreate(size: .imm(UInt64(otherImage.count))), .save(into: 23), .shmMap(.reg(23)), .save(into: 24),
                .copy(from: .imm(dataAddress + otherOffset), to: .reg(24),
                      length: .imm(UInt64((otherImage.count + 7) / 8 * 8))),
                .sys(.taskExec, .reg(22), .reg(23), .imm(UInt64(otherImage.count))), .record("exec"),
                .sys(.taskRead, .reg(22), 0x3000_0000, .imm(buffer), 8), .record("old memory gone"),
                .sys(.taskResume, .reg(22), 0, .imm(ResumeMode.keepRegisters.rawValue)), .recv(), .record("other event"),
                .kill(.reg(21)), .wait(.reg(21)), .kill(.reg(22)), .wait(.reg(22)), .exit(0)],
                data: guestImage + [UInt8](repeating: 0, count: Int(otherOffset) - guestImage.count) + otherImage,
                bss: 0x2000),
            guest, other,
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        let clone = try XCTUnwrap(sys.record("fork")).x[1]
        XCTAssertEqual(sys.record("parent saw")?.x0, 111)
        XCTAssertEqual(sys.record("clone saw")?.x0, 222, "each wrote its own copy")
        XCTAssertEqual(sys.record("exec")?.x0, ProgramImage(other, index: 2).entry)
        XCTAssertEqual(sys.record("old memory gone")?.error, .badAddress)
        XCTAssertEqual(sys.records("other runs").count, 1)
        XCTAssertEqual(sys.record("other event")?.x0, clone)
        XCTAssertEqual(sys.record("other event")?.x[1], marker | SupervisorEvent.syscall.rawValue | 3 << 16)
    }

    func testOnlyTheSupervisorActsAndOnlyOnAStoppedTask() throws {
        let guest = TestProgram("guest", [.syscall(1, []), .exit(0)])
        let image = ProgramImage(guest, index: 1).elf
        let sys = try TestSystem([
            TestProgram("init", create(image) + [
                resume(mode: .keepRegisters), .record("start"), resume(mode: .keepRegisters), .record("running"),
                .sys(.taskResume, .reg(21), 0, 7), .record("bad mode"),
                .sys(.taskResume, .imm(999), 0, 0), .record("not a handle"),
                .handleDuplicate(.reg(21), rights: .imm(HandleRights.all & ~HandleRights.supervise)), .save(into: 23),
                .spawn("stranger"), .save(into: 22), .sendHandle(to: .reg(22), handle: .reg(23)), .wait(.reg(22)),
                .sys(.taskFork, .reg(21)), .record("fork running"),
                .recv(), .record("event"),
                .kill(.reg(21)), .wait(.reg(21)), .exit(0)], data: image),
            guest,
            TestProgram("stranger", Step.takeHandle(into: 21) + [
                                     .sys(.taskResume, .reg(21), 0, 0), .record("resume"),
                                     .sys(.taskRead, .reg(21), .imm(UserLayout.imageBase), 0x1000, 8), .record("read"),
                                     .sys(.taskMap, .reg(21), 0, 0x1000, 3, 0), .record("map"),
                                     .sys(.taskFork, .reg(21)), .record("fork"),
                                     .exit(0)], bss: 0x1000),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("start")?.x0, 0)
        XCTAssertEqual(sys.record("running")?.error, .busy)
        XCTAssertEqual(sys.record("bad mode")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("not a handle")?.error, .badHandle)
        for label in ["resume", "read", "map", "fork"] {
            XCTAssertEqual(sys.record(label)?.error, .notPermitted, label)
        }
        XCTAssertEqual(sys.record("fork running")?.error, .busy)
        XCTAssertNotNil(sys.record("event"))
    }

    func testEventsQueueWhileTheSupervisorIsBusyAndTasksEndWithIt() throws {
        let guest = TestProgram("guest", [.syscall(1, []), .syscall(2, [])])
        let image = ProgramImage(guest, index: 1).elf
        let sys = try TestSystem([
            TestProgram("init", [.spawn("server"), .save(into: 21), .sleep(.imm(400 * us)),
                                 .kill(.reg(21)), .wait(.reg(21)), .exit(0)]),
            guest,
            TestProgram("server", create(image, program: 2) + [
                resume(mode: .keepRegisters), .sleep(.imm(100 * us)),      // the guest's event waits in the queue
                .recv(), .record("queued event"), resume(), .sleep(.imm(10_000 * us))],
                data: image),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let event = try XCTUnwrap(sys.record("queued event"))
        XCTAssertEqual(event.x[1], marker | SupervisorEvent.syscall.rawValue | 1 << 16)
        XCTAssertEqual(sys.kernel.liveTaskCount, 0, "the guest ended with its supervisor")
    }
}
