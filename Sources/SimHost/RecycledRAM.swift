// RecycledRAM: private RAM of a machine that ended, kept for the next
// machine of the same size in the same process, with only the pages the
// last one touched zeroed.
//
// Why: `kenix-sim swarm` boots hundreds of machines in one process, and
// each fresh mapping costs a host page fault (and the kernel's clearing of
// the page) at every first touch: ~1,850 faults a steady-state swarm boot
// of the default image (4,400 before the kernel reused freed frames first
// and initialized its tables on first use).
// Touching 8,600 scattered pages of a fresh 128 MiB mapping took 24 ms on
// this project's machine kind, finding and clearing them in a recycled one
// 8 ms (a stand-alone C test). A machine must still start on all-zero RAM,
// as a fresh mapping does (the same run from the same seed): the pages the
// last machine touched are found in /proc/self/pagemap (present or swapped
// out) and cleared; the rest were never touched and are zero. Without a
// readable pagemap, RAM is mapped fresh as before.
#if canImport(Glibc)
import Glibc
#endif

final class RecycledRAM: @unchecked Sendable {
    static let shared = RecycledRAM()
    /// One spare: a swarm ends a machine before it builds the next.
    private var spare: (base: UnsafeMutableRawPointer, size: UInt64)?
    private var lock = pthread_mutex_t()

    private init() { pthread_mutex_init(&lock, nil) }

    /// Private RAM of `size` bytes that an ended machine left, zeroed but for
    /// `image` at byte `offset` (page-aligned), or nil.
    func take(size: UInt64, image: UnsafeRawBufferPointer, at offset: Int) -> UnsafeMutableRawPointer? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard let s = spare, s.size == size else { return nil }
        spare = nil
        let imagePages = offset / 4096 ..< (offset + image.count + 4095) / 4096
        guard Self.zeroTouchedPages(s.base, size: size, except: imagePages) else {
            munmap(s.base, Int(size))
            return nil
        }
        Self.load(image, into: s.base + offset)
        return s.base
    }

    /// Writes `image` over its pages, which hold whatever the last machine
    /// left: the same boot image, as a rule (a swarm boots one image many
    /// times, and the kernel only reads it), so a page that already holds its
    /// bytes is only compared, not cleared and copied again. The rest of the
    /// last page is cleared.
    private static func load(_ image: UnsafeRawBufferPointer, into destination: UnsafeMutableRawPointer) {
        guard let source = image.baseAddress else { return }
        var done = 0
        while done < image.count {
            let n = min(4096, image.count - done)
            if memcmp(destination + done, source + done, n) != 0 {
                memcpy(destination + done, source + done, n)
            }
            done += n
        }
        if image.count % 4096 != 0 { memset(destination + image.count, 0, 4096 - image.count % 4096) }
    }

    /// Keeps `base` for the next machine of its size, in place of an older spare.
    func keep(_ base: UnsafeMutableRawPointer, size: UInt64) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        if let old = spare { munmap(old.base, Int(old.size)) }
        spare = (base, size)
    }

    /// Clears every page of [base, base + size) that is present or swapped
    /// out, but for the pages in `kept`; false if the page map cannot be read.
    private static func zeroTouchedPages(_ base: UnsafeMutableRawPointer, size: UInt64, except kept: Range<Int>) -> Bool {
        let fd = open("/proc/self/pagemap", O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let pages = Int(size / 4096)
        let present: UInt64 = 1 << 63, swapped: UInt64 = 1 << 62
        var entries = [UInt64](repeating: 0, count: 4096)
        var page = 0
        while page < pages {
            let count = min(entries.count, pages - page)
            let offset = off_t((UInt(bitPattern: base) / 4096 + UInt(page)) * 8)
            let bytes = entries.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count * 8, offset) }
            guard bytes == count * 8 else { return false }
            // Clear runs of touched pages with one memset each.
            func touched(_ i: Int) -> Bool {
                entries[i] & (present | swapped) != 0 && !kept.contains(page + i)
            }
            var i = 0
            while i < count {
                guard touched(i) else { i += 1; continue }
                var end = i + 1
                while end < count && touched(end) { end += 1 }
                memset(base + (page + i) * 4096, 0, (end - i) * 4096)
                i = end
            }
            page += count
        }
        return true
    }
}
