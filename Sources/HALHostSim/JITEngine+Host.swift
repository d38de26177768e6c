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
    let binding = Unmanaged<JITBinding>.fromOpaque(context.unsafelyUnwrapped).takeUnretainedValue()
    let kind: MemoryAccess = Int(access) == KD_WRITE ? .write : Int(access) == KD_FETCH ? .execute : .read
    guard let page = binding.engine.mmu.translate(va, kind, root: binding.root, resolve: resolve) else {
        return kd_page(host: nil, writable: false)
    }
    return kd_page(host: page.host.assumingMemoryBound(to: UInt8.self), writable: page.writable)
}

extension JITEngine {
    static func copy(_ c: UserContext, to k: inout kd_context) {
        withUnsafeBytes(of: c.x) { src in
            withUnsafeMutableBytes(of: &k.x) { $0.copyMemory(from: src) }
        }
        withUnsafeBytes(of: c.fp.v) { src in
            withUnsafeMutableBytes(of: &k.v) { $0.copyMemory(from: src) }
        }
        k.sp = c.sp
        k.pc = c.pc
        k.nzcv = c.nzcv
        k.tpidr = c.tpidr
        k.fpcr = c.fp.fpcr
        k.fpsr = c.fp.fpsr
    }

    static func copy(_ k: kd_context, to c: inout UserContext) {
        withUnsafeBytes(of: k.x) { src in
            withUnsafeMutableBytes(of: &c.x) { $0.copyMemory(from: src) }
        }
        withUnsafeBytes(of: k.v) { src in
            withUnsafeMutableBytes(of: &c.fp.v) { $0.copyMemory(from: src) }
        }
        c.sp = k.sp
        c.pc = k.pc
        c.nzcv = k.nzcv
        c.tpidr = k.tpidr
        c.fp.fpcr = k.fpcr
        c.fp.fpsr = k.fpsr
    }
}
