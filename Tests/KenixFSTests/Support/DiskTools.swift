// DiskTools: runs the real FAT tools of dosfstools and mtools on images in a
// temporary directory. A missing tool fails the test loudly (make test
// installs them through mk/deps.mk); it never skips.
import Foundation
import XCTest

struct ToolResult {
    var status: Int32
    var output: String
}

final class DiskTools {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kenixfs-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Runs `tool` with `arguments`; throws if the tool is not installed.
    @discardableResult
    func run(_ tool: String, _ arguments: [String], input: Data? = nil) throws -> ToolResult {
        let candidates = ["/usr/sbin/\(tool)", "/sbin/\(tool)", "/usr/bin/\(tool)", "/bin/\(tool)"]
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestFailure("\(tool) is not installed: apt-get install dosfstools mtools (make deps does it)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["MTOOLS_SKIP_CHECK"] = "1"
        environment["LC_ALL"] = "C.UTF-8"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        if let input {
            let inPipe = Pipe()
            process.standardInput = inPipe
            try process.run()
            inPipe.fileHandleForWriting.write(input)
            try inPipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// A blank image of `megabytes` formatted with `mkfs.fat -F 32` (plus `extra` options).
    func makeFAT32(_ name: String, megabytes: Int, extra: [String] = []) throws -> String {
        let image = path(name)
        FileManager.default.createFile(atPath: image, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: image))
        try handle.truncate(atOffset: UInt64(megabytes) << 20)
        try handle.close()
        let result = try run("mkfs.fat", ["-F", "32"] + extra + [image])
        guard result.status == 0 else { throw TestFailure("mkfs.fat failed: \(result.output)") }
        return image
    }

    /// Writes `bytes` to a host file and copies it into the image at `target` with mcopy.
    func put(_ image: String, _ bytes: [UInt8], at target: String) throws {
        let source = path("put-\(UUID().uuidString.prefix(8))")
        FileManager.default.createFile(atPath: source, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: source) }
        let result = try run("mcopy", ["-i", image, source, "::" + target])
        guard result.status == 0 else { throw TestFailure("mcopy to \(target) failed: \(result.output)") }
    }

    func makeDirectory(_ image: String, _ target: String) throws {
        let result = try run("mmd", ["-i", image, "::" + target])
        guard result.status == 0 else { throw TestFailure("mmd \(target) failed: \(result.output)") }
    }

    /// The file `target` of the image as mcopy reads it.
    func get(_ image: String, _ target: String) throws -> [UInt8] {
        let destination = path("get-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(atPath: destination) }
        let result = try run("mcopy", ["-n", "-i", image, "::" + target, destination])
        guard result.status == 0 else { throw TestFailure("mcopy from \(target) failed: \(result.output)") }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: destination)))
    }

    /// `fsck.fat -n` (check only); returns its status and report.
    func fsck(_ image: String) throws -> ToolResult {
        try run("fsck.fat", ["-n", "-v", image])
    }

    /// The long names `mdir -b` lists under `directory` (bare, one path a line).
    func list(_ image: String, _ directory: String) throws -> [String] {
        let result = try run("mdir", ["-b", "-i", image, "::" + directory])
        guard result.status == 0 else { throw TestFailure("mdir \(directory) failed: \(result.output)") }
        return result.output.split(separator: "\n").map { line in
            let full = String(line)
            return full.split(separator: "/").last.map(String.init) ?? full
        }
    }
}

/// Deterministic pseudo-random bytes (xorshift), so failures replay.
func patternBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    var out = [UInt8](repeating: 0, count: count)
    for i in 0..<count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        out[i] = UInt8(truncatingIfNeeded: state >> 24)
    }
    return out
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
