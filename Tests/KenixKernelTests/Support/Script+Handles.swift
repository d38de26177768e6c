// Script steps for handles (docs/capabilities.md): messages that carry a
// handle (tag bit 62 in x1, the handle in w3 = x5), the handle syscalls,
// and the syscalls that name a task or the task directory by handle. Every
// argument a step names is set, so no stale register leaks into a call.
import HAL
import KenixABI

extension Step {
    /// `send` carrying `handle` (IPCTag.transfersHandle; with `move`, also
    /// IPCTag.movesHandle: the sender's handle is closed once delivered).
    static func sendHandle(to dest: Operand, handle: Operand, tag: UInt64 = 0, move: Bool = false,
                           _ w0: Operand = 0, _ w1: Operand = 0, _ w2: Operand = 0) -> Step {
        sys(.send, dest, .imm(handleTag(tag, move: move)), w0, w1, w2, handle)
    }
    /// `call` carrying `handle`.
    static func callHandle(to dest: Operand, handle: Operand, tag: UInt64 = 0, move: Bool = false,
                           _ w0: Operand = 0, _ w1: Operand = 0, _ w2: Operand = 0) -> Step {
        sys(.call, dest, .imm(handleTag(tag, move: move)), w0, w1, w2, handle)
    }
    /// `reply` carrying `handle`.
    static func replyHandle(_ handle: Operand, tag: UInt64 = 0, move: Bool = false) -> Step {
        sys(.reply, 0, .imm(handleTag(tag, move: move)), 0, 0, 0, handle)
    }

    static func handleTag(_ tag: UInt64, move: Bool) -> UInt64 {
        tag | IPCTag.transfersHandle | (move ? IPCTag.movesHandle : 0)
    }

    static func handleClose(_ h: Operand) -> Step { sys(.handleClose, h) }
    static func handleDuplicate(_ h: Operand, rights: Operand) -> Step { sys(.handleDuplicate, h, rights) }
    static func handleRevoke(_ h: Operand) -> Step { sys(.handleRevoke, h) }
    static func handleInfo(_ h: Operand) -> Step { sys(.handleInfo, h) }
    static let taskSelf = sys(.taskSelf)
    /// `task_quota(0, 0)`: the caller's own shares; with the task directory, slot `slot`'s.
    static func taskQuota(directory: Operand = 0, slot: Operand = 0, page: Operand = 0) -> Step {
        sys(.taskQuota, directory, slot, page)
    }

    /// `kill(handle)` of a task handle with `kill`.
    static func kill(_ task: Operand) -> Step { sys(.kill, task, 0) }
    /// `kill(directory, id)` through the task directory.
    static func kill(id: Operand, directory: Operand = .imm(InitHandle.taskDirectory)) -> Step {
        sys(.kill, directory, id)
    }
    /// `task_info(directory, slot)`.
    static func taskInfo(slot: Operand, directory: Operand = .imm(InitHandle.taskDirectory)) -> Step {
        sys(.taskInfo, directory, slot)
    }
    static func taskStatus(_ task: Operand) -> Step { sys(.taskStatus, task) }
    static func taskWatch(_ task: Operand, note: Operand, bits: Operand) -> Step { sys(.taskWatch, task, note, bits) }

    /// Copies x1 into x[register] (a spawned child's id, a handle_info right set).
    static func saveX1(into register: Int) -> Step { .move(register, .reg(1)) }
}

/// Handle values as a task's table gives them out (Capabilities/Handle.swift):
/// entry i (from 0) at generation g is `(i + 1) | g << 16`.
enum HandleValue {
    static func of(entry: Int, generation: UInt64 = 0) -> UInt64 { UInt64(entry + 1) | generation << 16 }
}

/// The StartupHandle every non-init task holds.
let parentHandle = Operand.imm(StartupHandle.parent)

extension Step {
    /// A program's first steps when its parent hands it a handle: receive
    /// from the parent and keep the carried handle (w3 = x5) in x[register].
    static func takeHandle(into register: Int) -> [Step] {
        [.recv(from: parentHandle), .move(register, .reg(5))]
    }

    /// Hands child `k`'s handle (kept by Family in x(19 + k)) to child `to`.
    static func handOver(child k: Int, to receiver: Int) -> Step {
        .sendHandle(to: .reg(19 + receiver), handle: .reg(19 + k))
    }
}

/// Where a client keeps the server handle its parent gave it (Family).
let serverHandle = 26

/// A family of tasks started by init: a server and its clients. A task id
/// grants nothing, so init, which holds a handle to every child it started,
/// hands each client a copy of its handle to the server (the clients begin
/// with `Step.takeHandle(into: serverHandle)`).
enum Family {
    /// init's steps: spawn each child (name, priority; above init's own
    /// with init's spawn authority) keeping its handle in x(19 + k); hand
    /// child 0's handle (the server's) to each child in `clients`; run
    /// `handOut` (more handles to hand over); wait for the children in
    /// `waitFor`, in order; then `then` (exit by default).
    static func initSteps(_ children: [(String, UInt64)], clients: [Int], handOut: [Step] = [], waitFor: [Int],
                          then tail: [Step] = [.exit(0)]) -> [Step] {
        precondition(children.count <= 7, "x19–x25 hold the children's handles")
        var steps: [Step] = []
        for (k, (name, priority)) in children.enumerated() {
            steps += [.spawn(name, priority: .imm(priority), authority: .imm(InitHandle.spawnAuthority)),
                      .save(into: 19 + k)]
        }
        for c in clients { steps.append(.sendHandle(to: .reg(19 + c), handle: .reg(19))) }
        steps += handOut
        for w in waitFor { steps.append(.wait(.reg(19 + w))) }
        return steps + tail
    }

    /// `initSteps` with every child at init's priority (16).
    static func initSteps(_ names: [String], clients: [Int], handOut: [Step] = [], waitFor: [Int],
                          then tail: [Step] = [.exit(0)]) -> [Step] {
        initSteps(names.map { ($0, 0) }, clients: clients, handOut: handOut, waitFor: waitFor, then: tail)
    }
}
