// Power cuts: a workload of creates, writes, appends, truncations, removals,
// renames and syncs runs on a recording disk with a small cache (so blocks
// are evicted in the middle of operations), and the medium is rebuilt as it
// was after every single write, as a power cut there would leave it. Every
// one of those media must pass `fsck.fat -n` with at most lost clusters, a
// stale free count, the dirty flag, FAT copies that differ (the second
// written after the first), a file changed since the last sync holding more
// clusters than its size (an append's or a truncation's clusters whose entry
// had not been written), or a file moved to another directory since the
// last sync under both names (FAT has no atomic rename: the new entry is
// written before the old one goes); and every file as of the last completed sync
// reads back (through KenixFS) exactly as it was then, or as one of the
// states it took afterwards, or absent if it was removed afterwards.
import Foundation
import KenixABI
import XCTest
@testable import KenixFS

final class FATPowerCutTests: XCTestCase {
    /// A file's possible states: its bytes, or nil for "does not exist".
    typealias States = [[UInt8]?]

    final class Model {
        var files: [String: [UInt8]] = [:]
        /// After each completed sync: the write count then, and the files.
        var syncs: [(writes: Int, files: [String: [UInt8]])] = []
        /// Per sync: each synced file's states until the next sync.
        var after: [[String: States]] = []
        /// Per sync: the paths changed and the renames made until the next one.
        var changes: [Set<String>] = [[]]
        var renames: [[(String, String)]] = [[]]

        func changed(_ path: String, _ contents: [UInt8]?) {
            files[path] = contents
            changes[changes.count - 1].insert("/" + path)
            guard !after.isEmpty, after[after.count - 1][path] != nil else { return }
            after[after.count - 1][path]!.append(contents)
        }

        func synced(writes: Int) {
            syncs.append((writes, files))
            var states: [String: States] = [:]
            for (path, bytes) in files { states[path] = [bytes] }
            after.append(states)
            changes.append([])
            renames.append([])
        }
    }

    func testEveryCutPointLeavesAConsistentVolume() throws {
        let tools = try DiskTools()
        let path = try tools.makeFAT32("cut.img", megabytes: 40)
        let base = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let store = RecordingBlockStore(image: base)
        let clock = TestClock()
        let volume: FATVolume<RecordingBlockStore>
        do { volume = try FATVolume.mount(store, clock: clock.function, cacheBlocks: 8) } catch {
            throw TestFailure("mount: \(error.reason)")
        }
        let model = Model()
        func put(_ path: String, _ contents: [UInt8]) throws {
            try volume.createFile(path, contents)
            model.changed(path, contents)
        }
        func append(_ path: String, _ more: [UInt8]) throws {
            let old = model.files[path]!
            XCTAssertEqual(try volume.write(path, at: UInt64(old.count), more), more.count)
            model.changed(path, old + more)
        }
        func sync() throws {
            try volume.sync()
            model.synced(writes: store.writes.count)
        }

        try volume.makeDirectory("Reports 2026")
        try put("Reports 2026/the first report.txt", patternBytes(3000, seed: 1))
        try put("small.txt", bytes("small\n"))
        try put("big.bin", patternBytes(70_000, seed: 2))
        try sync()
        for i in 1...24 { try put("Reports 2026/entry number \(i).dat", patternBytes(100 + 97 * i, seed: UInt64(10 + i))) }
        try append("small.txt", patternBytes(1500, seed: 3))
        try volume.removeFile("big.bin")
        model.changed("big.bin", nil)
        try sync()
        let truncated = try volume.node("Reports 2026/the first report.txt")
        try volume.resize(truncated, to: 700)
        volume.release(truncated)
        model.changed("Reports 2026/the first report.txt", Array(patternBytes(3000, seed: 1).prefix(700)))
        try volume.move("Reports 2026/entry number 3.dat", "renamed entry.dat")
        model.changed("Reports 2026/entry number 3.dat", nil)
        model.changed("renamed entry.dat", patternBytes(100 + 97 * 3, seed: 13))
        model.renames[model.renames.count - 1].append(("/Reports 2026/entry number 3.dat", "/renamed entry.dat"))
        try volume.makeDirectory("Reports 2026/Sub directory")
        try put("Reports 2026/Sub directory/deep.txt", patternBytes(5000, seed: 4))
        for i in 2...8 { try volume.removeFile("Reports 2026/entry number \(i * 3).dat"); model.changed("Reports 2026/entry number \(i * 3).dat", nil) }
        try append("small.txt", patternBytes(9000, seed: 5))
        try sync()
        try put("after the last sync.bin", patternBytes(40_000, seed: 6))
        try volume.unmount()

        let total = store.writes.count
        XCTAssertGreaterThan(total, 60, "the workload should make many writes")
        XCTAssertGreaterThanOrEqual(store.flushes.count, 6)
        let cut = tools.path("medium.img")
        FileManager.default.createFile(atPath: cut, contents: Data(base))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: cut))
        var medium = base
        for k in 0...total {
            if k > 0 {
                let w = store.writes[k - 1]
                medium.replaceSubrange(w.offset..<(w.offset + w.data.count), with: w.data)
                try handle.seek(toOffset: UInt64(w.offset))
                handle.write(Data(w.data))
            }
            let last = model.syncs.lastIndex { $0.writes <= k }
            let epoch = last.map { $0 + 1 } ?? 0
            try checkFsck(tools, cut, after: k, changed: model.changes[epoch], renamed: model.renames[epoch])
            // Mounting is the slow part: the files are checked at every fourth
            // cut, and right at each sync and at the end.
            guard let j = last, k % 4 == 0 || k == total || model.syncs[j].writes == k else { continue }
            try checkFiles(medium, model.after[j], after: k)
        }
        try handle.close()
        XCTAssertEqual(medium, store.bytes)
    }

    /// fsck.fat -n on the medium finds nothing but what a cut may leave.
    func checkFsck(_ tools: DiskTools, _ image: String, after k: Int, changed: Set<String>,
                   renamed: [(String, String)]) throws {
        let report = try tools.run("fsck.fat", ["-n", image])
        guard report.status != 0 else { return }
        let lines = report.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if line.hasPrefix("fsck.fat ") || line.isEmpty || line == "Leaving filesystem unchanged."
                || line.hasPrefix("\(image):") || line.hasPrefix("Dirty bit is set.") || line == " Automatically removing dirty bit."
                || line.hasPrefix("Free cluster summary wrong") || line == "  Auto-correcting."
                || line.hasPrefix("Reclaimed ") || line == "FATs differ but appear to be intact." || line == "  Using first FAT." {
                i += 1
                continue
            }
            // "PATH", "  File size is S bytes, cluster chain length is > C bytes.", "  Truncating file to S bytes."
            // fsck.fat names a file by its short name when it has no long one (SMALL.TXT).
            if changed.contains(where: { $0.uppercased() == line.uppercased() }), i + 2 < lines.count, lines[i + 1].hasPrefix("  File size is "),
               lines[i + 1].contains("cluster chain length is >"), lines[i + 2].hasPrefix("  Truncating file to ") {
                i += 3
                continue
            }
            // "A  and", "B", "  share clusters.", "  Truncating second to 0 bytes.", then B's size
            // against its (now empty) chain: a rename's two names.
            if line.hasSuffix("  and"), i + 6 < lines.count, lines[i + 2] == "  share clusters.",
               renamed.contains(where: { Set([$0.0, $0.1]) == Set([String(line.dropLast(5)), lines[i + 1]]) }),
               lines[i + 3] == "  Truncating second to 0 bytes.", lines[i + 4] == lines[i + 1],
               lines[i + 5].hasSuffix("cluster chain length is 0 bytes."), lines[i + 6] == "  Truncating file to 0 bytes." {
                i += 7
                continue
            }
            XCTFail("after write \(k): fsck.fat reports more than a cut may leave:\n\(report.output)")
            return
        }
    }

    /// Every file of the last completed sync is in one of its allowed states.
    func checkFiles(_ medium: [UInt8], _ states: [String: States], after k: Int) throws {
        let volume: FATVolume<MemoryBlockStore>
        do { volume = try FATVolume.mount(MemoryBlockStore(image: medium), clock: { 0 }, readOnly: true) } catch {
            return XCTFail("after write \(k): the medium does not mount: \(error.reason)")
        }
        for (path, allowed) in states {
            var found: [UInt8]? = nil
            do { found = try volume.readAll(path) } catch let error as FileError where error == .notFound {
                found = nil
            }
            if !allowed.contains(where: { $0 == found }) {
                XCTFail("after write \(k): \(path) is \(found.map { "\($0.count) bytes" } ?? "missing"), "
                        + "not one of its states since the last sync (\(allowed.map { $0.map { "\($0.count) bytes" } ?? "missing" }))")
            }
        }
    }
}
