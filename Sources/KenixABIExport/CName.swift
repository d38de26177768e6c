// C spellings of Swift names: `replyTo` → `REPLY_TO`, `maxUARTWrite` →
// `MAX_UART_WRITE`, `reply_to` → `REPLY_TO`. The header generator derives
// every enum constant's C name this way, so a Swift case is the only place
// a name is chosen.

enum CName {
    /// SCREAMING_SNAKE_CASE of a camelCase or snake_case identifier. A run
    /// of capitals is one word (an acronym) up to the capital that starts
    /// the next word: `maxUARTWrite` → MAX_UART_WRITE.
    static func screamingSnake(_ name: String) -> String {
        let chars = Array(name)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c == "_" { out.append("_"); continue }
            if i > 0, c.isUppercase, chars[i - 1] != "_" {
                let previousLower = chars[i - 1].isLowercase || chars[i - 1].isNumber
                let nextLower = i + 1 < chars.count && chars[i + 1].isLowercase
                if previousLower || (chars[i - 1].isUppercase && nextLower) { out.append("_") }
            }
            out.append(contentsOf: c.uppercased())
        }
        return out
    }
}
