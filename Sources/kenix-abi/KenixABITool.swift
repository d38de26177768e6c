// kenix-abi: writes the C header generated from KenixABI, or checks the
// header, docs/syscalls.md and docs/block.md against it (what `make abi` and the ABI tests
// run). Paths are relative to the repository root.
import ArgumentParser
import Foundation
import KenixABIExport

@main
struct KenixABITool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kenix-abi",
        abstract: "Generate Userland/include/kenix_abi.h from Sources/KenixABI, or check it and docs/syscalls.md.")

    @Flag(help: "Check instead of writing: exit 1 if the header or the docs disagree with KenixABI.")
    var check = false

    @Option(help: "The repository root.")
    var root = "."

    func run() throws {
        let headerURL = URL(fileURLWithPath: root).appendingPathComponent(CHeader.path)
        let header = CHeader.render()
        var failed = false
        if check {
            let current = (try? String(contentsOf: headerURL, encoding: .utf8)) ?? ""
            if current != header {
                print("kenix-abi: \(CHeader.path) is out of date: run `make abi`")
                failed = true
            }
        } else {
            try header.write(to: headerURL, atomically: true, encoding: .utf8)
            print("kenix-abi: wrote \(CHeader.path)")
        }
        let docsURL = URL(fileURLWithPath: root).appendingPathComponent(DocsCheck.path)
        let docs = try String(contentsOf: docsURL, encoding: .utf8)
        for problem in DocsCheck.problems(in: docs) {
            print("kenix-abi: \(DocsCheck.path): \(problem)")
            failed = true
        }
        let blockURL = URL(fileURLWithPath: root).appendingPathComponent(DocsCheck.blockPath)
        let block = try String(contentsOf: blockURL, encoding: .utf8)
        for problem in DocsCheck.blockProblems(in: block) {
            print("kenix-abi: \(DocsCheck.blockPath): \(problem)")
            failed = true
        }
        let filesURL = URL(fileURLWithPath: root).appendingPathComponent(DocsCheck.filesPath)
        let files = try String(contentsOf: filesURL, encoding: .utf8)
        for problem in DocsCheck.fileProblems(in: files) {
            print("kenix-abi: \(DocsCheck.filesPath): \(problem)")
            failed = true
        }
        if failed { throw ExitCode(1) }
    }
}
