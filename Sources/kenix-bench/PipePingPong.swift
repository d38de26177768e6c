// The Linux baseline: two host processes bouncing a 40-byte message (a tag
// and four words, like a Kenix IPC message) through a pair of pipes.
#if canImport(Glibc)
import Glibc
import SimHost
#endif

/// Nanoseconds per round trip over `rounds` round trips.
func pipePingPong(rounds: Int) -> Double {
    var toChild: [Int32] = [0, 0], toParent: [Int32] = [0, 0]
    guard pipe(&toChild) == 0, pipe(&toParent) == 0 else { fatalError("pipe failed") }
    let child = fork()
    if child == 0 {
        // Close the parent's ends, so the parent closing its side ends the loop.
        close(toChild[1]); close(toParent[0])
        var buffer = [UInt8](repeating: 0, count: 40)
        while true {
            var got = 0
            while got < 40 {
                let n = buffer.withUnsafeMutableBytes { read(toChild[0], $0.baseAddress! + got, 40 - got) }
                if n <= 0 { _exit(0) }
                got += n
            }
            _ = buffer.withUnsafeBytes { write(toParent[1], $0.baseAddress!, 40) }
        }
    }
    close(toChild[0]); close(toParent[1])
    var buffer = [UInt8](repeating: 7, count: 40)
    let start = HostClock.monotonicNanoseconds()
    for _ in 0..<rounds {
        _ = buffer.withUnsafeBytes { write(toChild[1], $0.baseAddress!, 40) }
        var got = 0
        while got < 40 {
            let n = buffer.withUnsafeMutableBytes { read(toParent[0], $0.baseAddress! + got, 40 - got) }
            if n <= 0 { fatalError("pipe read failed") }
            got += n
        }
    }
    let elapsed = HostClock.monotonicNanoseconds() - start
    close(toChild[1]); close(toParent[0])
    var status: Int32 = 0
    waitpid(child, &status, 0)
    return Double(elapsed) / Double(rounds)
}
