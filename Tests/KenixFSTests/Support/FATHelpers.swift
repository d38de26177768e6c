// Helpers for driving a FATVolume (or any FileSystem) by path in tests.
import KenixABI
import XCTest
@testable import KenixFS

/// A fixed test clock: 2024-05-17 12:34:56.78 UTC, advanced by hand.
final class TestClock {
    var now: UInt64 = 1_715_949_296_780_000_000
    var function: WallClock { { self.now } }
}

extension FileSystem {
    /// The node at `path` ("a/b/c", relative to the root), held.
    func node(_ path: String) throws -> NodeID {
        var current = rootNode
        retain(current)
        for part in path.split(separator: "/") {
            let next = try lookup(current, Array(part.utf8))
            release(current)
            current = next
        }
        return current
    }

    /// Splits "a/b/c" into the held parent node of c and "c".
    func parentAndName(_ path: String) throws -> (NodeID, [UInt8]) {
        var parts = path.split(separator: "/").map(String.init)
        let name = parts.removeLast()
        return (try node(parts.joined(separator: "/")), Array(name.utf8))
    }

    func readAll(_ path: String) throws -> [UInt8] {
        let n = try node(path)
        defer { release(n) }
        let size = Int(try info(n).size)
        var out = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let got = try out.withUnsafeMutableBytes { raw throws(FileError) in
                try read(n, at: UInt64(done), into: UnsafeMutableRawBufferPointer(rebasing: raw[done..<size]))
            }
            guard got > 0 else { throw FileError.ioError }
            done += got
        }
        return out
    }

    @discardableResult
    func createFile(_ path: String, _ contents: [UInt8] = []) throws -> NodeID {
        let (parent, name) = try parentAndName(path)
        defer { release(parent) }
        let n = try create(in: parent, name, kind: .regular, target: [])
        if !contents.isEmpty {
            let written = try contents.withUnsafeBytes { raw throws(FileError) in try write(n, at: 0, from: raw) }
            XCTAssertEqual(written, contents.count)
        }
        release(n)
        return n
    }

    func makeDirectory(_ path: String) throws {
        let (parent, name) = try parentAndName(path)
        defer { release(parent) }
        release(try create(in: parent, name, kind: .directory, target: []))
    }

    func write(_ path: String, at offset: UInt64, _ contents: [UInt8]) throws -> Int {
        let n = try node(path)
        defer { release(n) }
        return try contents.withUnsafeBytes { raw throws(FileError) in try write(n, at: offset, from: raw) }
    }

    /// Names in directory `path`, in directory order.
    func names(_ path: String) throws -> [String] {
        let d = try node(path)
        defer { release(d) }
        var out: [String] = []
        try readDirectory(d, from: 0) { item, _ in
            out.append(String(decoding: item.name, as: UTF8.self))
            return true
        }
        return out
    }

    func removeFile(_ path: String) throws {
        let (parent, name) = try parentAndName(path)
        defer { release(parent) }
        try remove(in: parent, name, directory: false)
    }

    func removeDirectory(_ path: String) throws {
        let (parent, name) = try parentAndName(path)
        defer { release(parent) }
        try remove(in: parent, name, directory: true)
    }

    func move(_ from: String, _ to: String) throws {
        let (p1, n1) = try parentAndName(from)
        defer { release(p1) }
        let (p2, n2) = try parentAndName(to)
        defer { release(p2) }
        try rename(from: p1, n1, to: p2, n2)
    }
}

/// Asserts that `body` throws `expected` (a FileError).
func XCTAssertFileError<T>(_ expected: FileError, _ body: @autoclosure () throws -> T,
                           file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected \(expected), got success", file: file, line: line)
    } catch let error as FileError {
        XCTAssertEqual(error, expected, file: file, line: line)
    } catch {
        XCTFail("expected \(expected), got \(error)", file: file, line: line)
    }
}

/// Mounts `image` (a file) as FAT32.
func mountFAT(_ image: String, clock: TestClock = TestClock(), readOnly: Bool = false,
              cacheBlocks: Int = 64) throws -> FATVolume<FileBlockStore> {
    let store = try FileBlockStore(path: image, readOnly: readOnly)
    do {
        return try FATVolume.mount(store, clock: clock.function, cacheBlocks: cacheBlocks)
    } catch let failure as MountFailure {
        throw TestFailure("mount failed: \(failure.reason)")
    }
}

extension MountFailure {
    var reasonText: String { String(describing: reason) }
}
