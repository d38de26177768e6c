// vm: the virtual-memory self-test, as a real program on either backend.
// It checks demand-zero paging, munmap of part of a region, copy-on-write
// fork (own writes only, chains of forks, shared mappings stay shared),
// mprotect revocation, the OOM kill of a task that eats all RAM (the others
// go on), a fault storm (eight children faulting at once under
// preemption, each checking every byte it wrote), and that the free-frame
// count returns to where it started. It
// adapts to the RAM it finds: the OOM child simply touches pages until the
// kernel stops it. Exit 0 = pass; on failure one line says what went wrong.

let page: UInt64 = 4096
let rw = MemoryProtection.read | MemoryProtection.write

/// A child that runs `body` and exits with its result.
func inChild(_ body: () -> Int64) throws(SyscallError) -> ExitStatus {
    let child = try Kenix.fork()
    if child == 0 { Kenix.exit(body()) }
    return try Kenix.wait(child)
}

func demandPaging() throws(SyscallError) -> String? {
    let base = try Memory.map(length: 64 * page)
    let words = SharedWords(address: base)
    for p in 0..<64 where words[Int(UInt64(p) * page / 8)] != 0 { return "page \(p) is not zero-filled" }
    for p in 0..<64 { words[Int(UInt64(p) * page / 8)] = UInt64(p) + 1 }
    for p in 0..<64 where words[Int(UInt64(p) * page / 8)] != UInt64(p) + 1 { return "page \(p) lost its value" }
    let before = Kenix.memoryInfo().freeFramesWithoutSwap
    try Memory.unmap(base + 16 * page, length: 32 * page)
    guard Kenix.memoryInfo().freeFramesWithoutSwap == before + 32 else {
        return "munmap of 32 pages did not free 32 pages"
    }
    guard words[Int(63 * page / 8)] == 64 else { return "munmap took the pages after the hole" }
    try Memory.unmap(base, length: 64 * page)
    return nil
}

func copyOnWrite() throws(SyscallError) -> String? {
    let privatePage = SharedWords(address: try Memory.map(length: page))
    let sharedPage = SharedWords(address: try Memory.map(length: page, flags: MapFlags.shared))
    privatePage[0] = 1
    sharedPage[0] = 1
    let status = try inChild {
        guard privatePage[0] == 1 else { return 1 }
        privatePage[0] = 2
        sharedPage[0] = 2
        // A chain: the grandchild writes too, and this child must not see it.
        guard let grandchild = try? inChild({ privatePage[0] = 3; return privatePage[0] == 3 ? 0 : 1 }),
              grandchild == .exited(0), privatePage[0] == 2 else { return 3 }
        return 0
    }
    guard status == .exited(0) else { return "the child saw the wrong values (\(status.description))" }
    guard privatePage[0] == 1 else { return "the child's write reached the parent's private page" }
    guard sharedPage[0] == 2 else { return "a shared mapping did not stay shared" }
    try Memory.unmap(privatePage.base, length: page)
    try Memory.unmap(sharedPage.base, length: page)
    return nil
}

func protectionRevoked() throws(SyscallError) -> String? {
    let status = try inChild {
        guard let base = try? Memory.map(length: page) else { return 1 }
        let words = SharedWords(address: base)
        words[0] = 7                                   // mapped writable, now in the TLB
        guard (try? Memory.protect(base, length: page, prot: MemoryProtection.read)) != nil else { return 2 }
        guard words[0] == 7 else { return 3 }          // still readable
        words[0] = 8                                   // must be killed here
        return 4
    }
    guard status == .killed(KillReason.memoryFault.rawValue) else {
        return "a write after mprotect(read) was not stopped (\(status.description))"
    }
    return nil
}

/// Eight children take demand-zero and copy-on-write faults at the same
/// time; each is preempted many times (1 ms slices) while it works.
func faultStorm() throws(SyscallError) -> String? {
    let shared = SharedWords(address: try Memory.map(length: 64 * page))
    for p in 0..<64 { shared[Int(UInt64(p) * page / 8)] = 1000 + UInt64(p) }   // to be copied on write
    var children: [TaskID] = []
    for child in 0..<8 {
        let id = try Kenix.fork()
        if id == 0 {
            let mine = SharedWords(address: (try? Memory.map(length: 64 * page)) ?? 0)
            guard mine.base != 0 else { Kenix.exit(9) }
            for round in 0..<4 {
                for p in 0..<64 {
                    let w = Int(UInt64(p) * page / 8)
                    mine[w + round] = UInt64(child * 1_000_000 + p * 10 + round)
                    shared[w + 1 + round] = UInt64(child)                    // a COW copy, once per page
                    for _ in 0..<2_000 { _ = mine[w] }                       // work, so slices run out
                }
            }
            for round in 0..<4 {
                for p in 0..<64 {
                    let w = Int(UInt64(p) * page / 8)
                    guard mine[w + round] == UInt64(child * 1_000_000 + p * 10 + round),
                          shared[w] == 1000 + UInt64(p), shared[w + 1 + round] == UInt64(child) else {
                        Kenix.exit(10)
                    }
                }
            }
            Kenix.exit(0)
        }
        children.append(id)
    }
    for id in children {
        let status = try Kenix.wait(id)
        guard status == .exited(0) else { return "a child saw wrong memory (\(status.description))" }
    }
    for p in 0..<64 where shared[Int(UInt64(p) * page / 8) + 1] != 0 {
        return "a child's write reached the parent's page \(p)"
    }
    try Memory.unmap(shared.base, length: 64 * page)
    return nil
}

func outOfMemory() throws(SyscallError) -> String? {
    let status = try inChild {
        guard let base = try? Memory.map(length: 1 << 36) else { return 1 }   // far more than any RAM here
        var address = base
        while true {
            SharedWords(address: address)[0] = 1
            address += page
        }
    }
    guard status == .killed(KillReason.outOfMemory.rawValue) else {
        return "the memory hog was not killed for it (\(status.description))"
    }
    return nil
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    // Warm up once so the page tables of the mmap area exist in both counts.
    _ = try? demandPaging()
    let start = Kenix.memoryInfo().freeFramesWithoutSwap
    let checks: [(StaticString, () throws(SyscallError) -> String?)] = [
        ("demand paging", demandPaging), ("copy-on-write", copyOnWrite),
        ("mprotect", protectionRevoked), ("fault storm", faultStorm), ("out of memory", outOfMemory),
    ]
    for (name, check) in checks {
        do throws(SyscallError) {
            if let failure = try check() {
                print("vm: \(name): \(failure)")
                return 1
            }
        } catch {
            print("vm: \(name): \(error.name)")
            return 2
        }
    }
    // With swap, page-outs started before the last child ended may still be
    // on the disk for a moment (their frames are freed at completion).
    var end = Kenix.memoryInfo().freeFramesWithoutSwap
    for _ in 0..<100 where end != start {
        Kenix.sleep(milliseconds: 1)
        end = Kenix.memoryInfo().freeFramesWithoutSwap
    }
    guard end == start else {
        print("vm: frames leaked: \(start) free before, \(end) after")
        return 3
    }
    return 0
}
