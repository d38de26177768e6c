// swap: the swapping test, as a real program on either backend. It maps more
// pages than the machine has RAM (a quarter more than every frame the kernel
// manages), fills every byte of every page with a pattern of its own, and
// reads every byte back, twice, so each page has been written to swap and
// read back at least once. A forked child then reads the swapped pages and
// writes its own marks (swap slots shared by a fork, copy-on-write after a
// page-in); the parent must see none of them. The test runs in a child of
// its own, so that once it has ended every frame and swap slot it used,
// page tables included, must be free again.
//
// It needs a swap area (kenix-sim --swap FILE, or a virtio-blk disk on QEMU)
// and adapts to the RAM it finds. Exit 0 = pass; a line says what failed.
// From the shell it prints through the console server; booted as the first
// task (kenix-sim --init swap, kenix.init=swap) it writes the UART itself.
// Its last line reports the paging throughput in pages per simulated second.

let page: UInt64 = 4096
let wordsPerPage = Int(page / 8)

@inline(__always)
func pattern(_ p: Int, _ w: Int) -> UInt64 {
    (UInt64(p) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(w) &* 0xBF58_476D_1CE4_E5B9) ^ 0x5A5A
}

/// The first page of `count` at `base` whose words differ from the pattern
/// (checking every word, so every byte), or nil.
func firstBadPage(_ base: UInt64, _ count: Int) -> Int? {
    for p in 0..<count {
        let words = SharedWords(address: base + UInt64(p) * page)
        for w in 0..<wordsPerPage where words[w] != pattern(p, w) { return p }
    }
    return nil
}

func childMarksAreInvisible(_ base: UInt64, _ count: Int) throws(SyscallError) -> String? {
    let child = try Kenix.fork()
    if child == 0 {
        // Reads every page (pages of the parent's swap slots come back into
        // the child's own frames), then writes a mark on every eighth page.
        if firstBadPage(base, count) != nil { Kenix.exit(1) }
        for p in stride(from: 0, to: count, by: 8) { SharedWords(address: base + UInt64(p) * page)[1] = 0xC41D }
        for p in stride(from: 0, to: count, by: 8) where SharedWords(address: base + UInt64(p) * page)[1] != 0xC41D {
            Kenix.exit(2)
        }
        Kenix.exit(0)
    }
    let status = try Kenix.wait(child)
    guard status == .exited(0) else {
        return status == .exited(1) ? "the forked child read a wrong byte" : "the child failed (\(status.description))"
    }
    if let p = firstBadPage(base, count) { return "after the child ran, page \(p) of the parent changed" }
    return nil
}

/// What the test task hands back to its parent (in a shared page, because
/// booted as the first task only the parent may write the UART).
struct Results {
    let words: SharedWords
    var pages: UInt64 { get { words[0] } nonmutating set { words[0] = newValue } }
    var pagesOut: UInt64 { get { words[1] } nonmutating set { words[1] = newValue } }
    var pagesIn: UInt64 { get { words[2] } nonmutating set { words[2] = newValue } }
    var elapsed: UInt64 { get { words[3] } nonmutating set { words[3] = newValue } }
}

/// The test proper; returns the exit status, with the figures in `results`.
/// Failures are printed here (through the console server, when there is one).
func swapThroughRAM(_ start: MemoryInfo, _ results: Results) -> Int64 {
    let count = Int(start.totalFrames + start.totalFrames / 4)
    guard start.swapSlots - start.swapUsed >= UInt64(count) + 64 else {
        print("swap: the swap area (\(start.swapSlots) pages) is too small for \(count) pages")
        return 3
    }
    let began = Kenix.clock()
    let base: UInt64
    do throws(SyscallError) { base = try Memory.map(length: UInt64(count) * page) } catch {
        print("swap: mmap of \(count) pages failed: \(error.name)")
        return 4
    }
    for p in 0..<count {
        let words = SharedWords(address: base + UInt64(p) * page)
        for w in 0..<wordsPerPage { words[w] = pattern(p, w) }
    }
    for pass in 1...2 {
        if let p = firstBadPage(base, count) {
            print("swap: page \(p) came back wrong (pass \(pass))")
            return 5
        }
    }
    let paged = Kenix.memoryInfo()
    let elapsed = Kenix.clock() - began
    let out = paged.pagesOut - start.pagesOut, back = paged.pagesIn - start.pagesIn
    guard out > 0, back > 0 else {
        print("swap: nothing was swapped (\(out) out, \(back) in)")
        return 6
    }
    do throws(SyscallError) {
        if let failure = try childMarksAreInvisible(base, count) {
            print("swap: \(failure)")
            return 7
        }
        try Memory.unmap(base, length: UInt64(count) * page)
    } catch {
        print("swap: \(error.name)")
        return 8
    }
    results.pages = UInt64(count)
    results.pagesOut = out
    results.pagesIn = back
    results.elapsed = elapsed
    return 0
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    // Booted as the first task (make bench), there is no console server yet.
    if (try? Service.lookup(.console)) == nil, (try? UART.claim(device: InitHandle.uart)) != nil { Console.useUART() }
    let results: Results
    do throws(SyscallError) {
        results = Results(words: SharedWords(address: try Memory.map(length: page, flags: MapFlags.shared)))
    } catch {
        print("swap: mmap failed: \(error.name)")
        return 10
    }
    results.pages = 0   // present before the fork, so parent and child share it
    let start = Kenix.memoryInfo()
    guard start.swapSlots > 0 else {
        print("swap: no swap area (run kenix-sim with --swap FILE, or QEMU with a virtio-blk disk)")
        return 2
    }
    let status: ExitStatus
    do throws(SyscallError) {
        let child = try Kenix.fork()
        if child == 0 { Kenix.exit(swapThroughRAM(start, results)) }
        status = try Kenix.wait(child)
    } catch {
        print("swap: fork failed: \(error.name)")
        return 10
    }
    guard status == .exited(0) else {
        if case .exited(let code) = status { return code }
        print("swap: the test task was killed (\(status.description))")
        return 11
    }
    // Page-outs of other tasks' pages may still be on the disk for a moment.
    var end = Kenix.memoryInfo()
    for _ in 0..<100 where end.freeFramesWithoutSwap != start.freeFramesWithoutSwap {
        Kenix.sleep(milliseconds: 1)
        end = Kenix.memoryInfo()
    }
    guard end.freeFramesWithoutSwap == start.freeFramesWithoutSwap else {
        print("swap: pages leaked: \(start.freeFramesWithoutSwap) free before, \(end.freeFramesWithoutSwap) after")
        return 9
    }
    let moved = results.pagesOut + results.pagesIn
    print("swap: \(results.pages) pages through \(start.totalFrames) frames of RAM: every byte came back")
    print("swap: \(results.pagesOut) pages written out, \(results.pagesIn) read back, "
          + "\(moved * 1_000_000_000 / max(results.elapsed, 1)) pages per simulated second")
    return 0
}
