// Authority (docs/capabilities.md, "Who starts with what", "Scheduling
// authority", "Quotas"): init starts with every device, service key, the
// interrupt controller, the task directory and a spawn authority at fixed
// values; any other task has none of them until it is handed one, so its
// attempts fail (badHandle, or notPermitted with a handle lacking the
// right); starting a task above one's own priority needs a spawn authority;
// a fork copies the forker's handles; a fork bomb stops at its own share
// while its siblings go on.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class AuthorityTests: XCTestCase {
    func testInitsFixedValues() throws {
        let sys = try TestSystem([TestProgram("init", [
            .handleInfo(.imm(InitHandle.spawnAuthority)), .record("spawn authority"),
            .handleInfo(.imm(InitHandle.taskDirectory)), .record("directory"),
            .handleInfo(.imm(InitHandle.interruptController)), .record("controller"),
            .handleInfo(.imm(InitHandle.uart)), .record("uart"),
            .handleInfo(.imm(InitHandle.keyboard)), .record("keyboard"),
            .handleInfo(.imm(InitHandle.framebuffer)), .record("framebuffer"),
            .handleInfo(.imm(InitHandle.service(.block))), .record("block key"),
            .handleInfo(.disk(0)), .record("disk 0"),
            .handleInfo(.disk(1)), .record("disk 1"),
            .exit(0)])], dataDisks: [BlockScript.disk()])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let pass = HandleRights.duplicate | HandleRights.transfer
        func info(_ label: String) -> [UInt64]? { sys.record(label).map { Array($0.x[0...2]) } }
        XCTAssertEqual(info("spawn authority"), [ObjectKind.spawnAuthority.rawValue, HandleRights.use | pass, 31])
        XCTAssertEqual(info("directory"), [ObjectKind.taskDirectory.rawValue, HandleRights.info | HandleRights.kill | pass, 0])
        XCTAssertEqual(info("controller")?[0], ObjectKind.interruptLine.rawValue)
        XCTAssertEqual(info("uart"), [ObjectKind.device.rawValue, HandleRights.use | pass, DeviceCode.uart])
        XCTAssertEqual(sys.record("keyboard")?.error, .badHandle, "no keyboard on this machine: the value is empty")
        XCTAssertEqual(sys.record("framebuffer")?.error, .badHandle, "nor a display")
        XCTAssertEqual(info("block key"), [ObjectKind.serviceKey.rawValue, HandleRights.use | pass, ServiceKey.block.rawValue])
        XCTAssertEqual(info("disk 0"), [ObjectKind.device.rawValue, HandleRights.use | pass, DeviceCode.disk])
        XCTAssertEqual(sys.record("disk 1")?.error, .badHandle, "one data disk")
    }

    /// A child that was handed nothing tries every device and authority at
    /// init's values; then with handles lacking `use`.
    func testWithoutTheHandleEveryDeviceIsRefused() throws {
        let weak = HandleRights.duplicate | HandleRights.transfer
        let sys = try TestSystem([
            TestProgram("init", [
                .spawn("child"), .save(into: 19),
                .recv(from: .reg(19)), .reply(),                             // the child tried everything bare
                .handleDuplicate(.imm(InitHandle.uart), rights: .imm(weak)), .save(into: 20),
                .sendHandle(to: .reg(19), handle: .reg(20)),
                .handleDuplicate(.imm(InitHandle.service(.console)), rights: .imm(weak)), .save(into: 20),
                .sendHandle(to: .reg(19), handle: .reg(20)),
                .wait(.reg(19)), .exit(0)]),
            TestProgram("child", [
                .uartClaim(), .record("uart claim"),
                .uartWrite("x"), .record("uart write"),
                .keyboardClaim(), .record("keyboard claim"),
                .notifyCreate, .save(into: 21),
                .blockClaim(.disk(0), note: .reg(21), bit: 0), .record("disk claim"),
                .irqRegister(40, note: .reg(21), bit: 0), .record("irq register"),
                .serviceRegister(.imm(InitHandle.service(.console))), .record("service register"),
                .kill(id: 1), .record("kill init by id"),
                .taskInfo(slot: 1), .record("task info"),
                .taskQuota(directory: .imm(InitHandle.taskDirectory), slot: 1), .record("task quota"),
                .spawn("child", priority: 17, authority: .imm(InitHandle.spawnAuthority)), .record("spawn above"),
                .kill(parentHandle), .record("kill through the parent handle"),
                .call(parentHandle),
                .recv(from: parentHandle), .move(22, .reg(5)), .recv(from: parentHandle), .move(23, .reg(5)),
                .uartClaim(.reg(22)), .record("uart without use"),
                .serviceRegister(.reg(23)), .record("key without use"),
                .exit(0)]),
        ], dataDisks: [BlockScript.disk()])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        for label in ["uart claim", "disk claim", "irq register", "service register", "kill init by id", "task info",
                      "task quota", "spawn above"] {
            XCTAssertEqual(sys.record(label)?.error, .badHandle, label)
        }
        XCTAssertEqual(sys.record("keyboard claim")?.error, .notFound, "no keyboard here at all")
        XCTAssertEqual(sys.record("uart write")?.error, .notPermitted, "only the UART's owner writes")
        XCTAssertEqual(sys.record("kill through the parent handle")?.error, .notPermitted, "handle 1 is send only")
        XCTAssertEqual(sys.record("uart without use")?.error, .notPermitted)
        XCTAssertEqual(sys.record("key without use")?.error, .notPermitted)
        XCTAssertEqual(sys.uartText, "", "nothing reached the UART")
        XCTAssertEqual(sys.kernel.liveTaskCount, 0)
    }

    /// A task at priority 16 may start children at 16 or below; above needs
    /// a spawn authority whose ceiling reaches the priority.
    func testSchedulingAuthority() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .spawn("parent"), .save(into: 19),
                .recv(from: .reg(19)),
                .sendHandle(to: .reg(19), handle: .imm(InitHandle.spawnAuthority)),
                .wait(.reg(19)), .exit(0)]),
            TestProgram("parent", [
                .spawn("leaf", priority: 16), .record("own priority"), .save(into: 19), .wait(.reg(19)),
                .spawn("leaf", priority: 3), .record("below"), .save(into: 19), .wait(.reg(19)),
                .spawn("leaf", priority: 17), .record("above"),
                .spawn("leaf", priority: 17, authority: parentHandle), .record("a task handle as authority"),
                .send(parentHandle), .recv(from: parentHandle), .move(20, .reg(5)),
                .spawn("leaf", priority: 31, authority: .reg(20)), .record("with authority"), .save(into: 19),
                .wait(.reg(19)), .exit(0)]),
            TestProgram("leaf", [.exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("own priority")?.error, nil)
        XCTAssertEqual(sys.record("below")?.error, nil)
        XCTAssertEqual(sys.record("above")?.error, .notPermitted)
        XCTAssertEqual(sys.record("a task handle as authority")?.error, .badHandle)
        XCTAssertEqual(sys.record("with authority")?.error, nil, "init's authority, handed down, reaches 31")
    }

    /// A forked child holds copies of its parent's handles (the same
    /// program, the same authority); its handle 1 is the forker.
    func testForkCopiesHandles() throws {
        let sys = try TestSystem([TestProgram("init", [
            // The leaf's handle takes init's entry 0 (init has no parent handle there).
            /* 0 */ .spawn("leaf"), .save(into: 20), .notifyCreate, .save(into: 19),
            /* 4 */ .fork, .inChild(goTo: 9),
            /* 6 parent */ .move(21, .reg(0)), .wait(.reg(21)), .jump(14),
            /* 9 child */ .notifySignal(.reg(19), 8), .record("child signals"),
            /* 11 */ .handleInfo(1), .record("child's handle 1"), .exit(0),
            /* 14 */ .notifyPoll(.reg(19)), .record("parent sees"), .send(.reg(20)), .wait(.reg(20)), .exit(0)]),
            TestProgram("leaf", [.recv(), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("child signals")?.x0, 0)
        XCTAssertEqual(sys.record("parent sees")?.x0, 8, "one notification, two holders")
        XCTAssertEqual(sys.record("child's handle 1")?.x[0...2],
                       [ObjectKind.task.rawValue, HandleRights.send | HandleRights.duplicate, sys.kernel.initID.raw])
        XCTAssertEqual(sys.kernel.liveNotificationCount, 0)
    }

    /// A fork bomb given half of init's ceilings stops at its own task
    /// ceiling; a sibling started beside it finishes its work, and init can
    /// still start tasks in the room it kept.
    func testAForkBombStopsAtItsShareAndItsSiblingGoesOn() throws {
        let limit = errorValue(.limitReached), oom = errorValue(.outOfMemory)
        let sys = try TestSystem([
            TestProgram("init", [
                .spawn("bomb", share: 128), .save(into: 19), .spawn("worker"), .save(into: 20),
                .sleep(.imm(2 * ms)), .taskQuota(), .record("init quota"),
                .spawn("worker"), .record("init spawns"), .save(into: 21), .wait(.reg(21)),
                .wait(.reg(20)), .record("worker"), .wait(.reg(19)),
                .sleep(.imm(20 * ms)), .exit(0)]),                       // the bomb's orphans end meanwhile
            TestProgram("bomb", [
                /* 0 */ .fork, .inChild(goTo: 0),                   // every child forks on
                /* 2 */ .branch(ifRegister: 0, equals: .imm(limit), to: 6),
                /* 3 */ .branch(ifRegister: 0, equals: .imm(oom), to: 6), .record("forked"), .jump(0),
                /* 6 */ .record("stopped"), .sleep(.imm(5 * ms)), .exit(0)]),
            TestProgram("worker", [.compute(1 * ms), .yield, .compute(1 * ms), .exit(42)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        let forks = sys.records("forked").count
        XCTAssertGreaterThan(forks, 0)
        let taskShare = (sys.kernel.taskCapacity - 2 - 1) * 128 / 256   // half of init's ceiling beside the bomb's own slot
        XCTAssertLessThanOrEqual(forks, taskShare, "the bomb's family never outgrew its share")
        XCTAssertGreaterThan(sys.records("stopped").count, 0)
        XCTAssertEqual(sys.record("init spawns")?.error, nil, "init kept its own share")
        XCTAssertEqual(sys.record("worker")?.x[1], 42, "the sibling finished its work")
        XCTAssertEqual(sys.kernel.liveTaskCount, 0)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }
}
