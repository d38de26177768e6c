// SwapEntry: a level-3 entry for a page that lives in the swap area. It is an
// invalid descriptor (bit 0 clear, so the MMU and the simulator's walker
// fault on it as on an empty entry) with the software bit `swapped` set and
// the swap slot where the frame address would be. Every other bit of the
// page's descriptor is kept: its rights (AP, UXN), its attributes and its
// software bits, so a page comes back from swap exactly as it left, even for
// pages outside any region (ELF segments) and copy-on-write pages.
import HAL

struct SwapEntry: Equatable {
    /// Software bit: this invalid leaf names a swap slot.
    static let swapped: UInt64 = 4
    private static let marker: UInt64 = swapped << PageDescriptor.softwareShift
    private static let slotShift: UInt64 = 12
    /// Slots fit the output-address field (36 bits of 4 KB pages).
    static let maximumSlot: UInt64 = PageDescriptor.outputAddressMask >> slotShift

    let raw: UInt64

    /// The swap entry stored in leaf `raw`, or nil when it is empty or a page.
    @inline(__always) init?(raw: UInt64) {
        guard raw & PageDescriptor.validBit == 0, raw & Self.marker != 0 else { return nil }
        self.raw = raw
    }

    /// The entry for page `d` written to `slot`.
    init(paging d: PageDescriptor, to slot: UInt64) {
        raw = (d.raw & ~PageDescriptor.validBit & ~PageDescriptor.outputAddressMask)
            | (slot << Self.slotShift) | Self.marker
    }

    var slot: UInt64 { (raw & PageDescriptor.outputAddressMask) >> Self.slotShift }

    /// The page again, in `frame`, marked accessed (it is being touched).
    func descriptor(in frame: PhysAddr) -> PageDescriptor {
        let kept = raw & ~Self.marker & ~PageDescriptor.outputAddressMask
        return PageDescriptor(raw: kept | (frame.raw & PageDescriptor.outputAddressMask)
                              | PageDescriptor.validBit | PageDescriptor.accessFlag)
    }

    /// The same entry with new rights (mprotect of a swapped-out page).
    func reprotected(readable: Bool, writable: Bool, executable: Bool) -> SwapEntry {
        let page = AddressSpace.reprotected(descriptor(in: PhysAddr(0)), readable: readable, writable: writable,
                                            executable: executable)
        return SwapEntry(paging: page, to: slot)
    }
}
