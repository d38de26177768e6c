// The service registry: registering needs the key's handle (init holds one
// per ServiceKey and hands it to the server it starts), one live server per
// key, lookups by anyone (a `send`-only handle to the server and its id),
// and a key freed when its server ends.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class ServiceRegistryTests: XCTestCase {
    func testServiceRegistry() throws {
        let console = Operand.imm(InitHandle.service(.console))
        let sys = try TestSystem([
            TestProgram("init", [.serviceLookup(1), .record("lookup before"),
                                 .spawn("console"), .record("spawned"), .save(into: 19), .sendHandle(to: .reg(19), handle: console),
                                 .sleep(.imm(10 * us)),
                                 .serviceLookup(1), .record("lookup"), .save(into: 20),
                                 .handleInfo(.reg(20)), .record("lookup handle"),
                                 .kill(.reg(20)), .record("kill through the lookup handle"),
                                 .serviceRegister(console), .record("register taken key"),
                                 .serviceRegister(0), .record("handle 0"),
                                 .serviceRegister(.imm(InitHandle.uart)), .record("a device handle"),
                                 .handleDuplicate(.imm(InitHandle.service(.files)), rights: .imm(HandleRights.transfer)),
                                 .save(into: 21),
                                 .serviceRegister(.reg(21)), .record("key without use"),
                                 .serviceRegister(.imm(InitHandle.service(.files))), .record("files key"),
                                 .serviceLookup(2), .record("lookup files"),
                                 .serviceLookup(0), .record("lookup 0"), .serviceLookup(.imm(UInt64.max)),
                                 .record("lookup max"),
                                 .send(.reg(20), tag: 5), .record("send through the lookup handle"),
                                 .wait(.reg(19)),
                                 .serviceLookup(1), .record("lookup after exit"),
                                 .serviceRegister(console), .record("register after exit"),
                                 .serviceLookup(1), .record("lookup mine"), .exit(0)]),
            TestProgram("console", [.serviceRegister(console), .record("register without the key"),
                                    .recv(from: parentHandle), .move(19, .reg(5)),
                                    .serviceRegister(.reg(19)), .record("register"), .serviceRegister(.reg(19)),
                                    .record("register twice"), .recv(), .record("request"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let consoleID = try XCTUnwrap(sys.record("spawned")).x[1]
        XCTAssertEqual(sys.record("lookup before")?.error, .notFound)
        XCTAssertEqual(sys.record("register without the key")?.error, .badHandle, "init's value means nothing to it")
        XCTAssertEqual(sys.record("register")?.x0, 0)
        XCTAssertEqual(sys.record("register twice")?.x0, 0, "the server may register again")
        XCTAssertEqual(sys.record("lookup")?.x[1], consoleID)
        XCTAssertEqual(sys.record("lookup handle")?.x[0...2], [ObjectKind.task.rawValue, HandleRights.send, consoleID],
                       "a lookup gives send, and nothing else")
        XCTAssertEqual(sys.record("kill through the lookup handle")?.error, .notPermitted)
        XCTAssertEqual(sys.record("register taken key")?.error, .busy)
        XCTAssertEqual(sys.record("handle 0")?.error, .badHandle)
        XCTAssertEqual(sys.record("a device handle")?.error, .badHandle)
        XCTAssertEqual(sys.record("key without use")?.error, .notPermitted)
        XCTAssertEqual(sys.record("files key")?.x0, 0)
        XCTAssertEqual(sys.record("lookup files")?.x[1], sys.kernel.initID.raw)
        XCTAssertEqual(sys.record("lookup 0")?.error, .notFound)
        XCTAssertEqual(sys.record("lookup max")?.error, .notFound)
        XCTAssertEqual(sys.record("send through the lookup handle")?.x0, 0)
        XCTAssertEqual(sys.record("request")?.x[1], 5)
        XCTAssertEqual(sys.record("lookup after exit")?.error, .notFound, "a registration ends with its task")
        XCTAssertEqual(sys.record("register after exit")?.x0, 0)
        XCTAssertEqual(sys.record("lookup mine")?.x[1], sys.kernel.initID.raw)
    }
}
