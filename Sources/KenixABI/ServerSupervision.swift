// Supervised servers (docs/supervision.md). The supervisor starts the
// system's servers, restarts one that ends or stops answering, and answers
// questions about them (the shell's `ps` shows restart counts).

/// A supervisor's liveness probe. It calls each server with this tag (no
/// words) and a deadline; a server answers at once with the same tag. The
/// value sits outside every server protocol's op range, so servers check it
/// before dispatching.
public enum Heartbeat {
    public static let tag: UInt64 = 0x1EA7_BEA7
}

/// Requests to the supervisor (ServiceKey.supervisor); the op is the tag.
public enum SupervisorOp: UInt64, CaseIterable {
    /// w0 = an index from 0. Reply: tag 0 and w0 = the server's task id (0
    /// while it waits to restart), w1 = its restarts, w2 = its name (up to
    /// 8 bytes, little-endian, NUL-padded); tag `notFound` past the last.
    case server = 1
}

/// What the supervisor tells its parent (init): every server it starts at
/// boot has answered its first heartbeat (or ended cleanly), so the system's
/// services are there.
public enum SupervisorNotice {
    public static let ready: UInt64 = 0x1EA7_0001
}
