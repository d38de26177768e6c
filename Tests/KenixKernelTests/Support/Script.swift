// Script: what a test program "executes". ScriptedCPU interprets one step at a
// time; the step is the task's pc (one `svc` word per step), mirrored in x28
// to catch a kernel that moves the pc, and a half-done compute is kept in
// x27 (registers the kernel never touches), so a task's progress is saved and
// restored with its context exactly like a real program's. Scripts may keep
// values in x19–x26 (callee-saved; the kernel never writes them).
import HAL
import KenixABI

/// A value a step uses: a constant, a register (plus an offset), or the user
/// address of a string placed in the program's read-only data.
enum Operand: ExpressibleByIntegerLiteral {
    case imm(UInt64)
    case reg(Int)
    case regPlus(Int, UInt64)
    case string(String)

    init(integerLiteral value: UInt64) { self = .imm(value) }

    /// A task id as an operand.
    static func task(_ id: UInt64) -> Operand { .imm(id) }
    /// The byte length of `s` (for name/length pairs).
    static func length(of s: String) -> Operand { .imm(UInt64(s.utf8.count)) }
}

/// Script registers.
enum ScriptRegister {
    static let step = 28
    static let computeLeft = 27
}

enum Step {
    /// Runs user code for `ns` ticks; an interrupt that becomes due stops it
    /// early (the rest is resumed on the next entry).
    case compute(UInt64)
    /// `svc #0` with x8 = number and x0… = arguments (unset ones keep their value).
    case syscall(UInt64, [Operand])
    /// Appends (time, program, label, x0–x5) to the machine's log.
    case record(String)
    /// Loads 8 bytes from a user address into x[register].
    case read(Operand, into: Int)
    /// Stores 8 bytes to a user address.
    case write(Operand, Operand)
    /// Copies `length` bytes (a multiple of 8) from one user address to
    /// another, 8 at a time, as a copy loop would; a fault restarts the whole
    /// copy once it is resolved (the ranges must not overlap).
    case copy(from: Operand, to: Operand, length: Operand)
    /// Branches to a user address and comes back (an instruction fetch there).
    case execute(Operand)
    /// An undefined instruction.
    case undefined
    /// `brk #immediate` (what Embedded Swift emits for a failed runtime check).
    case brk(UInt16)
    /// x[register] = value.
    case move(Int, Operand)
    /// Continues at step `index`.
    case jump(Int)
    /// Continues at step `index` if x[register] equals the value.
    case branch(ifRegister: Int, equals: Operand, to: Int)
    /// Stops the machine (`Trap.halt`) after this step, so a test can inspect
    /// the kernel between two `run()` calls.
    case pause
    /// The device behind `irq` raises its (level) line, as a driver's
    /// device does when work completes.
    case raiseLine(UInt32)
    /// The driver clears the device's cause: the line drops.
    case lowerLine(UInt32)
}

// MARK: Syscall steps

extension Step {
    static func sys(_ call: Syscall, _ args: Operand...) -> Step { .syscall(call.rawValue, args) }

    static let yield = sys(.yield)
    static let getpid = sys(.getpid)
    static let clock = sys(.clock)
    static func exit(_ status: Operand = 0) -> Step { sys(.exit, status) }
    static func sleep(_ ns: Operand) -> Step { sys(.sleep, ns) }
    /// `spawn`: x0 = a handle to the child, x1 = its id. `authority` (x4)
    /// is a spawn-authority handle, needed above the caller's own priority;
    /// `share` (x5) the child's quota share in 256ths (0: half). Both are
    /// always set, so no stale register leaks into them.
    static func spawn(_ name: String, arg: Operand = 0, priority: Operand = 0, authority: Operand = 0,
                      share: Operand = 0) -> Step {
        sys(.spawn, .string(name), .length(of: name), arg, priority, authority, share)
    }
    /// `wait(handle)`: the handle names a child (with `wait`).
    static func wait(_ child: Operand) -> Step { sys(.wait, child) }

    static func send(_ dest: Operand, tag: Operand = 0, _ w0: Operand = 0, _ w1: Operand = 0,
                     _ w2: Operand = 0, _ w3: Operand = 0) -> Step {
        sys(.send, dest, tag, w0, w1, w2, w3)
    }
    static func call(_ dest: Operand, tag: Operand = 0, _ w0: Operand = 0, _ w1: Operand = 0,
                     _ w2: Operand = 0, _ w3: Operand = 0) -> Step {
        sys(.call, dest, tag, w0, w1, w2, w3)
    }
    static func recv(from sender: Operand = 0) -> Step { sys(.recv, sender) }
    static func reply(tag: Operand = 0, _ w0: Operand = 0, _ w1: Operand = 0, _ w2: Operand = 0,
                      _ w3: Operand = 0) -> Step {
        sys(.reply, 0, tag, w0, w1, w2, w3)
    }
    static func replyTo(_ client: Operand, tag: Operand = 0, _ w0: Operand = 0, _ w1: Operand = 0,
                        _ w2: Operand = 0, _ w3: Operand = 0) -> Step {
        sys(.replyTo, client, tag, w0, w1, w2, w3)
    }
    static func replyRecv(from sender: Operand = 0, tag: Operand = 0, _ w0: Operand = 0, _ w1: Operand = 0,
                          _ w2: Operand = 0, _ w3: Operand = 0) -> Step {
        sys(.replyRecv, sender, tag, w0, w1, w2, w3)
    }

    static func shmCreate(size: Operand) -> Step { sys(.shmCreate, size) }
    static func shmMap(_ handle: Operand, hint: Operand = 0) -> Step { sys(.shmMap, handle, hint) }
    static func shmUnmap(_ handle: Operand) -> Step { sys(.shmUnmap, handle) }

    /// `uart_claim(device)`: init's UART handle by default.
    static func uartClaim(_ device: Operand = .imm(InitHandle.uart)) -> Step { sys(.uartClaim, device) }
    static func uartWrite(_ text: String) -> Step { sys(.uartWrite, .string(text), .length(of: text)) }
    /// `service_register(keyHandle)`: a service-key handle (init's are at InitHandle.service(key)).
    static func serviceRegister(_ keyHandle: Operand) -> Step { sys(.serviceRegister, keyHandle) }
    static func serviceLookup(_ key: Operand) -> Step { sys(.serviceLookup, key) }

    /// Copies x0 into x[register] (keep a syscall result for later steps).
    static func save(into register: Int) -> Step { .move(register, .reg(0)) }
}
