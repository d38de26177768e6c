// struct stat and struct statx as Debian's aarch64 glibc lays them out
// (st_mode 16, st_nlink 20, st_uid 24, st_rdev 32, st_size 48, st_blksize
// 56, st_blocks 64, st_atim 72, st_mtim 88, st_ctim 104; 128 bytes), and
// linux_dirent64 records.
import KenixLinux
import XCTest

final class FileInfoTests: XCTestCase {
    func sample() -> FileInfo {
        var i = FileInfo(type: .regular, permissions: 0o755)
        i.size = 12345; i.inode = 77; i.device = 3; i.links = 1; i.allocated = 16384
        i.accessed = 1_767_225_600_123_456_789; i.modified = 1_767_225_601_000_000_000; i.changed = 5
        return i
    }

    func testStatLayout() {
        let b = sample().stat
        XCTAssertEqual(b.count, 128)
        XCTAssertEqual(LE.u64(b, 0), 3)
        XCTAssertEqual(LE.u64(b, 8), 77)
        XCTAssertEqual(LE.u32(b, 16), 0o100755)
        XCTAssertEqual(LE.u32(b, 20), 1)
        XCTAssertEqual(LE.u64(b, 48), 12345)
        XCTAssertEqual(LE.u32(b, 56), 4096)
        XCTAssertEqual(LE.u64(b, 64), 32, "512-byte blocks")
        XCTAssertEqual(LE.u64(b, 72), 1_767_225_600)
        XCTAssertEqual(LE.u64(b, 80), 123_456_789)
        XCTAssertEqual(LE.u64(b, 88), 1_767_225_601)
    }

    func testModesOfEveryType() {
        XCTAssertEqual(FileInfo(type: .directory, permissions: 0o755).mode, 0o040755)
        XCTAssertEqual(FileInfo(type: .symlink, permissions: 0o777).mode, 0o120777)
        XCTAssertEqual(FileInfo(type: .characterDevice, permissions: 0o666).mode, 0o020666)
        XCTAssertEqual(FileInfo(type: .fifo, permissions: 0o600).mode, 0o010600)
        XCTAssertEqual(FileInfo(type: .regular, permissions: 0o177777).mode, 0o107777, "only permission bits")
    }

    func testStatx() {
        let b = sample().statx
        XCTAssertEqual(b.count, 256)
        XCTAssertEqual(LE.u32(b, 0), 0x7FF, "STATX_BASIC_STATS")
        XCTAssertEqual(LE.u16(b, 28), 0o100755)
        XCTAssertEqual(LE.u64(b, 32), 77)
        XCTAssertEqual(LE.u64(b, 40), 12345)
        XCTAssertEqual(LE.u64(b, 112), 1_767_225_601, "stx_mtime")
    }

    func testDirentRecords() {
        var out: [UInt8] = []
        XCTAssertTrue(Dirent.append(&out, limit: 64, inode: 9, next: 1, type: .directory, name: Array(".".utf8)))
        XCTAssertEqual(out.count, 24, "19 + 1 + NUL, padded to 8")
        XCTAssertEqual(LE.u64(out, 0), 9)
        XCTAssertEqual(LE.u64(out, 8), 1)
        XCTAssertEqual(LE.u16(out, 16), 24)
        XCTAssertEqual(out[18], 4, "DT_DIR")
        XCTAssertEqual(out[19], 0x2E)
        XCTAssertTrue(Dirent.append(&out, limit: 64, inode: 10, next: 2, type: .regular, name: Array("busybox".utf8)))
        XCTAssertEqual(out.count, 24 + 32)
        XCTAssertFalse(Dirent.append(&out, limit: 64, inode: 11, next: 3, type: .symlink, name: Array("x".utf8)),
                       "does not fit")
        XCTAssertEqual(out.count, 56, "nothing written when it does not fit")
    }
}
