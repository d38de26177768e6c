// blktest: the block server's self-test, through BlockClient on a data disk
// (`run blktest` in the shell; needs a blank disk, sector 0 all zeros, of at
// least 16384 sectors: it overwrites the disk, so it refuses any other). It
// writes, reads back and checks sectors:
//   - 2 MiB in one call each way, which the server must move in a handful
//     of device requests (it reports how many);
//   - small runs, the disk's last sector, the copying readSectors and
//     writeSectors, a flush;
//   - requests the server must refuse (outside the disk, a misaligned or
//     overlong place in the buffer, a buffer never attached);
//   - a second client (blktest 2) working on its own region at the same
//     time, and a third (blktest 3) killed while its read is in flight: the
//     server goes on and the dead client's buffer is freed.
// `run blktest 1` also expects the faults the system tests inject (reads
// of sectors 64–71 and writes of sectors 80–87 fail): both must come back
// as I/O errors, and the sectors of the failed write must stay as they were.
// The argument is mode | disk << 8: `run blktest 256` tests data disk 1
// (modes 2 and 3 are the helper clients it starts itself).
// The host then checks the disk file byte for byte (tools/blkcheck.py knows
// every sector this test writes). Exit 0 = pass; a line says what failed.

let sectorBytes = 512
let bigFirst: UInt64 = 2048            // 2 MiB from here
let bigSectors: UInt64 = 4096
let helperFirst: UInt64 = 8192         // the second client's 256 KiB
let helperSectors: UInt64 = 512
let smallRuns: [(UInt64, UInt64)] = [(100, 1), (101, 8), (7000, 3)]

/// The byte a sector holds after the test: a function of its number and
/// the byte's place (tools/blkcheck.py computes the same).
@inline(__always)
func pattern(_ sector: UInt64, _ i: Int) -> UInt8 {
    let x = (sector &* 0x9E37_79B9) ^ (UInt64(i) &* 0x85EB_CA6B) ^ (sector >> 3) ^ 0x5A
    return UInt8(truncatingIfNeeded: x ^ (x >> 11))
}

func fill(_ p: UnsafeMutableRawBufferPointer, first sector: UInt64, count: UInt64) {
    for s in 0..<Int(count) {
        for i in 0..<sectorBytes { p[s * sectorBytes + i] = pattern(sector + UInt64(s), i) }
    }
}

/// The first sector of the run at `p` that differs from the pattern, or nil.
func firstBad(_ p: UnsafeMutableRawBufferPointer, first sector: UInt64, count: UInt64) -> UInt64? {
    for s in 0..<Int(count) {
        for i in 0..<sectorBytes where p[s * sectorBytes + i] != pattern(sector + UInt64(s), i) {
            return sector + UInt64(s)
        }
    }
    return nil
}

struct Failure: Error { let reason: String }

func expect(_ condition: Bool, _ reason: @autoclosure () -> String) throws(Failure) {
    if !condition { throw Failure(reason: reason()) }
}

func describe(_ e: BlockError) -> String {
    switch e {
    case .status(let s): return "\(s.name)"
    case .system(let s): return "\(s.name)"
    }
}

/// Runs `body`, which must fail with `want`.
func expectError(_ want: BlockError, _ what: String, _ body: () throws(BlockError) -> Void) throws(Failure) {
    do throws(BlockError) {
        try body()
    } catch {
        try expect(error == want, "\(what): \(describe(error)), want \(describe(want))")
        return
    }
    throw Failure(reason: "\(what): succeeded, want \(describe(want))")
}

func check(_ body: () throws(BlockError) -> Void, _ what: String) throws(Failure) {
    do throws(BlockError) { try body() } catch { throw Failure(reason: "\(what): \(describe(error))") }
}

/// The main test (arg 0 or 1).
func mainTest(disk k: UInt64, faults: Bool) throws(Failure) {
    var client: BlockClient? = nil
    try check({ () throws(BlockError) in client = try BlockClient(disk: k, bufferSize: 2 << 20) }, "attach")
    let disk = client!
    try expect(disk.sectorSize == sectorBytes, "sector size \(disk.sectorSize)")
    try expect(disk.sectorCount >= 16384, "the disk has \(disk.sectorCount) sectors; blktest needs 16384")
    // It overwrites the disk: only a blank one (sector 0, which it never writes, all zeros).
    try check({ () throws(BlockError) in try disk.read(sector: 0, count: 1) }, "read sector 0")
    for i in 0..<sectorBytes where disk.buffer[i] != 0 {
        throw Failure(reason: "disk \(k) is not blank (sector 0 holds data): blktest overwrites a disk, so it runs only on a blank one")
    }
    print("blktest: disk \(k): \(disk.sectorCount) sectors of \(disk.sectorSize) bytes")

    // 2 MiB each way, one call each.
    var before = (requests: UInt64(0), failed: UInt64(0), served: UInt64(0))
    try check({ () throws(BlockError) in before = try disk.statistics() }, "stats")
    fill(disk.buffer, first: bigFirst, count: bigSectors)
    try check({ () throws(BlockError) in try disk.write(sector: bigFirst, count: bigSectors) }, "write 2 MiB")
    var middle = before
    try check({ () throws(BlockError) in middle = try disk.statistics() }, "stats")
    _ = memset(disk.buffer.baseAddress!, 0, Int(bigSectors) * sectorBytes)
    try check({ () throws(BlockError) in try disk.read(sector: bigFirst, count: bigSectors) }, "read 2 MiB")
    var after = before
    try check({ () throws(BlockError) in after = try disk.statistics() }, "stats")
    if let bad = firstBad(disk.buffer, first: bigFirst, count: bigSectors) {
        throw Failure(reason: "2 MiB read back: sector \(bad) differs")
    }
    let writes = middle.requests - before.requests, reads = after.requests - middle.requests
    let expected = (bigSectors * UInt64(sectorBytes) + BlockProtocol.maxDeviceRequest - 1) / BlockProtocol.maxDeviceRequest
    try expect(writes == expected && reads == expected, "2 MiB took \(writes) + \(reads) device requests, want \(expected) each")
    print("blktest: 2 MiB written and read back, one call each way: \(writes) + \(reads) device requests, every byte checked")

    // From here a second client works on its own region at the same time.
    let helper: TaskID
    do throws(SyscallError) { helper = try Kenix.spawn("blktest", arg: 2 | k << 8) } catch {
        throw Failure(reason: "spawn the second client: \(error.name)")
    }

    // Small runs, the last sector, through the copying interface.
    let small = UnsafeMutableRawBufferPointer.allocate(byteCount: 8 * sectorBytes, alignment: 16)
    defer { small.deallocate() }
    let last = disk.sectorCount - 1
    for (first, count) in smallRuns + [(last, 1)] {
        let run = UnsafeMutableRawBufferPointer(rebasing: small[0..<(Int(count) * sectorBytes)])
        fill(run, first: first, count: count)
        try check({ () throws(BlockError) in
            try disk.writeSectors(first, count: Int(count), from: UnsafeRawBufferPointer(run))
        }, "write \(count) at \(first)")
    }
    for (first, count) in smallRuns + [(last, 1)] {
        let run = UnsafeMutableRawBufferPointer(rebasing: small[0..<(Int(count) * sectorBytes)])
        _ = memset(run.baseAddress!, 0, run.count)
        try check({ () throws(BlockError) in try disk.readSectors(first, count: Int(count), into: run) },
                  "read \(count) at \(first)")
        let bad = firstBad(run, first: first, count: count)
        try expect(bad == nil, "sector \(bad ?? 0) read back differs")
    }
    try check({ () throws(BlockError) in try disk.flush() }, "flush")
    print("blktest: small runs and the last sector written and read back, flushed")

    // What the server must refuse.
    try expectError(.status(.outOfRange), "read past the end") { () throws(BlockError) in
        try disk.read(sector: disk.sectorCount, count: 1)
    }
    try expectError(.status(.outOfRange), "read across the end") { () throws(BlockError) in
        try disk.read(sector: last, count: 2)
    }
    try expectError(.status(.invalidRequest), "misaligned offset") { () throws(BlockError) in
        try disk.read(sector: 0, count: 1, bufferOffset: 100)
    }
    try expectError(.status(.invalidRequest), "beyond the buffer") { () throws(BlockError) in
        try disk.read(sector: 0, count: bigSectors + 1)
    }
    try expectError(.status(.invalidRequest), "count 0") { () throws(BlockError) in
        try disk.read(sector: 0, count: 0)
    }
    print("blktest: bad requests refused (outOfRange, invalidRequest)")

    if faults {
        try expectError(.status(.ioError), "read of sectors 64-71") { () throws(BlockError) in
            try disk.read(sector: 64, count: 8)
        }
        try expectError(.status(.ioError), "read of 60-75 (partly failing)") { () throws(BlockError) in
            try disk.read(sector: 60, count: 16)
        }
        fill(disk.buffer, first: 80, count: 8)
        try expectError(.status(.ioError), "write of sectors 80-87") { () throws(BlockError) in
            try disk.write(sector: 80, count: 8)
        }
        try check({ () throws(BlockError) in try disk.read(sector: 100, count: 1) }, "a read after the failures")
        try expect(firstBad(disk.buffer, first: 100, count: 1) == nil, "sector 100 differs after the failures")
        print("blktest: injected read and write failures come back as ioError; the disk goes on")
    }

    // The second client ran at the same time; the third dies mid-read.
    switch try? Kenix.wait(helper) {
    case .some(.exited(0)): break
    case .some(let s): throw Failure(reason: "the second client: \(s.description)")
    case .none: throw Failure(reason: "wait for the second client")
    }
    try killedClient(disk: k)
    print("blktest: a second client at the same time; a client killed mid-read; the server goes on")
    print("blktest: ok")
}

/// Starts a client that reads 2 MiB, kills it while the read is in flight,
/// then checks the server still answers and the client's buffer is freed.
func killedClient(disk k: UInt64) throws(Failure) {
    let freeBefore = Kenix.memoryInfo().freeFrames
    let victim: TaskID
    do throws(SyscallError) { victim = try Kenix.spawn("blktest", arg: 3 | k << 8) } catch {
        throw Failure(reason: "spawn the third client: \(error.name)")
    }
    // It attaches 2 MiB, then blocks in its read; kill it then.
    var waited = 0
    while Kenix.status(of: victim) != .blocked || Kenix.memoryInfo().freeFrames + 512 > freeBefore {
        Kenix.sleep(milliseconds: 1)
        waited += 1
        try expect(waited < 2000, "the third client never blocked with its buffer attached")
    }
    let freeWhileAlive = Kenix.memoryInfo().freeFrames
    do throws(SyscallError) { try Kenix.kill(victim); _ = try Kenix.wait(victim) } catch {
        throw Failure(reason: "kill the third client: \(error.name)")
    }
    var client: BlockClient? = nil
    try check({ () throws(BlockError) in client = try BlockClient(disk: k, bufferSize: 4096) }, "attach after the kill")
    try check({ () throws(BlockError) in try client!.read(sector: 100, count: 1) }, "read after the kill")
    try expect(firstBad(client!.buffer, first: 100, count: 1) == nil, "sector 100 differs after the kill")
    client = nil
    // The dead client's 2 MiB (512 frames) go back once its read completes
    // (other tasks may take a few frames meanwhile, never 512).
    waited = 0
    while Kenix.memoryInfo().freeFrames < freeWhileAlive + 512 {
        Kenix.sleep(milliseconds: 1)
        waited += 1
        try expect(waited < 2000, "the killed client's buffer was not freed (\(Kenix.memoryInfo().freeFrames) free, \(freeWhileAlive) before the kill)")
    }
}

/// blktest 2: the second client, on its own region.
func helperTest(disk k: UInt64) throws(Failure) {
    var client: BlockClient? = nil
    try check({ () throws(BlockError) in client = try BlockClient(disk: k, bufferSize: 256 * 1024) }, "helper attach")
    let disk = client!
    fill(disk.buffer, first: helperFirst, count: helperSectors)
    try check({ () throws(BlockError) in try disk.write(sector: helperFirst, count: helperSectors) }, "helper write")
    _ = memset(disk.buffer.baseAddress!, 0, Int(helperSectors) * sectorBytes)
    try check({ () throws(BlockError) in try disk.read(sector: helperFirst, count: helperSectors) }, "helper read")
    if let bad = firstBad(disk.buffer, first: helperFirst, count: helperSectors) {
        throw Failure(reason: "helper: sector \(bad) differs")
    }
}

/// blktest 3: attaches 2 MiB and reads into it until it is killed.
func victim(disk k: UInt64) -> Int64 {
    guard let disk = try? BlockClient(disk: k, bufferSize: 2 << 20) else { return 1 }
    while true { _ = try? disk.read(sector: bigFirst, count: bigSectors) }
}

@_extern(c, "memset")
func memset(_ p: UnsafeMutableRawPointer, _ value: Int32, _ count: Int) -> UnsafeMutableRawPointer

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    let mode = arg & 0xFF, disk = arg >> 8
    if mode == 3 { return victim(disk: disk) }
    do throws(Failure) {
        if mode == 2 { try helperTest(disk: disk) } else { try mainTest(disk: disk, faults: mode == 1) }
    } catch {
        print("blktest: FAILED \(error.reason)")
        return 1
    }
    return 0
}
