// `block_submit` and `block_complete`: a data disk's owner queues reads,
// writes and flushes, and collects their results. The memory side of a
// transfer is a place in a shared-memory object the caller holds: such an
// object is physically contiguous, never swapped and never moved, so the
// device moves the bytes straight into or out of its frames (no copy), and
// the request pins the object until the device is done with it.
// Everything is validated before anything changes; every mistake is an error.
import HAL
import KenixABI

extension Kernel {
    /// `block_submit`: x0 = disk | op << 8, x1 first sector, x2 sector
    /// count, x3 shared-memory object, x4 byte offset in it, x5 tag.
    mutating func blockSubmit(_ slot: Int, _ a: SyscallArguments) -> SyscallResult {
        guard a.x0 >> BlockSubmitLayout.opShift <= UInt64(UInt8.max),
              let op = BlockSubmitOp(rawValue: a.x0 >> BlockSubmitLayout.opShift) else {
            return .failure(.invalidArgument)
        }
        guard let k = dataDisk(a.x0 & BlockSubmitLayout.diskMask) else { return .failure(.notFound) }
        guard dataDisks[k].owner == tasks[slot].pointee.id else { return .failure(.notPermitted) }
        let device = hal.disks[halIndex(ofDataDisk: k)]
        let request: BlockRequest
        var pinned = 0
        switch op {
        case .flush:
            guard a.x1 == 0, a.x2 == 0, a.x3 == 0, a.x4 == 0, device.canFlush else { return .failure(.invalidArgument) }
            request = .flush(tag: 0)
        case .read, .write:
            if op == .write && device.isReadOnly { return .failure(.notPermitted) }
            switch transferMemory(slot, device: device, sector: a.x1, count: a.x2, object: a.x3, offset: a.x4) {
            case .failure(let e): return .failure(e)
            case .success(let (memory, object)):
                pinned = object
                request = BlockRequest(op == .read ? .read : .write, sector: a.x1, count: UInt32(a.x2),
                                       memory: memory, tag: 0)
            }
        }
        guard dataDisks[k].outstanding < dataDisks[k].depth,
              let i = blockRequests.insert(BlockRequestEntry(disk: k, owner: tasks[slot].pointee.id,
                                                             tag: a.x5, shm: pinned)) else {
            return .failure(.limitReached)
        }
        var tagged = request
        tagged.tag = UInt64(i)
        guard device.submit(tagged) else {
            blockRequests.free(i)
            return .failure(.limitReached)
        }
        dataDisks[k].outstanding += 1
        if pinned != 0 { shm[pinned].pins += 1 }
        return .success(0)
    }

    /// The physical memory of a read or write of `count` sectors from
    /// `sector` at `offset` in shared-memory object `object`, and the
    /// object's table index; or why the transfer is refused.
    private func transferMemory(_ slot: Int, device: H.Disk, sector: UInt64, count: UInt64, object: UInt64,
                                offset: UInt64) -> Result<(PhysAddr, Int), SyscallError> {
        let sectorSize = UInt64(device.sectorSize)
        guard count > 0, count <= SyscallLimits.maxBlockTransfer / sectorSize,
              sector <= device.sectorCount, count <= device.sectorCount - sector else {
            return .failure(.invalidArgument)
        }
        guard let i = shm.index(of: object) else { return .failure(.invalidArgument) }
        guard shm[i].holders & (1 << UInt64(slot)) != 0 else { return .failure(.notPermitted) }
        let size = UInt64(shm[i].pages) * PageGeometry.pageSize
        let bytes = count * sectorSize
        guard offset % sectorSize == 0, offset <= size, bytes <= size - offset else {
            return .failure(.invalidArgument)
        }
        return .success((shm[i].base.adding(offset), i))
    }

    /// `block_complete(disk)`: up to five finished requests of the caller's
    /// disk, oldest first: x0 = count | failed << 8 (bit i set: request i
    /// failed), x1… their tags. 0 when none are waiting (never blocks: the
    /// owner waits on its notification).
    mutating func blockComplete(_ slot: Int, disk: UInt64) -> SyscallResult {
        guard let k = dataDisk(disk) else { return .failure(.notFound) }
        guard dataDisks[k].owner == tasks[slot].pointee.id else { return .failure(.notPermitted) }
        var tags = InlineArray<5, UInt64>(repeating: 0)
        var count: UInt64 = 0
        var failed: UInt64 = 0
        while count < BlockCompletionLayout.maxPerCall, let e = blockRequests.takeDone(from: &dataDisks[k]) {
            tags[Int(count)] = e.tag
            if !e.succeeded { failed |= 1 << count }
            count += 1
        }
        return .registers(SyscallReturn(x0: count | failed << BlockCompletionLayout.failedShift,
                                        x1: tags[0], x2: tags[1], x3: tags[2], x4: tags[3], x5: tags[4]))
    }
}
