// spawn_image: a program started from an ELF image the caller holds in a
// shared-memory object (how programs start from a file), and every way the
// request can be wrong.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class SpawnImageTests: XCTestCase {
    /// The ELF of `program` as the test system lays it out at `index`.
    private func elf(of program: TestProgram, index: Int) -> [UInt8] { ProgramImage(program, index: index).elf }

    /// init's steps that copy `length` bytes of its data segment into a
    /// fresh shared-memory object (handle in x19, mapping in x20).
    private func imageInSharedMemory(_ length: Int) -> [Step] {
        let data = UserLayout.imageBase + 0x2000   // init is program 0 (TestProgram's layout)
        return [.shmCreate(size: .imm(UInt64(length))), .save(into: 19), .shmMap(.reg(19)), .save(into: 20),
                .copy(from: .imm(data), to: .reg(20), length: .imm(UInt64((length + 7) / 8 * 8)))]
    }

    func testAProgramStartsFromAnImageInSharedMemory() throws {
        let child = TestProgram("child", [.record("started"), .exit(.reg(0))])
        let image = elf(of: child, index: 1)
        let sys = try TestSystem([
            TestProgram("init", imageInSharedMemory(image.count) + [
                .sys(.spawnImage, .reg(19), .imm(UInt64(image.count)), 41, 0, .string("from-file"),
                     .length(of: "from-file")), .save(into: 21), .record("spawned"),
                .taskInfo(slot: 2), .record("info"),
                .wait(.reg(21)), .record("waited"), .exit(0)], data: image),
            child,
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        let id = try XCTUnwrap(sys.record("spawned")?.x[1])
        XCTAssertEqual(id, 2)
        XCTAssertEqual(sys.record("info")?.x0, id)
        let name = withUnsafeBytes(of: (sys.record("info")!.x[3], sys.record("info")!.x[4])) { Array($0.prefix(9)) }
        XCTAssertEqual(String(decoding: name, as: UTF8.self), "from-file", "the task is named as asked")
        XCTAssertEqual(sys.records("started").count, 1)
        XCTAssertEqual(sys.record("waited")?.x[1], 41, "the child got its argument and is the caller's child")
    }

    func testRequestErrors() throws {
        let child = TestProgram("child", [.exit(0)])
        let image = elf(of: child, index: 2)
        let name = "n"
        func spawnImage(_ shm: Operand, _ length: Operand, priority: Operand = 0, name: Operand = .string("n"),
                        nameLength: Operand = .imm(1)) -> Step {
            .sys(.spawnImage, shm, length, 0, priority, name, nameLength)
        }
        let sys = try TestSystem([
            TestProgram("init", imageInSharedMemory(image.count) + [
                spawnImage(77, 100), .record("unknown object"),
                spawnImage(.reg(19), 0), .record("length 0"),
                spawnImage(.reg(19), .imm(UInt64(image.count + 4096))), .record("beyond the object"),
                spawnImage(.reg(19), .imm(UInt64(image.count)), priority: 32), .record("priority 32"),
                spawnImage(.reg(19), .imm(UInt64(image.count)), nameLength: 0), .record("empty name"),
                spawnImage(.reg(19), .imm(UInt64(image.count)), nameLength: 65), .record("long name"),
                spawnImage(.reg(19), .imm(UInt64(image.count)), name: 0x10), .record("bad name pointer"),
                spawnImage(.reg(19), 64), .record("truncated image"),
                .shmCreate(size: 8192), .save(into: 22), spawnImage(.reg(22), 8192), .record("zeros"),
                .spawn("other"), .save(into: 21), .wait(.reg(21)), .exit(0)], data: image),
            TestProgram("other", [.sys(.spawnImage, .imm(sharedMemoryIDOfInit), 64, 0, 0, .string(name),
                                       .length(of: name)), .record("not held"), .exit(0)]),
            child,
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("unknown object")?.error, .badHandle)
        XCTAssertEqual(sys.record("length 0")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("beyond the object")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("priority 32")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("empty name")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("long name")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("bad name pointer")?.error, .badAddress)
        XCTAssertEqual(sys.record("truncated image")?.error, .badExecutable)
        XCTAssertEqual(sys.record("zeros")?.error, .badExecutable)
        XCTAssertEqual(sys.record("not held")?.error, .badHandle,
                       "init's shared-memory handle value is the other task's parent handle: another kind")
        XCTAssertEqual(sys.kernel.liveTaskCount, 0)
    }

    /// init's first handle (entry 0 of its table: init has no parent handle).
    private let sharedMemoryIDOfInit: UInt64 = 1
}
