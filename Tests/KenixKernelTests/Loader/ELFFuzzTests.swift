// Fuzzing the untrusted-input decoders with a seeded PRNG: random mutations
// of a valid ELF never trap, and whatever parses still obeys every rule the
// loader relies on. A failure names its seed and iteration.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class ELFFuzzTests: XCTestCase {
    func seedFile() -> [UInt8] {
        ELFBuilder(entry: 0x40_0040, segments: [
            Seg(flags: Seg.rx, vaddr: 0x40_0000, bytes: Array(repeating: 0xAA, count: 0x80)),
            Seg(flags: Seg.r, vaddr: 0x40_1000, bytes: Array(repeating: 0xBB, count: 0x20)),
            Seg(flags: Seg.rw, vaddr: 0x40_2010, bytes: Array(1...16), memsz: 0x1800),
        ]).build()
    }

    /// Mutates 1–8 bytes, mostly in the headers, sometimes truncating.
    func mutate(_ bytes: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            let headerBytes = ELFBuilder.programHeaderOffset(3)
            let i = Bool.random(using: &rng) ? Int.random(in: 0..<headerBytes, using: &rng)
                                             : Int.random(in: 0..<out.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: out[i] = UInt8.random(in: 0...255, using: &rng)
            case 1: out[i] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            case 2: out[i] = [0, 1, 0xFF, 0x40, 0x80][Int.random(in: 0..<5, using: &rng)]
            default: out[i] &+= 1
            }
        }
        if Int.random(in: 0..<16, using: &rng) == 0 { out = Array(out.prefix(Int.random(in: 0..<out.count, using: &rng))) }
        return out
    }

    func assertSound(_ elf: ELFFile, _ size: Int, _ context: String) {
        var entryOK = false
        for i in 0..<elf.segmentCount {
            let s = elf.segment(i)
            XCTAssertGreaterThan(s.memorySize, 0, context)
            XCTAssertLessThanOrEqual(s.fileSize, s.memorySize, context)
            XCTAssertLessThanOrEqual(s.fileOffset + s.fileSize, UInt64(size), context)
            XCTAssertGreaterThanOrEqual(s.virtualAddress, UserLayout.imageBase, context)
            XCTAssertLessThanOrEqual(s.virtualAddress + s.memorySize, UserLayout.imageLimit, context)
            XCTAssertFalse(s.writable && s.executable, context)
            for j in 0..<i {
                let o = elf.segment(j)
                XCTAssertTrue(s.pageEnd <= o.firstPage || o.pageEnd <= s.firstPage, context)
            }
            if s.executable && elf.entry >= s.virtualAddress && elf.entry < s.virtualAddress + s.memorySize {
                entryOK = true
            }
        }
        XCTAssertTrue(entryOK && elf.entry % 4 == 0, context)
    }

    func testRandomMutationsNeverTrapAndParsedFilesAreSound() {
        let seed: UInt64 = 0x5EED_E1F0
        var rng = SeededRandom(seed: seed)
        let base = seedFile()
        var parsed = 0, rejected: [String: Int] = [:]
        for iteration in 0..<4000 {
            let bytes = mutate(base, &rng)
            switch parseELF(bytes) {
            case .success(let elf):
                parsed += 1
                assertSound(elf, bytes.count, "seed \(seed) iteration \(iteration)")
            case .failure(let e):
                rejected["\(e)", default: 0] += 1
            }
        }
        // Both outcomes must really occur, or the fuzzer is not exploring.
        XCTAssertGreaterThan(parsed, 100)
        XCTAssertGreaterThan(rejected.count, 8, "\(rejected)")
    }

    /// The same mutations as boot images: Kernel.init either refuses init with
    /// `badInit`, loads it using exactly the frames its segments need, or
    /// reports `outOfMemory` exactly when those frames exceed RAM.
    func testRandomlyMutatedInitEitherBootsExactlyOrIsRefused() {
        var rng = SeededRandom(seed: 0xB007)
        let base = seedFile()
        var booted = 0
        for iteration in 0..<300 {
            let bytes = mutate(base, &rng)
            var cpio = CPIOBuilder()
            cpio.addFile("init", bytes)
            let hal = ScriptedHAL(frames: 256, initrd: cpio.build())
            // A file that parses but lost its Kenix note is refused as foreign.
            let runnable = (try? parseELF(bytes).get()).flatMap { $0.isKenixProgram ? $0 : nil }
            let needed: Int? = runnable.map { elf in
                var pages: [UInt64] = []
                for i in 0..<elf.segmentCount {
                    var p = elf.segment(i).firstPage
                    while p < elf.segment(i).pageEnd && pages.count < 100_000 { pages.append(p); p += 0x1000 }
                }
                var s = UserLayout.stackTop - UserLayout.stackSize
                while s < UserLayout.stackTop { pages.append(s); s += 0x1000 }
                return PageTableModel.frames(forPages: pages)
            }
            do {
                let kernel = try Kernel(hal: hal)
                booted += 1
                guard let needed else { XCTFail("kernel loaded what ELFFile refuses"); continue }
                XCTAssertEqual(kernel.freeFrames, hal.allocatableFrames - kernel.tableFrames - needed, "iteration \(iteration)")
                XCTAssertEqual(kernel.liveTaskCount, 1)
            } catch .outOfMemory {
                XCTAssertGreaterThan(needed ?? 0, hal.allocatableFrames - SwapScript.tableFrames, "iteration \(iteration)")
            } catch {
                guard case .badInit(let e) = error else { XCTFail("iteration \(iteration): \(error)"); continue }
                XCTAssertEqual(parseELF(bytes).failure ?? .notAKenixProgram, e, "iteration \(iteration)")
            }
            XCTAssertEqual(hal.machine.harnessErrors, [], "iteration \(iteration)")
        }
        XCTAssertGreaterThan(booted, 10)
    }
}
