// fuzz: the syscall fuzz target (docs/capabilities.md, "Fuzzing").
//
// Started with `driverFlag` (bit 53) as the first task (`kenix-sim run
// --init fuzz --init-arg A`, or the host test Tests/SystemTests/FuzzTests),
// it is the driver. Argument: bits 0–31 the seed, 32–47 the budget of the
// first hostile root in units of 1,024 syscalls (0: 16), bit 53 set. Any
// other argument without HostileArg.flag (a hostile task spawning `fuzz`
// with a made-up argument) ends at once. It spawns two
// hostile roots (Hostile.swift) with no handle but their parent: A with the
// budget, B with four times it; reaps A, kills B, kills every task left
// (orphans) through the task directory when it holds it (init does), pass
// after pass until one finds none, then
// checks that the task count and the free frames are back where they were
// before, and prints one line:
//
//     fuzz: seed 7: 262144 syscalls (root A's tree), B killed, tasks 1 -> 1, free frames 31000 -> 31000
//
// It exits 0 when both are back and neither root found its own memory
// changed under it (ISOLATION BROKEN), 1 otherwise. The host test checks more
// (handles, objects, every table) after the driver has ended.

func countTasks(directory: UInt64) -> Int {
    var n = 0
    var slot: UInt64 = 1   // slot 0 is never used
    while true {
        let r = RawSyscall.invokeWithRegisters(.taskInfo, directory, slot)
        if r.x0 < 0 { return r.x0 == SyscallError.invalidArgument.rawValue ? n : -1 }
        if r.x0 > 0 && r.x1 != 4 { n += 1 }
        slot += 1
    }
}

/// Kills every live task but the caller through the task directory.
func killOthers(directory: UInt64) -> Int {
    let me = UInt64(bitPattern: RawSyscall.invoke(.getpid))
    var killed = 0
    var slot: UInt64 = 1   // slot 0 is never used
    while true {
        let r = RawSyscall.invokeWithRegisters(.taskInfo, directory, slot)
        if r.x0 < 0 { return killed }
        if r.x0 > 0 && UInt64(r.x0) != me && r.x1 != 4 && RawSyscall.invoke(.kill, directory, UInt64(r.x0)) == 0 {
            killed += 1
        }
        slot += 1
    }
}

func drive(_ arg: UInt64) -> Int64 {
    let seed = arg & 0xFFFF_FFFF
    let units = (arg >> 32) & 0xFFFF
    let budget = (units == 0 ? 16 : units) * 1024
    // As init: own the UART so print() works without a console server.
    _ = RawSyscall.invoke(.uartClaim, InitHandle.uart)
    let info = RawSyscall.invokeWithRegisters(.handleInfo, InitHandle.taskDirectory)
    let directory: UInt64? = info.x0 == Int64(ObjectKind.taskDirectory.rawValue) ? InitHandle.taskDirectory : nil
    print("fuzz: seed \(seed): two hostile roots, budget \(budget) and \(budget * 4) (killed)")
    let tasksBefore = directory.map { countTasks(directory: $0) } ?? 0
    let framesBefore = Kenix.memoryInfo().freeFrames

    let name: StaticString = "fuzz"
    func start(_ seed: UInt64, _ budget: UInt64) -> Int64 {
        // Half the driver's ceilings: the roots' trees cannot take the driver's room.
        RawSyscall.invoke(.spawn, UInt64(UInt(bitPattern: name.utf8Start)), UInt64(name.utf8CodeUnitCount),
                          HostileArg.make(seed: seed, budget: budget, generation: 0), 0, 0, 128)
    }
    let a = start(seed &* 2, budget)
    let b = start(seed &* 2 &+ 1, budget * 4)
    guard a > 0, b > 0 else {
        print("fuzz: cannot spawn the hostile roots (\(a), \(b))")
        return 1
    }
    let ra = RawSyscall.invokeWithRegisters(.wait, UInt64(a))
    let aCount: UInt64 = ra.x0 == 0 && ra.x2 == 0 && Int64(bitPattern: ra.x1) > 0 ? ra.x1 : 0
    let bKill = RawSyscall.invoke(.kill, UInt64(b))
    let rb = RawSyscall.invokeWithRegisters(.wait, UInt64(b))
    _ = RawSyscall.invoke(.handleClose, UInt64(a))
    _ = RawSyscall.invoke(.handleClose, UInt64(b))
    // Pass after pass: a task not yet killed may fork into a slot the pass
    // has already gone by (on QEMU, where the driver's passes and the
    // others' time slices interleave differently than in kenix-sim).
    var orphans = 0
    if let directory {
        for _ in 0..<64 {
            let killed = killOthers(directory: directory)
            orphans += killed
            if killed == 0 { break }
        }
    }

    let tasksAfter = directory.map { countTasks(directory: $0) } ?? 0
    let framesAfter = Kenix.memoryInfo().freeFrames
    let bEnd: StaticString = bKill == 0 ? "B killed" : (rb.x2 == 0 ? "B ended first" : "B died")
    print("fuzz: seed \(seed): \(aCount) syscalls (root A's tree), \(bEnd), \(orphans) orphans killed, tasks \(tasksBefore) -> \(tasksAfter), free frames \(framesBefore) -> \(framesAfter)")
    if ra.x0 != 0 || ra.x2 != 0 { print("fuzz: root A did not exit normally (wait \(ra.x0), kind \(ra.x2), status \(ra.x1))") }
    // A root's own state changed under it: another task or a stale
    // translation wrote into its memory (Hostile.run).
    func isBroken(_ r: SyscallRegisters) -> Bool { r.x0 == 0 && r.x2 == 0 && Int64(bitPattern: r.x1) == isolationBroken }
    let broken = (isBroken(ra) ? 1 : 0) + (isBroken(rb) ? 1 : 0)
    if broken > 0 { print("fuzz: ISOLATION BROKEN: \(broken) root(s) found their own memory changed under them") }
    return tasksAfter == tasksBefore && framesAfter == framesBefore && ra.x0 == 0 && ra.x2 == 0 && broken == 0 ? 0 : 1
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    if arg & HostileArg.flag != 0 {
        var task = Hostile(arg: arg)
        return task.run()
    }
    return arg & driverFlag != 0 ? drive(arg) : 0
}

let driverFlag: UInt64 = 1 << 53
