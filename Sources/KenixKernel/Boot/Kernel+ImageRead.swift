// `image_read`: a program reads a data file of the boot image (a font, a
// picture) before any file system exists. Read-only, by name, at an offset.
import HAL
import KenixABI

extension Kernel {
    mutating func imageRead(_ slot: Int, name: UInt64, nameLength: UInt64, offset: UInt64,
                            buffer: UInt64, length: UInt64) -> SyscallResult {
        guard nameLength > 0, nameLength <= SyscallLimits.maxNameLength,
              length <= SyscallLimits.maxImageRead else { return .failure(.invalidArgument) }
        var nameBytes = InlineArray<64, UInt8>(repeating: 0)
        let copied = withUnsafeMutableBytes(of: &nameBytes) { raw in
            copyFromUser(slot, name, Int(nameLength), into: raw)
        }
        if case .failure(let e) = copied { return .failure(e) }
        let file = withUnsafeBytes(of: nameBytes) { raw in
            initrd.file(named: UnsafeRawBufferPointer(rebasing: raw[0..<Int(nameLength)]))
        }
        guard let file else { return .failure(.notFound) }
        guard offset < UInt64(file.count), length > 0 else { return .success(0) }
        let count = min(length, UInt64(file.count) - offset)
        var done = 0
        return SyscallResult(withUserBytes(slot, buffer, count, access: .write) { chunk in
            chunk.copyMemory(from: UnsafeRawBufferPointer(rebasing: file[(Int(offset) + done)...].prefix(chunk.count)))
            done += chunk.count
        }.map { count })
    }
}
