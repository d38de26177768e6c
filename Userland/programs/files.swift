// files: the self-test of the file service through libkenix's Swift API
// (File, Directory, Files), on the RAM file system: data in and out (larger
// than one buffer), seek and positioned reads, status, listing, renames,
// links, the error codes, the boot image under /boot, and that the server
// releases what a client held when it ends — by exiting, or killed.
// Exit 0 = pass; otherwise one line per failed check.
//
// arg 1 / 2: the helper copy that opens a directory, makes it its current
// directory and then exits (1) or waits to be killed (2).

var failures = 0

func check(_ ok: Bool, _ what: StaticString) {
    if ok { return }
    failures += 1
    print("files: \(what)")
}

/// Runs `body`; a thrown error is a failure named `what`.
func attempt(_ what: StaticString, _ body: () throws(FileError) -> Void) {
    do throws(FileError) { try body() } catch {
        failures += 1
        print("files: \(what): \(error.name)")
    }
}

/// Checks that `body` fails with `expected`.
func expect(_ expected: FileError, _ what: StaticString, _ body: () throws(FileError) -> Void) {
    do throws(FileError) {
        try body()
        failures += 1
        print("files: \(what): succeeded, want \(expected.name)")
    } catch {
        if error != expected {
            failures += 1
            print("files: \(what): got \(error.name), want \(expected.name)")
        }
    }
}

// The two helpers below work on the arrays' storage: the Embedded build runs
// an array's element-wise subscript and `==` at ~10 instructions a byte, which
// made them most of this test's 6.6 M (300 KB written and compared).
func pattern(_ count: Int, _ seed: UInt8) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { bytes, initialized in
        var x = UInt32(seed) | 1
        for i in 0..<count { x = x &* 1_103_515_245 &+ 12345; bytes[i] = UInt8(truncatingIfNeeded: x >> 16) }
        initialized = count
    }
}

@_extern(c, "memcmp")
func memcmp(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Int32

/// Whether `a` and `b` hold the same bytes.
func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.count == b.count && a.withUnsafeBytes { x in b.withUnsafeBytes { y in
        x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0
    } }
}

func names(_ path: StaticString) throws(FileError) -> [[UInt8]] {
    try Files.list(path).map { $0.name }
}

func dataRoundTrip() {
    attempt("data") { () throws(FileError) in
        // 300 KB: more than one 256 KiB buffer, so the transfers take several requests.
        let data = pattern(300_000, 7)
        let file = try File.open("/tmp/files/big.bin", OpenFlags.readWrite | OpenFlags.create | OpenFlags.exclusive)
        check(try file.write(data) == data.count, "write count")
        check(try file.status().size == UInt64(data.count), "size after write")
        try file.seek(to: 0)
        check(same(try file.readAll(), data), "read back")
        var middle = [UInt8](repeating: 0, count: 10)
        let n = middle.withUnsafeMutableBytes { raw in (try? file.read(at: 270_000, into: raw)) ?? -1 }
        check(n == 10 && middle == Array(data[270_000..<270_010]), "positioned read")
        check(try file.seek(to: -10, from: .end) == UInt64(data.count - 10), "seek from the end")
        check(try file.read(upTo: 100) == Array(data[(data.count - 10)...]), "read at the end")
        try file.truncate(to: 1000)
        try file.close()
        check(try Files.contents(of: "/tmp/files/big.bin") == Array(data[0..<1000]), "truncate")
        // Append goes to the end whatever the position.
        try Files.write([1, 2, 3], to: "/tmp/files/log")
        let log = try File.open("/tmp/files/log", OpenFlags.writeOnly | OpenFlags.append)
        _ = try log.write([4, 5])
        try log.close()
        check(try Files.contents(of: "/tmp/files/log") == [1, 2, 3, 4, 5], "append")
    }
}

func namespace() {
    attempt("names") { () throws(FileError) in
        try Files.makeDirectory("/tmp/files/d")
        try Files.write([7], to: "/tmp/files/d/a")
        try Files.rename("/tmp/files/d/a", to: "/tmp/files/d/b")
        check(try names("/tmp/files/d") == [[0x62]], "rename shows in the listing")
        try Files.symlink("d/b", at: "/tmp/files/link")
        check(try Files.contents(of: "/tmp/files/link") == [7], "read through a link")
        check(try Files.readLink("/tmp/files/link") == Array("d/b".utf8), "readlink")
        check(try Files.status("/tmp/files/link", followLinks: false).kind == .symlink, "lstat of a link")
        try Files.changeDirectory("/tmp/files/d")
        check(try Files.currentDirectory() == Array("/tmp/files/d".utf8), "getcwd")
        check(try Files.contents(of: "../d/./b") == [7], "relative path with . and ..")
        try Files.changeDirectory("/")
        let entries = try names("/tmp/files")
        check(entries.count == 4, "four entries in /tmp/files")
    }
    expect(.notFound, "open a missing file") { () throws(FileError) in _ = try File.open("/tmp/files/none") }
    expect(.exists, "exclusive create") { () throws(FileError) in
        _ = try File.open("/tmp/files/log", OpenFlags.writeOnly | OpenFlags.create | OpenFlags.exclusive)
    }
    expect(.notEmpty, "rmdir of a full directory") { () throws(FileError) in try Files.removeDirectory("/tmp/files/d") }
    expect(.isDirectory, "unlink of a directory") { () throws(FileError) in try Files.unlink("/tmp/files/d") }
    expect(.notDirectory, "a file as a directory") { () throws(FileError) in _ = try Files.list("/tmp/files/log") }
    expect(.accessDenied, "write to /boot") { () throws(FileError) in _ = try File.open("/boot/init", OpenFlags.writeOnly) }
    expect(.badFile, "read a closed descriptor") { () throws(FileError) in _ = try File(descriptor: 63).readAll() }
    expect(.invalidArgument, "seek before the start") { () throws(FileError) in
        let f = try File.open("/tmp/files/log")
        defer { try? f.close() }
        try f.seek(to: -1)
    }
}

func bootImage() {
    attempt("/boot") { () throws(FileError) in
        let listed = try names("/boot")
        check(listed.contains(Array("init".utf8)) && listed.contains(Array("vfs".utf8)), "/boot lists the programs")
        let font = try Files.contents(of: "/boot/font.psf")
        let direct = (try? BootImage.contents(of: "font.psf")) ?? []
        check(!font.isEmpty && same(font, direct), "/boot/font.psf is the boot image's file")
        check(try Files.status("/boot/init").readOnly, "boot files are read-only")
    }
}

/// A helper copy holds a directory (open, and as its current directory) and
/// ends; the directory can be removed once the server has released it.
func releasedWhenClientEnds(_ mode: UInt64, _ what: StaticString) {
    attempt(what) { () throws(FileError) in
        try Files.makeDirectory("/tmp/files/held")
        guard let child = try? Kenix.spawn("files", arg: mode) else { check(false, "spawn the helper"); return }
        if mode == 2 {
            // Wait until it holds the directory, then kill it.
            var held = false
            for _ in 0..<200 where !held {
                Kenix.sleep(milliseconds: 1)
                held = (try? Files.status("/tmp/files/held/ready")) != nil
            }
            check(held, "the helper holds the directory")
            expect(.busy, "rmdir of another client's directory") { () throws(FileError) in
                try Files.removeDirectory("/tmp/files/held")
            }
            _ = try? Kenix.kill(child)
        }
        _ = try? Kenix.wait(child)
        var removed = false
        for _ in 0..<100 where !removed {
            removed = (try? Files.removeDirectory("/tmp/files/held")) != nil
            if !removed {
                try? Files.unlink("/tmp/files/held/ready")
                Kenix.sleep(milliseconds: 1)
            }
        }
        check(removed, "the ended client's directory is released")
    }
}

/// The helper: holds /tmp/files/held, then exits (mode 1) or waits to be killed (mode 2).
func helper(_ mode: UInt64) -> Int64 {
    try? Files.setBufferSize(16 * 1024)   // it moves a few bytes: a small buffer is enough
    do throws(FileError) {
        _ = try File.open("/tmp/files/held", OpenFlags.readOnly | OpenFlags.directory)
        try Files.changeDirectory("/tmp/files/held")
        try Files.write([1], to: "ready")
        if mode == 1 {
            try Files.unlink("ready")
            return 0
        }
        while true { Kenix.sleep(milliseconds: 1000) }
    } catch {
        print("files: helper: \(error.name)")
        return 1
    }
}

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    if arg != 0 { return helper(arg) }
    attempt("set up") { () throws(FileError) in try Files.makeDirectory("/tmp/files") }
    // The helpers first, while this task's heap is still small (little RAM on some boots).
    releasedWhenClientEnds(1, "a client that exits")
    releasedWhenClientEnds(2, "a client that is killed")
    dataRoundTrip()
    namespace()
    bootImage()
    // Leave nothing behind for the shell session.
    for name: StaticString in ["/tmp/files/d/b", "/tmp/files/link", "/tmp/files/log", "/tmp/files/big.bin"] {
        try? Files.unlink(name)
    }
    try? Files.removeDirectory("/tmp/files/d")
    attempt("clean up") { () throws(FileError) in try Files.removeDirectory("/tmp/files") }
    return failures == 0 ? 0 : 1
}
