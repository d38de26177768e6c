// init: the first task. Starts the supervisor, which starts and watches the
// console server, the keyboard driver, the block server (blk, when the
// machine has a data disk), the file server (vfs) and the Linux server,
// then runs the self-tests one at a time and prints exactly one line per test,
//     PASS <name>   or   FAIL <name>: <reason>
// then "selftest: N passed, M failed". Then it runs the shell until the end
// of console input, unmounts the file systems on disks, and exits 0 only if
// no self-test failed. The shell is ksh, or with argument bit 0 set
// (kenix-sim --init-arg 1, QEMU kenix.arg=1, `make sim LINUX=1`) busybox's
// sh through the Linux server (InitArgument).
//
// A test is a program that exits 0 on success; init spawns it at its own
// priority (16) and waits. "fault" is different: init spawns two programs
// that must be killed (a read of address 0, an undefined instruction) and
// checks how wait reports them; it sits in the middle of the list to show
// that the system goes on after a task is killed.

enum Outcome {
    case pass
    case fail(String)
}

struct Tally {
    var passed = 0
    var failed = 0

    mutating func record(_ name: StaticString, _ outcome: Outcome) {
        switch outcome {
        case .pass:
            passed += 1
            print("PASS \(name)")
        case .fail(let reason):
            failed += 1
            print("FAIL \(name): \(reason)")
        }
    }
}

enum Run {
    case ended(ExitStatus)
    case failed(String)   // spawn or wait returned an error
}

/// Spawns `name` at our priority and waits for it.
func runToEnd(_ name: StaticString) -> Run {
    let child: TaskID
    do throws(SyscallError) {
        child = try Kenix.spawn(name)
    } catch {
        return .failed("spawn: \(error.name)")
    }
    do throws(SyscallError) {
        return .ended(try Kenix.wait(child))
    } catch {
        return .failed("wait: \(error.name)")
    }
}

/// A self-test program: passes if it exits with status 0.
func selfTest(_ name: StaticString) -> Outcome {
    switch runToEnd(name) {
    case .failed(let reason): return .fail(reason)
    case .ended(let status): return status.isSuccess ? .pass : .fail(status.description)
    }
}

/// The "fault" test: each program must be killed for the given reason.
func faultTest() -> Outcome {
    let expected: [(StaticString, KillReason)] = [
        ("fault", .memoryFault),
        ("undef", .undefinedInstruction),
    ]
    for (name, reason) in expected {
        switch runToEnd(name) {
        case .failed(let why):
            return .fail("\(name): \(why)")
        case .ended(let status):
            if status != ExitStatus.killed(reason.rawValue) {
                return .fail("\(name): \(status), want killed (\(reason.name))")
            }
        }
    }
    return .pass
}

/// The console's input key (docs/capabilities.md, "The console's input"):
/// a notification nobody signals, whose holders may take the console's
/// input. init makes it, the console and the shell get it; it lives as long
/// as init, so a restarted console knows it again.
nonisolated(unsafe) var inputKey: Handle? = nil

/// Starts the supervisor (docs/supervision.md) above everyone else, with the
/// device and service handles the servers need, and waits until it says the
/// servers answer. If that fails, init takes the UART itself so the results
/// still get out.
func startServers() {
    // The kernel gives init a device's handle only if the machine has it
    // (no framebuffer with kenix-sim --no-display, no keyboard on some).
    var roles: [(role: UInt64, handle: Handle)] = []
    for h in [InitHandle.uart, InitHandle.keyboard, InitHandle.framebuffer] where (try? Handles.info(h)) != nil {
        roles.append((h, h))
    }
    for key in [ServiceKey.console, .files, .block, .linux, .supervisor] {
        roles.append((InitHandle.service(key), InitHandle.service(key)))
    }
    if let key = inputKey { roles.append((InitHandle.consoleInput, key)) }
    var disk: UInt64 = 0
    while (try? BlockDriver.info(disk)) != nil {
        roles.append((InitHandle.disk(disk), InitHandle.disk(disk)))
        disk += 1
    }
    do throws(SyscallError) {
        let supervisor = try Kenix.spawn("supervisor", priority: 31, authority: InitHandle.spawnAuthority,
                                         share: QuotaShare.half)
        try Startup.give(supervisor, roles)
        _ = try IPC.recv(from: supervisor)   // SupervisorNotice.ready
    } catch {
        if (try? UART.claim(device: InitHandle.uart)) != nil { Console.useUART() }
        print("init: cannot start the supervisor: \(error.name)")
    }
}

/// Before the machine powers off: every file system but "/" is unmounted,
/// innermost first (its changes written, its disk flushed, FAT32's clean
/// flag set), and whatever cannot be (busy, a disk error) is said so and
/// synced as far as it goes.
func unmountFiles() {
    let mounts: [MountInfo]
    do throws(FileError) { mounts = try Files.mounts() } catch {
        if error != .unavailable { print("init: cannot list the mounts: \(error.name)") }
        return
    }
    var failed = false
    for m in mounts.reversed() where m.path != [0x2F] {
        do throws(FileError) { try Files.unmount(m.path) } catch {
            Console.write("init: unmount ")
            Console.write(bytes: m.path)
            Console.write(": ")
            Console.writeLine(error.name)
            failed = true
        }
    }
    guard failed else { return }
    do throws(FileError) { try Files.sync() } catch { print("init: sync: \(error.name)") }
}

/// init's argument bits.
enum InitArgument {
    /// Boot into the Linux shell (/bin/sh, busybox) instead of ksh.
    static let linuxShell: UInt64 = 1
}

/// Runs busybox's sh on the console until it exits.
func startLinuxShell() {
    let sh: [UInt8] = [0x2F, 0x62, 0x69, 0x6E, 0x2F, 0x73, 0x68]   // "/bin/sh"
    switch Linux.run(path: sh, arguments: [[0x2D, 0x73, 0x68]]) {   // argv[0] "-sh": a login shell
    case .success(let status):
        if !status.exited || status.exitCode != 0 { print("init: the Linux shell ended with status \(status.raw)") }
    case .failure:
        print("init: cannot run /bin/sh; starting ksh")
        startShell()
    }
}

/// Runs the shell until its input ends; the system then shuts down. The
/// shell gets the task directory, so its `ps` and `kill` reach every task
/// (docs/capabilities.md, "What the shell holds").
func startShell() {
    let shell: Handle
    do throws(SyscallError) {
        shell = try Kenix.spawn("ksh", arg: StartupOp.argumentFlag, share: QuotaShare.half)
        var handles = [(role: InitHandle.taskDirectory, handle: InitHandle.taskDirectory)]
        if let key = inputKey { handles.append((InitHandle.consoleInput, key)) }
        try Startup.give(shell, handles)
    } catch {
        print("init: cannot run the shell: \(error.name)")
        return
    }
    do throws(SyscallError) {
        let status = try Kenix.wait(shell)
        if !status.isSuccess { print("init: the shell ended: \(status.description)") }
    } catch {
        print("init: cannot run the shell: wait: \(error.name)")
    }
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    inputKey = try? Notification.create()
    startServers()
    var tally = Tally()
    tally.record("ipc", selfTest("ipc"))
    tally.record("shm", selfTest("shm"))
    tally.record("preempt", selfTest("preempt"))
    tally.record("priority", selfTest("priority"))
    tally.record("fault", faultTest())
    tally.record("sleep", selfTest("sleep"))
    tally.record("errors", selfTest("errors"))
    tally.record("files", selfTest("files"))
    tally.record("cfiles", selfTest("cfiles"))
    print("selftest: \(tally.passed) passed, \(tally.failed) failed")
    if arg & InitArgument.linuxShell != 0 { startLinuxShell() } else { startShell() }
    unmountFiles()
    return tally.failed == 0 ? 0 : 1
}
