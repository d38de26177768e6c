// BootArguments.swift: the kernel command line, words separated by spaces.
// Two sources, in this order: the DTB's /chosen bootargs (QEMU `-append`,
// -kernel boots only: QEMU refuses -append without -kernel) and the fw_cfg
// file opt/kenix/bootargs (`-fw_cfg name=opt/kenix/bootargs,string=...`),
// which reaches the kernel on the UEFI path too: that is how `make run`
// passes kenix.fb=WxH. Platform reads both and turns the words into fields.

struct BootArguments {
    static let fwCfgFile: StaticString = "opt/kenix/bootargs"

    private(set) var bytes: [UInt8] = []

    /// Appends `more` (up to a NUL, if any) as further words.
    mutating func append(_ more: [UInt8]) {
        if !bytes.isEmpty { bytes.append(0x20) }
        for b in more {
            if b == 0 { break }
            bytes.append(b == 0x0A || b == 0x09 ? 0x20 : b)
        }
    }

    /// The words, as (start, end) offsets into `bytes`.
    private func forEachWord(_ body: (Int, Int) -> Bool) {
        var i = 0
        while i < bytes.count {
            while i < bytes.count && bytes[i] == 0x20 { i += 1 }
            let start = i
            while i < bytes.count && bytes[i] != 0x20 { i += 1 }
            if i > start && !body(start, i) { return }
        }
    }

    private func word(_ start: Int, _ end: Int, startsWith s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard end - start >= n else { return false }
        for k in 0..<n where bytes[start + k] != s.utf8Start[k] { return false }
        return true
    }

    /// A word equals `flag` ("kenix.disk-test").
    func has(_ flag: StaticString) -> Bool {
        var found = false
        forEachWord { start, end in
            found = end - start == flag.utf8CodeUnitCount && word(start, end, startsWith: flag)
            return !found
        }
        return found
    }

    /// For `key` ending in '=' ("kenix.fb="): the rest of the last word that
    /// starts with it (a later word overrides an earlier one); nil if none.
    func value(of key: StaticString) -> [UInt8]? {
        var result: [UInt8]? = nil
        forEachWord { start, end in
            if word(start, end, startsWith: key) { result = Array(bytes[(start + key.utf8CodeUnitCount)..<end]) }
            return true
        }
        return result
    }

    /// A decimal number, nil when `digits` is empty, holds anything else or overflows.
    /// Any UInt64 is accepted (bench programs take flags in the high bits).
    static func decimal(_ digits: [UInt8]) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var v: UInt64 = 0
        for d in digits {
            guard d >= 0x30 && d <= 0x39 else { return nil }
            let (times10, o1) = v.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(d - 0x30))
            guard !o1, !o2 else { return nil }
            v = sum
        }
        return v
    }
}
