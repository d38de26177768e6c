// errors: a caller's mistakes come back as error values and never kill it
// (docs/syscalls.md, "Errors"). Each line below makes one mistake and checks
// the exact error; the task survives them all to exit 0.
// On failure one line per wrong result says what was expected.

var failures = 0

func expect(_ expected: SyscallError, _ what: StaticString, _ x0: Int64) {
    if x0 == expected.rawValue { return }
    failures += 1
    if let got = SyscallError(rawValue: x0) {
        print("errors: \(what): got \(got.name), want \(expected.name)")
    } else {
        print("errors: \(what): got \(x0), want \(expected.name)")
    }
}

/// arg 1: if a spawn that should fail starts this program, the copy exits at once.
func spawnRaw(_ name: UInt64, _ length: UInt64, priority: UInt64 = 0) -> Int64 {
    RawSyscall.invoke(.spawn, name, length, 1, priority)
}

func spawnRaw(_ name: StaticString, priority: UInt64 = 0) -> Int64 {
    spawnRaw(UInt64(UInt(bitPattern: name.utf8Start)), UInt64(name.utf8CodeUnitCount),
             priority: priority)
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    if arg == 1 { return 0 }
    let text: StaticString = "not the UART owner\n"
    let me = (try? Kenix.selfHandle()).map { Int64(bitPattern: $0) } ?? -1

    // spawn
    expect(.notFound, "spawn of a missing program", spawnRaw("no-such-program"))
    expect(.badExecutable, "spawn of badelf", spawnRaw("badelf"))
    expect(.badAddress, "spawn with name pointer 0x10", spawnRaw(0x10, 4))
    expect(.invalidArgument, "spawn with an empty name",
           spawnRaw(UInt64(UInt(bitPattern: text.utf8Start)), 0))
    expect(.invalidArgument, "spawn at priority 32", spawnRaw("errors", priority: 32))
    expect(.notPermitted, "spawn above one's own priority without authority", spawnRaw("errors", priority: 20))

    // wait, syscall numbers
    expect(.notPermitted, "wait through the parent handle (no wait right)",
           RawSyscall.invoke(.wait, StartupHandle.parent))
    expect(.badHandle, "kill through a made-up handle", RawSyscall.invoke(.kill, 0x4_0000))
    expect(.noSuchSyscall, "syscall 999", RawSyscall.invoke(999))

    // devices and services: only the handles init hands down reach them
    expect(.notPermitted, "uart_write from a non-owner",
           RawSyscall.invoke(.uartWrite, UInt64(UInt(bitPattern: text.utf8Start)),
                             UInt64(text.utf8CodeUnitCount)))
    expect(.badHandle, "uart_claim without the UART handle", RawSyscall.invoke(.uartClaim, InitHandle.uart))
    expect(.badHandle, "service_register without the key's handle",
           RawSyscall.invoke(.serviceRegister, InitHandle.service(.console)))
    expect(.notFound, "service_lookup of an unused key", RawSyscall.invoke(.serviceLookup, 0xDEAD))

    // IPC and shared memory
    expect(.invalidArgument, "send to self", RawSyscall.invoke(.send, UInt64(bitPattern: me)))
    expect(.invalidArgument, "shm_create of 0 bytes", RawSyscall.invoke(.shmCreate, 0))
    let shm = RawSyscall.invoke(.shmCreate, 1)
    expect(.invalidArgument, "shm_unmap of an object never mapped",
           shm < 0 ? shm : RawSyscall.invoke(.shmUnmap, UInt64(shm)))
    return failures == 0 ? 0 : 1
}
