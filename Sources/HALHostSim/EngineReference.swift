// EngineReference: the machine's CPU engine and SoftMMU again, by concrete
// type and unretained, for the paths every trap and every address-space
// switch take (SimCPU.enterUser, SimMMU). Reading a class reference out of
// a property into a local costs a retain and a release, an atomic pair
// each; three of them (machine, engine, MMU) were an eighth of an svc round
// trip. `_withUnsafeGuaranteedRef` lends the object for a call without
// either, and the concrete type gives the slice loop a version per engine
// (though the kernel's specialization of it still calls the engine's `run`
// through the witness table: SimCPU's SliceHooks says what that costs).
// Valid while SimMachine's strong `engine` and `mmu` hold the objects.
import HAL

enum EngineReference {
    case jit(Unmanaged<JITEngine>)
    case unicorn(Unmanaged<UnicornCPUEngine>)

    @inline(__always)
    func activate(root: PhysAddr, asid: ASID) {
        switch self {
        case .jit(let e): e._withUnsafeGuaranteedRef { $0.activate(root: root, asid: asid) }
        case .unicorn(let e): e._withUnsafeGuaranteedRef { $0.activate(root: root, asid: asid) }
        }
    }
}
