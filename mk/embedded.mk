# Proves the kernel core is Embedded-Swift-clean: compiles HAL, KenixABI and
# KenixKernel for aarch64-none-none-elf in Embedded mode, then specialises
# Kernel<H> over a minimal HAL (Tests/EmbeddedCheck) so every generic path is
# checked. Any Foundation, existential or reflection use fails here.
EMBEDDED_DIR := $(BUILD)/embedded
# -gline-tables-only: source lines in build/kenix.elf for gdb (make debug-kernel;
# Debian's gdb 13 cannot read Embedded Swift's full -g, docs/debugging.md); the
# loaded image (build/kenix.img) is the same code with or without it.
EMBEDDED_FLAGS := -target aarch64-none-none-elf -enable-experimental-feature Embedded \
  -wmo -parse-as-library -Osize -gline-tables-only -Xfrontend -disable-stack-protector

HAL_SOURCES := $(wildcard Sources/HAL/*.swift)
ABI_SOURCES := $(wildcard Sources/KenixABI/*.swift)
KERNEL_SOURCES := $(shell find Sources/KenixKernel -name '*.swift')

$(EMBEDDED_DIR)/HAL.o: $(HAL_SOURCES)
	@mkdir -p $(EMBEDDED_DIR)
	@echo "  SWIFTC(embedded) HAL"
	@$(SWIFTC) $(EMBEDDED_FLAGS) -module-name HAL $(HAL_SOURCES) \
	  -emit-module-path $(EMBEDDED_DIR)/HAL.swiftmodule -c -o $@

$(EMBEDDED_DIR)/KenixABI.o: $(ABI_SOURCES)
	@mkdir -p $(EMBEDDED_DIR)
	@echo "  SWIFTC(embedded) KenixABI"
	@$(SWIFTC) $(EMBEDDED_FLAGS) -module-name KenixABI $(ABI_SOURCES) \
	  -emit-module-path $(EMBEDDED_DIR)/KenixABI.swiftmodule -c -o $@

$(EMBEDDED_DIR)/KenixKernel.o: $(KERNEL_SOURCES) $(EMBEDDED_DIR)/HAL.o $(EMBEDDED_DIR)/KenixABI.o
	@echo "  SWIFTC(embedded) KenixKernel"
	@$(SWIFTC) $(EMBEDDED_FLAGS) -I $(EMBEDDED_DIR) -module-name KenixKernel $(KERNEL_SOURCES) \
	  -emit-module-path $(EMBEDDED_DIR)/KenixKernel.swiftmodule -c -o $@

$(EMBEDDED_DIR)/check.o: Tests/EmbeddedCheck/KernelInstantiation.swift $(EMBEDDED_DIR)/KenixKernel.o
	@echo "  SWIFTC(embedded) Kernel<CheckHAL> instantiation"
	@$(SWIFTC) $(EMBEDDED_FLAGS) -I $(EMBEDDED_DIR) -module-name EmbeddedCheck $< -c -o $@

.PHONY: embedded-check
embedded-check: $(EMBEDDED_DIR)/check.o
	@echo "==> kernel core is Embedded-Swift-clean (aarch64-none-none-elf)"
