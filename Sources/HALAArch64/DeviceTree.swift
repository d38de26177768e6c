// DeviceTree.swift: a reader for the flattened device tree (Devicetree
// Specification v0.4, chapter 5 "Flattened Devicetree (DTB) Format"):
// big-endian header {magic 0xd00dfeed, totalsize, off_dt_struct,
// off_dt_strings, ...}, then a token stream FDT_BEGIN_NODE (1) name,
// FDT_END_NODE (2), FDT_PROP (3) {len, nameoff} value, FDT_NOP (4), FDT_END (9).
// `forEachNode` reports every node once its properties are known, with the
// #address-cells/#size-cells its parent declares (needed to read `reg`).

struct DeviceTree {
    let base: UnsafePointer<UInt8>
    private(set) var totalSize: Int

    init?(virtualAddress: UInt64) {
        guard virtualAddress != 0, virtualAddress & 3 == 0,
              let p = UnsafePointer<UInt8>(bitPattern: UInt(virtualAddress)) else { return nil }
        base = p
        totalSize = 0
        guard be32(0) == 0xD00D_FEED else { return nil }
        totalSize = Int(be32(4))
    }

    func be32(_ offset: Int) -> UInt32 {
        UInt32(base[offset]) << 24 | UInt32(base[offset + 1]) << 16
            | UInt32(base[offset + 2]) << 8 | UInt32(base[offset + 3])
    }

    /// A property value: `cells` big-endian numbers of `count` 32-bit cells.
    struct Value {
        let tree: DeviceTree
        let offset: Int
        let length: Int
        func cell(_ i: Int) -> UInt32 { tree.be32(offset + 4 * i) }
        /// The number made of `count` cells starting at cell `i`.
        func number(at i: Int, cells count: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<count { v = v << 32 | UInt64(cell(i + k)) }
            return v
        }
        var cellCount: Int { length / 4 }
        /// The bytes up to the first NUL (a string property).
        var bytes: [UInt8] {
            var out: [UInt8] = []
            var i = 0
            while i < length && tree.base[offset + i] != 0 { out.append(tree.base[offset + i]); i += 1 }
            return out
        }
        /// True when this string list holds `s` as one of its strings.
        func containsString(_ s: StaticString) -> Bool {
            var start = 0
            while start < length {
                var end = start
                while end < length && tree.base[offset + end] != 0 { end += 1 }
                if end - start == s.utf8CodeUnitCount {
                    var same = true
                    for i in 0..<(end - start) where tree.base[offset + start + i] != s.utf8Start[i] { same = false; break }
                    if same { return true }
                }
                start = end + 1
            }
            return false
        }
    }

    struct Node {
        var nameOffset = 0
        var nameLength = 0
        var reg: Value? = nil
        var interrupts: Value? = nil
        var compatible: Value? = nil
        var method: Value? = nil
        var initrdStart: Value? = nil
        var initrdEnd: Value? = nil
        var bootargs: Value? = nil
        var addressCells = 2      // for this node's children
        var sizeCells = 1
        /// The node name up to '@' equals `s`.
        func named(_ s: StaticString, in tree: DeviceTree) -> Bool {
            var n = 0
            while n < nameLength && tree.base[nameOffset + n] != 0x40 { n += 1 }
            guard n == s.utf8CodeUnitCount else { return false }
            for i in 0..<n where tree.base[nameOffset + i] != s.utf8Start[i] { return false }
            return true
        }
    }

    private func propertyName(_ nameOffset: Int, is s: StaticString) -> Bool {
        let at = Int(be32(12)) + nameOffset
        for i in 0..<s.utf8CodeUnitCount where base[at + i] != s.utf8Start[i] { return false }
        return base[at + s.utf8CodeUnitCount] == 0
    }

    /// Calls `body(node, parentAddressCells, parentSizeCells)` for every node.
    func forEachNode(_ body: (Node, Int, Int) -> Void) {
        var stack: [Node] = []
        var p = Int(be32(8))
        let limit = totalSize
        while p + 4 <= limit {
            let token = be32(p)
            p += 4
            switch token {
            case 1:
                var node = Node()
                node.nameOffset = p
                while base[p] != 0 { p += 1 }
                node.nameLength = p - node.nameOffset
                p = (p + 1 + 3) & ~3
                stack.append(node)
            case 2:
                guard let node = stack.popLast() else { return }
                let parent = stack.last
                body(node, parent?.addressCells ?? 2, parent?.sizeCells ?? 1)
            case 3:
                let length = Int(be32(p))
                let nameOffset = Int(be32(p + 4))
                let value = Value(tree: self, offset: p + 8, length: length)
                p = (p + 8 + length + 3) & ~3
                guard !stack.isEmpty else { continue }
                let i = stack.count - 1
                if propertyName(nameOffset, is: "reg") { stack[i].reg = value }
                else if propertyName(nameOffset, is: "interrupts") { stack[i].interrupts = value }
                else if propertyName(nameOffset, is: "compatible") { stack[i].compatible = value }
                else if propertyName(nameOffset, is: "method") { stack[i].method = value }
                else if propertyName(nameOffset, is: "linux,initrd-start") { stack[i].initrdStart = value }
                else if propertyName(nameOffset, is: "linux,initrd-end") { stack[i].initrdEnd = value }
                else if propertyName(nameOffset, is: "bootargs") { stack[i].bootargs = value }
                else if propertyName(nameOffset, is: "#address-cells") { stack[i].addressCells = Int(value.cell(0)) }
                else if propertyName(nameOffset, is: "#size-cells") { stack[i].sizeCells = Int(value.cell(0)) }
            case 4:
                continue
            default:
                return
            }
        }
    }
}
