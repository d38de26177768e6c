// SwapScript: scripts that loop over many pages (stamp each with values
// derived from its address, then count the words that do not read back),
// and the checks every swap test makes on a TestSystem: the swap events of a
// page from the trace, the disk's log against the pager's rules, and that no
// frame, slot or transfer is left once the run is over.
import HAL
import KenixABI
import XCTest

/// A script under construction; it keeps track of step indices for the
/// branches of its loops.
struct SwapScript {
    static let page: UInt64 = 0x1000
    /// Frames of RAM for swap tests: 160 beside the kernel's task and handle
    /// tables, so with the kernel's reserve (16 frames), the boot image and
    /// init's own pages, about 90 are left for user pages (fewer than a
    /// region's 200), and the pager starts writing out below 32 free.
    static let smallRAM = taskRAM + tableFrames
    static let taskRAM = 160
    /// The frames the kernel's tables take on a machine this small (64 task
    /// slots, the minimum, whatever the RAM below 2,048 frames).
    static let tableFrames: Int = {
        guard let probe = try? TestSystem([TestProgram("init", [.exit(0)])], frames: 128) else { return 0 }
        return probe.kernel.tableFrames
    }()
    /// More pages than `smallRAM` holds.
    static let manyPages = 200
    /// Where a test maps its pages (the first mmap of a task lands here).
    static let region = UserLayout.mmapBase
    static var regionPages: [UInt64] { (0..<manyPages).map { region + UInt64($0) * page } }

    /// x19 is the page cursor, x20 scratch, x22 counts mismatches.
    static let cursor = 19, scratch = 20, mismatches = 22

    var steps: [Step] = []
    var next: Int { steps.count }

    mutating func add(_ s: Step...) { steps += s }

    /// mmap of `count` read-write pages (at `region` for a task's first mmap).
    mutating func mapRegion(pages count: Int = manyPages) {
        add(.mmap(UInt64(count) * Self.page, MemoryProtection.read | MemoryProtection.write))
    }

    /// Runs `body` with x19 = each of `count` pages from `first`.
    mutating func forEachPage(from first: UInt64 = region, count: Int = manyPages,
                              _ body: (inout SwapScript) -> Void) {
        add(.move(Self.cursor, .imm(first)))
        let top = next
        body(&self)
        add(.move(Self.cursor, .regPlus(Self.cursor, Self.page)))
        add(.branch(ifRegister: Self.cursor, equals: .imm(first + UInt64(count) * Self.page), to: next + 2),
            .jump(top))
    }

    /// Writes their own address plus `tag` into the first and last words of the page at x19.
    mutating func stamp(_ tag: UInt64) {
        add(.write(.reg(Self.cursor), .regPlus(Self.cursor, tag)),
            .write(.regPlus(Self.cursor, Self.page - 8), .regPlus(Self.cursor, tag + Self.page - 8)))
    }

    /// Counts in x22 the words of the page at x19 that do not hold what `stamp(tag)` wrote.
    mutating func checkStamp(_ tag: UInt64) {
        for offset in [0, Self.page - 8] {
            add(.read(.regPlus(Self.cursor, offset), into: Self.scratch))
            add(.branch(ifRegister: Self.scratch, equals: .regPlus(Self.cursor, tag + offset), to: next + 2),
                .move(Self.mismatches, .regPlus(Self.mismatches, 1)))
        }
    }

    /// Records `label` with x1 = the mismatches counted since the last call.
    mutating func recordMismatches(_ label: String) {
        add(.move(1, .reg(Self.mismatches)), .record(label), .move(Self.mismatches, 0))
    }

    /// Sleeps long enough for every disk transfer to finish (the pager
    /// stops starting page-outs once free frames are above its watermark).
    mutating func drain() { add(.sleep(.imm(10 * ms))) }

    /// A step to fill in once its target is known.
    mutating func placeholder() -> Int {
        add(.undefined)
        return next - 1
    }
}

extension TestSystem {
    var pageOuts: [TimedTraceEvent] { trace.filter { $0.kind == .pageOut } }
    var pageIns: [TimedTraceEvent] { trace.filter { $0.kind == .pageIn } }

    /// Page-out and page-in events of page `va` of task `task`, in order.
    func swapEvents(task: UInt64, page va: UInt64) -> [TimedTraceEvent] {
        trace.filter { ($0.kind == .pageOut || $0.kind == .pageIn) && $0.a == task && $0.b == va }
    }

    /// Trace indices of the `call` syscalls of task `task` (a restarted
    /// syscall appears once per try).
    func syscallIndices(_ call: Syscall, by task: UInt64) -> [Int] {
        trace.indices.filter { trace[$0].kind == .syscall && trace[$0].a == task && trace[$0].b == call.rawValue }
    }

    /// How many of `pages` of `task` were out in swap at trace index `end`:
    /// their last swap event before it is a page-out (valid when no write
    /// failed: a failed page-out puts the page back without an event).
    func swappedOut(task: UInt64, pages: [UInt64], before end: Int) -> Int {
        var last: [UInt64: TraceKind] = [:]
        for e in trace[..<end] where (e.kind == .pageOut || e.kind == .pageIn) && e.a == task { last[e.b] = e.kind }
        return pages.filter { last[$0] == .pageOut }.count
    }

    /// The disk's log obeys the pager's rules: a slot is read only after a
    /// write of it succeeded, and a request on a slot is submitted only
    /// once the previous one on that slot is complete and taken.
    func checkDiskLog(file: StaticString = #filePath, line: UInt = #line) {
        guard let disk else { return XCTFail("no disk", file: file, line: line) }
        var lastWrite: [UInt64: ScriptedDiskRequest] = [:]
        var busyUntil: [UInt64: Int] = [:]      // take sequence of the last request on a slot
        for r in disk.requests {
            if let until = busyUntil[r.sector], until > r.submitSequence {
                XCTFail("\(r) was submitted while an earlier request on its slot was in flight",
                        file: file, line: line)
            }
            if r.operation == .read {
                guard let w = lastWrite[r.sector] else {
                    XCTFail("\(r) reads a slot never written", file: file, line: line)
                    continue
                }
                XCTAssertTrue(w.succeeds, "\(r) reads a slot whose write \(w) failed", file: file, line: line)
            } else {
                lastWrite[r.sector] = r
            }
            busyUntil[r.sector] = r.takeSequence ?? .max
        }
        XCTAssertEqual(disk.refused, [], "the kernel submitted requests the disk refused", file: file, line: line)
    }

    /// After the run: every frame and every swap slot is free again, and the
    /// disk has nothing in flight.
    func checkNothingLeaked(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(kernel.freeFrames, bootFreeFrames, "frames leaked", file: file, line: line)
        XCTAssertEqual(kernel.freeSwapSlots, kernel.swapSlots, "swap slots leaked", file: file, line: line)
        XCTAssertEqual(disk?.inFlight ?? 0, 0, "transfers still in flight", file: file, line: line)
    }
}
