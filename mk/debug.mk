# mk/debug.mk: gdb against kenix-sim and against QEMU (docs/debugging.md).
#   make debug-sim PROG=NAME [INPUT=FILE] [GDB_PORT=1234]
#       kenix-sim run --gdb GDB_PORT --gdb-wait NAME in the background and gdb-multiarch in front,
#       with build/userland/NAME.elf's symbols, attached. Without INPUT, NAME boots as the first
#       task (--init NAME: no shell, console output on the terminal); with INPUT=FILE the whole
#       system boots and FILE is typed into the shell (e.g. a line `run NAME`). Source lines and
#       variables need NAME in DEBUG_PROGRAMS (mk/userland.mk; default all).
#   make debug-kernel [GIC=2|3] [MEM=512M]
#       QEMU with its gdb stub (-s -S: port 1234, stopped at the first instruction), the serial
#       console in $(BUILD)/debug-kernel.log, and gdb-multiarch with the kernel's symbols
#       (tools/kenix-kernel.gdb). Quitting gdb ends QEMU.
PROG ?= gdbtest
INPUT ?=
GDB_PORT ?= 1234
GDB ?= gdb-multiarch

# Waits until something listens on 127.0.0.1:$(1) (no connection: kenix-sim's first client is gdb).
debug_wait_port = for i in $$(seq 100); do \
	  grep -qi ":$$(printf %04X $(1)) 00000000:0000 0A" /proc/net/tcp && break; sleep 0.1; done

.PHONY: debug-sim debug-kernel
debug-sim: host userland
	@test -f $(BUILD)/userland/$(PROG).elf || { echo "PROG=$(PROG): no $(BUILD)/userland/$(PROG).elf"; exit 1; }
	@echo "==> kenix-sim run --gdb $(GDB_PORT) --gdb-wait $(PROG) $(if $(INPUT),--input $(INPUT),--init $(PROG)) $(SIMFLAGS) &"
	@echo "==> $(GDB) $(BUILD)/userland/$(PROG).elf -ex 'target remote :$(GDB_PORT)'"
	@$(KENIX_SIM) run --initrd $(INITRD) --headless --gdb $(GDB_PORT) --gdb-wait $(PROG) \
	  $(if $(INPUT),--input "$(INPUT)",--init $(PROG) --input /dev/null) $(SIMFLAGS) </dev/null & sim=$$!; \
	  $(call debug_wait_port,$(GDB_PORT)); \
	  $(GDB) -q -ex 'set remotetimeout 60' -ex 'file $(BUILD)/userland/$(PROG).elf' \
	    -ex 'target remote :$(GDB_PORT)'; \
	  kill $$sim 2>/dev/null; wait $$sim 2>/dev/null; true

debug-kernel: kernel userland $(SWAP_IMG)
	@echo "==> $(QEMU_AARCH64) -s -S ... (serial console: $(BUILD)/debug-kernel.log) &"
	@echo "==> $(GDB) -ex 'file $(KERNEL_ELF)' -x tools/kenix-kernel.gdb"
	@$(QEMU_AARCH64) -M virt,gic-version=$(GIC) -cpu cortex-a72 -m $(MEM) -display none -monitor none \
	  -serial file:$(BUILD)/debug-kernel.log -kernel $(KERNEL_IMG) -initrd $(INITRD) $(QEMU_SWAP) -s -S & qemu=$$!; \
	  $(call debug_wait_port,1234); \
	  $(GDB) -q -ex 'file $(KERNEL_ELF)' -x tools/kenix-kernel.gdb; \
	  kill $$qemu 2>/dev/null; wait $$qemu 2>/dev/null; true
