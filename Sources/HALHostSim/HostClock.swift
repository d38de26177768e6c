// HostClock: the host's sleep, used only in realtime mode (bottom layer).
//
// Interface: `HostClock.sleep(nanoseconds:)`. Nothing else in HALHostSim
// reads or waits on host time: without `realtime` a run is a pure function of
// its image, seed and input.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum HostClock {
    static func sleep(nanoseconds: UInt64) {
        guard nanoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000),
                               tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
