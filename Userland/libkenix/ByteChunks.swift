// ByteChunks: bytes gathered in pieces (replies copied out of the file
// service's shared buffer) and joined once into one array. Array's own
// append of a buffer slice moves one byte at a time in the Embedded build
// (~8 instructions a byte, plus ~5 for every byte moved when it grows): a
// 300 KB readAll cost ~2.6 M instructions. Here each byte is copied twice,
// both times by the runtime's word-at-a-time memmove.

struct ByteChunks {
    private var chunks: [[UInt8]] = []
    private(set) var count = 0

    /// Copies `bytes` in.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        chunks.append(Self.copy(of: bytes))
        count += bytes.count
    }

    /// The bytes so far, as one array.
    func joined() -> [UInt8] {
        if chunks.count <= 1 { return chunks.first ?? [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var at = UnsafeMutableRawPointer(buffer.baseAddress!)
            for chunk in chunks {
                chunk.withUnsafeBytes { at.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                at += chunk.count
            }
            initialized = count
        }
    }

    private static func copy(of bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            initialized = bytes.count
        }
    }
}
