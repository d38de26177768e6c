// fsbench: the file service's benchmark (issue 10), for `make bench`
// (Tests/QEMU/fsbench.sh) and `run fsbench` in the shell. Every workload is
// measured with the kernel clock and the CPU's retired-instruction counter
// (`Kenix.clockAndInstructions`), read just before and just after it. On
// QEMU under `-icount` the counter is the PMU's count of every guest
// instruction (fsbench, the file server, the block server, the kernel),
// and the clock also holds the idle time -icount's sleep=off warps past
// while the disk works (to the next timer: the supervisor's heartbeat), so
// the instructions are the cost. In kenix-sim the clock is simulated time
// (user instructions at 1 ns each, plus the simulated disk's latency) and
// the counter the user instructions simulated.
//
// On /disk (data disk 0's FAT32 volume, `make disk`'s image) it reads
// /data/random.bin (2 MiB) twice — cold the first time, since nothing
// reads it between boot and here, then warm —, writes a copy to
// /disk/fsbench/seq.bin, syncs, reads the copy back, makes 256 seeded 4 KiB
// reads at random places, and opens, fstats and closes a file three
// directories below the volume's root 100 times. On /tmp (the RAM file
// system) the same without the cold read and the sync. Each result is one
// line (the shell prints nothing else between them):
//
//     fsbench: /disk read cold: 2097152 bytes, 5989744 ns, 5101234 instructions, 10 file requests, 17 block requests, 17 device requests
//
// file requests are the calls fsbench made to the file server; block and
// device requests are the block server's counts for disk 0 (its `stats`)
// over the workload: calls it served, device requests it submitted. Before
// a workload it prints "fsbench: start NAME", so a script can stamp lines
// with host time. Everything read is compared with what it must be (the
// cold read with the warm one, the copy with the original, each random
// read with the same bytes of the original); a mismatch or an error ends
// the run with exit status 1 and a line saying what. Exit 0: all done.
// arg bit 0: /tmp only (no data disk needed); bit 1: quick (16 random reads,
// 10 open+fstat+close rounds), for the system tests, which time nothing.

let fileSize = 2 << 20
let randomSize = 4096
var randomReads = 256
var statRounds = 100

struct Failure: Error { let reason: String }

@_extern(c, "memcmp")
func memcmp(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Int32

/// The block server's counters for disk 0: (device requests, calls served);
/// zeros without a block server (no data disk).
func blockCounts() -> (device: UInt64, served: UInt64) {
    guard let server = try? Service.lookup(.block),
          let r = try? IPC.call(server, Message(tag: BlockProtocol.tag(.stats, disk: 0))),
          r.tag == BlockStatus.ok.rawValue else { return (0, 0) }
    return (r.w0, r.w2)
}

/// Times `body`, which returns the number of file-server requests it made,
/// and prints the result line for `bytes` bytes (0: not a transfer).
func measure(_ name: String, bytes: Int, _ body: () throws(Failure) -> Int) throws(Failure) {
    print("fsbench: start \(name)")
    let blockBefore = blockCounts()
    let t0 = Kenix.clockAndInstructions()
    let requests = try body()
    let t1 = Kenix.clockAndInstructions()
    let blockAfter = blockCounts()
    print("fsbench: \(name): \(bytes) bytes, \(t1.nanoseconds - t0.nanoseconds) ns, "
          + "\(t1.instructions &- t0.instructions) instructions, \(requests) file requests, "
          + "\(blockAfter.served - blockBefore.served) block requests, \(blockAfter.device - blockBefore.device) device requests")
}

func check<T>(_ what: String, _ body: () throws(FileError) -> T) throws(Failure) -> T {
    do throws(FileError) { return try body() } catch { throw Failure(reason: "\(what): \(error.name)") }
}

/// File-server requests a transfer of `bytes` takes through a buffer of `buffer` bytes.
func chunks(_ bytes: Int, _ buffer: Int) -> Int { (bytes + buffer - 1) / buffer }

/// Reads all of `path` into `into` (its size must be the file's): open, reads, close.
func readFile(_ path: String, into: UnsafeMutableRawBufferPointer, buffer: Int) throws(Failure) -> Int {
    let file = try check("open \(path)") { () throws(FileError) in try File.open(path) }
    let n = try check("read \(path)") { () throws(FileError) in try file.read(into: into) }
    try check("close \(path)") { () throws(FileError) in try file.close() }
    guard n == into.count else { throw Failure(reason: "\(path): \(n) bytes, want \(into.count)") }
    return 2 + chunks(n, buffer)
}

func writeFile(_ path: String, from: UnsafeMutableRawBufferPointer, buffer: Int) throws(Failure) -> Int {
    let flags = OpenFlags.writeOnly | OpenFlags.create | OpenFlags.truncate
    let file = try check("create \(path)") { () throws(FileError) in try File.open(path, flags) }
    let n = try check("write \(path)") { () throws(FileError) in try file.write(UnsafeRawBufferPointer(from)) }
    try check("close \(path)") { () throws(FileError) in try file.close() }
    guard n == from.count else { throw Failure(reason: "\(path): wrote \(n) bytes, want \(from.count)") }
    return 2 + chunks(n, buffer)
}

func same(_ a: UnsafeMutableRawBufferPointer, _ b: UnsafeMutableRawBufferPointer, _ what: String) throws(Failure) {
    if a.count != b.count || memcmp(a.baseAddress!, b.baseAddress!, a.count) != 0 {
        throw Failure(reason: "\(what) differs")
    }
}

/// 4 KiB reads (`pread`, one request each) at seeded, block-aligned places
/// of `path`, each compared with the same bytes of `original`.
func randomReads(_ path: String, original: UnsafeMutableRawBufferPointer,
                 scratch: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
    let file = try check("open \(path)") { () throws(FileError) in try File.open(path) }
    var state: UInt64 = 0x4B45_4E49_5846_5342   // fixed: the same places every run
    let chunk = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<randomSize])
    for i in 0..<randomReads {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        let offset = Int(state % UInt64(fileSize / randomSize)) * randomSize
        let n = try check("read at \(offset)") { () throws(FileError) in try file.read(at: UInt64(offset), into: chunk) }
        guard n == randomSize,
              memcmp(chunk.baseAddress!, original.baseAddress! + offset, randomSize) == 0 else {
            throw Failure(reason: "random read \(i) at \(offset) differs")
        }
    }
    try check("close \(path)") { () throws(FileError) in try file.close() }
    return 2 + randomReads
}

func openStatClose(_ path: String, size: UInt64) throws(Failure) -> Int {
    for _ in 0..<statRounds {
        let file = try check("open \(path)") { () throws(FileError) in try File.open(path) }
        let status = try check("fstat \(path)") { () throws(FileError) in try file.status() }
        try check("close \(path)") { () throws(FileError) in try file.close() }
        guard status.size == size else { throw Failure(reason: "\(path): size \(status.size), want \(size)") }
    }
    return 3 * statRounds
}

func makeDirectories(_ paths: [String]) throws(Failure) {
    for p in paths {
        do throws(FileError) { try Files.makeDirectory(p) } catch {
            if error != .exists { throw Failure(reason: "mkdir \(p): \(error.name)") }
        }
    }
}

func onDisk(_ a: UnsafeMutableRawBufferPointer, _ b: UnsafeMutableRawBufferPointer, buffer: Int) throws(Failure) {
    let original = "/disk/data/random.bin"
    let copy = "/disk/fsbench/seq.bin"
    try measure("/disk read cold", bytes: fileSize) { () throws(Failure) in try readFile(original, into: a, buffer: buffer) }
    try measure("/disk read warm", bytes: fileSize) { () throws(Failure) in try readFile(original, into: b, buffer: buffer) }
    try same(a, b, "the warm read of \(original)")
    try makeDirectories(["/disk/fsbench"])
    try measure("/disk write", bytes: fileSize) { () throws(Failure) in try writeFile(copy, from: a, buffer: buffer) }
    try measure("/disk sync", bytes: 0) { () throws(Failure) in
        try check("sync") { () throws(FileError) in try Files.sync() }
        return 1
    }
    _ = memset(b.baseAddress!, 0, b.count)
    try measure("/disk read written", bytes: fileSize) { () throws(Failure) in try readFile(copy, into: b, buffer: buffer) }
    try same(a, b, copy)
    try measure("/disk random 4k reads", bytes: randomReads * randomSize) { () throws(Failure) in
        try randomReads(original, original: a, scratch: b)
    }
    let deep = "/disk/Documents/Projects/A very long directory name for VFAT entries/nested.txt"
    try measure("/disk open+fstat+close", bytes: 0) { () throws(Failure) in try openStatClose(deep, size: 25) }
}

func onTmp(_ a: UnsafeMutableRawBufferPointer, _ b: UnsafeMutableRawBufferPointer, buffer: Int) throws(Failure) {
    let copy = "/tmp/fsbench/seq.bin"
    try makeDirectories(["/tmp/fsbench", "/tmp/fsbench/deep"])
    try measure("/tmp write", bytes: fileSize) { () throws(Failure) in try writeFile(copy, from: a, buffer: buffer) }
    _ = memset(b.baseAddress!, 0, b.count)
    try measure("/tmp read", bytes: fileSize) { () throws(Failure) in try readFile(copy, into: b, buffer: buffer) }
    try same(a, b, copy)
    try measure("/tmp read again", bytes: fileSize) { () throws(Failure) in try readFile(copy, into: b, buffer: buffer) }
    try same(a, b, copy)
    try measure("/tmp random 4k reads", bytes: randomReads * randomSize) { () throws(Failure) in
        try randomReads(copy, original: a, scratch: b)
    }
    let deep = "/tmp/fsbench/deep/nested.txt"
    let text: [UInt8] = Array("nested three levels deep\n".utf8)
    try check("write \(deep)") { () throws(FileError) in try Files.write(text, to: deep) }
    try measure("/tmp open+fstat+close", bytes: 0) { () throws(Failure) in try openStatClose(deep, size: 25) }
    try check("remove \(copy)") { () throws(FileError) in try Files.unlink(copy) }
}

@_extern(c, "memset")
func memset(_ p: UnsafeMutableRawPointer, _ value: Int32, _ count: Int) -> UnsafeMutableRawPointer

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    let a = UnsafeMutableRawBufferPointer.allocate(byteCount: fileSize, alignment: 16)
    let b = UnsafeMutableRawBufferPointer.allocate(byteCount: fileSize, alignment: 16)
    defer { a.deallocate(); b.deallocate() }
    if arg & 2 != 0 { randomReads = 16; statRounds = 10 }
    do throws(Failure) {
        let buffer = try check("attach") { () throws(FileError) in try Files.buffer().count }
        if arg & 1 == 0 {
            try onDisk(a, b, buffer: buffer)
        } else {
            // No original on the disk: a deterministic pattern instead.
            for i in 0..<fileSize { a[i] = UInt8(truncatingIfNeeded: (i &* 2_654_435_761) >> 13) }
        }
        try onTmp(a, b, buffer: buffer)
    } catch {
        print("fsbench: FAILED \(error.reason)")
        return 1
    }
    print("fsbench: ok")
    return 0
}
