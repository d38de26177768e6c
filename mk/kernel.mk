# mk/kernel.mk: the AArch64 kernel image for QEMU virt (and later hardware).
#   make kernel                      build/kenix.elf (symbols) and build/kenix.img (Linux arm64 Image)
#   make run-kernel [GIC=2|3] [MEM=512M] [SWAP_SIZE=64M] [DISK=FILE]   boot it with -kernel and build/initrd.cpio
#                                    (interactive, serial only: no display or keyboard; Ctrl-A x quits
#                                    QEMU; `exit` in the shell ends init and powers off)
#   make run [GIC=2|3] [MEM=512M] [SWAP_SIZE=64M] [FB=640x480] [DISK=FILE]   boot through UEFI firmware (AAVMF)
#                                    from a FAT ESP holding EFI/BOOT/BOOTAA64.EFI (Sources/HALAArch64/uefi),
#                                    kenix.img, initrd.cpio; with a display (ramfb, mode FB, passed as
#                                    kenix.fb=FB through fw_cfg opt/kenix/bootargs: -append needs -kernel)
#                                    and a virtio keyboard. The display is a QEMU window when DISPLAY or
#                                    WAYLAND_DISPLAY is set, else -display none; the serial console stays
#                                    on the terminal either way (Ctrl-A x quits, Ctrl-A c the monitor)
#   LINUX=1 (either): boot into busybox's sh after the self-tests (init's argument 1, kenix.arg=1)
#   Both attach build/swap.img (SWAP_SIZE, created sparse if missing; delete it to resize) as the
#   kernel's swap disk: a modern virtio-blk device with serial kenix-swap, which is how the HAL
#   tells it from the ESP (Sources/HALAArch64/README.md). DISK=FILE (default none) adds FILE as data
#   disk 0, a virtio-blk device with serial kenix-data0, which the kernel lends to the block server
#   (docs/block.md); the file must exist (make disk builds build/disk.img). QEMU locks its images:
#   a file another QEMU or a kenix-sim run has open is refused.
#   make fetch-ovmf                  make sure the UEFI firmware is installed (Debian qemu-efi-aarch64)
#   make test-qemu                   Tests/QEMU/boot.sh: headless boots, -kernel and UEFI, GICv2 and GICv3,
#                                    each with a fresh swap disk of SWAP_SIZE; blktest on a data disk (with
#                                    blkdebug faults), image locks against kenix-sim; kenix.disk-test, kenix.fb-test
#                                    (screendumps) and kenix.kbd-test (sendkey) through Tests/QEMU/screen.py;
#                                    then Tests/QEMU/parity.sh: kenix-sim and QEMU screens pixel-identical
#                                    Tests/QEMU/ipc-budget.sh: a 4-word IPC round trip under 1,000 instructions
#                                    (-icount, exact); Tests/QEMU/linux.sh: busybox sh on QEMU (the Linux session, Ctrl-C)
#   make bench-qemu                  Tests/QEMU/bench.sh: instructions per IPC round trip under -icount
#   make bench-linux                 Tests/QEMU/linuxbench.sh: busybox fork+exec and pipe throughput (-icount,
#                                    TCG and kenix-sim); make bench includes it with the release kenix-sim
# The kernel core (HAL, KenixABI, KenixKernel) is the Embedded build from
# mk/embedded.mk; Sources/HALAArch64 adds the Swift backend, the boot and
# vector assembly and a small C runtime (memset/memcpy/heap).
KERNEL_DIR := $(BUILD)/kernel
KERNEL_ELF := $(BUILD)/kenix.elf
KERNEL_IMG := $(BUILD)/kenix.img
QEMU_AARCH64 ?= qemu-system-aarch64
GIC ?= 3
MEM ?= 512M
SWAP_SIZE ?= 64M
SWAP_IMG := $(BUILD)/swap.img
# The swap disk for every QEMU run; modern (version 2) virtio-mmio transports only.
QEMU_SWAP = -drive if=none,id=swap,format=raw,file=$(SWAP_IMG) \
  -device virtio-blk-device,drive=swap,serial=kenix-swap -global virtio-mmio.force-legacy=false
# A data disk (DISK=FILE), data disk 0 for the kernel; empty: none.
DISK ?=
QEMU_DATA = $(if $(DISK),-drive if=none,id=data0,format=raw,file=$(DISK) \
  -device virtio-blk-device,drive=data0,serial=kenix-data0)
# The display mode for `make run` (kenix.fb=WxH, each 64..4096).
FB ?= 640x480
# `make run`'s display: a window where there is a graphical session, none elsewhere (CI, ssh).
HAVE_DISPLAY := $(if $(DISPLAY)$(WAYLAND_DISPLAY),yes,)
QEMU_DISPLAY = $(if $(HAVE_DISPLAY),,-display none) -serial mon:stdio \
  -device ramfb -device virtio-keyboard-device -fw_cfg name=opt/kenix/bootargs,string="kenix.fb=$(FB)$(if $(LINUX), kenix.arg=1)"

HALA64_SWIFT := $(sort $(wildcard Sources/HALAArch64/*.swift))
HALA64_ASM := $(sort $(wildcard Sources/HALAArch64/*.S))
HALA64_C := $(sort $(wildcard Sources/HALAArch64/*.c))
HALA64_LDS := Sources/HALAArch64/linker.ld
HALA64_OBJS := $(KERNEL_DIR)/HALAArch64.o \
  $(HALA64_ASM:Sources/HALAArch64/%.S=$(KERNEL_DIR)/%.o) \
  $(HALA64_C:Sources/HALAArch64/%.c=$(KERNEL_DIR)/%.o)
K_CFLAGS := --target=aarch64-none-elf -O2 -g -Wall -ffreestanding -fno-builtin -fno-stack-protector \
  -mgeneral-regs-only -fno-unwind-tables -fno-asynchronous-unwind-tables -ffunction-sections
K_LDFLAGS := -T $(HALA64_LDS) -nostdlib -static --gc-sections -z max-page-size=4096 --build-id=none

# The kernel core is generic over the HAL, so its code is specialized into
# this object: it depends on the core's sources, not only on KenixKernel.o
# (which swiftc leaves untouched when its own bytes do not change).
$(KERNEL_DIR)/HALAArch64.o: $(HALA64_SWIFT) $(KERNEL_SOURCES) $(EMBEDDED_DIR)/KenixKernel.o
	@mkdir -p $(KERNEL_DIR)
	@echo "  SWIFTC(embedded) HALAArch64"
	@$(SWIFTC) $(EMBEDDED_FLAGS) -enable-experimental-feature Extern -Xfrontend -function-sections \
	  -I $(EMBEDDED_DIR) -module-name HALAArch64 $(HALA64_SWIFT) -c -o $@

$(KERNEL_DIR)/%.o: Sources/HALAArch64/%.S
	@mkdir -p $(KERNEL_DIR)
	@echo "  AS $*.S"
	@$(CLANG) --target=aarch64-none-elf -c $< -o $@

$(KERNEL_DIR)/%.o: Sources/HALAArch64/%.c
	@mkdir -p $(KERNEL_DIR)
	@echo "  CC $*.c"
	@$(CLANG) $(K_CFLAGS) -c $< -o $@

# Two link passes: the first with an empty symbol table, the second with the
# table of the first (mkksyms.py). .ksyms comes after all code and data, so
# the code addresses of both passes must agree; the rule checks it.
K_LINK_INPUTS := $(HALA64_OBJS) $(EMBEDDED_DIR)/KenixKernel.o $(EMBEDDED_DIR)/KenixABI.o $(EMBEDDED_DIR)/HAL.o
K_DEMANGLER := $(wildcard $(dir $(shell command -v swiftc))swift-demangle)
SWIFT_DEMANGLE ?= $(if $(K_DEMANGLER),$(K_DEMANGLER) --simplified,cat)
K_NM := $(firstword $(wildcard $(dir $(shell command -v swiftc))llvm-nm) llvm-nm)

$(KERNEL_DIR)/ksyms0.o: Sources/HALAArch64/mkksyms.py
	@mkdir -p $(KERNEL_DIR)
	@python3 $< $(KERNEL_DIR)/ksyms0.S </dev/null
	@$(CLANG) --target=aarch64-none-elf -c $(KERNEL_DIR)/ksyms0.S -o $@

$(KERNEL_ELF): $(K_LINK_INPUTS) $(KERNEL_DIR)/ksyms0.o $(HALA64_LDS) Sources/HALAArch64/mkksyms.py
	@echo "  LD $@ (pass 1)"
	@$(LD) $(K_LDFLAGS) -o $(KERNEL_DIR)/kenix.pass1.elf $(K_LINK_INPUTS) $(KERNEL_DIR)/ksyms0.o
	@echo "  KSYMS $(KERNEL_DIR)/ksyms.S"
	@$(K_NM) -n --defined-only $(KERNEL_DIR)/kenix.pass1.elf | $(SWIFT_DEMANGLE) \
	  | python3 Sources/HALAArch64/mkksyms.py $(KERNEL_DIR)/ksyms.S
	@$(CLANG) --target=aarch64-none-elf -c $(KERNEL_DIR)/ksyms.S -o $(KERNEL_DIR)/ksyms.o
	@echo "  LD $@ (pass 2)"
	@$(LD) $(K_LDFLAGS) -o $@ $(K_LINK_INPUTS) $(KERNEL_DIR)/ksyms.o
	@cmp -s <($(K_NM) -n --defined-only $(KERNEL_DIR)/kenix.pass1.elf | grep ' [tT] ') \
	        <($(K_NM) -n --defined-only $@ | grep ' [tT] ') \
	  || { echo "kernel.mk: code moved between link passes"; rm -f $@; exit 1; }
	@# ld.lld concatenates the objects' .debug_names indexes, which gdb rejects with a warning; it
	@# finds the lines without an index.
	@$(OBJCOPY) --remove-section=.debug_names $@

# Sparse; made once and kept, so swapped-out pages of one run are just stale data for the next.
$(SWAP_IMG):
	@mkdir -p $(dir $@)
	@echo "  SWAP $@ ($(SWAP_SIZE))"
	@truncate -s $(SWAP_SIZE) $@

$(KERNEL_IMG): $(KERNEL_ELF)
	@echo "  OBJCOPY $@"
	@$(OBJCOPY) -O binary $< $@

# UEFI boot path: a small PE32+ loader (clang for aarch64-windows, lld-link)
# and a FAT ESP directory that QEMU exposes with fat: (read-only).
UEFI_DIR := $(BUILD)/uefi
UEFI_LOADER := $(UEFI_DIR)/BOOTAA64.EFI
ESP_DIR := $(BUILD)/esp
LLD_LINK ?= $(firstword $(wildcard $(dir $(shell command -v swiftc))lld-link) lld-link)
OVMF_CODE ?= $(firstword $(wildcard /usr/share/AAVMF/AAVMF_CODE.fd) /usr/share/AAVMF/AAVMF_CODE.fd)
OVMF_VARS ?= $(firstword $(wildcard /usr/share/AAVMF/AAVMF_VARS.fd) /usr/share/AAVMF/AAVMF_VARS.fd)
UEFI_CFLAGS := --target=aarch64-unknown-windows -O2 -Wall -ffreestanding -fno-builtin -fshort-wchar \
  -fno-stack-protector -mno-stack-arg-probe
UEFI_SRC := Sources/HALAArch64/uefi

$(UEFI_DIR)/loader.o: $(UEFI_SRC)/loader.c $(UEFI_SRC)/efi.h $(UEFI_SRC)/handover.h
	@mkdir -p $(UEFI_DIR)
	@echo "  CC(uefi) loader.c"
	@$(CLANG) $(UEFI_CFLAGS) -c $< -o $@

$(UEFI_DIR)/handoff.o: $(UEFI_SRC)/handoff.S
	@mkdir -p $(UEFI_DIR)
	@echo "  AS(uefi) handoff.S"
	@$(CLANG) --target=aarch64-unknown-windows -c $< -o $@

$(UEFI_LOADER): $(UEFI_DIR)/loader.o $(UEFI_DIR)/handoff.o
	@echo "  LINK(efi) $@"
	@$(LLD_LINK) -subsystem:efi_application -entry:efi_main -nodefaultlib -out:$@ $^

$(ESP_DIR)/kenix.img: $(UEFI_LOADER) $(KERNEL_IMG) $(INITRD)
	@echo "  ESP $(ESP_DIR)"
	@mkdir -p $(ESP_DIR)/EFI/BOOT
	@cp $(UEFI_LOADER) $(ESP_DIR)/EFI/BOOT/BOOTAA64.EFI
	@cp $(INITRD) $(ESP_DIR)/initrd.cpio
	@cp $(KERNEL_IMG) $@

.PHONY: kernel run-kernel test-qemu bench-qemu bench-linux run esp fetch-ovmf swap
esp: $(ESP_DIR)/kenix.img
swap: $(SWAP_IMG)

fetch-ovmf:
	@if [ -f "$(OVMF_CODE)" ]; then echo "==> UEFI firmware present: $(OVMF_CODE)"; \
	elif [ "$$(id -u)" = 0 ]; then echo "==> installing qemu-efi-aarch64"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-efi-aarch64; \
	else echo "UEFI firmware missing: sudo apt-get install -y qemu-efi-aarch64"; exit 1; fi

run: kernel userland esp fetch-ovmf $(SWAP_IMG) check-disk
	@cp $(OVMF_VARS) $(UEFI_DIR)/vars.fd
	@echo "==> qemu-system-aarch64 -M virt,gic-version=$(GIC),acpi=off -m $(MEM) (UEFI: $(OVMF_CODE), ESP $(ESP_DIR), swap $(SWAP_IMG)$(if $(DISK),, data disk $(DISK)))"
	@echo "==> $(if $(HAVE_DISPLAY),display: ramfb $(FB) in a QEMU window,no DISPLAY or WAYLAND_DISPLAY: -display none (ramfb $(FB) still there for screendump)); serial console here"
	@$(QEMU_INPUT) $(QEMU_AARCH64) -M virt,gic-version=$(GIC),acpi=off -cpu cortex-a72 -m $(MEM) $(QEMU_DISPLAY) -net none \
	  -drive if=pflash,format=raw,readonly=on,file=$(OVMF_CODE) \
	  -drive if=pflash,format=raw,file=$(UEFI_DIR)/vars.fd \
	  -drive if=none,id=esp,format=raw,readonly=on,file=fat:$(ESP_DIR) -device virtio-blk-device,drive=esp \
	  $(QEMU_SWAP) $(QEMU_DATA)

kernel: $(KERNEL_IMG)
	@echo "==> $(KERNEL_IMG): $$(stat -c %s $(KERNEL_IMG)) bytes (symbols in $(KERNEL_ELF))"

# A terminal types into QEMU directly; piped input is typed a line per shell
# prompt and ends with Ctrl-D, so a piped script ends the run by itself.
QEMU_INPUT = $(if $(filter 0,$(shell [ -t 0 ]; echo $$?)),,python3 Tests/QEMU/typist.py --eot /dev/stdin 0)

run-kernel: kernel userland $(SWAP_IMG) check-disk
	@echo "==> qemu-system-aarch64 -M virt,gic-version=$(GIC) -m $(MEM) -kernel $(KERNEL_IMG) -initrd $(INITRD) (swap $(SWAP_IMG)$(if $(DISK), and data disk $(DISK)))"
	@$(QEMU_INPUT) $(QEMU_AARCH64) -M virt,gic-version=$(GIC) -cpu cortex-a72 -m $(MEM) -nographic \
	  -kernel $(KERNEL_IMG) -initrd $(INITRD) $(QEMU_SWAP) $(QEMU_DATA) $(if $(LINUX),-append kenix.arg=1)

test-qemu: kernel userland esp host
	@QEMU=$(QEMU_AARCH64) KERNEL=$(KERNEL_IMG) INITRD=$(INITRD) ESP=$(ESP_DIR) SWAP_SIZE=$(SWAP_SIZE) \
	  OVMF_CODE=$(OVMF_CODE) OVMF_VARS=$(OVMF_VARS) KENIX_SIM=$(KENIX_SIM) bash Tests/QEMU/boot.sh
	@echo "==> the IPC fast path's budget on QEMU: a 4-word round trip under 1,000 instructions (Tests/QEMU/ipc-budget.sh)"
	@QEMU=$(QEMU_AARCH64) KERNEL=$(KERNEL_IMG) INITRD=$(INITRD) bash Tests/QEMU/ipc-budget.sh
	@echo "==> Linux programs on QEMU: busybox sh, the acceptance script, Ctrl-C (Tests/QEMU/linux.sh)"
	@QEMU=$(QEMU_AARCH64) KERNEL=$(KERNEL_IMG) INITRD=$(INITRD) bash Tests/QEMU/linux.sh
	@echo "==> screen parity: kenix-sim and QEMU draw the same pixels (Tests/QEMU/parity.sh)"
	@KENIX_SIM=$(KENIX_SIM) QEMU=$(QEMU_AARCH64) KERNEL=$(KERNEL_IMG) INITRD=$(INITRD) bash Tests/QEMU/parity.sh

bench-qemu: kernel userland
	@QEMU=$(QEMU_AARCH64) KERNEL=$(KERNEL_IMG) INITRD=$(INITRD) bash Tests/QEMU/bench.sh

# The Linux rows alone (make bench runs them with the release kenix-sim).
bench-linux: kernel userland host
	@echo "==> Linux benchmarks: busybox true fork+exec, a pipe (Tests/QEMU/linuxbench.sh; a few minutes)"
	@QEMU=$(QEMU_AARCH64) KERNEL=$(KERNEL_IMG) INITRD=$(INITRD) KENIX_SIM=$(KENIX_SIM) bash Tests/QEMU/linuxbench.sh
