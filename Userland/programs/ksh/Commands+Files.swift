// File commands over libkenix's Files API: ls [-l], cat, write, echo's
// redirection, cp, mv, rm, mkdir, rmdir, cd, pwd, df and sync. Errors print
// as "COMMAND: PATH: error" and the shell goes on.

/// Names in byte order (the listing is the same on every file system).
func sorted(_ entries: [DirectoryEntry]) -> [DirectoryEntry] {
    entries.sorted { a, b in a.name.lexicographicallyPrecedes(b.name) }
}

func list(_ args: [Bytes]) {
    var long = false
    var paths: [Bytes] = []
    for a in args {
        if equals(a, "-l") { long = true } else { paths.append(a) }
    }
    if paths.isEmpty { paths = [[0x2E]] }
    for (i, path) in paths.enumerated() {
        let status: FileStatus
        do throws(FileError) { status = try Files.status(path) } catch { report("ls", path, error); continue }
        guard status.kind == .directory else {
            listEntry(name: path, path: path, long: long)
            continue
        }
        if paths.count > 1 {
            if i > 0 { Console.newline() }
            Console.write(bytes: path)
            Console.writeLine(":")
        }
        let entries: [DirectoryEntry]
        do throws(FileError) { entries = try Files.list(path) } catch { report("ls", path, error); continue }
        for e in sorted(entries) { listEntry(name: e.name, path: joined(path, e.name), long: long) }
    }
}

/// One line of `ls`: the name, or with -l "KIND SIZE DATE NAME [-> TARGET]".
func listEntry(name: Bytes, path: Bytes, long: Bool) {
    guard long else {
        Console.write(bytes: name)
        return Console.newline()
    }
    let status: FileStatus
    do throws(FileError) { status = try Files.status(path, followLinks: false) } catch { return report("ls", path, error) }
    switch status.kind {
    case .directory: Console.write("d         -  ")
    case .symlink:
        Console.write("l")
        writeNumber(status.size, width: 10)
        Console.write("  ")
    case .regular:
        Console.write("-")
        writeNumber(status.size, width: 10)
        Console.write("  ")
    }
    writeDate(status.modified)
    Console.write("  ")
    Console.write(bytes: name)
    if status.kind == .symlink, let target = try? Files.readLink(path) {
        Console.write(" -> ")
        Console.write(bytes: target)
    }
    Console.newline()
}

func cat(_ args: [Bytes]) {
    for path in args {
        do throws(FileError) {
            let file = try File.open(path)
            defer { try? file.close() }
            while true {
                let chunk = try file.read(upTo: 4096)
                if chunk.isEmpty { break }
                Console.write(bytes: chunk)
            }
        } catch {
            report("cat", path, error)
        }
    }
}

func writeFile(_ bytes: Bytes, to path: Bytes, append: Bool, command: StaticString) {
    do throws(FileError) {
        let flags = OpenFlags.writeOnly | OpenFlags.create | (append ? OpenFlags.append : OpenFlags.truncate)
        let file = try File.open(path, flags)
        defer { try? file.close() }
        if try file.write(bytes) < bytes.count { throw .noSpace }
    } catch {
        report(command, path, error)
    }
}

func writeWords(_ args: [Bytes]) {
    var text: Bytes = []
    for (i, w) in args.dropFirst().enumerated() {
        if i > 0 { text.append(0x20) }
        text.append(contentsOf: w)
    }
    text.append(0x0A)
    writeFile(text, to: args[0], append: false, command: "write")
}

/// `to`, or `to/basename(from)` when `to` is a directory.
func destination(_ from: Bytes, _ to: Bytes) -> Bytes {
    if let s = try? Files.status(to), s.kind == .directory { return joined(to, baseName(from)) }
    return to
}

/// Copies file `from` to `to` a chunk at a time.
func copyFile(_ from: Bytes, _ to: Bytes, command: StaticString) -> Bool {
    do throws(FileError) {
        let source = try File.open(from)
        defer { try? source.close() }
        if try source.status().kind == .directory { throw .isDirectory }
        let target: File
        do throws(FileError) { target = try File.open(to, OpenFlags.writeOnly | OpenFlags.create | OpenFlags.truncate) } catch {
            report(command, to, error)
            return false
        }
        defer { try? target.close() }
        while true {
            let chunk = try source.read(upTo: 64 * 1024)
            if chunk.isEmpty { return true }
            if try target.write(chunk) < chunk.count {
                report(command, to, .noSpace)
                return false
            }
        }
    } catch {
        report(command, from, error)
        return false
    }
}

func copy(_ args: [Bytes]) {
    _ = copyFile(args[0], destination(args[0], args[1]), command: "cp")
}

/// Renames; between file systems (crossDevice) a file is copied, then removed.
func move(_ args: [Bytes]) {
    let from = args[0], to = destination(args[0], args[1])
    do throws(FileError) {
        try Files.rename(from, to: to)
    } catch {
        guard error == .crossDevice, let s = try? Files.status(from), s.kind == .regular else {
            return report("mv", from, error)
        }
        guard copyFile(from, to, command: "mv") else { return }
        do throws(FileError) { try Files.unlink(from) } catch { report("mv", from, error) }
    }
}

func remove(_ args: [Bytes]) {
    for path in args {
        do throws(FileError) { try Files.unlink(path) } catch { report("rm", path, error) }
    }
}

func makeDirectories(_ args: [Bytes]) {
    for path in args {
        do throws(FileError) { try Files.makeDirectory(path) } catch { report("mkdir", path, error) }
    }
}

func removeDirectories(_ args: [Bytes]) {
    for path in args {
        do throws(FileError) { try Files.removeDirectory(path) } catch { report("rmdir", path, error) }
    }
}

func changeDirectory(_ args: [Bytes]) {
    let path = args.first ?? [0x2F]
    do throws(FileError) { try Files.changeDirectory(path) } catch { report("cd", path, error) }
}

func printWorkingDirectory() {
    do throws(FileError) {
        Console.write(bytes: try Files.currentDirectory())
        Console.newline()
    } catch {
        Console.write("pwd: ")
        Console.writeLine(error.name)
    }
}

func diskFree() {
    let mounts: [MountInfo]
    do throws(FileError) { mounts = try Files.mounts() } catch {
        Console.write("df: ")
        return Console.writeLine(error.name)
    }
    Console.writeLine("TYPE     SIZE KiB   USED KiB   FREE KiB  MOUNTED ON")
    for m in mounts {
        let u = m.usage
        switch u.type {
        case .ram?: Console.write("ramfs ")
        case .fat32?: Console.write("fat32 ")
        case nil: Console.write("?     ")
        }
        let kib = u.blockSize / 1024 == 0 ? 1 : u.blockSize / 1024
        let scale: (UInt64) -> UInt64 = { u.blockSize >= 1024 ? $0 * kib : $0 * u.blockSize / 1024 }
        writeNumber(scale(u.totalBlocks), width: 11)
        writeNumber(scale(u.totalBlocks - min(u.freeBlocks, u.totalBlocks)), width: 11)
        writeNumber(scale(u.freeBlocks), width: 11)
        Console.write("  ")
        Console.write(bytes: m.path)
        if u.readOnly { Console.write(" (read-only)") }
        Console.newline()
    }
}

func syncAll() {
    do throws(FileError) { try Files.sync() } catch {
        Console.write("sync: ")
        Console.writeLine(error.name)
    }
}
