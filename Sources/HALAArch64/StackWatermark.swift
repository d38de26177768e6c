// StackWatermark.swift: how deep the 256 KB kernel stack has been used
// (docs/architecture.md, lesson 7: a large struct returned by value once overflowed a 16 KB stack).
// paint() fills the unused part below the current frame with a pattern;
// used() finds the lowest word that no longer holds it.

enum StackWatermark {
    static let pattern: UInt64 = 0x6B6B_6B6B_6B6B_6B6B
    static let size: UInt64 = 256 * 1024

    static func paint() {
        let bottom = kenix_addr_stack_bottom()
        let limit = (kenix_read_fp() &- 4096) & ~7        // keep clear of live frames
        var p = bottom
        while p < limit {
            UnsafeMutablePointer<UInt64>(bitPattern: UInt(p))!.pointee = pattern
            p += 8
        }
    }

    static func used() -> UInt64 {
        let bottom = kenix_addr_stack_bottom()
        var p = bottom
        while p < bottom + size && UnsafePointer<UInt64>(bitPattern: UInt(p))!.pointee == pattern { p += 8 }
        return bottom + size - p
    }
}
