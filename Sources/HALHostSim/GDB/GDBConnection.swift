// GDBConnection: one gdb client on a TCP socket, speaking the remote serial
// protocol's framing: `$payload#checksum` packets, `+`/`-` acknowledgements
// (until QStartNoAckMode), and the out-of-band interrupt byte 0x03.
//
//   let c = try GDBConnection.listen(port: 1234)   // localhost only; blocks in accept
//   let p = c.receive()            // a packet's payload, or nil at disconnect
//   c.send("OK")
//   c.interruptRequested()         // polls for 0x03 without blocking
//
// Blocking I/O is fine: the simulator thread serves gdb only while the
// machine is stopped, and polls for an interrupt between slices otherwise.
import SimHost
#if canImport(Glibc)
import Glibc
#endif

public final class GDBConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var acks = true
    /// A 0x03 arrived while reading packets (the machine was stopped anyway).
    private var pendingInterrupt = false
    public private(set) var closed = false

    init(fd: Int32) { self.fd = fd }

    deinit { if !closed { Glibc.close(fd) } }

    public struct SocketError: Error, CustomStringConvertible {
        public var operation: String
        public var errno: Int32
        public var description: String { "\(operation): \(String(cString: strerror(errno)))" }
    }

    /// Listens on 127.0.0.1:`port` (0: any free port), calls `ready` with
    /// the port (to say so), and waits for one client. The listening socket
    /// is closed once a client is there.
    public static func listen(port: UInt16, ready: (UInt16) -> Void) throws(SocketError) -> GDBConnection {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { throw SocketError(operation: "socket", errno: errno) }
        defer { Glibc.close(s) }
        var one: Int32 = 1
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw SocketError(operation: "bind 127.0.0.1:\(port)", errno: errno) }
        guard Glibc.listen(s, 1) == 0 else { throw SocketError(operation: "listen", errno: errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &length) }
        }
        ready(UInt16(bigEndian: addr.sin_port))
        while true {
            let c = accept(s, nil, nil)
            if c >= 0 {
                setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return GDBConnection(fd: c)
            }
            if errno != EINTR || HostSignals.pending != nil { throw SocketError(operation: "accept", errno: errno) }
        }
    }

    /// Reads at least one byte into the buffer (blocking, or not); false at
    /// end of stream or error.
    private func fill(blocking: Bool) -> Bool {
        if closed { return false }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, blocking ? 0 : Int32(MSG_DONTWAIT)) }
            if n > 0 { buffer.append(contentsOf: chunk[0..<n]); return true }
            if n < 0 && errno == EINTR && HostSignals.pending == nil { continue }
            if n < 0 && !blocking && (errno == EAGAIN || errno == EWOULDBLOCK) { return false }
            closed = true
            return false
        }
    }

    /// A packet that has fully arrived, without waiting; nil if none has.
    public func receiveIfReady() -> String? {
        _ = fill(blocking: false)
        guard let dollar = buffer.firstIndex(of: UInt8(ascii: "$")),
              let hash = buffer[dollar...].firstIndex(of: UInt8(ascii: "#")), buffer.count >= hash + 3 else { return nil }
        return receive()
    }

    /// The next packet's payload (acknowledged), or nil when gdb is gone.
    public func receive() -> String? {
        while true {
            // Drop acks and stray bytes before the next '$'; note interrupts.
            while let first = buffer.first, first != UInt8(ascii: "$") {
                if first == 0x03 { pendingInterrupt = true }
                buffer.removeFirst()
            }
            if let hash = buffer.firstIndex(of: UInt8(ascii: "#")), buffer.count >= hash + 3 {
                let payload = Array(buffer[1..<hash])
                let sum = payload.reduce(UInt8(0)) { $0 &+ $1 }
                let given = UInt8(String(decoding: buffer[(hash + 1)...(hash + 2)], as: UTF8.self), radix: 16)
                buffer.removeFirst(hash + 3)
                if acks { write(given == sum ? "+" : "-") }
                if given != sum && acks { continue }
                return String(decoding: Self.unescape(payload), as: UTF8.self)
            }
            guard fill(blocking: true) else { return nil }
        }
    }

    /// Binary payloads (X packets) arrive escaped: 0x7d then byte ^ 0x20.
    private static func unescape(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(0x7D) else { return bytes }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x7D && i + 1 < bytes.count { out.append(bytes[i + 1] ^ 0x20); i += 2 } else { out.append(bytes[i]); i += 1 }
        }
        return out
    }

    /// Sends one packet. Without no-ack mode, waits for gdb's '+' (a '-'
    /// asks again).
    public func send(_ payload: String) {
        var bytes: [UInt8] = []
        for b in payload.utf8 {
            if b == UInt8(ascii: "$") || b == UInt8(ascii: "#") || b == 0x7D || b == UInt8(ascii: "*") {
                bytes.append(0x7D); bytes.append(b ^ 0x20)
            } else { bytes.append(b) }
        }
        let sum = bytes.reduce(UInt8(0)) { $0 &+ $1 }
        let hexSum = String(sum, radix: 16)
        let framed = "$" + String(decoding: bytes, as: UTF8.self) + "#" + (hexSum.count == 1 ? "0" : "") + hexSum
        while true {
            write(framed)
            guard acks else { return }
            while true {
                if let i = buffer.firstIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "$") }) {
                    if buffer[i] == UInt8(ascii: "$") { return }   // gdb moved on
                    let ok = buffer[i] == UInt8(ascii: "+")
                    buffer.removeFirst(i + 1)
                    if ok { return } else { break }
                }
                guard fill(blocking: true) else { return }
            }
        }
    }

    /// Stops acknowledging (after answering QStartNoAckMode with OK).
    public func disableAcks() { acks = false }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count && !closed {
            let n = bytes.withUnsafeMutableBytes { Glibc.send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n > 0 { off += n } else if n < 0 && errno == EINTR { continue } else { closed = true }
        }
    }

    /// Whether gdb asked to interrupt (0x03) since the last call; never
    /// blocks. A closed connection counts as an interrupt (to stop the run).
    public func interruptRequested() -> Bool {
        if pendingInterrupt { pendingInterrupt = false; return true }
        guard !closed else { return false }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) > 0 else { return false }
        guard fill(blocking: false) else { return closed }
        if let i = buffer.firstIndex(of: 0x03) { buffer.remove(at: i); return true }
        return false
    }

    public func close() {
        if !closed { closed = true; Glibc.close(fd) }
    }

    /// Adopts an already connected socket (a test's socketpair).
    public static func adopting(fd: Int32) -> GDBConnection { GDBConnection(fd: fd) }
}
