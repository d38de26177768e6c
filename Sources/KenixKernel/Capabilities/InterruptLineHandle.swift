// The object an interrupt-line handle names: one line, or every line the
// kernel does not keep for itself (init's interrupt controller).

enum InterruptLineHandle {
    static let everyLine: UInt64 = .max
}
