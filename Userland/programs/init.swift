// init: the first task. Starts the console server, the keyboard driver,
// the block server (blk, when the machine has a data disk), the file
// server (vfs) and the Linux server, then runs the self-tests one at a
// time and prints exactly one line per test,
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

/// Starts the console server above everyone else. If that fails, init takes
/// the UART itself so the results still get out.
func startConsole() {
    do throws(SyscallError) {
        _ = try Kenix.spawn("console", priority: 30)
    } catch {
        if (try? UART.claim()) != nil { Console.useUART() }
        print("init: cannot start console: \(error.name)")
    }
}

/// Starts the keyboard driver next to the console. Without a keyboard it
/// ends at once, and is reaped here so its slot is not held.
func startKeyboardDriver() {
    guard let driver = try? Kenix.spawn("kbd", priority: 30) else { return }
    if !Kenix.isAlive(driver) { _ = try? Kenix.wait(driver) }
}

/// Starts the block server when the machine has a data disk (without one
/// nothing is started, so such a run is as it always was).
func startBlockServer() {
    guard (try? BlockDriver.info(0)) != nil else { return }
    do throws(SyscallError) { _ = try Kenix.spawn("blk", priority: 29) } catch {
        print("init: cannot start the block server: \(error.name)")
    }
}

/// Starts the file server (docs/vfs.md) after the console, above the
/// self-tests and the shell, so it serves as soon as they ask.
func startFileServer() {
    do throws(SyscallError) {
        _ = try Kenix.spawn("vfs", priority: 28)
    } catch {
        print("init: cannot start the file server: \(error.name)")
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

/// Starts the Linux personality server (docs/linux.md) above the programs it
/// runs, so it answers their syscalls at once.
func startLinuxServer() {
    do throws(SyscallError) {
        _ = try Kenix.spawn("linux", priority: 20)
    } catch {
        print("init: cannot start the Linux server: \(error.name)")
    }
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

/// Runs the shell until its input ends; the system then shuts down.
func startShell() {
    switch runToEnd("ksh") {
    case .failed(let reason): print("init: cannot run the shell: \(reason)")
    case .ended(let status): if !status.isSuccess { print("init: the shell ended: \(status.description)") }
    }
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    startConsole()
    startKeyboardDriver()
    startBlockServer()   // before the file server, which mounts its disk
    startFileServer()
    startLinuxServer()
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
