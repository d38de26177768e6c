// KernelSymbols.swift: address -> function name for panic backtraces, from
// the table mkksyms.py links into the image (.ksyms: count, sorted
// {address, name offset} pairs, NUL-terminated demangled names). The first
// link pass has an empty table, so a panic there prints addresses only.

enum KernelSymbols {
    /// Prints "name+0xoff" for `address`, or nothing when it is unknown.
    static func describe(_ address: UInt64) {
        let table = UnsafePointer<UInt64>(bitPattern: UInt(kenix_addr_ksyms()))!
        let count = Int(table[0])
        guard count > 0, address >= table[1] else { return }
        var lo = 0, hi = count - 1                   // last entry with address <= target
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if table[1 + 2 * mid] <= address { lo = mid } else { hi = mid - 1 }
        }
        let names = UnsafeRawPointer(table + 1 + 2 * count).assumingMemoryBound(to: UInt8.self)
        var p = names + Int(table[2 + 2 * lo])
        Console.put(" ")
        while p.pointee != 0 { consoleUART.write(p.pointee); p += 1 }
        Console.put("+")
        Console.put(shortHex: address - table[1 + 2 * lo])
    }
}
