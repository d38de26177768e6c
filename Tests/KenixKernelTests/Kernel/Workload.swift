// A mixed workload touching every kernel subsystem at once: a console-like
// server (service registry, UART, IPC loop), two clients at another priority,
// a shared-memory pair, a task killed by a fault, a sleeper and a
// grandchild. init reaps everyone, stops the server, pauses (so a test can
// inspect the kernel), and exits.
import KenixABI

enum Workload {
    static let quitTag: UInt64 = 0xFF

    /// Ids: server 2, c1 3, c2 4, shm-b 5, shm-a 6, faulty 7, sleeper 8, parent 9, grandchild 10.
    static var programs: [TestProgram] {
        [
            TestProgram("init", [
                .spawn("server"), .spawn("c1", priority: 10), .spawn("c2", priority: 10),
                .spawn("shm-b"), .spawn("shm-a", arg: 5), .spawn("faulty"), .spawn("sleeper", priority: 20),
                .spawn("parent"),
                .wait(3), .wait(4), .wait(5), .wait(6), .wait(7), .wait(8), .wait(9),
                .send(2, tag: .imm(quitTag)), .wait(2), .record("all reaped"), .pause, .exit(0)]),
            TestProgram("server", [
                .serviceRegister(.imm(ServiceKey.console.rawValue)), .uartClaim,
                .recv(), .save(into: 19),                                   // 2: loop
                .branch(ifRegister: 1, equals: .imm(quitTag), to: 9),
                .uartWrite("msg\n"), .compute(5 * us), .replyTo(.reg(19), tag: 0x600D),
                .jump(2),
                .exit(0)]),                                                 // 9
            client("c1", computes: 300 * us), client("c2", computes: 450 * us),
            TestProgram("shm-b", [.recv(), .move(19, .reg(1)), .shmMap(.reg(19)), .save(into: 20),
                                  .read(.regPlus(20, 0x2008), into: 0), .record("shm"), .exit(0)]),
            TestProgram("shm-a", [.move(21, .reg(0)), .shmCreate(size: 0x3000), .save(into: 19),
                                  .shmMap(.reg(19)), .save(into: 20), .write(.regPlus(20, 0x2008), .imm(0xABC)),
                                  .shmGrant(.reg(19), to: .reg(21)), .send(.reg(21), tag: .reg(19)), .exit(0)]),
            TestProgram("faulty", [.compute(50 * us), .read(0x10, into: 0), .exit(0)]),
            TestProgram("sleeper", [.sleep(.imm(2 * ms)), .clock, .record("woke"), .exit(3)]),
            TestProgram("parent", [.spawn("grandchild", priority: 20), .save(into: 19), .wait(.reg(19)),
                                   .record("grandchild"), .exit(0)]),
            TestProgram("grandchild", [.compute(100 * us), .exit(1)]),
        ]
    }

    static func client(_ name: String, computes ns: UInt64) -> TestProgram {
        var steps: [Step] = [.serviceLookup(.imm(ServiceKey.console.rawValue)), .save(into: 19)]
        for _ in 0..<3 { steps += [.compute(ns), .call(.reg(19), tag: 1), .record("reply")] }
        return TestProgram(name, steps + [.exit(0)])
    }
}
