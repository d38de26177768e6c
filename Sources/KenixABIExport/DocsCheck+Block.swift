// Checks docs/block.md against KenixABI's block server protocol: its
// `| op | name |` table lists BlockOp and its `| status | name |` table
// BlockStatus, each exactly the ABI's cases with the ABI's numbers and names
// (like DocsCheck for docs/syscalls.md).
import Foundation
import KenixABI

extension DocsCheck {
    public static let blockPath = "docs/block.md"

    /// Every disagreement between docs/block.md and the ABI, one line each.
    public static func blockProblems(in markdown: String) -> [String] {
        var rows: [String: [(value: String, name: String)]] = [:]
        for table in MarkdownTable.all(in: markdown) {
            guard table.header.count >= 2, table.header[1] == "name" else { continue }
            for row in table.rows where row.count >= 2 {
                rows[table.header[0], default: []].append((row[0], row[1].trimmingCharacters(in: ["`"])))
            }
        }
        return compare("block op", rows["op"] ?? [], BlockOp.allCases.map { ("\($0.rawValue)", "\($0)") })
            + compare("block status", rows["status"] ?? [], BlockStatus.allCases.map { ("\($0.rawValue)", "\($0.name)") })
    }
}
