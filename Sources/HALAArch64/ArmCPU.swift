// ArmCPU.swift: CPU.enterUser and waitForInterrupt on AArch64. enterUser
// calls kenix_enter_user (vectors.S), which erets into the task and comes
// back when a lower-EL exception is taken, with {kind, ESR_EL1, FAR_EL1};
// TrapDecoder turns those into a Trap.
import HAL

/// Written by vectors.S: kind @0 (0 sync, 1 IRQ), esr @8, far @16.
struct TrapInfo {
    var kind: UInt64 = 0
    var esr: UInt64 = 0
    var far: UInt64 = 0
}

struct ArmCPU: CPU {
    func enterUser(_ context: inout UserContext) -> Trap {
        var info = TrapInfo()
        withUnsafeMutablePointer(to: &context) { ctx in
            withUnsafeMutablePointer(to: &info) { out in
                kenix_enter_user(UnsafeMutableRawPointer(ctx), UnsafeMutableRawPointer(out))
            }
        }
        return TrapDecoder.decode(kind: info.kind, esr: info.esr, far: info.far)
    }

    var instructionsRetired: UInt64 { InstructionCounter.read() }

    func waitForInterrupt() -> WakeReason {
        kenix_wfi()
        return .interrupt
    }
}
