// TaskID: the id user space sees for a task. It encodes a table slot and that
// slot's generation (id = slot + capacity × generation), so an id names one
// task for ever: once the slot is reused, the old id no longer matches and is
// rejected rather than reaching the new task. An id is information, never
// authority: acting on a task takes a handle (docs/capabilities.md).

public struct TaskID: Hashable, Sendable {
    public let raw: UInt64
    @inline(__always) public init(raw: UInt64) { self.raw = raw }
    @inline(__always) init(slot: Int, generation: UInt64, capacity: Int) {
        raw = UInt64(slot) + UInt64(capacity) * generation
    }
}
