// CPUFeatures: the CPU a Linux program is told it runs on (AT_HWCAP,
// AT_HWCAP2), one fixed baseline on every backend and CPU engine so that the
// C library picks the same code paths everywhere: FP and Advanced SIMD, which
// QEMU's cortex-a72 and the simulator's engines all implement. Nothing
// optional (the crypto and CRC32 instructions, atomics, CPUID access) is
// advertised until every engine is shown to have it.

public enum CPUFeatures {
    public static let hwcapFP: UInt64 = 1 << 0
    public static let hwcapASIMD: UInt64 = 1 << 1
    public static let hwcap: UInt64 = hwcapFP | hwcapASIMD
    public static let hwcap2: UInt64 = 0
}
