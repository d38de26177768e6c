// A VFS for tests: a RamFS root with /tmp and /disk, optionally a FAT32
// image mounted on /disk, and a client attached with a buffer, driven
// through the same request decoding the server uses.
import Foundation
import KenixABI
import XCTest
@testable import KenixFS

final class VFSBed {
    let clock = TestClock()
    let ram: RamFS
    let vfs: VFS<FileBlockStore>
    let client: UInt64 = 7
    let buffer: UnsafeMutableRawBufferPointer

    init(capacity: UInt64 = 8 << 20, bufferSize: Int = 64 * 1024) throws {
        ram = RamFS(capacity: capacity, clock: clock.function)
        vfs = VFS(root: .ram(ram), clock: clock.function)
        buffer = .allocate(byteCount: bufferSize, alignment: 16)
        try vfs.attach(client)
        try vfs.makeDirectory(client, bytes("/tmp"))
        try vfs.makeDirectory(client, bytes("/disk"))
    }

    deinit { buffer.deallocate() }

    func mountFAT(_ image: String, readOnly: Bool = false) throws {
        let store = try FileBlockStore(path: image, readOnly: readOnly)
        let volume = try FATVolume.mount(store, clock: clock.function)
        try vfs.mount(.fat(volume), at: bytes("/disk"))
    }

    /// A request through the protocol layer; the path (or two) goes into the buffer first.
    func request(_ op: FileRequest, path: String? = nil, second: String? = nil,
                 _ w1: UInt64 = 0, _ w2: UInt64 = 0, w0: UInt64? = nil) -> FileReply {
        var first: UInt64 = w0 ?? 0
        var arg1 = w1
        if let p = path {
            let a = bytes(p)
            for (k, b) in a.enumerated() { buffer[k] = b }
            first = UInt64(a.count)
            if let s = second {
                let b2 = bytes(s)
                for (k, b) in b2.enumerated() { buffer[a.count + k] = b }
                arg1 = UInt64(b2.count)
            }
        }
        return vfs.handle(client, op: op.rawValue, first, arg1, w2, 0, buffer: buffer)
    }

    func open(_ path: String, _ flags: UInt64) throws -> Int {
        try vfs.open(client, bytes(path), flags: flags)
    }

    func write(_ fd: Int, _ data: [UInt8]) throws -> Int {
        try data.withUnsafeBytes { raw throws(FileError) in try vfs.write(client, fd, from: raw) }
    }

    func read(_ fd: Int, _ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let n = try out.withUnsafeMutableBytes { raw throws(FileError) in try vfs.read(client, fd, into: raw) }
        return Array(out[0..<n])
    }

    func put(_ path: String, _ data: [UInt8]) throws {
        let fd = try open(path, OpenFlags.writeOnly | OpenFlags.create | OpenFlags.truncate)
        XCTAssertEqual(try write(fd, data), data.count)
        try vfs.close(client, fd)
    }

    func get(_ path: String) throws -> [UInt8] {
        let fd = try open(path, OpenFlags.readOnly)
        defer { try? vfs.close(client, fd) }
        var all: [UInt8] = []
        while true {
            let chunk = try read(fd, 100_000)
            if chunk.isEmpty { return all }
            all += chunk
        }
    }

    func list(_ path: String) throws -> [String] {
        let fd = try open(path, OpenFlags.readOnly | OpenFlags.directory)
        defer { try? vfs.close(client, fd) }
        var names: [String] = []
        try vfs.readDirectory(client, fd) { item in names.append(String(decoding: item.name, as: UTF8.self)); return true }
        return names
    }

    func cwd() throws -> String { String(decoding: try vfs.currentDirectory(client), as: UTF8.self) }
}
