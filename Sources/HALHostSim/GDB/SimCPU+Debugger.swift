// SimCPU+Debugger: `enterUser` while gdb is attached: enterUser's own slice
// loop (SimCPU.runSlices: slices that end where the next device event is
// due, interrupts taken at slice ends) with the debugger's hooks: an
// instruction-boundary check before each slice, where the debugger may stop
// and serve gdb, and its bookkeeping after each. Slices are cut
// shorter (single instructions for a task with breakpoints or watchpoints,
// exact budgets to reach a step's or a replay's position), which changes
// nothing in the run: the clock and the interrupt checks see only retired
// instructions and event times, never slice lengths.
import HAL

extension SimCPU {
    /// enterUser with gdb attached: the resolver is wired to the SoftMMU,
    /// a pending interrupt or the halt has been taken already.
    func runDebugged<R: FaultResolver>(_ m: SimMachine, _ context: UnsafeMutablePointer<UserContext>,
                                       _ resolver: UnsafeMutablePointer<R>, debugger d: SimDebugger) -> Trap {
        var found: InspectedTask?
        resolver.pointee.inspectTasks { if $0.running { found = $0 } }
        guard let me = found else {
            m.debugger = nil   // a kernel that lists no tasks cannot be debugged
            return runPlain(m, context)
        }
        var hooks = DebuggedSlices(machine: m, debugger: d, task: me, resolver: resolver)
        return runOnEngine(m, context, &hooks)
    }
}

/// The debugger's part of the slice loop (SimCPU.runSlices): a stop check
/// at each boundary, cut budgets, the task's retired count, Ctrl-C polls.
/// Every step rechecks `machine.debugger`: gdb may detach in the middle.
struct DebuggedSlices<R: FaultResolver>: SliceHooks {
    unowned let machine: SimMachine
    let debugger: SimDebugger
    let task: InspectedTask
    /// The kernel, to list its tasks when gdb asks.
    let resolver: UnsafeMutablePointer<R>
    /// The slice about to run is one instruction of a task with breakpoints.
    private var single = false

    init(machine: SimMachine, debugger: SimDebugger, task: InspectedTask, resolver: UnsafeMutablePointer<R>) {
        self.machine = machine
        self.debugger = debugger
        self.task = task
        self.resolver = resolver
    }

    func beforeSlice<E: CPUEngine>(_ engine: E, _ context: UnsafeMutablePointer<UserContext>, ran: Bool) -> Trap? {
        guard machine.debugger != nil else { return nil }
        // Before the first run the context is the registers (and an engine
        // may not have set its own up yet: Unicorn's pc).
        if ran { engine.leave(&context.pointee) }
        let verdict = debugger.boundary(task, context, machine: machine) {
            var list: [InspectedTask] = []
            resolver.pointee.inspectTasks { list.append($0) }
            return list
        }
        switch verdict {
        case .run: return nil
        case .resumed: engine.reload(&context.pointee); return nil
        case .restart: return .halt
        }
    }

    mutating func budget(_ machine: UInt64) -> UInt64 {
        let attached = self.machine.debugger != nil
        single = attached && debugger.stepsSingly(task)
        return attached ? debugger.budget(for: task, machine: machine) : machine
    }

    func afterSlice(retired: UInt64) {
        debugger.ran(task, retired: retired)
        if machine.debugger != nil { debugger.poll(every: single ? 4096 : 1) }
    }
}
