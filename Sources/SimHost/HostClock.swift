// HostClock: the host's sleep, used only in realtime mode, and its monotonic
// clock, which paces the host poller (bottom layer).
//
// Interface: `HostClock.sleep(nanoseconds:)`, `monotonicNanoseconds()`.
// Nothing else in HALHostSim reads or waits on host time but the JIT core
// pool (which core serves an address space: never visible in a run), and the
// poller (SimMachine+HostPoll) lets it decide only when the window is drawn
// and a live terminal read: without `realtime` and a live terminal a run is
// a pure function of its image, seed and input (and with one, of its
// recording).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum HostClock {
    public static func monotonicNanoseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }

    public static func sleep(nanoseconds: UInt64) {
        guard nanoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000),
                               tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
