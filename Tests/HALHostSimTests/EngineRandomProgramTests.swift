// Random programs on both CPU engines, compared at every trap: loops,
// straight-line runs entered in the middle (forward branches), loads and
// stores walking through pages of which some are not mapped yet, and svc.
// Three ways to run each: faults trap and the "kernel" maps the page;
// faults are resolved in place by a FaultResolver; and timer interrupts at
// seeded instants (every run ends exactly there, so the JIT's instruction
// count must be exact at any instruction boundary). Seeded, so a failure
// replays.
import HAL
import XCTest
@testable import HALHostSim

/// Maps a page in the bed's tables when a fault lands in `pages`.
private struct MappingResolver: FaultResolver {
    let bed: SimTestBed
    var pages: Set<UInt64>
    mutating func resolveUserFault(_ fault: MemoryFault) -> Bool {
        let page = fault.address.raw & ~0xFFF
        guard case .translation = fault.status, pages.remove(page) != nil else { return false }
        bed.map(page)
        return true
    }
}

final class EngineRandomProgramTests: XCTestCase {
    static let data: UInt64 = 0x50_0000
    static let dataPages: UInt64 = 96

    /// A program of `blocks` loops; x5 walks through the data pages.
    static func program(_ rng: inout SplitMix64) -> [UInt32] {
        var p: [UInt32] = []
        func r(_ n: UInt64) -> UInt64 { rng.next(below: n) }
        func reg() -> UInt32 { UInt32(6 + r(4)) }
        for _ in 0..<(2 + r(5)) {
            p.append(A64.movz(3, UInt16(1 + r(4))))
            let loop = p.count
            let body = 1 + Int(r(60))
            var j = 0
            while j < body {
                switch r(12) {
                case 0..<6: p.append(A64.add(reg(), reg(), UInt32(r(16))))
                case 6, 7: p.append(A64.str(reg(), 5, offset: UInt32(r(256)) * 8))
                case 8: p.append(A64.ldr(reg(), 5, offset: UInt32(r(256)) * 8))
                case 9: p.append(0x9140_04A5)   // add x5, x5, #1, lsl #12: the next page
                default:
                    let skip = 1 + Int(r(3))
                    p.append(A64.b(Int32(4 * (skip + 1))))
                    for _ in 0..<skip { p.append(A64.add(reg(), reg(), 1)) }
                    j += skip
                }
                j += 1
            }
            p.append(A64.subs(3, 3, 1))
            p.append(A64.bne(Int32(-4 * (p.count - loop))))
            if r(3) == 0 { p.append(A64.svc()) }
        }
        p.append(A64.svc(0x77))
        return p
    }

    enum Mode { case trapAndMap, resolveInPlace, timer }

    struct Run: Equatable {
        var stops: [String] = []
        var registers: [UInt64] = []
        var now: UInt64 = 0
    }

    func run(_ code: [UInt32], seed: UInt64, mode: Mode, cpu: SimCPUKind,
             hotThreshold: UInt32 = SimConfig.defaultHotThreshold) throws -> Run {
        let bed = try SimTestBed(SimTestBed.config(cpu: cpu, hotThreshold: hotThreshold))
        var rng = SplitMix64(seed: seed &* 31 &+ 7)
        var unmapped = Set<UInt64>()
        for i in 0..<Self.dataPages {
            let page = Self.data + i * 4096
            if rng.next(below: 3) == 0 { unmapped.insert(page) } else { bed.map(page) }
        }
        var resolver = MappingResolver(bed: bed, pages: mode == .resolveInPlace ? unmapped : [])
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        var ctx = bed.context()
        ctx.x[5] = Self.data
        bed.load(code)
        bed.activate()
        var out = Run()
        var deadline: UInt64 = 0
        func arm() {
            // Short gaps end slices in the last kMaxBlock instructions; long ones before.
            deadline += 1 + (rng.next(below: 2) == 0 ? rng.next(below: 40) : rng.next(below: 600))
            bed.hal.timer.setDeadline(deadline)
        }
        if mode == .timer { arm() }
        for _ in 0..<2000 {
            let trap = bed.hal.cpu.enterUser(&ctx, resolver: &resolver)
            out.stops.append("\(trap) pc=\(ctx.pc) t=\(bed.machine.now)")
            switch trap {
            case .syscall:
                if Self.isFinalSvc(code, ctx.pc) {
                    out.registers = (0..<31).map { ctx.x[$0] }
                    out.now = bed.machine.now
                    return out
                }
            case .memoryFault(let f):
                let page = f.address.raw & ~0xFFF
                guard unmapped.remove(page) != nil else { XCTFail("unexpected fault \(f)"); return out }
                bed.map(page)
            case .interrupt:
                guard let irq = bed.hal.interrupts.acknowledge() else { break }
                bed.hal.interrupts.endOfInterrupt(irq)
                arm()
            default:
                XCTFail("unexpected trap \(trap)")
                return out
            }
        }
        XCTFail("no end")
        return out
    }

    static func isFinalSvc(_ code: [UInt32], _ pc: UInt64) -> Bool {
        pc == SimTestBed.codeVA + UInt64(code.count) * 4
    }

    func testRandomProgramsAgreeAtEveryTrap() throws {
        for seed in UInt64(1)...40 {
            var rng = SplitMix64(seed: seed)
            let code = Self.program(&rng)
            for mode in [Mode.trapAndMap, .resolveInPlace, .timer] {
                let unicorn = try run(code, seed: seed, mode: mode, cpu: .unicorn)
                // The JIT with blocks translated at once, after a few entries
                // (loops switch between the interpreter and translated code
                // mid-run, at stubs, at every kind of stop), and never.
                for threshold: UInt32 in [0, 2 + UInt32(seed % 5), 0xFFFF] {
                    let jit = try run(code, seed: seed, mode: mode, cpu: .jit, hotThreshold: threshold)
                    XCTAssertFalse(jit.registers.isEmpty, "seed \(seed) \(mode) threshold \(threshold): did not finish")
                    if jit != unicorn {
                        let firstDifference = zip(jit.stops, unicorn.stops).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                            ?? min(jit.stops.count, unicorn.stops.count)
                        XCTFail("seed \(seed) \(mode) threshold \(threshold): the engines disagree at stop \(firstDifference): "
                                + "jit \(jit.stops.dropFirst(firstDifference).first ?? "end"), "
                                + "unicorn \(unicorn.stops.dropFirst(firstDifference).first ?? "end")")
                    }
                    if mode == .resolveInPlace {
                        XCTAssertFalse(jit.stops.contains { $0.hasPrefix("memoryFault") }, "seed \(seed): faults resolved in place")
                    }
                }
            }
        }
    }
}
