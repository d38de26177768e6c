// DataDisks: the file server mounts the FAT32 volume of every data disk the
// block server serves — data disk 0 on /disk, disk k on /diskk (/disk1 ...
// /disk7) — once, at start. One 256 KiB block buffer serves them all (the
// server handles one request at a time, and a task maps only 8 objects).
// A disk without a usable volume is said so in one line, with the reason
// (FAT16 or FAT12 by cluster count, a damaged boot sector, a truncated image,
// an empty disk, ...), and its mount point stays an empty directory; a
// damaged FAT is mounted read-only with a warning. Nothing here stops the
// server: a machine whose disks are all refused serves files as one without.

extension FileServer {
    /// "/disk" for disk 0, "/diskK" for the others.
    static func mountPoint(_ disk: UInt64) -> [UInt8] {
        var path: [UInt8] = [0x2F, 0x64, 0x69, 0x73, 0x6B]
        if disk > 0 { path.append(0x30 + UInt8(disk % 10)) }
        return path
    }

    /// "vfs: /diskK: " (the start of every line about disk K).
    static func say(_ disk: UInt64) {
        Console.write("vfs: ")
        Console.write(bytes: mountPoint(disk))
        Console.write(": ")
    }

    func mountDataDisks(clock: @escaping WallClock) {
        let first: BlockClient
        do throws(BlockError) { first = try BlockClient(disk: 0, bufferSize: 256 * 1024) } catch {
            // No block server: the machine has no data disk, and nothing is said.
            if error != .system(.notFound) {
                Self.say(0)
                Console.writeLine("the block server does not serve data disk 0; no data disk is mounted")
            }
            return
        }
        let count = min(first.diskCount, 8)
        mount(disk: 0, BlockDisk(first), clock: clock)
        guard count > 1 else { return }
        for k in 1..<count {
            if let node = try? ram.create(in: ram.rootNode, Array(Self.mountPoint(k).dropFirst()), kind: .directory, target: []) {
                ram.release(node)
            }
            do throws(BlockError) { mount(disk: k, BlockDisk(try BlockClient(disk: k, sharing: first)), clock: clock) } catch {
                Self.say(k)
                Console.writeLine("the block server does not describe the disk; not mounted")
            }
        }
    }

    private func mount(disk k: UInt64, _ store: BlockDisk, clock: @escaping WallClock) {
        do throws(MountFailure) {
            let volume = try FATVolume.mount(store, clock: clock)
            for warning in volume.warnings {
                Self.say(k)
                Console.writeLine(warning)
            }
            do throws(FileError) { try vfs.mount(.fat(volume), at: Self.mountPoint(k)) } catch {
                Self.say(k)
                Console.write("cannot mount: ")
                Console.writeLine(error.name)
            }
        } catch {
            Self.say(k)
            Console.write("data disk ")
            Console.write(k)
            Console.write(" is not mounted: ")
            Console.write(error.reason)
            if error.clusters > 0 {
                Console.write(" (")
                Console.write(error.clusters)
                Console.write(" clusters)")
            }
            Console.newline()
        }
    }
}
