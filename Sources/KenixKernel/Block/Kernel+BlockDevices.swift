// Data disks for user-space drivers (docs/syscalls.md, "Block devices").
// Every disk of the platform but the swap disk is a data disk; data disk k
// is the k-th of them in HAL order. A driver (the block server) claims a
// disk, naming a notification bit; it submits requests (Kernel+BlockSubmit)
// and the kernel, which owns every disk's completion line, takes each
// completion in its interrupt handler, releases the request's memory and
// signals the owner, who collects the results with `block_complete`.
// A disk has one owner at a time; the claim ends with the owner.
import HAL
import KenixABI

extension Kernel {
    /// Sets up the data disks at boot and enables their completion lines:
    /// the kernel takes completions even when no driver owns a disk (its
    /// last owner may have died with requests in flight).
    mutating func setUpDataDisks() {
        let count = hal.disks.count - (hal.swapDisk == nil ? 0 : 1)
        dataDiskCount = min(max(count, 0), KernelCapacity.dataDisks)
        for k in 0..<dataDiskCount {
            let device = hal.disks[halIndex(ofDataDisk: k)]
            dataDisks[k] = DataDisk()
            dataDisks[k].irq = device.irq.number
            dataDisks[k].depth = min(device.queueDepth, KernelCapacity.blockRequestsPerDisk)
            hal.interrupts.enable(device.irq)
        }
    }

    /// Data disk k's index in `hal.disks` (the swap disk is skipped).
    @inline(__always)
    func halIndex(ofDataDisk k: Int) -> Int {
        if let swap = hal.swapDisk, k >= swap { return k + 1 }
        return k
    }

    /// Data disk `disk` (a syscall argument), if it exists.
    func dataDisk(_ disk: UInt64) -> Int? {
        disk < UInt64(dataDiskCount) ? Int(disk) : nil
    }

    /// The data disk whose completion line is `irq`, if any.
    @inline(__always)
    func dataDisk(onLine irq: IRQ) -> Int? {
        for k in 0..<dataDiskCount where dataDisks[k].irq == irq.number { return k }
        return nil
    }

    /// `block_info(disk)`: x0 sector size, x1 sector count, x2 requests the
    /// disk takes at once, x3 `BlockDiskFlags`, x4 the number of data disks.
    func blockInfo(disk: UInt64) -> SyscallResult {
        guard let k = dataDisk(disk) else { return .failure(.notFound) }
        let device = hal.disks[halIndex(ofDataDisk: k)]
        var flags: UInt64 = 0
        if device.isReadOnly { flags |= BlockDiskFlags.readOnly }
        if device.canFlush { flags |= BlockDiskFlags.writeCache }
        return .registers(SyscallReturn(x0: UInt64(device.sectorSize), x1: device.sectorCount,
                                        x2: UInt64(dataDisks[k].depth), x3: flags, x4: UInt64(dataDiskCount)))
    }

    /// `block_claim(disk, notification, bit)`: the caller owns the disk
    /// until it ends; each batch of completions signals `bit` of the
    /// notification (which the caller must hold). The owner may claim again
    /// to name another bit.
    mutating func blockClaim(_ slot: Int, disk: UInt64, notification: UInt64, bit: UInt64) -> SyscallResult {
        guard let k = dataDisk(disk) else { return .failure(.notFound) }
        guard bit < 64 else { return .failure(.invalidArgument) }
        if case .failure(let e) = heldNotification(slot, notification) { return .failure(e) }
        let me = tasks[slot].pointee.id
        let owner = dataDisks[k].owner
        if owner != me, owner.raw != 0, tasks.liveSlot(of: owner) != nil { return .failure(.busy) }
        dataDisks[k].owner = me
        dataDisks[k].notification = notification
        dataDisks[k].bit = bit
        return .success(0)
    }

    /// Data disk `k`'s completion interrupt: every completion is matched to
    /// its request, whose memory is released at once (the device is done
    /// with it); a request of the current owner joins the done queue and
    /// the owner is signalled, any other (its submitter has died) is dropped.
    mutating func blockInterrupt(_ k: Int) {
        let device = hal.disks[halIndex(ofDataDisk: k)]
        var delivered = false
        while let done = device.takeCompletion() {
            guard let i = blockRequests.inFlight(tag: done.tag, disk: k) else { continue }
            let entry = blockRequests[i]
            if entry.shm != 0 { unpinSharedMemory(entry.shm) }
            if entry.owner == dataDisks[k].owner && entry.owner.raw != 0 {
                blockRequests.appendDone(i, succeeded: done.succeeded, to: &dataDisks[k])
                delivered = true
            } else {
                blockRequests.free(i)
                dataDisks[k].outstanding -= 1
            }
        }
        if delivered, let n = notifications.index(of: dataDisks[k].notification),
           notifications[n].holders & (1 << UInt64(dataDisks[k].owner.slot)) != 0 {
            signal(n, 1 << dataDisks[k].bit)
        }
    }

    /// The disks `slot` owns become free (it is ending). Completions it
    /// has not collected are dropped; its requests still in flight keep
    /// their memory until the device completes them (blockInterrupt).
    mutating func releaseDataDisks(of slot: Int) {
        let me = tasks[slot].pointee.id
        for k in 0..<dataDiskCount where dataDisks[k].owner == me {
            while blockRequests.takeDone(from: &dataDisks[k]) != nil {}
            dataDisks[k].owner = TaskID(raw: 0)
            dataDisks[k].notification = 0
        }
    }
}
