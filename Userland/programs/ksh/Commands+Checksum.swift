// cksum FILE...: each file's CRC and size, as POSIX cksum computes and
// prints them ("CRC SIZE FILE"), so a test compares a file inside Kenix with
// the host's `cksum` of the same bytes. The CRC is CRC-32 with polynomial
// 0x04C11DB7, most significant bit first, over the data and then the
// length's bytes (least significant first, as few as it needs), inverted.

/// The CRC's table, one entry per byte value (made on first use).
var crcTable: [UInt32] = []

func crcByte(_ crc: UInt32, _ byte: UInt8) -> UInt32 {
    (crc << 8) ^ crcTable[Int(UInt8(truncatingIfNeeded: crc >> 24) ^ byte)]
}

func makeCRCTable() {
    guard crcTable.isEmpty else { return }
    crcTable.reserveCapacity(256)
    for i in 0..<256 {
        var c = UInt32(i) << 24
        for _ in 0..<8 { c = c & 0x8000_0000 != 0 ? (c << 1) ^ 0x04C1_1DB7 : c << 1 }
        crcTable.append(c)
    }
}

func checksum(_ args: [Bytes]) {
    makeCRCTable()
    for path in args {
        do throws(FileError) {
            let file = try File.open(path)
            defer { try? file.close() }
            var crc: UInt32 = 0
            var size: UInt64 = 0
            while true {
                let chunk = try file.read(upTo: 64 * 1024)
                if chunk.isEmpty { break }
                for b in chunk { crc = crcByte(crc, b) }
                size += UInt64(chunk.count)
            }
            var length = size
            while length != 0 {
                crc = crcByte(crc, UInt8(truncatingIfNeeded: length))
                length >>= 8
            }
            Console.write(UInt64(~crc))
            Console.write(" ")
            Console.write(size)
            Console.write(" ")
            Console.write(bytes: path)
            Console.newline()
        } catch {
            report("cksum", path, error)
        }
    }
}
