// TestProgram: a scripted program and the ELF file that stands for it.
// Program k of a system gets its own entry address (0x40_0000 + k × 64 KiB),
// which is how ScriptedCPU finds its script. Layout, page by page:
//   entry           text (R+X), one page of `svc #0` words, one per step
//   entry + 0x1000  strings used by the script (R), if any
//   entry + 0x2000  `data` followed by `bss` zero bytes (R+W), if any
import HAL
import KenixABI

struct TestProgram {
    var name: String
    var steps: [Step]
    var data: [UInt8] = []
    var bss: UInt64 = 0

    init(_ name: String, _ steps: [Step], data: [UInt8] = [], bss: UInt64 = 0) {
        self.name = name
        self.steps = steps
        self.data = data
        self.bss = bss
    }
}

/// A program laid out for index `k`: its ELF bytes and where things are.
struct ProgramImage {
    static let textWord: UInt32 = 0xD400_0001     // svc #0
    /// Program k's image starts at imageBase + k × slotSize.
    static let slotSize: UInt64 = 0x1_0000
    var script: LoadedScript
    var elf: [UInt8]
    var entry: UInt64 { script.entry }
    var rodataAddress: UInt64 { entry + 0x1000 }
    var dataAddress: UInt64 { entry + 0x2000 }
    /// Pages the loader maps for the image (the stack comes on top).
    var imagePages: [UInt64]

    init(_ program: TestProgram, index k: Int) {
        precondition(program.steps.count <= 1024, "a script must fit its text page")
        let entry = UserLayout.imageBase + UInt64(k) * Self.slotSize
        var strings: [String: UInt64] = [:]
        var rodata: [UInt8] = []
        for step in program.steps {
            for case .string(let s) in Self.operands(of: step) where strings[s] == nil {
                strings[s] = entry + 0x1000 + UInt64(rodata.count)
                rodata.append(contentsOf: Array(s.utf8))
                while rodata.count % 8 != 0 { rodata.append(0) }
            }
        }
        precondition(rodata.count <= 4096, "strings must fit one page")
        var text: [UInt8] = []
        for _ in 0..<1024 { withUnsafeBytes(of: Self.textWord.littleEndian) { text.append(contentsOf: $0) } }
        var segments = [ELFBuilder.Segment(flags: ELFBuilder.Segment.rx, vaddr: entry, bytes: text)]
        var pages = [entry]
        if !rodata.isEmpty {
            segments.append(.init(flags: ELFBuilder.Segment.r, vaddr: entry + 0x1000, bytes: rodata))
            pages.append(entry + 0x1000)
        }
        let dataSize = UInt64(program.data.count) + program.bss
        if dataSize > 0 {
            segments.append(.init(flags: ELFBuilder.Segment.rw, vaddr: entry + 0x2000, bytes: program.data,
                                  memsz: dataSize))
            var p = entry + 0x2000
            while p < entry + 0x2000 + dataSize { pages.append(p); p += 0x1000 }
        }
        elf = ELFBuilder(entry: entry, segments: segments).build()
        imagePages = pages
        script = LoadedScript(name: program.name, entry: entry, steps: program.steps, strings: strings)
    }

    /// Frames a task of this program holds: its pages, the stack and every table.
    var footprint: Int {
        var stack: [UInt64] = []
        var p = UserLayout.stackTop - UserLayout.stackSize
        while p < UserLayout.stackTop { stack.append(p); p += 0x1000 }
        return PageTableModel.frames(forPages: imagePages + stack)
    }

    private static func operands(of step: Step) -> [Operand] {
        switch step {
        case .syscall(_, let args): return args
        case .read(let a, _), .execute(let a), .move(_, let a), .branch(_, let a, _): return [a]
        case .write(let a, let v): return [a, v]
        case .copy(let a, let b, let n): return [a, b, n]
        default: return []
        }
    }
}

/// An independent model of 4-level, 4 KB-granule tables: how many frames
/// mapping a set of pages takes (pages + level 0–3 tables).
enum PageTableModel {
    static func frames(forPages pages: [UInt64]) -> Int {
        let l1 = Set(pages.map { $0 >> 39 }).count
        let l2 = Set(pages.map { $0 >> 30 }).count
        let l3 = Set(pages.map { $0 >> 21 }).count
        return Set(pages).count + 1 + l1 + l2 + l3
    }
}
