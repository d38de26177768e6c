// Dispositions, masks and pending signals: what a signal does on arrival,
// which one is delivered first, the masks a handler runs with and the
// rules of exec and fork.
import KenixLinux
import XCTest

final class SignalStateTests: XCTestCase {
    func info(_ n: Int) -> SignalInfo { SignalInfo(signal: n, code: SignalInfo.userCode) }

    func testDefaultActions() {
        var s = SignalState()
        XCTAssertEqual(s.generate(Signal.SIGKILL, info(9)), .kill)
        XCTAssertEqual(s.generate(Signal.SIGSTOP, info(19)), .stop)
        XCTAssertEqual(s.generate(Signal.SIGCHLD, info(17)), .discard, "SIGCHLD's default is to ignore")
        XCTAssertEqual(s.generate(Signal.SIGWINCH, info(28)), .discard)
        XCTAssertEqual(s.generate(Signal.SIGINT, info(2)), .pending, "terminating signals wait for delivery")
        XCTAssertEqual(s.generate(Signal.SIGCONT, info(18)), .continue)
        XCTAssertEqual(Signal.defaultAction(Signal.SIGSEGV), .coreDump)
        XCTAssertEqual(Signal.defaultAction(Signal.SIGTSTP), .stop)
        XCTAssertEqual(s.generate(0, info(0)), .discard)
        XCTAssertEqual(s.generate(65, info(65)), .discard)
    }

    func testIgnoredAndBlocked() {
        var s = SignalState()
        XCTAssertTrue(s.setAction(Signal.SIGINT, SignalAction(handler: SignalAction.ignoreHandler)))
        XCTAssertEqual(s.generate(Signal.SIGINT, info(2)), .discard)
        XCTAssertFalse(s.setAction(Signal.SIGKILL, SignalAction(handler: SignalAction.ignoreHandler)), "SIGKILL stays")
        XCTAssertFalse(s.setAction(Signal.SIGSTOP, SignalAction(handler: 0x400000)))
        s.mask = SignalSet(bits: 1 << 9)   // SIGUSR1 blocked
        XCTAssertTrue(s.setAction(Signal.SIGUSR1, SignalAction(handler: 0x400000)))
        XCTAssertEqual(s.generate(Signal.SIGUSR1, info(10)), .pending)
        XCTAssertFalse(s.hasDeliverable, "blocked")
        s.mask = .empty
        XCTAssertTrue(s.hasDeliverable)
        // Ignoring a pending signal drops it.
        s.mask = SignalSet(bits: 1 << 9)
        _ = s.generate(Signal.SIGUSR1, info(10))
        _ = s.setAction(Signal.SIGUSR1, SignalAction(handler: SignalAction.ignoreHandler))
        XCTAssertFalse(s.pending.contains(Signal.SIGUSR1))
    }

    func testLowestFirstAndNoQueueing() {
        var s = SignalState()
        for n in [Signal.SIGUSR2, Signal.SIGUSR1, Signal.SIGUSR1, Signal.SIGHUP] {
            _ = s.setAction(n, SignalAction(handler: 0x400000))
            _ = s.generate(n, info(n))
        }
        var order: [Int] = []
        while let (n, _) = s.takeDeliverable() { order.append(n) }
        XCTAssertEqual(order, [Signal.SIGHUP, Signal.SIGUSR1, Signal.SIGUSR2], "one SIGUSR1, lowest first")
    }

    func testTheFirstInfoOfAPendingSignalIsKept() {
        var s = SignalState()
        _ = s.setAction(Signal.SIGUSR1, SignalAction(handler: 0x400000))
        var a = info(10); a.pid = 5
        var b = info(10); b.pid = 6
        _ = s.generate(10, a); _ = s.generate(10, b)
        XCTAssertEqual(s.takeDeliverable()?.1.pid, 5)
    }

    func testHandlerMasks() {
        var s = SignalState()
        s.mask = SignalSet(bits: 1 << 0)   // SIGHUP
        _ = s.setAction(Signal.SIGINT, SignalAction(handler: 0x400000, mask: SignalSet(bits: 1 << 2)))
        let (saved, _) = s.enterHandler(Signal.SIGINT)
        XCTAssertEqual(saved.bits, 1 << 0)
        XCTAssertEqual(s.mask.bits, 1 << 0 | 1 << 1 | 1 << 2, "old mask, sa_mask and the signal itself")
        var d = SignalState()
        _ = d.setAction(Signal.SIGINT, SignalAction(handler: 0x400000, flags: SignalActionFlags.noDefer | SignalActionFlags.resetHandler))
        _ = d.enterHandler(Signal.SIGINT)
        XCTAssertFalse(d.mask.contains(Signal.SIGINT), "SA_NODEFER")
        XCTAssertTrue(d.action(Signal.SIGINT).isDefault, "SA_RESETHAND")
        // A temporary mask (sigsuspend) is what the frame saves.
        var t = SignalState()
        t.mask = SignalSet(bits: 1 << 9)
        t.restoreMask = t.mask
        t.mask = .empty
        _ = t.setAction(10, SignalAction(handler: 0x400000))
        let (saved2, _) = t.enterHandler(10)
        XCTAssertEqual(saved2.bits, 1 << 9)
        XCTAssertNil(t.restoreMask)
    }

    func testExecAndFork() {
        var s = SignalState()
        _ = s.setAction(Signal.SIGINT, SignalAction(handler: 0x400000))
        _ = s.setAction(Signal.SIGQUIT, SignalAction(handler: SignalAction.ignoreHandler))
        s.mask = SignalSet(bits: 1 << 9)
        s.altStack = AltStack(base: 0x1000, flags: 0, size: 8192)
        _ = s.generate(Signal.SIGINT, info(2))
        let child = s.forChild()
        XCTAssertTrue(child.pending.isEmpty, "a child starts with nothing pending")
        XCTAssertEqual(child.action(Signal.SIGINT).handler, 0x400000, "and its parent's handlers")
        s.resetForExec()
        XCTAssertTrue(s.action(Signal.SIGINT).isDefault, "handlers reset by exec")
        XCTAssertTrue(s.action(Signal.SIGQUIT).isIgnored, "ignored stays ignored")
        XCTAssertEqual(s.mask.bits, 1 << 9, "the mask survives exec")
        XCTAssertTrue(s.pending.contains(Signal.SIGINT), "and so do pending signals")
        XCTAssertFalse(s.altStack.isEnabled)
    }

    func testSigactionRecord() {
        let a = SignalAction(handler: 0x401234, flags: SignalActionFlags.siginfo | SignalActionFlags.restart,
                             restorer: 0x405678, mask: SignalSet(bits: 0x3))
        XCTAssertEqual(a.bytes.count, 32)
        XCTAssertEqual(SignalAction(bytes: a.bytes), a)
        XCTAssertEqual(LE.u64(a.bytes, 8), 0x1000_0004, "sa_flags at 8")
    }
}
