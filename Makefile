# Kenix — build, run and test.
#   make sim     build everything and run Kenix in the simulator (SIMFLAGS="..." for kenix-sim)
#   make test    everything CI runs
#   make bench   benchmarks, recorded in BENCHMARKS.md
#   make help    all targets
SHELL := /bin/bash
SWIFTC ?= swiftc
CLANG ?= clang
# make predefines LD=ld; use lld unless LD was set explicitly.
ifeq ($(origin LD),default)
LD := ld.lld
endif
BUILD ?= build
# The Swift toolchain ships llvm-objcopy; prefer it over any system copy.
OBJCOPY ?= $(firstword $(wildcard $(dir $(shell command -v swiftc))llvm-objcopy) llvm-objcopy)
SIMFLAGS ?=
# Runs per benchmark figure (make bench BENCH_REPEATS=3 for a quicker, noisier table).
BENCH_REPEATS ?= 5
# LINUX=1: boot into busybox's sh (the Linux personality) after the self-tests, in `make sim`
# and `make run`/`make run-kernel` (init's argument 1; kenix-sim --init-arg 1, QEMU kenix.arg=1).
LINUX ?=
SWIFT_BUILD_FLAGS ?=
KENIX_SIM := .build/debug/kenix-sim
INITRD := $(BUILD)/initrd.cpio

.DEFAULT_GOAL := help

include mk/deps.mk
include mk/embedded.mk
include mk/userland.mk
include mk/kernel.mk
include mk/disk.mk
include mk/debug.mk

.PHONY: help host sim test unit-test system-test bench bench-fs clean abi check-disk fuzz

help:
	@echo "Kenix make targets:"
	@echo "  make sim            build everything and run the system in kenix-sim (SIMFLAGS=\"--seed 7 ...\";"
	@echo "                      DISK=FILE adds a data disk: --disk FILE, served by the block server)"
	@echo "                      LINUX=1 (sim, run, run-kernel): boot into busybox's sh after the self-tests"
	@echo "  make test           all tests: Embedded check, unit tests, system tests (what CI runs)"
	@echo "  make bench          run the benchmarks and write BENCHMARKS.md (BENCH_REPEATS=5 runs per figure)"
	@echo "  make bench-fs       only the file-service benchmark (fsbench on QEMU and in kenix-sim), printed"
	@echo "  make fuzz           the syscall fuzz target, long: hostile tasks over FUZZ_SEEDS seeds (default 10),"
	@echo "                      root budget FUZZ_BUDGET x 1024 syscalls (default 16); make test runs it briefly"
	@echo "  make kernel         build the AArch64 kernel image (build/kenix.img)"
	@echo "  make run-kernel     boot it on QEMU virt with -kernel (GIC=2|3, MEM=512M, SWAP_SIZE=64M,"
	@echo "                      DISK=FILE: a data disk, virtio-blk serial kenix-data0; default none)"
	@echo "  make run            boot it through UEFI firmware (make fetch-ovmf installs it; same variables),"
	@echo "                      with a ramfb display (FB=640x480; a window if DISPLAY/WAYLAND_DISPLAY is set,"
	@echo "                      else -display none) and a virtio keyboard; run-kernel is serial only"
	@echo "                      both attach $(BUILD)/swap.img (SWAP_SIZE, made if missing) as the swap disk"
	@echo "  make disk           build $(BUILD)/disk.img: 64 MiB FAT32 (mkfs.fat, mtools), deterministic; kept if a"
	@echo "                      run has written to it (FORCE=1 rebuilds). Use it with DISK=$(BUILD)/disk.img"
	@echo "  make test-qemu      the QEMU boot tests alone (-kernel and UEFI, GICv2 and GICv3, virtio-blk,"
	@echo "                      ramfb screendumps and virtio keyboard via Tests/QEMU/screen.py)"
	@echo "  make bench-qemu     instruction counts on QEMU with -icount"
	@echo "  make bench-linux    the Linux rows: busybox fork+exec and pipe throughput (QEMU -icount, TCG, kenix-sim)"
	@echo "  make userland       build the EL0 programs and $(INITRD)"
	@echo "  make debug-sim      kenix-sim --gdb and gdb-multiarch with a program's symbols (PROG=gdbtest,"
	@echo "                      INPUT=FILE boots the whole system and types FILE; docs/debugging.md)"
	@echo "  make debug-kernel   QEMU -s -S and gdb-multiarch with the kernel's symbols (tools/kenix-kernel.gdb)"
	@echo "  make embedded-check compile the kernel core as Embedded Swift for aarch64-none-none-elf"
	@echo "  make host           build kenix-sim and the host targets with SwiftPM"
	@echo "  make abi            regenerate Userland/include/kenix_abi.h from Sources/KenixABI (and check docs/syscalls.md)"
	@echo "  make deps           install the Debian packages the build needs"
	@echo "  make clean          remove build outputs"

host: deps
	@echo "==> swift build (host targets)"
	@swift build $(SWIFT_BUILD_FLAGS) 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Wrapping)' ; test $${PIPESTATUS[0]} -eq 0

sim: host userland check-disk
	@echo "==> kenix-sim run --initrd $(INITRD) $(if $(DISK),--disk $(DISK) )$(if $(LINUX),--init-arg 1 )$(SIMFLAGS)"
	@$(KENIX_SIM) run --initrd $(INITRD) $(if $(DISK),--disk "$(DISK)") $(if $(LINUX),--init-arg 1) $(SIMFLAGS)

# DISK=FILE must name an existing file: a data disk is never created.
check-disk:
	@if [ -n "$(DISK)" ] && [ ! -f "$(DISK)" ]; then \
	  echo "DISK=$(DISK): no such file (make disk builds $(BUILD)/disk.img)"; exit 1; fi

unit-test: deps userland
	@echo "==> swift test"
	@swift test $(SWIFT_BUILD_FLAGS)
	@echo "==> kernel tests again, with the fast paths off (IPC, faults resolved in place)"
	@KENIX_IPC_FAST_PATH=0 KENIX_FAULTS_IN_PLACE=0 swift test --skip-build $(SWIFT_BUILD_FLAGS) --filter KenixKernelTests
	@echo "==> simulator tests again, on the Unicorn CPU engine"
	@KENIX_SIM_CPU=unicorn swift test --skip-build $(SWIFT_BUILD_FLAGS) --filter HALHostSimTests

system-test: host userland
	@echo "==> system tests (kenix-sim boots $(INITRD))"
	@KENIX_SIM=$(KENIX_SIM) INITRD=$(INITRD) bash Tests/System/run.sh

# The fuzz target (docs/capabilities.md, "Fuzzing"): Tests/SystemTests/FuzzTests
# boots userland's fuzz program as the first task once per seed and checks
# that every frame, task, handle and kernel object is gone afterwards.
FUZZ_SEEDS ?= 10
FUZZ_BUDGET ?= 16
fuzz: deps userland
	@echo "==> syscall fuzz: $(FUZZ_SEEDS) seeds, root budget $(FUZZ_BUDGET) x 1024 syscalls"
	@KENIX_FUZZ_SEEDS=$(FUZZ_SEEDS) KENIX_FUZZ_BUDGET=$(FUZZ_BUDGET) swift test $(SWIFT_BUILD_FLAGS) --filter FuzzTests/testLongFuzz

test: deps embedded-check unit-test system-test test-qemu
	@echo "==> all tests passed"

# The C view of the ABI is generated from Sources/KenixABI; `swift test`
# (KenixABITests) fails when the committed header or the docs drift.
abi: deps
	@swift build $(SWIFT_BUILD_FLAGS) --product kenix-abi 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Wrapping)' ; test $${PIPESTATUS[0]} -eq 0
	@.build/debug/kenix-abi

clean:
	rm -rf $(BUILD) .build

bench: deps userland kernel
	@echo "==> swift build -c release (kenix-bench, kenix-sim)"
	@swift build -c release --product kenix-bench 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Wrapping)' ; test $${PIPESTATUS[0]} -eq 0
	@swift build -c release --product kenix-sim 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Wrapping)' ; test $${PIPESTATUS[0]} -eq 0
	@echo "==> kenix-sim against QEMU, kenix-bench, QEMU -icount, the Linux rows and fsbench (several minutes; medians of $(BENCH_REPEATS) runs)"
	@QEMU=$(QEMU_AARCH64) REPEATS=$(BENCH_REPEATS) bash tools/write-benchmarks.sh .build/release/kenix-bench .build/release/kenix-sim $(INITRD) $(KERNEL_IMG) BENCHMARKS.md

# The file-service benchmark alone (printed, BENCHMARKS.md untouched).
bench-fs: deps userland kernel
	@echo "==> swift build -c release (kenix-sim)"
	@swift build -c release --product kenix-sim 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Wrapping)' ; test $${PIPESTATUS[0]} -eq 0
	@echo "==> fsbench on QEMU (-icount, then TCG) and in kenix-sim (a few minutes)"
	@QEMU=$(QEMU_AARCH64) KERNEL=$(KERNEL_IMG) INITRD=$(INITRD) KENIX_SIM=.build/release/kenix-sim bash Tests/QEMU/fsbench.sh
