// Checks docs/syscalls.md against KenixABI. The page's prose is written by
// hand; its tables of numbers are not free text: every table whose header
// starts `| # | name |` lists syscalls, `| value | name |` errors,
// `| reason | name |` kill reasons and `| op | name |` console operations.
// Each must list exactly the ABI's cases, with the ABI's numbers and names.
import Foundation
import KenixABI

public enum DocsCheck {
    public static let path = "docs/syscalls.md"

    /// Every disagreement between the page and the ABI, one line each
    /// (empty when they agree).
    public static func problems(in markdown: String) -> [String] {
        var rows: [String: [(value: String, name: String)]] = [:]
        for table in MarkdownTable.all(in: markdown) {
            guard table.header.count >= 2, table.header[1] == "name" else { continue }
            let key = table.header[0]
            for row in table.rows where row.count >= 2 {
                rows[key, default: []].append((row[0], row[1].trimmingCharacters(in: ["`"])))
            }
        }
        var problems: [String] = []
        problems += compare("syscall", rows["#"] ?? [],
                            Syscall.allCases.map { ("\($0.rawValue)", "\($0.name)") })
        problems += compare("error", rows["value"] ?? [],
                            SyscallError.allCases.map { ("\($0.rawValue)", "\($0.name)") })
        problems += compare("kill reason", rows["reason"] ?? [],
                            KillReason.allCases.map { ("\($0.rawValue)", "\($0.name)") })
        problems += compare("console op", rows["op"] ?? [],
                            ConsoleOp.allCases.map { ("\($0.rawValue)", "\($0)") })
        return problems
    }

    static func compare(_ kind: String, _ documented: [(value: String, name: String)],
                                _ defined: [(String, String)]) -> [String] {
        var problems: [String] = []
        var seen: [String: String] = [:]
        for (value, name) in documented {
            if let earlier = seen[value] {
                problems.append("\(kind) \(value) is documented twice (`\(earlier)` and `\(name)`)")
            }
            seen[value] = name
        }
        for (value, name) in defined {
            switch seen[value] {
            case nil: problems.append("\(kind) \(value) `\(name)` is not documented")
            case let documentedName? where documentedName != name:
                problems.append("\(kind) \(value) is `\(name)` in KenixABI but `\(documentedName)` in the docs")
            default: break
            }
        }
        let definedValues = Set(defined.map(\.0))
        for (value, name) in documented where !definedValues.contains(value) {
            problems.append("\(kind) \(value) `\(name)` is documented but not in KenixABI")
        }
        return problems
    }
}

/// A Markdown pipe table: its header cells and body rows, trimmed.
struct MarkdownTable {
    var header: [String]
    var rows: [[String]]

    static func all(in markdown: String) -> [MarkdownTable] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var tables: [MarkdownTable] = []
        var i = 0
        while i + 1 < lines.count {
            guard isRow(lines[i]), isSeparator(lines[i + 1]) else { i += 1; continue }
            var table = MarkdownTable(header: cells(lines[i]), rows: [])
            i += 2
            while i < lines.count, isRow(lines[i]) {
                table.rows.append(cells(lines[i]))
                i += 1
            }
            tables.append(table)
        }
        return tables
    }

    private static func isRow(_ line: String) -> Bool { line.hasPrefix("|") }

    private static func isSeparator(_ line: String) -> Bool {
        isRow(line) && line.allSatisfy { "|-: ".contains($0) }
    }

    private static func cells(_ line: String) -> [String] {
        var parts = line.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if parts.first == "" { parts.removeFirst() }
        if parts.last == "" { parts.removeLast() }
        return parts
    }
}
