// The service registry: keys in range, one registration per key, lookups,
// and a key freed when its server ends.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class ServiceRegistryTests: XCTestCase {
    func testServiceRegistry() throws {
        let sys = try TestSystem([
            TestProgram("init", [.serviceLookup(1), .record("lookup before"),
                                 .spawn("console"), .sleep(.imm(10 * us)),
                                 .serviceLookup(1), .record("lookup"),
                                 .serviceRegister(1), .record("register taken key"),
                                 .serviceRegister(0), .record("key 0"), .serviceRegister(8), .record("key 8"),
                                 .serviceRegister(7), .record("key 7"), .serviceLookup(7), .record("lookup 7"),
                                 .serviceLookup(0), .record("lookup 0"), .serviceLookup(.imm(UInt64.max)),
                                 .record("lookup max"),
                                 .send(2), .wait(2),
                                 .serviceLookup(1), .record("lookup after exit"),
                                 .serviceRegister(1), .record("register after exit"),
                                 .serviceLookup(1), .record("lookup mine"), .exit(0)]),
            TestProgram("console", [.serviceRegister(1), .record("register"), .serviceRegister(1),
                                    .record("register twice"), .recv(), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("lookup before")?.error, .notFound)
        XCTAssertEqual(sys.record("register")?.x0, 0)
        XCTAssertEqual(sys.record("register twice")?.error, .busy)
        XCTAssertEqual(sys.record("lookup")?.x0, 2)
        XCTAssertEqual(sys.record("register taken key")?.error, .busy)
        XCTAssertEqual(sys.record("key 0")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("key 8")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("key 7")?.x0, 0)
        XCTAssertEqual(sys.record("lookup 7")?.x0, 1)
        XCTAssertEqual(sys.record("lookup 0")?.error, .notFound)
        XCTAssertEqual(sys.record("lookup max")?.error, .notFound)
        XCTAssertEqual(sys.record("lookup after exit")?.error, .notFound, "a registration ends with its task")
        XCTAssertEqual(sys.record("register after exit")?.x0, 0)
        XCTAssertEqual(sys.record("lookup mine")?.x0, 1)
    }
}
