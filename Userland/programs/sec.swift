// sec: the security self-test (issue 13; docs/capabilities.md). One line per
// check, "sec: NAME: ok" or "sec: NAME: FAILED (why)", then a summary; exit 0
// only if every check passed. The same binary and the same output on both
// backends. It covers each isolation defect hostile programs once found and
// each authority rule:
//   1. a page read-only at fork is copied before either side writes it,
//      whatever mprotect says afterwards;
//   2. PROT_NONE blocks reads of a present page; write implies read;
//   3. brk does not undo mprotect;
//   4. no task above one's own priority without a spawn authority;
//   5. ceilings: a memory hog stops at its subtree's frame ceiling, a fork
//      bomb at its task ceiling and a flood of notifications, watches and
//      shared memory at its objects ceiling, and the test goes on; unmapping
//      gives back the page tables;
//   6. devices and services only through handles (UART, keyboard,
//      framebuffer, service keys, another task by id);
//   and the handle rules: unforgeable, rights only shrink, closed is gone;
//   and the console's input: only its foreground task reads (a forged key
//   is refused, a forked child's read and lend are refused).
// Children that must be killed are forks of this program. The ceiling
// checks run in a copy of it (spawn arg 1) started with a thirty-second of
// the shell's ceilings, so the hog, the bomb and the flood stop soon on any RAM.

let page: UInt64 = 4096
let rw = MemoryProtection.read | MemoryProtection.write

nonisolated(unsafe) var failures = 0

func report(_ name: StaticString, _ failure: String?) {
    if let failure {
        failures += 1
        print("sec: \(name): FAILED (\(failure))")
    } else {
        print("sec: \(name): ok")
    }
}

/// Runs `body` in a forked child; its exit status, or how it was killed.
func inChild(_ body: () -> Int64) -> ExitStatus? {
    guard let child = try? Kenix.fork() else { return nil }
    if child == 0 { Kenix.exit(body()) }
    return try? Kenix.wait(child)
}

/// The error a raw syscall returned, or nil for success.
func errorOf(_ x0: Int64) -> SyscallError? { x0 < 0 ? SyscallError(rawValue: x0) : nil }

func expect(_ expected: SyscallError, _ x0: Int64) -> String? {
    guard let e = errorOf(x0) else { return "succeeded, want \(expected.name)" }
    return e == expected ? nil : "\(e.name), want \(expected.name)"
}

// MARK: 1-3: memory

func forkCopiesReadOnlyPages() -> String? {
    guard let base = try? Memory.map(length: page) else { return "mmap" }
    let words = SharedWords(address: base)
    words[0] = 1
    guard (try? Memory.protect(base, length: page, prot: MemoryProtection.read)) != nil else { return "mprotect" }
    let status = inChild {
        guard (try? Memory.protect(base, length: page, prot: rw)) != nil else { return 3 }
        words[0] = 2                                  // must land in the child's own copy
        return words[0] == 2 ? 0 : 4
    }
    guard status == .exited(0) else { return "the child: \(status?.description ?? "fork failed")" }
    guard words[0] == 1 else { return "the child's write reached the parent (\(words[0]))" }
    // The reverse: the parent writes after the fork; the child must see the old value.
    let shared = SharedWords(address: (try? Memory.map(length: page, flags: MapFlags.shared)) ?? 0)
    guard shared.base != 0 else { return "mmap shared" }
    shared[0] = 0
    guard let child = try? Kenix.fork() else { return "fork" }
    if child == 0 {
        while shared[0] == 0 { Kenix.yield() }        // the parent has written
        Kenix.exit(words[0] == 1 ? 0 : 5)
    }
    _ = try? Memory.protect(base, length: page, prot: rw)
    words[0] = 7
    shared[0] = 1
    let back = try? Kenix.wait(child)
    try? Memory.unmap(shared.base, length: page)
    try? Memory.unmap(base, length: page)
    return back == .exited(0) ? nil : "the parent's write reached the child (\(back?.description ?? "wait failed"))"
}

func protNoneBlocksReads() -> String? {
    guard let base = try? Memory.map(length: page) else { return "mmap" }
    SharedWords(address: base)[0] = 42                 // present
    let status = inChild {
        _ = try? Memory.protect(base, length: page, prot: 0)
        return SharedWords(address: base)[0] == 42 ? 1 : 2   // must not get here
    }
    try? Memory.unmap(base, length: page)
    guard status?.killReason == .memoryFault else { return "a read of a PROT_NONE page: \(status?.description ?? "-")" }
    guard let wo = try? Memory.map(length: page, prot: MemoryProtection.write) else { return "mmap write-only" }
    SharedWords(address: wo)[0] = 9
    let readable = SharedWords(address: wo)[0] == 9   // write implies read (docs/syscalls.md)
    try? Memory.unmap(wo, length: page)
    return readable ? nil : "a write-only page did not read back"
}

func brkKeepsMprotect() -> String? {
    guard let start = try? Memory.setBreak(0), (try? Memory.setBreak(start + 2 * page)) != nil else { return "brk" }
    let heap = (start + page - 1) & ~(page - 1)
    SharedWords(address: heap)[0] = 1
    guard (try? Memory.protect(heap, length: page, prot: MemoryProtection.read)) != nil else { return "mprotect" }
    let status = inChild {
        _ = try? Memory.setBreak(start + 8 * page)    // grow past the read-only page
        SharedWords(address: heap)[0] = 2              // must fault
        return 1
    }
    _ = try? Memory.protect(heap, length: page, prot: rw)
    _ = try? Memory.setBreak(start)
    return status?.killReason == .memoryFault ? nil : "a write after brk: \(status?.description ?? "-")"
}

func unmapGivesBackTables() -> String? {
    let gib: UInt64 = 1 << 30
    let before = Kenix.memoryInfo().freeFramesWithoutSwap
    for _ in 0..<4 {
        guard let base = try? Memory.map(length: gib) else { return "mmap 1 GiB" }
        var a = base
        while a < base + gib { SharedWords(address: a)[0] = 1; a += 64 << 20 }   // a table every 64 MiB
        guard (try? Memory.unmap(base, length: gib)) != nil else { return "munmap" }
    }
    let after = Kenix.memoryInfo().freeFramesWithoutSwap
    return after == before ? nil : "\(before) frames free before, \(after) after"
}

// MARK: 4-5: scheduling authority and ceilings

func noPriorityAboveOwn() -> String? {
    expect(.notPermitted, RawSyscall.invoke(.spawn, UInt64(UInt(bitPattern: ("sec" as StaticString).utf8Start)), 3,
                                            1, 31))
}

func memoryHogStopsAtItsCeiling() -> String? {
    let status = inChild {
        guard let base = try? Memory.map(length: 1 << 36) else { return 1 }
        var a = base
        while true { SharedWords(address: a)[0] = 1; a += page }
    }
    guard status?.killReason == .outOfMemory else { return "the hog: \(status?.description ?? "-")" }
    return (try? Memory.map(length: page)) != nil ? nil : "no memory left after the hog"
}

func forkBombStopsAtItsCeiling() -> String? {
    let status = inChild {
        var depth: Int64 = 0
        while let child = try? Kenix.fork() {
            if child != 0 { _ = try? Kenix.wait(child); break }   // each generation forks once more
            depth += 1
        }
        return 0
    }
    guard status == .exited(0) else { return "the bomb: \(status?.description ?? "-")" }
    guard let q = try? Kenix.quota(), q.tasksUsed == 0 else { return "task slots still counted after the bomb" }
    return nil
}

/// Notifications, shared-memory objects and task watches come out of one
/// objects ceiling (1/32 of the shell's here, or the floor of 8), so a
/// flood of them stops at it, long before any kernel table is full.
func objectFloodStopsAtItsCeiling() -> String? {
    guard let before = try? Kenix.quota(), before.objectsLimit > before.objectsUsed else { return "no objects ceiling" }
    let room = Int(before.objectsLimit - before.objectsUsed)
    var notes: [Handle] = []
    var refusal = SyscallError.invalidArgument
    while notes.count <= room {
        do throws(SyscallError) { notes.append(try Notification.create()) } catch { refusal = error; break }
    }
    guard notes.count == room, refusal == .limitReached else {
        return "notifications: \(notes.count) made of \(room), then \(refusal.name)"
    }
    guard let me = try? Kenix.selfHandle() else { return "task_self" }
    if let f = expect(.limitReached, RawSyscall.invoke(.taskWatch, me, notes[0], 1)) { return "a watch past it: \(f)" }
    if let f = expect(.limitReached, RawSyscall.invoke(.shmCreate, page)) { return "shared memory past it: \(f)" }
    for n in notes.dropFirst() { Handles.close(n) }
    var watches = 0
    while RawSyscall.invoke(.taskWatch, me, notes[0], 1) == 0 && watches <= room { watches += 1 }
    guard watches == room - 1 else { return "watches: \(watches) of \(room - 1)" }
    return nil
}

// MARK: 6 and the handle rules

func devicesOnlyThroughHandles() -> String? {
    // This task holds none of init's device or service handles.
    let checks: [(StaticString, Int64)] = [
        ("uart_claim", RawSyscall.invoke(.uartClaim, InitHandle.uart)),
        ("keyboard_claim", RawSyscall.invoke(.keyboardClaim, InitHandle.keyboard)),
        ("framebuffer_map", RawSyscall.invoke(.fbMap, InitHandle.framebuffer)),
        ("service_register", RawSyscall.invoke(.serviceRegister, InitHandle.service(.console))),
        ("spawn authority", RawSyscall.invoke(.spawn, UInt64(UInt(bitPattern: ("sec" as StaticString).utf8Start)),
                                               3, 1, 31, InitHandle.spawnAuthority)),
    ]
    // A machine without the device (QEMU with no keyboard or ramfb) says notFound first.
    for (what, x0) in checks where errorOf(x0) != .badHandle && errorOf(x0) != .notFound {
        return "\(what): \(errorOf(x0)?.name ?? "succeeded"), want badHandle"
    }
    // The console by its task id: a kill needs a handle (or the task directory).
    guard let console = try? Service.lookup(.console) else { return "no console" }
    let killed = errorOf(RawSyscall.invoke(.kill, console))
    guard killed == .notPermitted || killed == .badHandle else {
        return "kill the console through its service handle: \(killed?.name ?? "succeeded")"
    }
    return nil
}

func handlesAreUnforgeable() -> String? {
    if let f = expect(.badHandle, RawSyscall.invoke(.handleInfo, 0x3F)) { return "a guessed handle: \(f)" }
    guard let note = try? Notification.create() else { return "notify_create" }
    Handles.close(note)
    if let f = expect(.badHandle, RawSyscall.invoke(.notifySignal, note, 1)) { return "a closed handle: \(f)" }
    return nil
}

func rightsOnlyShrink() -> String? {
    guard let note = try? Notification.create() else { return "notify_create" }
    defer { Handles.close(note) }
    guard let weak = try? Handles.duplicate(note, rights: HandleRights.duplicate | HandleRights.receive) else {
        return "duplicate"
    }
    defer { Handles.close(weak) }
    if let f = expect(.notPermitted, RawSyscall.invoke(.notifySignal, weak, 1)) { return "signal without the right: \(f)" }
    guard let again = try? Handles.duplicate(weak, rights: UInt64.max) else { return "duplicate again" }
    defer { Handles.close(again) }
    guard let info = try? Handles.info(again), info.rights & HandleRights.signal == 0 else {
        return "a duplicate gained a right"
    }
    return nil
}

func consoleInputOnlyForTheForeground() -> String? {
    guard let console = try? Service.lookup(.console) else { return "no console" }
    // A key of our own making is not the input key.
    guard let forged = try? Notification.create() else { return "notify_create" }
    defer { Handles.close(forged) }
    guard let claimed = try? IPC.call(console, Message(tag: ConsoleOp.claimInput.rawValue, carrying: forged)) else {
        return "claimInput"
    }
    if let f = expect(.notPermitted, Int64(bitPattern: claimed.tag)) { return "claim with a forged key: \(f)" }
    // A child we forked is not the foreground: its read is refused at once
    // (not held, so it cannot take the reader's place), and it cannot lend.
    let status = inChild {
        guard let console = try? Service.lookup(.console),
              let read = try? IPC.call(console, Message(tag: ConsoleOp.read.rawValue)) else { return 2 }
        guard expect(.notPermitted, Int64(bitPattern: read.tag)) == nil else { return 3 }
        guard let me = try? Kenix.selfHandle(),
              let lent = try? IPC.call(console, Message(tag: ConsoleOp.lendInput.rawValue, carrying: me, move: true)) else {
            return 4
        }
        return expect(.notPermitted, Int64(bitPattern: lent.tag)) == nil ? 0 : 5
    }
    guard let status else { return "fork" }
    return status == .exited(0) ? nil : "the child: \(status.description) (2 no call, 3 read served, 5 lend taken)"
}

/// The ceiling checks, in a child with small ceilings; its exit status is
/// how many failed.
func ceilingChecks() -> String? {
    let child: Handle
    do throws(SyscallError) { child = try Kenix.spawn("sec", arg: 1, share: QuotaShare.whole / 32) } catch {
        return "spawn: \(error.name)"
    }
    guard let status = try? Kenix.wait(child) else { return "wait" }
    if case .exited(let failed) = status {
        failures += Int(failed)
        return nil
    }
    return "the checker ended: \(status.description)"
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    if arg == 1 {
        report("a memory hog stops at its ceiling", memoryHogStopsAtItsCeiling())
        report("a fork bomb stops at its ceiling", forkBombStopsAtItsCeiling())
        report("an object flood stops at its ceiling", objectFloodStopsAtItsCeiling())
        return Int64(failures)
    }
    report("fork copies read-only pages both ways", forkCopiesReadOnlyPages())
    report("PROT_NONE blocks reads; write implies read", protNoneBlocksReads())
    report("brk keeps mprotect", brkKeepsMprotect())
    report("munmap gives back page tables", unmapGivesBackTables())
    report("no priority above one's own without authority", noPriorityAboveOwn())
    if let f = ceilingChecks() { report("ceilings", f) }
    report("devices and services only through handles", devicesOnlyThroughHandles())
    report("handles are unforgeable", handlesAreUnforgeable())
    report("rights only shrink", rightsOnlyShrink())
    report("the console's input only for the foreground", consoleInputOnlyForTheForeground())
    print("sec: \(12 - failures) passed, \(failures) failed")
    return failures == 0 ? 0 : 1
}
