// docs/linux.md's syscall table lists exactly the calls the server serves
// (LinuxSyscall), each with its number and its name from the generic table.
import Foundation
import KenixLinux
import XCTest

final class LinuxDocsTableTests: XCTestCase {
    func testTheTableMatchesLinuxSyscall() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..")
        let text = try String(contentsOf: root.appendingPathComponent("docs/linux.md").standardized, encoding: .utf8)
        var documented: [UInt64: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, let number = UInt64(cells[1]), cells[2].hasPrefix("`") else { continue }
            XCTAssertNil(documented[number], "\(number) documented twice")
            documented[number] = cells[2].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
        }
        XCTAssertEqual(Set(documented.keys), Set(LinuxSyscall.allCases.map(\.rawValue)))
        for call in LinuxSyscall.allCases {
            XCTAssertEqual(documented[call.rawValue], LinuxSyscallNames.name(call.rawValue).map { "\($0)" }, "\(call)")
        }
    }
}
