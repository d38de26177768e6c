// Checks docs/vfs.md against KenixABI's file service: every table whose
// header starts `| request | name |` lists the request op codes and
// `| code | name |` the file errors, each exactly the ABI's cases with the
// ABI's numbers and names (like DocsCheck for docs/syscalls.md).
import Foundation
import KenixABI

extension DocsCheck {
    public static let filesPath = "docs/vfs.md"

    /// Every disagreement between docs/vfs.md and the ABI, one line each.
    public static func fileProblems(in markdown: String) -> [String] {
        var rows: [String: [(value: String, name: String)]] = [:]
        for table in MarkdownTable.all(in: markdown) {
            guard table.header.count >= 2, table.header[1] == "name" else { continue }
            for row in table.rows where row.count >= 2 {
                rows[table.header[0], default: []].append((row[0], row[1].trimmingCharacters(in: ["`"])))
            }
        }
        return compare("file request", rows["request"] ?? [], FileRequest.allCases.map { ("\($0.rawValue)", "\($0)") })
            + compare("file error", rows["code"] ?? [], FileError.allCases.map { ("\($0.rawValue)", "\($0.name)") })
    }
}
