// JITEngine+Host: what a JIT core calls back into, and register transfer.
//
// `jitTranslate` is the core's only way into Swift: a C function pointer
// with the binding as its context. It runs inside the core's Run, possibly
// many times per run; it asks the machine's SoftMMU, which may call the
// kernel's resolver (see HAL/FaultResolver.swift). The core caches what it
// gets: writable pages in the JIT's page table, others in its read-only table.
import CDynarmic
import HAL

let jitTranslate: @convention(c) (UnsafeMutableRawPointer?, UInt64, UInt32, Bool) -> kd_page = {
    context, va, access, resolve in
    // Guaranteed references: the engine owns the binding and the MMU for the
    // whole run; plain ones retained and released both on every call (about
    // 1% of a swarm boot).
    Unmanaged<JITBinding>.fromOpaque(context.unsafelyUnwrapped)._withUnsafeGuaranteedRef { binding in
        Unmanaged.passUnretained(binding.engine.mmu)._withUnsafeGuaranteedRef { mmu in
            let kind: MemoryAccess = Int(access) == KD_WRITE ? .write : Int(access) == KD_FETCH ? .execute : .read
            guard let page = mmu.translate(va, kind, root: binding.root, resolve: resolve) else {
                return kd_page(host: nil, writable: false)
            }
            return kd_page(host: page.host.assumingMemoryBound(to: UInt8.self), writable: page.writable)
        }
    }
}

extension JITEngine {
    /// `context` seen as CDynarmic's kd_context: the two have the same
    /// layout (x0-x30, sp, pc, nzcv, tpidr, q0-q31, fpcr, fpsr; Swift lays a
    /// non-resilient struct out in declaration order, checked by
    /// `layoutsMatch`), so registers move with no copy in between.
    @inline(__always)
    static func asKernelContext<T>(_ context: inout UserContext, _ body: (UnsafeMutablePointer<kd_context>) -> T) -> T {
        withUnsafeMutablePointer(to: &context) { p in
            UnsafeMutableRawPointer(p).withMemoryRebound(to: kd_context.self, capacity: 1, body)
        }
    }

    static let layoutsMatch: Bool = {
        typealias U = UserContext
        return MemoryLayout<U>.size == MemoryLayout<kd_context>.size
            && MemoryLayout<U>.offset(of: \U.x) == MemoryLayout<kd_context>.offset(of: \kd_context.x)
            && MemoryLayout<U>.offset(of: \U.sp) == MemoryLayout<kd_context>.offset(of: \kd_context.sp)
            && MemoryLayout<U>.offset(of: \U.pc) == MemoryLayout<kd_context>.offset(of: \kd_context.pc)
            && MemoryLayout<U>.offset(of: \U.nzcv) == MemoryLayout<kd_context>.offset(of: \kd_context.nzcv)
            && MemoryLayout<U>.offset(of: \U.tpidr) == MemoryLayout<kd_context>.offset(of: \kd_context.tpidr)
            && MemoryLayout<U>.offset(of: \U.fp.v) == MemoryLayout<kd_context>.offset(of: \kd_context.v)
            && MemoryLayout<U>.offset(of: \U.fp.fpcr) == MemoryLayout<kd_context>.offset(of: \kd_context.fpcr)
            && MemoryLayout<U>.offset(of: \U.fp.fpsr) == MemoryLayout<kd_context>.offset(of: \kd_context.fpsr)
    }()
}
