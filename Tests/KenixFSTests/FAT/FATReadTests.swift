// Reading what mtools wrote: long and non-ASCII names, nested directories, a
// 2 MB file, byte for byte; lookups that ignore case (ASCII and Latin-1).
import Foundation
import KenixABI
import XCTest
@testable import KenixFS

final class FATReadTests: XCTestCase {
    var tools: DiskTools!
    var image: String!
    let big = patternBytes(2 * 1024 * 1024 + 123, seed: 7)

    override func setUpWithError() throws {
        tools = try DiskTools()
        image = try tools.makeFAT32("read.img", megabytes: 64)
        try tools.put(image, bytes("hello, kenix\n"), at: "/hello.txt")
        try tools.put(image, big, at: "/big.bin")
        try tools.makeDirectory(image, "/Some Directory")
        try tools.makeDirectory(image, "/Some Directory/Ünïcödé dir")
        try tools.put(image, bytes("grüße\n"), at: "/Some Directory/Ünïcödé dir/Grüße an alle.txt")
        try tools.put(image, bytes("long\n"), at: "/a very long file name that goes on and on and on.text")
        try tools.put(image, [], at: "/EMPTY.DAT")
    }

    func testReadsFilesByteForByte() throws {
        let volume = try mountFAT(image)
        XCTAssertEqual(try volume.readAll("hello.txt"), bytes("hello, kenix\n"))
        XCTAssertEqual(try volume.readAll("big.bin"), big)
        XCTAssertEqual(try volume.readAll("Some Directory/Ünïcödé dir/Grüße an alle.txt"), bytes("grüße\n"))
        XCTAssertEqual(try volume.readAll("a very long file name that goes on and on and on.text"), bytes("long\n"))
        XCTAssertEqual(try volume.readAll("EMPTY.DAT"), [])
    }

    func testListsLongNames() throws {
        let volume = try mountFAT(image)
        XCTAssertEqual(Set(try volume.names("")), ["hello.txt", "big.bin", "Some Directory",
                                                  "a very long file name that goes on and on and on.text", "EMPTY.DAT"])
        XCTAssertEqual(try volume.names("Some Directory"), ["Ünïcödé dir"])
        XCTAssertEqual(try volume.names("Some Directory/Ünïcödé dir"), ["Grüße an alle.txt"])
    }

    func testLookupIgnoresCaseIncludingLatin1() throws {
        let volume = try mountFAT(image)
        XCTAssertEqual(try volume.readAll("HELLO.TXT"), bytes("hello, kenix\n"))
        XCTAssertEqual(try volume.readAll("some directory/ÜNÏCÖDÉ DIR/grüsse an alle.txt".replacingOccurrences(of: "ss", with: "ß")),
                       bytes("grüße\n"))
        XCTAssertEqual(try volume.readAll("SOME DIRECTORY/ünïcödé DIR/GRÜßE AN ALLE.TXT"), bytes("grüße\n"))
    }

    func testShortNameAliasesResolve() throws {
        let volume = try mountFAT(image)
        let listing = try tools.run("mdir", ["-i", image, "::/"]).output
        // mtools' alias for the long file name, e.g. "AVERYL~1 TEX"
        let line = try XCTUnwrap(listing.split(separator: "\n").first { $0.contains("a very long") })
        let alias = line.split(separator: " ", omittingEmptySubsequences: true)
        let shortName = "\(alias[0]).\(alias[1])"
        XCTAssertEqual(try volume.readAll(shortName), bytes("long\n"))
        XCTAssertEqual(try volume.readAll(shortName.lowercased()), bytes("long\n"))
    }

    func testStatReportsSizesKindsAndTimes() throws {
        let volume = try mountFAT(image)
        let file = try volume.node("big.bin")
        let info = try volume.info(file)
        XCTAssertEqual(info.kind, .regular)
        XCTAssertEqual(info.size, UInt64(big.count))
        XCTAssertEqual(info.allocated % UInt64(volume.clusterSize), 0)
        XCTAssertGreaterThanOrEqual(info.allocated, info.size)
        XCTAssertGreaterThan(info.modified, 315_532_800 * 1_000_000_000)   // after 1980
        volume.release(file)
        let dir = try volume.node("Some Directory")
        XCTAssertEqual(try volume.info(dir).kind, .directory)
        volume.release(dir)
    }

    func testErrorsOnLookups() throws {
        let volume = try mountFAT(image)
        XCTAssertFileError(.notFound, try volume.node("nothing.txt"))
        XCTAssertFileError(.notDirectory, try volume.node("hello.txt/x"))
        XCTAssertFileError(.nameTooLong, try volume.node(String(repeating: "x", count: 256)))
        let file = try volume.node("hello.txt")
        var buffer = [UInt8](repeating: 0, count: 4)
        XCTAssertEqual(try buffer.withUnsafeMutableBytes { raw throws(FileError) in try volume.read(file, at: 100, into: raw) }, 0)
        XCTAssertFileError(.invalidArgument, try volume.readLink(file))
        volume.release(file)
        let dir = try volume.node("Some Directory")
        XCTAssertFileError(.isDirectory, try buffer.withUnsafeMutableBytes { raw throws(FileError) in try volume.read(dir, at: 0, into: raw) })
        volume.release(dir)
    }

    func testParentAndNameWalkBackUp() throws {
        let volume = try mountFAT(image)
        let inner = try volume.node("Some Directory/Ünïcödé dir")
        let up = try volume.parent(of: inner)
        XCTAssertEqual(String(decoding: try volume.name(of: inner, in: up), as: UTF8.self), "Ünïcödé dir")
        let top = try volume.parent(of: up)
        XCTAssertEqual(top, volume.rootNode)
        XCTAssertEqual(String(decoding: try volume.name(of: up, in: top), as: UTF8.self), "Some Directory")
        volume.release(up)
        volume.release(inner)
    }

    /// Reads at offsets going backwards through a 2 MiB file (4,000-odd
    /// clusters of 512 bytes) are byte-exact, and after the first, which
    /// walks the chain once, each walks at most one stride of it (the chain
    /// marks), not the chain from its start.
    func testRandomReadsAreExactAndWalkLittleOfTheChain() throws {
        let volume = try mountFAT(image)
        let file = try volume.node("big.bin")
        defer { volume.release(file) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let offsets = stride(from: big.count - 4096, to: 0, by: -(97 * 512 + 17)).map { UInt64($0) }
        var first = true
        for offset in offsets {
            let before = volume.chainSteps
            let n = try buffer.withUnsafeMutableBytes { try volume.read(file, at: offset, into: $0) }
            XCTAssertEqual(n, 4096)
            XCTAssertEqual(Array(buffer[0..<n]), Array(big[Int(offset)..<Int(offset) + n]), "at \(offset)")
            if !first {
                XCTAssertLessThan(volume.chainSteps - before, Int(FATChainMarks.smallestStride) + 8,
                                  "a read at \(offset) walked from the start")
            }
            first = false
        }
        XCTAssertGreaterThan(offsets.count, 30)
    }

    func testChainMarksKeepEveryStrideAndStayBounded() {
        var marks = FATChainMarks()
        marks.start(100, clusters: 10)
        XCTAssertEqual(marks.stride, FATChainMarks.smallestStride)
        for k in UInt32(1)...200 { marks.passed(k, 100 + k) }
        marks.passed(192, 5)    // not the next mark: ignored
        XCTAssertEqual(marks.clusters, [100, 164, 228, 292])
        XCTAssertEqual(marks.nearest(atOrBefore: 130).index, 128)
        XCTAssertEqual(marks.nearest(atOrBefore: 130).cluster, 228)
        XCTAssertEqual(marks.nearest(atOrBefore: 10_000).index, 192, "the furthest known")
        marks.start(7, clusters: 8_000_000)
        XCTAssertLessThan(8_000_000 / marks.stride, UInt32(FATChainMarks.maximumCount), "4 GiB of 512-byte clusters")
        XCTAssertEqual(marks.clusters, [7])
    }

    func testLargeReadsTakeFewStoreRequests() throws {
        let volume = try mountFAT(image)
        let before = volume.storeRequests.reads
        XCTAssertEqual(try volume.readAll("big.bin"), big)
        // mcopy writes the file in one run of clusters: the whole read is a
        // handful of requests (the bypass), not one per cluster or sector.
        XCTAssertLessThan(volume.storeRequests.reads - before, 20)
    }
}
