// A mixed workload touching every kernel subsystem at once: a console-like
// server (service registry, UART, IPC loop), two clients at another priority,
// a shared-memory pair, a task killed by a fault, a sleeper and a
// grandchild. init hands authority down as the real init does: the console
// service key and the UART to the server, its spawn authority to the parent
// (whose children run above its priority), the reader's handle to the
// shared-memory writer. init reaps everyone, stops the server, pauses (so a
// test can inspect the kernel), and exits.
import KenixABI

enum Workload {
    static let quitTag: UInt64 = 0xFF
    /// A child's share is half of what its parent has left (Quota), so init
    /// starts the parent first (it starts three tasks of its own) and needs
    /// room for six children: 2,048 frames (still 64 task slots).
    static let frames = 2048

    /// Ids: parent 2, server 3, c1 4, c2 5, shm-b 6, shm-a 7, then the
    /// parent's: faulty 8, sleeper 9, grandchild 10.
    static var programs: [TestProgram] {
        [
            TestProgram("init", [
                .spawn("parent"), .save(into: 19), .spawn("server"), .save(into: 20),
                .spawn("c1", priority: 10), .save(into: 21), .spawn("c2", priority: 10), .save(into: 22),
                .spawn("shm-b"), .save(into: 23), .spawn("shm-a"), .save(into: 24),
                .sendHandle(to: .reg(19), handle: .imm(InitHandle.spawnAuthority)),
                .sendHandle(to: .reg(20), handle: .imm(InitHandle.service(.console))),
                .sendHandle(to: .reg(20), handle: .imm(InitHandle.uart)),
                .sendHandle(to: .reg(24), handle: .reg(23)),
                .wait(.reg(21)), .wait(.reg(22)), .wait(.reg(23)), .wait(.reg(24)), .wait(.reg(19)),
                .send(.reg(20), tag: .imm(quitTag)), .wait(.reg(20)), .record("all reaped"), .pause, .exit(0)]),
            TestProgram("server", [
                .recv(from: parentHandle), .move(23, .reg(5)), .recv(from: parentHandle), .move(24, .reg(5)),
                .serviceRegister(.reg(23)), .uartClaim(.reg(24)),
                .recv(), .save(into: 19),                                   // 6: loop
                .branch(ifRegister: 1, equals: .imm(quitTag), to: 13),
                .uartWrite("msg\n"), .compute(5 * us), .replyTo(.reg(19), tag: 0x600D),
                .jump(6),
                .exit(0)]),                                                 // 13
            client("c1", computes: 300 * us), client("c2", computes: 450 * us),
            TestProgram("shm-b", [.recv(), .move(19, .reg(5)), .shmMap(.reg(19)), .save(into: 20),
                                  .read(.regPlus(20, 0x2008), into: 0), .record("shm"), .exit(0)]),
            TestProgram("shm-a", Step.takeHandle(into: 21) + [                          // shm-b's handle
                .shmCreate(size: 0x3000), .save(into: 19), .shmMap(.reg(19)), .save(into: 20),
                .write(.regPlus(20, 0x2008), .imm(0xABC)), .sendHandle(to: .reg(21), handle: .reg(19)), .exit(0)]),
            TestProgram("faulty", [.compute(50 * us), .read(0x10, into: 0), .exit(0)]),
            TestProgram("sleeper", [.sleep(.imm(2 * ms)), .clock, .record("woke"), .exit(3)]),
            TestProgram("parent", Step.takeHandle(into: 25) + [                         // init's spawn authority
                .spawn("faulty"), .save(into: 19),
                .spawn("sleeper", priority: 20, authority: .reg(25)), .save(into: 20),
                .spawn("grandchild", priority: 20, authority: .reg(25)), .save(into: 21), .wait(.reg(21)),
                .record("grandchild"), .wait(.reg(19)), .wait(.reg(20)), .exit(0)]),
            TestProgram("grandchild", [.compute(100 * us), .exit(1)]),
        ]
    }

    static func client(_ name: String, computes ns: UInt64) -> TestProgram {
        var steps: [Step] = [.serviceLookup(.imm(ServiceKey.console.rawValue)), .save(into: 19)]
        for _ in 0..<3 { steps += [.compute(ns), .call(.reg(19), tag: 1), .record("reply")] }
        return TestProgram(name, steps + [.exit(0)])
    }
}
