// HeapSemantics.swift: a boot-time proof that Swift's reference counting
// works on the kernel heap. heap.c hands out pointers with the top byte
// cleared (TBI1) because the runtime treats pointers with bit 63 set as
// immortal: if that ever broke, copies of arrays would share storage and
// objects would never be freed, silently. Checked before anything relies on it.

private var probesFreed = 0

private final class Probe {
    deinit { probesFreed += 1 }
}

/// True when copy-on-write copies, a released object is freed, and heap
/// pointers carry no bits the runtime reserves.
func verifyHeapSemantics() -> Bool {
    let original = [UInt64](repeating: 7, count: 4)
    var copy = original
    copy.append(8)
    guard original.count == 4, copy.count == 5, original[3] == 7 else { return false }
    let before = probesFreed
    do {
        let probe = Probe()
        let address = UInt(bitPattern: ObjectIdentifier(probe))
        guard address >> 60 == 0 else { return false }
    }
    return probesFreed == before + 1
}
