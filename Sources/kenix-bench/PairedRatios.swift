// Ratios from measurements taken in turn. This host's speed moves by tens of
// percent from one minute to the next: a Linux pipe timed first and Kenix's
// IPC timed a minute later compared two phases of the host as much as the
// two mechanisms (the same binary's ratio read 9.5× and 10.2× in two runs).
// So each round times the pipe, the JIT's IPC round trip and its `svc` round
// trip back to back, and a ratio is the median of the rounds' own ratios.

/// Medians of each measurement and of the rounds' ratios.
struct IPCRatios {
    /// ns per Linux pipe round trip.
    var pipe: Double
    /// ns per Kenix call/reply round trip (register-only loops).
    var ipc: Double
    /// ns per `svc` round trip through `SimCPU.enterUser`.
    var svc: Double
    /// Median over the rounds of pipe / IPC.
    var pipeOverIPC: Double
    /// Median over the rounds of IPC / two `svc` trips.
    var ipcOverTwoSvc: Double
}

/// `rounds` rounds of `pipe`, `ipc` and `svc`, in that order; nil when a
/// bench program failed.
func pairedIPCRatios(rounds: Int, pipe: () -> Double, ipc: () -> Double?, svc: () -> Double) -> IPCRatios? {
    var p: [Double] = [], i: [Double] = [], s: [Double] = [], pipeOverIPC: [Double] = [], ipcOverSvc: [Double] = []
    for _ in 0..<max(rounds, 1) {
        let onePipe = pipe()
        guard let oneIPC = ipc() else { return nil }
        let oneSvc = svc()
        p.append(onePipe)
        i.append(oneIPC)
        s.append(oneSvc)
        pipeOverIPC.append(onePipe / oneIPC)
        ipcOverSvc.append(oneIPC / (2 * oneSvc))
    }
    return IPCRatios(pipe: median(of: p), ipc: median(of: i), svc: median(of: s),
                     pipeOverIPC: median(of: pipeOverIPC), ipcOverTwoSvc: median(of: ipcOverSvc))
}
