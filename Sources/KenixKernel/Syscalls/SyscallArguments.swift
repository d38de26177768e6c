// SyscallArguments: the registers a syscall reads, taken from the saved
// context once, before the handler runs (docs/syscalls.md: number in x8,
// arguments in x0–x5, and x6 for `call_timeout`).
import HAL

struct SyscallArguments {
    let number: UInt64
    let x0: UInt64, x1: UInt64, x2: UInt64, x3: UInt64, x4: UInt64, x5: UInt64, x6: UInt64

    @inline(__always)
    init(_ context: UserContext) {
        number = context.x[8]
        x0 = context.x[0]; x1 = context.x[1]; x2 = context.x[2]
        x3 = context.x[3]; x4 = context.x[4]; x5 = context.x[5]; x6 = context.x[6]
    }
}
