// KernelStatistics: the lines printed when the kernel's run ends: how
// (init's exit status, a kill, a deadlock), the timing, and the memory
// left (frames, kernel heap, kernel stack high-water). Tests/QEMU/boot.sh
// and the benchmarks read them.
import HAL
import KenixKernel

enum KernelStatistics {
    static func outcome(_ outcome: RunOutcome) {
        switch outcome {
        case .initExited(let status):
            Console.put("kenix: init exited with status ")
            Console.put(decimal: UInt64(bitPattern: status))
            Console.put("\n")
        case .initKilled(let reason):
            Console.put("kenix: init was killed (reason ")
            Console.put(decimal: reason)
            Console.put(")\n")
        case .deadlock:
            Console.put("kenix: deadlock: no task can run\n")
        case .halted:
            Console.put("kenix: halted\n")
        }
    }

    /// Timing differs between runs; under `-icount shift=0` one tick of the
    /// 62.5 MHz counter is 16 instructions, so it counts instructions exactly.
    static func timing(startTicks: UInt64, endTicks: UInt64, frequency: UInt64) {
        Console.put("kenix: timing: ticks from reset ")
        Console.put(decimal: endTicks)
        Console.put(", kernel start to init exit ")
        Console.put(decimal: endTicks &- startTicks)
        Console.put(" at ")
        Console.put(decimal: frequency)
        Console.put(" Hz\n")
    }

    static func memory(freeFrames: Int, totalFrames: Int) {
        Console.put("kenix: frames free ")
        Console.put(decimal: UInt64(freeFrames))
        Console.put(" of ")
        Console.put(decimal: UInt64(totalFrames))
        Console.put(", kernel heap ")
        Console.put(decimal: UInt64(kenix_heap_used_kb()))
        Console.put(" KB, kernel stack high-water ")
        Console.put(decimal: StackWatermark.used() / 1024)
        Console.put(" KB\n")
    }
}
