// TraceRing.swift: the kernel's trace events on QEMU (boot argument
// kenix.trace=ring). `RingTrace` is ArmHAL's TraceSink: off, it is one
// branch per event; on, tracering.c keeps the last 8192 events in static
// storage, stamped with the generic timer. `TraceRing.dump()` writes them
// over the serial line at shutdown, one line each, between markers:
//   kenix-trace: begin events=N dropped=D frequency=HZ
//   kt KIND TICKS A B C          (KIND decimal, the rest 0x hex)
//   kenix-trace: end
// tools/trace-to-json.py turns that into the Chrome JSON kenix-sim's
// --trace-json writes (docs/tracing.md).
import HAL

@_extern(c, "kenix_trace_record") func kenix_trace_record(_ kind: UInt64, _ a: UInt64, _ b: UInt64, _ c: UInt64)
@_extern(c, "kenix_trace_recorded") func kenix_trace_recorded() -> UInt64
@_extern(c, "kenix_trace_capacity") func kenix_trace_capacity() -> UInt64
@_extern(c, "kenix_trace_word") func kenix_trace_word(_ i: UInt64, _ w: UInt64) -> UInt64

struct RingTrace: TraceSink {
    @inline(__always) func record(_ event: TraceEvent) {
        if TraceRing.enabled { kenix_trace_record(UInt64(event.kind.rawValue), event.a, event.b, event.c) }
    }
}

enum TraceRing {
    nonisolated(unsafe) static var enabled = false

    /// Writes the ring over the console (nothing when tracing is off).
    static func dump(frequency: UInt64) {
        guard enabled else { return }
        enabled = false
        let recorded = kenix_trace_recorded()
        let held = min(recorded, kenix_trace_capacity())
        Console.put("kenix-trace: begin events=")
        Console.put(decimal: held)
        Console.put(" dropped=")
        Console.put(decimal: recorded - held)
        Console.put(" frequency=")
        Console.put(decimal: frequency)
        Console.put("\n")
        var i: UInt64 = 0
        while i < held {
            let w0 = kenix_trace_word(i, 0)
            Console.put("kt ")
            Console.put(decimal: w0 & 0xFF)
            Console.put(" ")
            Console.put(shortHex: w0 >> 8)
            for w in 1..<4 as Range<UInt64> {
                Console.put(" ")
                Console.put(shortHex: kenix_trace_word(i, w))
            }
            Console.put("\n")
            i += 1
        }
        Console.put("kenix-trace: end\n")
    }
}
