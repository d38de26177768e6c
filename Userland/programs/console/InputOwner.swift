// InputOwner: who may read typed input in Kenix line mode (docs/capabilities.md,
// "The console's input"). Only the foreground task's `read` is served: a task
// becomes the foreground by showing the input key (`claimInput`, carrying a
// handle to the notification init made and handed to the shell), and the
// foreground may lend the input to a task it started (`lendInput`, carrying a
// handle to it), which gives it back by ending. Anyone else's `read` is
// `notPermitted` at once, so a hostile task can neither hold the reader slot
// nor steal lines.

struct InputOwner {
    /// The console's own handle to the input key (nil: nobody can claim).
    let key: Handle?
    /// The task that showed the key last; the base of the lending chain.
    var claimant: TaskID? = nil
    /// Tasks the input is lent to, innermost last, each with our handle to
    /// it (`info`): the lend ends when the task does.
    var lent: [(task: TaskID, handle: Handle)] = []
    /// The most lends at once (a shell running a program that runs one, ...).
    static let maxLends = 8

    init(key: Handle?) { self.key = key }

    /// The task whose reads are served now.
    mutating func foreground() -> TaskID? {
        while let top = lent.last, !Kenix.isAlive(top.handle) {
            Handles.close(top.handle)
            lent.removeLast()
        }
        return lent.last?.task ?? claimant
    }

    /// claimInput: the request must carry a handle to the input key.
    mutating func claim(_ r: Received) -> Message {
        guard let shown = r.message.carriedHandle else { return reply(.notPermitted) }
        defer { Handles.close(shown) }
        guard let key, let mine = try? Handles.info(key), let theirs = try? Handles.info(shown),
              theirs.kind == mine.kind, theirs.object == mine.object else { return reply(.notPermitted) }
        for l in lent { Handles.close(l.handle) }
        lent.removeAll()
        claimant = r.sender
        return Message(tag: 0)
    }

    /// lendInput: from the foreground only; the request carries the borrower.
    mutating func lend(_ r: Received) -> Message {
        guard let borrower = r.message.carriedHandle else { return reply(.invalidArgument) }
        guard foreground() == r.sender, lent.count < Self.maxLends,
              let info = try? Handles.info(borrower), info.kind == .task, Kenix.isAlive(borrower) else {
            Handles.close(borrower)
            return reply(lent.count < Self.maxLends ? .notPermitted : .limitReached)
        }
        lent.append((info.object, borrower))
        return Message(tag: 0)
    }

    private func reply(_ error: SyscallError) -> Message {
        Message(tag: UInt64(bitPattern: error.rawValue))
    }
}
