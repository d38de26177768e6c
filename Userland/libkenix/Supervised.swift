// Living with supervised servers (docs/supervision.md). A server answers
// its supervisor's heartbeat; a client whose server ended (crashed, killed
// as hung) gets `partnerDied` or `noSuchTask`, never a hang, and reaches
// the restarted server by looking the service up again.

extension Received {
    /// Whether this is the supervisor's liveness probe.
    public var isHeartbeat: Bool { !isNotification && message.tag == Heartbeat.tag }
}

extension IPC {
    /// Answers a heartbeat. Servers call this before dispatching a request.
    public static func answerHeartbeat(_ r: Received) {
        _ = try? reply(to: r.sender, Message(tag: Heartbeat.tag))
    }
}

extension Service {
    /// Whether an IPC error means the server is gone (it ended while we
    /// waited, or before): the service may come back under a new task.
    public static func isGone(_ error: SyscallError) -> Bool {
        error == .partnerDied || error == .noSuchTask
    }

    /// How long a client waits for a server to be restarted (ns).
    public static let restartPatience: UInt64 = 5_000_000_000

    /// Calls the server of `key`. If it is gone, waits for the supervisor
    /// to restart it (polling every 10 ms, up to `restartPatience`) and
    /// calls the new one. At least once: a request the dead server had
    /// already taken may have been carried out, so use this for requests
    /// that may be repeated (console output, reads).
    public static func call(_ key: ServiceKey, _ message: Message) throws(SyscallError) -> Message {
        var deadline: UInt64 = 0
        while true {
            let failure: SyscallError
            do throws(SyscallError) {
                return try IPC.call(try lookup(key), message)
            } catch {
                failure = error
            }
            guard isGone(failure) || failure == .notFound else { throw failure }
            forget(key)
            let now = Kenix.clock()
            if deadline == 0 { deadline = now + restartPatience }
            guard now < deadline else { throw failure }
            Kenix.sleep(milliseconds: 10)
        }
    }
}
