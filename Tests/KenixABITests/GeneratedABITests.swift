// The ABI has one source (Sources/KenixABI): the committed C header must be
// exactly what the generator makes of it, and every table of numbers in
// docs/syscalls.md must agree with it. A failure here is drift; `make abi`
// regenerates the header, the docs are fixed by hand.
import Foundation
import Testing
@testable import KenixABIExport
import KenixABI

private let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Test func committedHeaderIsGenerated() throws {
    let committed = try String(contentsOf: repository.appendingPathComponent(CHeader.path), encoding: .utf8)
    #expect(committed == CHeader.render(), "Userland/include/kenix_abi.h is stale: run `make abi`")
}

@Test func docsAgreeWithABI() throws {
    let docs = try String(contentsOf: repository.appendingPathComponent(DocsCheck.path), encoding: .utf8)
    let problems = DocsCheck.problems(in: docs)
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
}

@Test func blockDocsAgreeWithABI() throws {
    let docs = try String(contentsOf: repository.appendingPathComponent(DocsCheck.blockPath), encoding: .utf8)
    let problems = DocsCheck.blockProblems(in: docs)
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    #expect(DocsCheck.blockProblems(in: "| op | name |\n|---|---|\n| 1 | `info` |\n").contains("block op 4 `read` is not documented"))
}

@Test func fileDocsAgreeWithABI() throws {
    let docs = try String(contentsOf: repository.appendingPathComponent(DocsCheck.filesPath), encoding: .utf8)
    let problems = DocsCheck.fileProblems(in: docs)
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
}

@Test func headerNamesTheFileService() {
    let header = CHeader.render()
    #expect(header.contains("KX_SERVICE_FILES = 2,"))
    for op in FileRequest.allCases {
        #expect(header.contains("KX_FILE_OP_\(CName.screamingSnake("\(op)")) = \(op.rawValue),"))
    }
    for error in FileError.allCases {
        #expect(header.contains("KX_FILE_ERR_\(CName.screamingSnake("\(error)")) = \(error.rawValue),"))
        #expect(header.contains("return \(error.posixNumber);"))
    }
    #expect(header.contains("#define KX_OPEN_CREATE 0x40ULL"))
    #expect(header.contains("#define KX_STAT_RECORD_SIZE 64ULL"))
}

@Test func headerNamesEveryCase() {
    let header = CHeader.render()
    #expect(header.contains("KX_SYS_REPLY_TO = 14,"))
    #expect(header.contains("KX_SYS_SEND_NB = 18,"))
    #expect(header.contains("KX_ERR_WOULD_BLOCK = -14,"))
    #expect(header.contains("KX_KILL_SOFTWARE_TRAP = 3,"))
    #expect(header.contains("KX_KILL_OUT_OF_MEMORY = 5,"))
    #expect(header.contains("KX_SYS_BLOCK_SUBMIT = 102,"))
    #expect(header.contains("KX_BLOCK_STATUS_IO_ERROR = 1,"))
    #expect(header.contains("KX_SERVICE_BLOCK = 3,"))
    for call in Syscall.allCases {
        #expect(header.contains("KX_SYS_\(CName.screamingSnake("\(call.name)")) = \(call.rawValue),"))
    }
}

@Test func screamingSnakeSplitsWordsAndAcronyms() {
    #expect(CName.screamingSnake("replyTo") == "REPLY_TO")
    #expect(CName.screamingSnake("reply_to") == "REPLY_TO")
    #expect(CName.screamingSnake("maxUARTWrite") == "MAX_UART_WRITE")
    #expect(CName.screamingSnake("memoryFault") == "MEMORY_FAULT")
    #expect(CName.screamingSnake("fb_info") == "FB_INFO")
}

@Test func docsCheckFindsDrift() {
    let drifted = """
    | # | name | arguments |
    |---|---|---|
    | 0 | `yield` | — |
    | 1 | `quit` | — |
    | 99 | `bogus` | — |

    | value | name | meaning |
    |---|---|---|
    | -1 | `invalidArgument` | x |
    """
    let problems = DocsCheck.problems(in: drifted)
    #expect(problems.contains("syscall 1 is `exit` in KenixABI but `quit` in the docs"))
    #expect(problems.contains("syscall 99 `bogus` is documented but not in KenixABI"))
    #expect(problems.contains("syscall 2 `getpid` is not documented"))
    #expect(problems.contains("error -2 `badAddress` is not documented"))
    #expect(!problems.contains { $0.hasPrefix("error -1 ") })
}
