// KernelPanic.swift: an exception taken at EL1 is a kernel bug. vectors.S
// saves x0-x30 and the interrupted SP in a frame and calls here; we print the
// vector, ESR/ELR/FAR, the registers and a frame-pointer backtrace (return
// call sites, symbolized through the table linked into the image:
// KernelSymbols.swift), then power off so a scripted run ends.

@_cdecl("kenix_kernel_exception")
func kenixKernelException(_ frame: UnsafePointer<UInt64>, _ vector: UInt64) {
    Console.put("\nkenix: KERNEL PANIC: exception from EL1, vector ")
    Console.put(decimal: vector)
    Console.put("\n  ESR ")
    Console.put(hex: kenix_read_esr())
    Console.put("  ELR ")
    Console.put(hex: kenix_read_elr())
    Console.put("  FAR ")
    Console.put(hex: kenix_read_far())
    Console.put("\n")
    for i in 0..<31 {
        Console.put("  x")
        Console.put(decimal: UInt64(i))
        Console.put(i < 10 ? "  " : " ")
        Console.put(hex: frame[i])
        if i % 3 == 2 { Console.put("\n") }
    }
    Console.put("  sp  ")
    Console.put(hex: frame[31])
    Console.put("\n  backtrace:\n    ")
    Console.put(hex: kenix_read_elr())
    KernelSymbols.describe(kenix_read_elr())
    backtrace(from: frame[29])
    PSCI.systemOff()
}

/// Walks AAPCS64 frame records {previous fp, lr} inside the kernel stack.
func backtrace(from fp: UInt64) {
    let low = kenix_addr_stack_bottom(), high = low + 256 * 1024
    var fp = fp
    var depth = 0
    while fp >= low && fp + 16 <= high && fp & 15 == 0 && depth < 32 {
        let record = UnsafePointer<UInt64>(bitPattern: UInt(fp))!
        let lr = record[1]
        if lr == 0 { break }
        Console.put("\n    ")
        Console.put(hex: lr)
        KernelSymbols.describe(lr &- 4)    // the call instruction
        fp = record[0]
        depth += 1
    }
    Console.put("\n")
}

/// A kernel-side fatal error with a message: print and power off.
func kernelHalt(_ message: StaticString) -> Never {
    Console.put("kenix: ")
    Console.put(message)
    Console.put("\n")
    PSCI.systemOff()
}
