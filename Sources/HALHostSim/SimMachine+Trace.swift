// SimMachine+Trace: what goes into the trace hash and the optional trace
// file. Hashing is a few multiplications per record; text is formatted only
// when a trace file is open.
//
// Record tags (first hashed byte): 0x10 kernel event, 0x20 + kind a trap the
// CPU returned, 0x30 a UART output byte (SimMachine+UART), 0x40 + kind an
// idle wake-up.
import HAL

extension SimMachine {
    /// Inlinable into the kernel's trace calls (four of them per IPC trap):
    /// the hash is a few instructions, the call around it was as many again.
    @inlinable @inline(__always)
    func recordEvent(_ e: TraceEvent) {
        hash.add(record: 0x10, UInt64(e.kind.rawValue), now, e.a, e.b, e.c)
        if writesEvents { writeEvent(e) }
    }

    /// The trace file's line and the JSON trace's entry for `e`.
    @usableFromInline @inline(never)
    func writeEvent(_ e: TraceEvent) {
        if let traceFile { traceFile.write(line: "t=\(now) " + Self.describe(e)) }
        if let chromeTrace { chromeTrace.record(e, at: now) }
    }

    /// Ends the JSON trace (every open slice closed at `now`): call it on
    /// every way out of a run, before the process exits.
    public func closeTraceJSON() {
        chromeTrace?.close(at: now)
    }

    /// Closes both trace files and says which could not be written whole:
    /// (the option, why), e.g. ("--trace", "No space left on device").
    public func closeTraces() -> [(option: String, reason: String)] {
        closeTraceJSON()
        traceFile?.close()
        var failed: [(option: String, reason: String)] = []
        if let reason = traceFile?.failure { failed.append(("--trace", reason)) }
        if let reason = chromeTrace?.failure { failed.append(("--trace-json", reason)) }
        return failed
    }

    @inline(__always)
    func recordTrap(_ trap: Trap, pc: UInt64) {
        stats.traps &+= 1
        hash.add(record: 0x20 | Self.code(of: trap), pc)
        if writesEvents { writeTrap(trap, pc: pc) }
    }

    @inline(never)
    func writeTrap(_ trap: Trap, pc: UInt64) {
        if let traceFile { traceFile.write(line: "t=\(now) trap \(Self.describe(trap)) pc=\(hex(pc))") }
    }

    func recordWake(_ reason: WakeReason) {
        let code: UInt8 = switch reason { case .interrupt: 1; case .noFutureEvents: 2; case .halt: 3 }
        hash.add(byte: 0x40 | code)
        hash.add(now)
        if let traceFile { traceFile.write(line: "t=\(now) wake \(reason)") }
    }

    static func code(of trap: Trap) -> UInt8 {
        switch trap {
        case .syscall: 1
        case .memoryFault: 2
        case .undefinedInstruction: 3
        case .interrupt: 4
        case .halt: 5
        case .breakpoint: 6
        }
    }

    static func describe(_ trap: Trap) -> String {
        switch trap {
        case .syscall: "syscall"
        case .memoryFault(let f): "fault \(f.access) \(f.status) addr=\(hex(f.address.raw))"
        case .undefinedInstruction: "undefined"
        case .breakpoint(let imm): "brk #\(imm)"
        case .interrupt: "interrupt"
        case .halt: "halt"
        }
    }

    static func describe(_ e: TraceEvent) -> String {
        switch e.kind {
        case .taskSwitch: "switch task=\(e.a) free=\(e.b) ready=\(e.c)"
        case .syscall: "syscall task=\(e.a) nr=\(e.b)"
        case .ipcDeliver: "ipc from=\(e.a) to=\(e.b) tag=\(hex(e.c))"
        case .taskExit: "exit task=\(e.a) status=\(Int64(bitPattern: e.b))"
        case .taskFault: "fault task=\(e.a) pc=\(hex(e.b)) addr=\(hex(e.c))"
        case .interrupt: "irq n=\(e.a)"
        case .taskSpawn: "spawn parent=\(e.a) child=\(e.b)"
        case .idle: "idle free=\(e.a)"
        case .pageOut: "page-out task=\(e.a) va=\(hex(e.b)) slot=\(e.c)"
        case .pageIn: "page-in task=\(e.a) va=\(hex(e.b)) slot=\(e.c)"
        case .syscallExit: "sysret task=\(e.a) nr=\(e.b) x0=\(hex(e.c))"
        case .taskName: "name task=\(e.a) name=\(ChromeTraceWriter.unpackName(e.b, e.c))"
        case .pageFault: "page-fault task=\(e.a) addr=\(hex(e.b)) access=\(e.c)"
        }
    }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
