// `image_map`: the whole boot image (the cpio archive), read-only, in the
// caller's shared-memory area: how the file server shows the boot image's
// files without copying them. The pages are the platform's (reserved at
// boot, never the kernel's frames), so any number of tasks may map them and
// nothing is freed when they end.
import HAL
import KenixABI

extension Kernel {
    /// x0 = the address, x1 = the archive's size in bytes; the same address
    /// again on a second call.
    mutating func imageMap(_ slot: Int) -> SyscallResult {
        let image = hal.boot.initrd
        guard image.size > 0 else { return .failure(.notFound) }
        let t = tasks[slot]
        if t.pointee.imageAddress != 0 {
            return .registers(SyscallReturn(x0: t.pointee.imageAddress, x1: image.size))
        }
        let page = PageGeometry.pageSize
        // Both backends load the archive on a page boundary; one that is not
        // is not shared, since its first page would show what lies before it.
        guard image.base.raw & (page - 1) == 0 else { return .failure(.notFound) }
        let pages = (image.size + page - 1) / page
        let length = pages * page
        let address = freeShmAddress(slot, length: length)
        guard address <= UserLayout.shmLimit, length <= UserLayout.shmLimit - address else {
            return .failure(.outOfMemory)
        }
        if case .failure(let e) = mapPhysical(slot, at: address, base: image.base, pages: Int(pages), writable: false) {
            return .failure(e)
        }
        t.pointee.imageAddress = address
        t.pointee.shmNextAddress = address + length
        return .registers(SyscallReturn(x0: address, x1: image.size))
    }
}
