// SimMachine+DebugMemory: a debugger's view of a task's memory, through that
// task's own translation tables (HAL.TranslationWalk, the kernel's walker).
// Nothing here faults or resolves anything in the guest: an address the
// tables do not map (or map outside RAM) is simply unreadable, and a write
// reaches only pages the task itself may write. The access flag is ignored
// (the pager's bookkeeping, not a permission).
import HAL

extension SimMachine {
    /// The host address of `va` in the address space at `root`, or nil.
    private func debugPage(_ va: UInt64, root: PhysAddr, write: Bool) -> UnsafeMutableRawPointer? {
        guard case .success(let t) = TranslationWalk.translate(VirtAddr(va), root: root, memory: WalkMemory(machine: self)),
              t.descriptor.isUserAccessible, !(write && t.descriptor.isReadOnly) else { return nil }
        let offset = t.physical.raw &- ramBase
        guard offset < config.ramSize else { return nil }
        return ram.base + Int(offset)
    }

    /// Reads `count` bytes at `va`; nil if any of them is unmapped.
    func debugRead(_ va: UInt64, _ count: Int, root: PhysAddr) -> [UInt8]? {
        let bytes = debugReadPrefix(va, count, root: root)
        return bytes.count == count ? bytes : nil
    }

    /// The readable bytes from `va` on, up to `count` (stops at the first
    /// unmapped page).
    func debugReadPrefix(_ va: UInt64, _ count: Int, root: PhysAddr) -> [UInt8] {
        var out: [UInt8] = []
        var a = va
        while out.count < count {
            guard let p = debugPage(a, root: root, write: false) else { break }
            let inPage = Int(4096 - (a & 4095))
            let n = min(inPage, count - out.count)
            out.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n))
            a &+= UInt64(n)
        }
        return out
    }

    /// Writes `bytes` at `va`; false (and nothing written) if any page is
    /// unmapped or not writable by the task.
    func debugWrite(_ va: UInt64, _ bytes: [UInt8], root: PhysAddr) -> Bool {
        var pages: [(UnsafeMutableRawPointer, Int, Int)] = []
        var a = va
        var done = 0
        while done < bytes.count {
            guard let p = debugPage(a, root: root, write: true) else { return false }
            let n = min(Int(4096 - (a & 4095)), bytes.count - done)
            pages.append((p, done, n))
            a &+= UInt64(n)
            done += n
        }
        for (p, from, n) in pages {
            bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress! + from, byteCount: n) }
        }
        return true
    }
}
