// The RAM file system on its own: names, capacity, held-but-removed nodes,
// rename rules, listing order and cookies, read-only directories.
import KenixABI
import XCTest
@testable import KenixFS

final class RamFSTests: XCTestCase {
    let clock = TestClock()

    func testNamesAreCheckedAndCaseSensitive() throws {
        let fs = RamFS(capacity: 1 << 20, clock: clock.function)
        try fs.createFile("Readme", [1])
        try fs.createFile("readme", [2])
        XCTAssertEqual(try fs.readAll("Readme"), [1])
        XCTAssertEqual(try fs.readAll("readme"), [2])
        XCTAssertFileError(.exists, try fs.createFile("Readme"))
        XCTAssertFileError(.nameTooLong, try fs.createFile(String(repeating: "x", count: 256)))
        try fs.createFile(String(repeating: "x", count: 255))
        for bad: [UInt8] in [[], [0x2E], [0x2E, 0x2E], [0x61, 0x2F, 0x62], [0x61, 0x00], [0xC3]] {
            XCTAssertFileError(.invalidArgument, try fs.create(in: fs.rootNode, bad, kind: .regular, target: []))
        }
    }

    func testCapacityCountsFileDataAndLinks() throws {
        let fs = RamFS(capacity: 10_000, clock: clock.function)
        try fs.createFile("a", [UInt8](repeating: 1, count: 6000))
        XCTAssertEqual(fs.usedBytes, 6000)
        XCTAssertFileError(.noSpace, try fs.createFile("b", [UInt8](repeating: 1, count: 5000)))
        let a = try fs.node("a")
        XCTAssertFileError(.noSpace, try fs.resize(a, to: 20_000))
        try fs.resize(a, to: 1000)
        fs.release(a)
        XCTAssertEqual(fs.usedBytes, 1000)
        XCTAssertEqual(fs.usage().freeBlocks, 10_000 / 4096 - 1)
        try fs.removeFile("a")
        XCTAssertEqual(fs.usedBytes, 0)
        XCTAssertEqual(fs.usage().files, 2)   // the root, and "b": created, though its data did not fit
    }

    func testRemovedNodesLiveWhileHeld() throws {
        let fs = RamFS(capacity: 1 << 20, clock: clock.function)
        try fs.createFile("f", [9, 9])
        let f = try fs.node("f")
        try fs.removeFile("f")
        var out = [UInt8](repeating: 0, count: 2)
        XCTAssertEqual(try out.withUnsafeMutableBytes { r throws(FileError) in try fs.read(f, at: 0, into: r) }, 2)
        XCTAssertEqual(fs.usedBytes, 2)
        fs.release(f)
        XCTAssertEqual(fs.usedBytes, 0)
        XCTAssertFileError(.badFile, try fs.info(f))   // the id is stale now
        try fs.createFile("g", [1])
        XCTAssertFileError(.badFile, try fs.info(f))   // and stays stale when the slot is reused
    }

    func testRenameRules() throws {
        let fs = RamFS(capacity: 1 << 20, clock: clock.function)
        try fs.makeDirectory("d")
        try fs.makeDirectory("e")
        try fs.makeDirectory("full")
        try fs.createFile("full/x", [1])
        try fs.createFile("f", [1])
        XCTAssertFileError(.notDirectory, try fs.move("d", "f"))
        XCTAssertFileError(.isDirectory, try fs.move("f", "d"))
        XCTAssertFileError(.notEmpty, try fs.move("d", "full"))
        try fs.move("d", "e")
        XCTAssertEqual(Set(try fs.names("")), ["e", "full", "f"])
        try fs.move("f", "e/g")
        let e = try fs.node("e")
        let g = try fs.node("e/g")
        XCTAssertEqual(try fs.name(of: g, in: e), bytes("g"))
        XCTAssertEqual(try fs.parent(of: e), fs.rootNode)
        fs.release(g)
        fs.release(e)
    }

    func testListingOrderAndCookies() throws {
        let fs = RamFS(capacity: 1 << 20, clock: clock.function)
        for name in ["c", "a", "b"] { try fs.createFile(name) }
        XCTAssertEqual(try fs.names(""), ["c", "a", "b"])   // creation order
        var cookie: UInt64 = 0
        var first: [String] = []
        try fs.readDirectory(fs.rootNode, from: 0) { item, next in
            first.append(String(decoding: item.name, as: UTF8.self))
            cookie = next
            return false
        }
        try fs.removeFile("c")
        try fs.createFile("d")
        var rest: [String] = []
        try fs.readDirectory(fs.rootNode, from: cookie) { item, _ in
            rest.append(String(decoding: item.name, as: UTF8.self))
            return true
        }
        XCTAssertEqual(first, ["c"])
        XCTAssertEqual(rest, ["a", "b", "d"])
    }

    /// Names are found through a sorted index (RamFS+NameIndex.swift):
    /// thousands of entries created, removed and renamed in a scrambled
    /// order, checked against a plain list of the directory.
    func testALargeDirectoryAgainstAModel() throws {
        let fs = RamFS(capacity: 1 << 24, clock: clock.function)
        try fs.makeDirectory("other")
        var model: [String] = []   // the root's names in creation order, which is the listing order
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % 1_000_000)
        }
        model.append("other")
        for _ in 0..<3000 {
            let name = "f\(next() % 20_000)"
            if model.contains(name) {
                XCTAssertFileError(.exists, try fs.createFile(name))
            } else {
                try fs.createFile(name, [UInt8(truncatingIfNeeded: name.count)])
                model.append(name)
            }
        }
        // Remove about a third; rename some, within the root (to the end of
        // the order) and into "other" (out of the root).
        for (k, name) in model.enumerated().reversed() where k > 0 && k % 3 == 0 {
            try fs.removeFile(name)
            model.remove(at: k)
            XCTAssertFileError(.notFound, try fs.node(name))
        }
        for (k, name) in model.enumerated().reversed() where k > 0 && k % 7 == 0 {
            if k % 2 == 0 {
                try fs.move(name, "r" + name)
                model.remove(at: k)
                model.append("r" + name)
            } else {
                try fs.move(name, "other/" + name)
                model.remove(at: k)
                XCTAssertEqual(try fs.readAll("other/" + name), [UInt8(truncatingIfNeeded: name.count)])
            }
            XCTAssertFileError(.notFound, try fs.node(name))
        }
        XCTAssertEqual(try fs.names(""), model)
        for name in model where name != "other" {
            let original = name.hasPrefix("r") ? String(name.dropFirst()) : name
            XCTAssertEqual(try fs.readAll(name), [UInt8(truncatingIfNeeded: original.count)], name)
        }
        for _ in 0..<500 {
            let name = "f\(next() % 20_000)"
            if !model.contains(name) { XCTAssertFileError(.notFound, try fs.node(name)) }
        }
    }

    func testSymbolicLinksHoldTheirTarget() throws {
        let fs = RamFS(capacity: 1 << 20, clock: clock.function)
        let link = try fs.create(in: fs.rootNode, bytes("l"), kind: .symlink, target: bytes("/some/where"))
        XCTAssertEqual(try fs.readLink(link), bytes("/some/where"))
        XCTAssertEqual(try fs.kind(link), .symlink)
        XCTAssertFileError(.invalidArgument, try fs.write(link, at: 0, from: UnsafeRawBufferPointer(start: nil, count: 0)))
        fs.release(link)
        XCTAssertFileError(.invalidArgument, try fs.create(in: fs.rootNode, bytes("m"), kind: .symlink, target: []))
    }

    func testReadOnlyDirectories() throws {
        let fs = RamFS(capacity: 1 << 20, clock: clock.function)
        try fs.makeDirectory("ro")
        try fs.createFile("ro/kept", [1])
        let ro = try fs.node("ro")
        try fs.setReadOnly(ro)
        fs.release(ro)
        XCTAssertFileError(.accessDenied, try fs.createFile("ro/new"))
        XCTAssertFileError(.accessDenied, try fs.removeFile("ro/kept"))
        XCTAssertFileError(.accessDenied, try fs.move("ro/kept", "out"))
        XCTAssertEqual(try fs.readAll("ro/kept"), [1])   // files inside stay writable unless marked
    }
}
