// SimCPU+Debugger: `enterUser` while gdb is attached. The same loop as
// SimCPU.enterUser (slices that end where the next device event is due,
// interrupts taken at slice ends), with an instruction-boundary check before
// each slice: the debugger may stop there and serve gdb. Slices are cut
// shorter (single instructions for a task with breakpoints or watchpoints,
// exact budgets to reach a step's or a replay's position), which changes
// nothing in the run: the clock and the interrupt checks see only retired
// instructions and event times, never slice lengths.
import HAL

extension SimCPU {
    func enterUserDebugged<R: FaultResolver>(_ context: inout UserContext, resolver: inout R,
                                             debugger d: SimDebugger) -> Trap {
        let m = machine
        if m.interruptPending { return m.finishBeforeRun(.interrupt, pc: context.pc) }
        if m.now >= m.haltTime { return m.finishBeforeRun(.halt, pc: context.pc) }
        var found: InspectedTask?
        resolver.inspectTasks { if $0.running { found = $0 } }
        guard let me = found else {
            m.debugger = nil   // a kernel that lists no tasks cannot be debugged
            return enterUser(&context, resolver: &resolver)
        }
        let engine = m.engine!
        let mmu = m.mmu!
        mmu.clearFault()
        engine.enter(&context)
        mmu.resolverFunction = mmu.resolverCall(for: R.self)
        let trap: Trap = withUnsafeMutablePointer(to: &resolver) { r in
            mmu.resolverContext = UnsafeMutableRawPointer(r)
            defer { mmu.resolverContext = nil }
            return withUnsafeMutablePointer(to: &context) { c in
                // Before the first run the context is the registers (and an
                // engine may not have set its own up yet: Unicorn's pc).
                var ran = false
                while true {
                    if m.debugger != nil {
                        if ran { engine.leave(&c.pointee) }
                        let verdict = d.boundary(me, c, machine: m) {
                            var list: [InspectedTask] = []
                            r.pointee.inspectTasks { list.append($0) }
                            return list
                        }
                        switch verdict {
                        case .run: break
                        case .resumed: engine.reload(&c.pointee)
                        case .restart: return Trap.halt
                        }
                    }
                    let single = m.debugger != nil && d.stepsSingly(me)
                    let budget = m.debugger != nil ? d.budget(for: me, machine: m.sliceBudget()) : m.sliceBudget()
                    m.stats.slices &+= 1
                    let run = engine.run(budget: budget)
                    ran = true
                    m.stats.instructions &+= run.retired
                    m.advance(by: run.retired)
                    d.ran(me, retired: run.retired)
                    if m.debugger != nil { d.poll(every: single ? 4096 : 1) }
                    // The window, the terminal and host signals (SimMachine+HostPoll).
                    m.hostPollPoint()
                    if let trap = run.trap { return trap }
                    if m.interruptPending { return .interrupt }
                    if m.now >= m.haltTime { return .halt }
                }
            }
        }
        engine.leave(&context)
        m.recordTrap(trap, pc: context.pc)
        return trap
    }
}
