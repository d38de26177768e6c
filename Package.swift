// swift-tools-version:6.0
// Kenix: one microkernel core (KenixKernel), generic over a HAL, with a host
// backend (HALHostSim) that runs real AArch64 EL0 code through a JIT (dynarmic)
// or Unicorn.
// The Embedded build of the kernel for aarch64-none-none-elf is driven by the
// Makefile, not by SwiftPM.
import PackageDescription

let releaseOnly: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]
// The kernel is generic over its HAL; across modules Swift runs it unspecialized
// (witness tables, metadata look-ups, boxed values) unless the modules below
// kenix-sim publish their bodies: cross-module optimization lets the release
// builds specialize Kernel<HostSimHAL> (an IPC round trip in kenix-sim ~14%
// faster, `run vm` and `swap` ~5%), and inline SimHost's small host calls
// (the host-signal check at every slice end). Debug builds and the Embedded build are
// unaffected (the latter is one whole-module compile already).
let crossModule: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release)),
]

// The simulator's executables use tcmalloc (Debian's libgoogle-perftools-dev)
// instead of glibc's malloc: translating guest code with dynarmic allocates
// and frees small IR objects by the hundred per block, and dynarmic builds
// its decoder tables out of thousands of small vectors before the first
// core can run. A boot with the self-tests took ~10% less host time, and the
// first JIT core came ~60 ms sooner (make bench; BENCHMARKS.md). Nothing
// else changes: the guest never sees the host's allocator.
let fastMalloc: [LinkerSetting] = [.linkedLibrary("tcmalloc_minimal", .when(platforms: [.linux]))]

let package = Package(
    name: "Kenix",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kenix-sim", targets: ["kenix-sim"]),
        .executable(name: "kenix-abi", targets: ["kenix-abi"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "HAL", swiftSettings: crossModule),
        .target(name: "KenixABI"),
        // The C header and the docs checks generated from KenixABI (host only).
        .target(name: "KenixABIExport", dependencies: ["KenixABI"]),
        .executableTarget(name: "kenix-abi", dependencies: [
            "KenixABIExport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Embedded Swift has no dynamic exclusivity checks; the hosted builds
        // of the kernel and the simulator match it in release (benchmarks).
        .target(name: "KenixKernel", dependencies: ["HAL", "KenixABI"], swiftSettings: crossModule),
        // Unicorn (Debian's libunicorn-dev): its headers, and forwarders that
        // load the library when the Unicorn engine is first asked for
        // (Sources/CUnicorn/UnicornLoader.c), not linked.
        .target(name: "CUnicorn", path: "Sources/CUnicorn", linkerSettings: [.linkedLibrary("dl")]),
        // The JIT CPU engine's C++ core over Debian's libdynarmic-dev 6.4.5
        // (HALHostSim's JITEngine only; C interface in include/).
        .target(name: "CDynarmic", path: "Sources/HALHostSim/CDynarmic",
                cxxSettings: [.unsafeFlags(["-O2"])],
                linkerSettings: [.linkedLibrary("dynarmic")]),
        // The simulator's window (SimHost's SimWindow.swift only): SDL2's
        // headers (libsdl2-dev); the library is loaded on first use
        // (Sources/CSDL2/SDLLoader.c), not linked.
        .target(name: "CSDL2", path: "Sources/CSDL2", linkerSettings: [.linkedLibrary("dl")]),
        // kenix-sim's host-only bottom layer: the SDL window, the terminal
        // and stdin, host files, clock, signals and memory. No machine model.
        .target(name: "SimHost", dependencies: ["HAL", "CSDL2"], swiftSettings: crossModule),
        .target(name: "HALHostSim", dependencies: ["HAL", "KenixABI", "SimHost", "CUnicorn", "CDynarmic"],
                exclude: ["CDynarmic"], swiftSettings: crossModule),
        .executableTarget(name: "kenix-sim", dependencies: [
            "HALHostSim", "SimHost", "KenixKernel", "HAL",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], linkerSettings: fastMalloc),
        .executableTarget(name: "kenix-bench", dependencies: [
            "HALHostSim", "SimHost", "KenixKernel", "HAL", "CUnicorn",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], linkerSettings: fastMalloc),
        // The file systems and the VFS core (Userland/lib/fs): also compiled
        // into the vfs server as Embedded Swift by mk/userland.mk.
        .target(name: "KenixFS", dependencies: ["KenixABI"], path: "Userland/lib/fs"),
        .testTarget(name: "KenixFSTests", dependencies: ["KenixFS", "KenixABI"]),
        // The user runtime's allocator (Userland/runtime/malloc.c) built for the host.
        .target(name: "CMallocHost", path: "Tests/CMallocHost"),
        .testTarget(name: "UserlandRuntimeTests", dependencies: ["CMallocHost"]),
        // The Linux personality's pure parts (Userland/lib/linux: its ABI,
        // exec stacks, signal frames, wait statuses, paths, stat records) and
        // the terminal line discipline (Userland/lib/terminal): also compiled
        // into the linux server and the console by mk/userland.mk.
        .target(name: "KenixTerminal", path: "Userland/lib/terminal"),
        .target(name: "KenixLinux", dependencies: ["KenixABI"], path: "Userland/lib/linux"),
        .testTarget(name: "KenixLinuxTests", dependencies: ["KenixLinux", "KenixTerminal", "KenixABI"]),
        .testTarget(name: "KenixTerminalTests", dependencies: ["KenixTerminal"]),
        .testTarget(name: "KenixABITests", dependencies: ["KenixABIExport", "KenixABI"]),
        .testTarget(name: "KenixKernelTests", dependencies: ["KenixKernel", "HAL", "KenixABI"]),
        .testTarget(name: "SystemTests", dependencies: ["HALHostSim", "SimHost", "KenixKernel", "HAL"]),
        .testTarget(name: "SimHostTests", dependencies: ["SimHost", "HAL"]),
        .testTarget(name: "HALHostSimTests", dependencies: ["HALHostSim", "SimHost", "KenixKernel", "HAL", "KenixABI"]),
    ],
    cxxLanguageStandard: .cxx20
)
