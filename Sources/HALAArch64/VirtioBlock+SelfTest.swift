// VirtioBlock+SelfTest.swift: `-append kenix.disk-test`, the HAL testing its
// own disk before the kernel starts, so the driver is checked without the
// kernel's swap code. It overwrites sectors 0..15 of the swap disk.
// Steps: submit must refuse a sector past the end, a request crossing the
// end, count 0 and memory outside RAM; two 4 KB writes of distinct patterns
// (sectors 0..7 and 8..15) in flight together; two reads into other
// buffers, compared; the queue filled to queueDepth (one more is refused)
// and drained; finally the line must no longer be pending at the GIC.
// Completions arrive on the interrupt path: the disk's SPI is enabled at the
// GIC and the core waits in WFI (IRQs stay masked at EL1, and WFI wakes on a
// pending IRQ regardless), then acknowledges at the GIC, takes completions
// until nil and ends the interrupt, as the kernel will. The virtual timer
// bounds each wait (5 s). Prints "disk-test: ok (N sectors)", N = the disk's
// capacity, or "disk-test: FAILED <reason>"; booting continues either way.
import HAL

enum DiskSelfTest {
    static func run(_ hal: ArmHAL) {
        guard let disk = hal.swapDevice else {
            Console.put("disk-test: FAILED no writable virtio-blk disk\n")
            return
        }
        // Four 4 KB buffers in the heap (RAM, physically contiguous): two
        // patterns, two read-back targets.
        let buffers = UnsafeMutableRawPointer.allocate(byteCount: 4 * 4096, alignment: 4096)
        var inFlight = false
        let failure = check(disk, hal: hal, buffers: buffers, inFlight: &inFlight)
        hal.interrupts.disable(disk.irq)
        hal.interrupts.disable(hal.timer.irq)
        hal.timer.setDeadline(nil)
        // A request the device never finished may still write into them.
        if !inFlight { buffers.deallocate() }
        if let failure {
            Console.put("disk-test: FAILED ")
            Console.put(failure)
            Console.put("\n")
        } else {
            Console.put("disk-test: ok (")
            Console.put(decimal: disk.sectorCount)
            Console.put(" sectors)\n")
        }
    }

    static func pattern(_ buffer: Int, _ i: Int) -> UInt8 {
        // Differs between the two buffers and between the sectors of each.
        UInt8(truncatingIfNeeded: (i &* 31) ^ ((i >> 9) &* 17) &+ buffer &* 101 &+ 7)
    }

    static func check(_ disk: VirtioBlockDevice, hal: ArmHAL, buffers: UnsafeMutableRawPointer,
                      inFlight: inout Bool) -> StaticString? {
        guard disk.sectorCount >= 16 else { return "disk smaller than 16 sectors" }
        let base = PhysAddr(pa(ofKernel: UInt64(UInt(bitPattern: buffers))))
        func frame(_ k: Int) -> PhysAddr { base.adding(UInt64(k) * 4096) }
        for i in 0..<4096 {
            buffers.storeBytes(of: pattern(0, i), toByteOffset: i, as: UInt8.self)
            buffers.storeBytes(of: pattern(1, i), toByteOffset: 4096 + i, as: UInt8.self)
            buffers.storeBytes(of: 0xEE, toByteOffset: 8192 + i, as: UInt8.self)
            buffers.storeBytes(of: 0xEE, toByteOffset: 12288 + i, as: UInt8.self)
        }

        hal.interrupts.enable(disk.irq)
        hal.interrupts.enable(hal.timer.irq)

        // Refusals: each must return false and queue nothing.
        let end = disk.sectorCount
        let refused: [(BlockRequest, StaticString)] = [
            (BlockRequest(.read, sector: end, count: 1, memory: frame(2), tag: 50), "accepted a sector past the end"),
            (BlockRequest(.read, sector: end - 1, count: 2, memory: frame(2), tag: 51), "accepted a request crossing the end"),
            (BlockRequest(.read, sector: 0, count: 0, memory: frame(2), tag: 52), "accepted count 0"),
            (BlockRequest(.read, sector: 0, count: 1, memory: PhysAddr(0x1000), tag: 53), "accepted memory outside RAM"),
            (BlockRequest(.write, sector: 0, count: 8, memory: PhysAddr(hal.boot.ram.end.raw - 2048), tag: 54),
             "accepted memory running past the end of RAM"),
        ]
        for (request, reason) in refused where disk.submit(request) {
            inFlight = wait(for: 1 << request.tag, disk: disk, hal: hal) != nil
            return reason
        }

        inFlight = true
        guard disk.submit(BlockRequest(.write, sector: 0, count: 8, memory: frame(0), tag: 1)),
              disk.submit(BlockRequest(.write, sector: 8, count: 8, memory: frame(1), tag: 2)) else {
            return "refused a write"
        }
        if let failure = wait(for: 1 << 1 | 1 << 2, disk: disk, hal: hal) { return failure }
        guard disk.submit(BlockRequest(.read, sector: 0, count: 8, memory: frame(2), tag: 3)),
              disk.submit(BlockRequest(.read, sector: 8, count: 8, memory: frame(3), tag: 4)) else {
            return "refused a read"
        }
        if let failure = wait(for: 1 << 3 | 1 << 4, disk: disk, hal: hal) { return failure }
        for i in 0..<4096 {
            guard buffers.load(fromByteOffset: 8192 + i, as: UInt8.self) == pattern(0, i),
                  buffers.load(fromByteOffset: 12288 + i, as: UInt8.self) == pattern(1, i) else {
                inFlight = false
                return "read back differs from what was written"
            }
        }

        // A full queue: queueDepth one-sector reads in flight, then one more.
        var expected: UInt64 = 0
        for k in 0..<disk.queueDepth {
            let tag = UInt64(10 + k)
            guard disk.submit(BlockRequest(.read, sector: UInt64(k), count: 1, memory: frame(2), tag: tag)) else {
                inFlight = wait(for: expected, disk: disk, hal: hal) != nil
                return "refused a request below queueDepth"
            }
            expected |= 1 << tag
        }
        if disk.submit(BlockRequest(.read, sector: 0, count: 1, memory: frame(3), tag: 63)) {
            inFlight = wait(for: expected | 1 << 63, disk: disk, hal: hal) != nil
            return "accepted more requests than queueDepth"
        }
        if let failure = wait(for: expected, disk: disk, hal: hal) { return failure }
        inFlight = false
        if hal.interrupts.isPending(disk.irq) { return "interrupt line still high after every completion was taken" }
        return nil
    }

    /// Waits on the interrupt path until every tag in `tags` (a bit mask) has
    /// completed successfully, exactly once.
    static func wait(for tags: UInt64, disk: VirtioBlockDevice, hal: ArmHAL) -> StaticString? {
        hal.timer.setDeadline(hal.timer.now() + 5 * hal.timer.frequency)
        defer { hal.timer.setDeadline(nil) }
        var seen: UInt64 = 0
        while seen != tags {
            kenix_wfi()
            guard let irq = hal.interrupts.acknowledge() else { continue }
            var failure: StaticString? = nil
            if irq == disk.irq {
                while let done = disk.takeCompletion() {
                    let bit: UInt64 = done.tag < 64 ? 1 << done.tag : 0
                    if tags & bit == 0 || seen & bit != 0 { failure = "a completion with an unexpected tag" }
                    if !done.succeeded { failure = "the device failed a request" }
                    seen |= bit
                }
            }
            hal.interrupts.endOfInterrupt(irq)
            if irq == hal.timer.irq { return "timed out waiting for the completion interrupt" }
            if let failure { return failure }
        }
        return nil
    }
}
