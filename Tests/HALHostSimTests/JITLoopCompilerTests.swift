// The JIT engine's loop compiler (CDynarmic/LoopSource.cpp, KenixJIT+Loops.cpp)
// against the same engine without it: random loops whose bodies are random
// words of every class a region expresses (and some it does not), loads and
// stores of every size and addressing form over writable, read-only and
// unmapped pages and across page boundaries, conditional branches inside
// the loop and side exits out of it to an svc that comes back, run under
// random timer deadlines (every run ends exactly there). Regions are made at
// the first slice that ends in a loop and compiled before the run goes on,
// so the compiled code is what runs. Each program must stop at the same
// traps, pcs and instants, with the same registers, flags and memory (an
// instruction that faults for good or is unallocated is skipped).
// Seeded: a failure names its seed.
import CDynarmic
import HAL
import XCTest
@testable import HALHostSim

final class JITLoopCompilerTests: XCTestCase {
    static let data: UInt64 = SimTestBed.dataVA
    /// Writable, writable, read-only, unmapped (mapped writable at its fault).
    static let dataPages: UInt64 = 4

    /// Classes of data-processing words (fixed bits, mask): the destination
    /// is forced into x6-x15 or SP/XZR afterwards.
    static let classes: [(UInt32, UInt32)] = [
        (0x1100_0000, 0x1F80_0000),   // ADD/SUB(S) (immediate)
        (0x1200_0000, 0x1F80_0000),   // logical (immediate)
        (0x1280_0000, 0x1F80_0000),   // move wide
        (0x1300_0000, 0x1F80_0000),   // bitfield
        (0x0A00_0000, 0x1F00_0000),   // logical (shifted register)
        (0x0B00_0000, 0x1F20_0000),   // ADD/SUB(S) (shifted register)
        (0x1A80_0000, 0x3FE0_0800),   // CSEL, CSINC, CSINV, CSNEG
        (0x1B00_0000, 0x7FE0_0000),   // MADD, MSUB
        (0x9B40_7C00, 0xFF60_FC00),   // SMULH, UMULH
        (0x1AC0_0800, 0x7FE0_F800),   // UDIV, SDIV
        (0x1AC0_2000, 0x7FE0_F000),   // LSLV, LSRV, ASRV, RORV
        (0x1000_0000, 0x1F00_0000),   // ADR, ADRP
    ]

    /// `word` with the fields that would make it unallocated changed (so
    /// that most of a loop body is code a region expresses).
    static func allocated(_ word: UInt32) -> UInt32 {
        let sf = word >> 31
        var w = word
        switch word & 0x1F80_0000 {
        case 0x1200_0000:   // logical (immediate): N only with sf
            if sf == 0 { w &= ~(1 << 22) }
        case 0x1280_0000:   // move wide: no opc 01; hw < 2 in 32 bits
            if (w >> 29) & 3 == 1 { w ^= 1 << 29 }
            if sf == 0 { w &= ~(1 << 22) }
        case 0x1300_0000:   // bitfield: N = sf; immr, imms < 32 in 32 bits
            w = w & ~(1 << 22) | sf << 22
            if sf == 0 { w &= ~(1 << 21 | 1 << 15) }
        default:
            // Shifted registers: an amount < 32 in 32 bits; no ROR for ADD/SUB.
            if word & 0x1F00_0000 == 0x0A00_0000 || word & 0x1F20_0000 == 0x0B00_0000 {
                if sf == 0 { w &= ~(1 << 15) }
                if word & 0x1F00_0000 == 0x0B00_0000 && (w >> 22) & 3 == 3 { w &= ~(1 << 23) }
            }
        }
        return w
    }

    static func program(_ rng: inout SplitMix64) -> [UInt32] {
        func r(_ n: UInt64) -> UInt64 { rng.next(below: n) }
        func dest() -> UInt32 { r(12) == 0 ? 31 : UInt32(6 + r(10)) }
        var p: [UInt32] = A64.mov64(4, r(64) * 8)     // an index for register offsets
        p.append(A64.movz(3, UInt16(100 + r(900))))
        let loop = p.count
        var exits: [Int] = []   // indices of side exits to patch
        var i = 0
        let body = 8 + Int(r(40))
        while i < body {
            switch r(20) {
            case 0..<8:
                let (value, mask) = classes[Int(r(UInt64(classes.count)))]
                var word = value | (UInt32(truncatingIfNeeded: rng.next()) & ~mask)
                word = Self.allocated(word) & ~0x1F | dest()
                p.append(word)
            case 8..<11:
                // A load or store off x5 (the data pages): unsigned offset,
                // any size, reaching every page and its boundaries.
                let size = UInt32(r(4)), load = r(2) == 0
                let offset = UInt32(r(4 * 4096 >> size)) & 0xFFF
                let rt = load ? dest() : UInt32(r(16))
                p.append(0x3900_0000 | size << 30 | (load ? 1 << 22 : 0) | offset << 10 | 5 << 5 | rt)
            case 11:
                // Register offset (x4 << 0 or << size) or a pair.
                if r(2) == 0 {
                    let size = UInt32(r(4)), load = r(2) == 0
                    p.append(0x3820_6800 | size << 30 | (load ? 1 << 22 : 0) | UInt32(r(2)) << 12 | 4 << 16 | 5 << 5 | dest())
                } else {
                    let x = r(2) == 0, load = r(2) == 0
                    let rt = dest(), rt2 = UInt32(6 + r(10))
                    guard !(load && rt == rt2) else { continue }
                    p.append((x ? 0xA900_0000 : 0x2900_0000) | (load ? 1 << 22 : 0) | UInt32(r(64)) << 15 | rt2 << 10 | 5 << 5 | rt)
                }
            case 12:
                // Pre- or post-indexed through x7, reset first.
                p.append(A64.add(7, 5, UInt32(r(4096))))
                let kind: UInt32 = r(2) == 0 ? 1 : 3
                let imm = UInt32(bitPattern: Int32(r(512)) - 256) & 0x1FF
                p.append(0x3800_0000 | UInt32(r(4)) << 30 | UInt32(r(2)) << 22 | imm << 12 | kind << 10 | 7 << 5 | UInt32(8 + r(8)))
                i += 1
            case 13:
                // A forward branch inside the body: B.cond, CBZ/CBNZ, TBZ/TBNZ.
                let skip = Int32(2 + r(3))
                switch r(3) {
                case 0: p.append(0x5400_0000 | UInt32(skip) << 5 | UInt32(r(16)))
                case 1: p.append(0xB400_0000 | UInt32(r(2)) << 24 | UInt32(skip) << 5 | UInt32(6 + r(10)))
                default: p.append(0x3600_0000 | UInt32(r(64)) << 19 | UInt32(r(2)) << 24 | UInt32(skip) << 5 | UInt32(6 + r(10)))
                }
            case 14:
                // A side exit out of the loop, to an svc that branches back:
                // TBNZ on a bit of the counter, so taken in some iterations.
                exits.append(p.count)
                p.append(0xB700_0000 | UInt32(3 + r(7)) << 19 | 3)
            default:
                // A compare of two registers or of one with 0-3 (operands
                // are often equal or at the signed/unsigned edges), then a
                // conditional select on a random condition.
                let sf = UInt32(r(2)) << 31, n = UInt32(6 + r(10))
                let adds = r(4) == 0 ? 0 : UInt32(1) << 30
                p.append(r(2) == 0 ? 0x3100_001F | sf | adds | UInt32(r(4)) << 10 | n << 5
                                   : 0x2B00_001F | sf | adds | UInt32(6 + r(10)) << 16 | n << 5)
                p.append(0x1A80_0000 | sf | UInt32(r(2)) << 30 | UInt32(6 + r(10)) << 16 | UInt32(r(16)) << 12 |
                         UInt32(r(2)) << 10 | UInt32(6 + r(10)) << 5 | UInt32(6 + r(10)))
                i += 1
            }
            i += 1
        }
        p.append(A64.subs(3, 3, 1))
        p.append(A64.bne(Int32(-4 * (p.count - loop))))
        p.append(A64.svc(0x77))
        for site in exits {
            // svc #0x55, then back to the instruction after the branch.
            let stub = p.count
            p[site] |= UInt32(stub - site) << 5   // TBNZ's imm14
            p.append(A64.svc(0x55))
            p.append(A64.b(Int32(4 * (site + 1 - (stub + 1)))))
        }
        return p
    }

    struct Run: Equatable {
        var stops: [String] = []
        var registers: [UInt64] = []
        var data: [UInt64] = []
    }

    func run(_ code: [UInt32], seed: UInt64, loops: SimLoopCompiler) throws -> (Run, kd_stats?) {
        var config = SimTestBed.config(cpu: .jit, hotThreshold: 0)
        config.sliceInstructions = 5000
        config.loopCompiler = loops
        config.loopHot = 1
        let bed = try SimTestBed(config)
        var frames: [PhysAddr] = []
        for page in 0..<Self.dataPages - 1 {
            frames.append(bed.map(Self.data + page * 4096, writable: page < 2))
        }
        var rng = SplitMix64(seed: seed &* 0x9E37 &+ 1)
        for frame in frames {
            for i in 0..<UInt64(512) { bed.write64(frame.adding(i * 8), rng.next()) }
        }
        bed.load(code)
        bed.activate()
        (bed.machine.engine as? JITEngine)?.resetActiveCoreHeat()
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        var ctx = bed.context()
        // Mostly boundary values, so that compares come out equal, signed
        // and unsigned orders differ, and additions overflow.
        let edges: [UInt64] = [0, 1, 2, 3, ~0, ~1, 1 << 63, (1 << 63) - 1, 0x8000_0000, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x1_0000_0000]
        for r in 6..<16 { ctx.x[r] = rng.next(below: 3) == 0 ? rng.next() : edges[Int(rng.next(below: UInt64(edges.count)))] }
        ctx.x[5] = Self.data
        ctx.nzcv = rng.next(below: 16) << 28
        var out = Run()
        var deadline: UInt64 = 0
        func arm() {
            deadline += 1 + (rng.next(below: 2) == 0 ? rng.next(below: 100) : rng.next(below: 30000))
            bed.hal.timer.setDeadline(deadline)
        }
        arm()
        for _ in 0..<100_000 {
            let trap = bed.hal.cpu.enterUser(&ctx)
            out.stops.append("\(trap) pc=\(ctx.pc) t=\(bed.machine.now) nzcv=\(ctx.nzcv) x=\((0..<31).map { ctx.x[$0] }) sp=\(ctx.sp)")
            switch trap {
            case .syscall where ctx.pc == SimTestBed.codeVA + UInt64(code.firstIndex(of: A64.svc(0x77))! + 1) * 4:
                out.registers = (0..<31).map { ctx.x[$0] } + [ctx.sp, ctx.nzcv]
                out.data = frames.flatMap { f in (0..<UInt64(512)).map { bed.read64(f.adding($0 * 8)) } }
                return (out, (bed.machine.engine as? JITEngine)?.stats)
            case .syscall:
                break
            case .memoryFault(let f) where f.address.raw & ~0xFFF == Self.data + 3 * 4096:
                frames.append(bed.map(Self.data + 3 * 4096))
            case .interrupt:
                if let irq = bed.hal.interrupts.acknowledge() { bed.hal.interrupts.endOfInterrupt(irq) }
                arm()
            default:
                // A store to the read-only page, an unallocated word: the
                // "kernel" skips the instruction, as both runs must.
                ctx.pc += 4
            }
        }
        XCTFail("seed \(seed): no end")
        return (out, nil)
    }

    func testCompiledLoopsAgreeWithTheJitAtEveryStop() throws {
        var compiledInstructions: UInt64 = 0
        var longRuns = 0
        for seed in UInt64(1)...60 {
            var rng = SplitMix64(seed: seed)
            let code = Self.program(&rng)
            let (plain, _) = try run(code, seed: seed, loops: .off)
            let (compiled, stats) = try run(code, seed: seed, loops: .synchronous)
            XCTAssertEqual(plain.stops.count, compiled.stops.count, "seed \(seed)")
            for (n, (a, b)) in zip(plain.stops, compiled.stops).enumerated() where a != b {
                XCTFail("seed \(seed), stop \(n): \(a) without the loop compiler, \(b) with it")
                break
            }
            XCTAssertEqual(plain.registers, compiled.registers, "seed \(seed)")
            XCTAssertEqual(plain.data, compiled.data, "seed \(seed)")
            compiledInstructions += stats?.loop_instructions ?? 0
            if plain.stops.count > 20 { longRuns += 1 }
        }
        // The programs must have run in compiled regions, or this compared
        // the Jit with itself (clang missing from PATH fails here).
        XCTAssertGreaterThan(longRuns, 10)
        XCTAssertGreaterThan(compiledInstructions, 300_000, "no loop was compiled: is clang on PATH?")
    }
}
