# mk/userland.mk: builds the Kenix userland (AArch64 EL0 ELF programs) and the
# initrd. Included by the top-level Makefile; also works on its own from the
# repository root:
#
#     make -f mk/userland.mk userland        # build/userland/*.elf, build/initrd.cpio
#     make -f mk/userland.mk userland-clean
#     make -f mk/userland.mk userland V=1    # show the full commands
#
# A program is one file in Userland/programs/: NAME.swift (compiled as one
# module with Userland/libkenix/*.swift and Sources/KenixABI/*.swift) or
# NAME.c (with Userland/include); or a directory Userland/programs/NAME/ of
# Swift files (main.swift and the rest, one module with libkenix and the
# ABI), which may name libraries in NAME/LIBRARIES (names separated by
# spaces or lines): the Swift sources of Userland/lib/LIB/ (subdirectories
# included) are compiled into the program's module. Each is linked with the
# runtime (Userland/runtime: crt0, syscall stubs, libc, allocator, console,
# the file API; unused parts are dropped by --gc-sections) by
# Userland/ld/user.ld, then checked by tools/checkelf.py (W^X, page-aligned
# segments, entry in text, no undefined symbols). The initrd holds every
# program under its name without .elf (stripped of symbols), plus "badelf"
# (garbage for the errors test) and "font.psf" (the console's font, from
# Userland/data), then the Linux files of mk/linux.mk (busybox, its applet
# list, the static test programs), packed deterministically by tools/mkinitrd.py.
#
# Exports for the top-level Makefile: USERLAND_ELFS, USERLAND_INITRD.

SWIFTC ?= swiftc
CLANG ?= clang
# GNU make predefines LD = ld; only a user's or the top-level Makefile's choice counts.
ifneq ($(filter default undefined,$(origin LD)),)
LD := ld.lld
endif
BUILD ?= build
PYTHON3 ?= python3
OBJCOPY ?= llvm-objcopy

# Keep the including Makefile's default goal: this fragment's first target
# must not become it. (Standalone, `userland` is the default.)
u_saved_default_goal := $(.DEFAULT_GOAL)
u_this_makefile := $(lastword $(MAKEFILE_LIST))

U_Q := $(if $(V),,@)
include $(dir $(lastword $(MAKEFILE_LIST)))linux.mk
U_SRC := Userland
U_OUT := $(BUILD)/userland
U_OBJ := $(U_OUT)/obj

USERLAND_INITRD := $(BUILD)/initrd.cpio

U_SWIFT_PROGRAMS := $(sort $(basename $(notdir $(wildcard $(U_SRC)/programs/*.swift))))
U_C_PROGRAMS := $(sort $(basename $(notdir $(wildcard $(U_SRC)/programs/*.c))))
U_DIR_PROGRAMS := $(sort $(patsubst $(U_SRC)/programs/%/,%,$(dir $(wildcard $(U_SRC)/programs/*/*.swift))))
U_PROGRAMS := $(sort $(U_SWIFT_PROGRAMS) $(U_C_PROGRAMS) $(U_DIR_PROGRAMS))
u_clash := $(filter $(U_DIR_PROGRAMS),$(U_SWIFT_PROGRAMS) $(U_C_PROGRAMS))
ifneq ($(u_clash),)
$(error Userland/programs: $(u_clash) is both a file and a directory)
endif
USERLAND_ELFS := $(U_PROGRAMS:%=$(U_OUT)/%.elf)
U_PROG_OBJS := $(U_PROGRAMS:%=$(U_OBJ)/prog/%.o)

# The initrd holds stripped copies (build/userland/initrd/NAME); the ELFs
# beside them keep their symbols for gdb (docs/debugging.md), llvm-symbolizer
# and llvm-objdump, and the programs in DEBUG_PROGRAMS (`all`: every one)
# their debug info too: full DWARF for C (-g), line tables for Swift
# (-gline-tables-only: gdb 13 cannot read the cross-unit references of
# Embedded Swift's full debug info, and has no Swift support anyway). Debug
# info changes clang's and swiftc's instruction scheduling a little, so a
# list (or none) gives other code. Objects do not depend on it: after
# changing DEBUG_PROGRAMS, `make userland-clean`. The ELF and its stripped
# copy come from the same link, so the debug info describes the code that runs.
DEBUG_PROGRAMS ?= all
u_debug = $(if $(filter all $(1),$(DEBUG_PROGRAMS)),$(2))
# Order is fixed: init and console first, then the other programs by name,
# then data files.
U_INITRD_NAMES := init console $(filter-out init console,$(U_PROGRAMS)) badelf font.psf
U_INITRD_FILES := $(U_INITRD_NAMES:%=$(U_OUT)/initrd/%) $(LINUX_INITRD_FILES)

U_LIBKENIX := $(sort $(wildcard $(U_SRC)/libkenix/*.swift) $(wildcard Sources/KenixABI/*.swift))
U_LDSCRIPT := $(U_SRC)/ld/user.ld
U_RUNTIME_OBJS := $(U_OBJ)/runtime/crt0.o $(U_OBJ)/runtime/syscall.o $(U_OBJ)/runtime/note.o \
                  $(U_OBJ)/runtime/libc.o $(U_OBJ)/runtime/malloc.o $(U_OBJ)/runtime/console.o \
                  $(U_OBJ)/runtime/files.o $(U_OBJ)/runtime/dirent.o

U_SWIFTFLAGS := -target aarch64-none-none-elf \
                -enable-experimental-feature Embedded -enable-experimental-feature Extern \
                -wmo -parse-as-library -Osize \
                -Xfrontend -disable-stack-protector -Xfrontend -function-sections \
                -module-name KenixProgram
U_CFLAGS := --target=aarch64-none-elf -std=c11 -O2 -Wall -Wextra \
            -ffreestanding -fno-stack-protector -fno-unwind-tables -fno-asynchronous-unwind-tables \
            -ffunction-sections -fdata-sections -I$(U_SRC)/include -MMD -MP
U_ASFLAGS := --target=aarch64-none-elf -MMD -MP
U_LDFLAGS := -T $(U_LDSCRIPT) -nostdlib -static --gc-sections --orphan-handling=error \
             -z max-page-size=4096 --build-id=none

.PHONY: userland userland-clean
# Objects reached only through pattern rules; keep them for incremental builds.
.SECONDARY: $(U_PROG_OBJS) $(U_RUNTIME_OBJS)

userland: $(USERLAND_ELFS) $(USERLAND_INITRD)

$(U_OBJ)/prog/%.o: $(U_SRC)/programs/%.swift $(U_LIBKENIX) | $(U_OBJ)/prog
	@echo "  SWIFTC $*"
	$(U_Q)$(SWIFTC) $(U_SWIFTFLAGS) $(call u_debug,$*,-gline-tables-only) -c $(U_LIBKENIX) $< -o $@
	$(U_Q)touch $@   # swiftc leaves an unchanged object's time alone: make would rebuild it every time

# Directory programs: their files, and the libraries NAME/LIBRARIES names.
u_libraries = $(strip $(shell cat $(U_SRC)/programs/$(1)/LIBRARIES 2>/dev/null))
u_library_sources = $(if $(wildcard $(U_SRC)/lib/$(1)/.),$(sort $(shell find $(U_SRC)/lib/$(1) -name '*.swift')),\
                      $(error $(2): no library Userland/lib/$(1)))
u_directory_sources = $(sort $(wildcard $(U_SRC)/programs/$(1)/*.swift)) \
                      $(foreach l,$(call u_libraries,$(1)),$(call u_library_sources,$(l),$(1)))
define u_directory_program
$(U_OBJ)/prog/$(1).o: $(call u_directory_sources,$(1)) $(wildcard $(U_SRC)/programs/$(1)/LIBRARIES) $(U_LIBKENIX) | $(U_OBJ)/prog
	@echo "  SWIFTC $(1)/$(foreach l,$(call u_libraries,$(1)), + lib/$(l))"
	$$(U_Q)$$(SWIFTC) $$(U_SWIFTFLAGS) $(call u_debug,$(1),-gline-tables-only) -c $$(U_LIBKENIX) $(call u_directory_sources,$(1)) -o $$@
	$$(U_Q)touch $$@
endef
$(foreach p,$(U_DIR_PROGRAMS),$(eval $(call u_directory_program,$(p))))

$(U_OBJ)/prog/%.o: $(U_SRC)/programs/%.c | $(U_OBJ)/prog
	@echo "  CC $*"
	$(U_Q)$(CLANG) $(U_CFLAGS) $(call u_debug,$*,-g) -c $< -o $@

$(U_OBJ)/runtime/%.o: $(U_SRC)/runtime/%.c | $(U_OBJ)/runtime
	@echo "  CC runtime/$*"
	$(U_Q)$(CLANG) $(U_CFLAGS) -c $< -o $@

$(U_OBJ)/runtime/%.o: $(U_SRC)/runtime/%.S | $(U_OBJ)/runtime
	@echo "  AS runtime/$*"
	$(U_Q)$(CLANG) $(U_ASFLAGS) -c $< -o $@

$(U_OUT)/%.elf: $(U_OBJ)/prog/%.o $(U_RUNTIME_OBJS) $(U_LDSCRIPT) tools/checkelf.py
	@echo "  LD $*.elf"
	$(U_Q)$(LD) $(U_LDFLAGS) -o $@ $(U_RUNTIME_OBJS) $< || { rm -f $@; exit 1; }
	$(U_Q)$(PYTHON3) tools/checkelf.py $@ || { rm -f $@; exit 1; }

$(U_OUT)/initrd/%: $(U_OUT)/%.elf | $(U_OUT)/initrd
	@echo "  STRIP $*"
	$(U_Q)$(OBJCOPY) --strip-all $< $@

# The console's font: Terminus (SIL OFL 1.1, Userland/data/Lat15-Terminus16.LICENSE).
$(U_OUT)/initrd/font.psf: $(U_SRC)/data/Lat15-Terminus16.psf | $(U_OUT)/initrd
	@echo "  COPY font.psf"
	$(U_Q)cp $< $@

$(U_OUT)/initrd/badelf: tools/mkbadelf.py | $(U_OUT)/initrd
	@echo "  GEN badelf"
	$(U_Q)$(PYTHON3) tools/mkbadelf.py -o $@

$(USERLAND_INITRD): $(U_INITRD_FILES) tools/mkinitrd.py $(u_this_makefile)
	@echo "  CPIO $@"
	$(U_Q)$(PYTHON3) tools/mkinitrd.py -o $@ $(U_INITRD_FILES)

$(U_OUT)/initrd $(U_OBJ)/prog $(U_OBJ)/runtime:
	$(U_Q)mkdir -p $@

userland-clean:
	rm -rf $(U_OUT) $(USERLAND_INITRD)

-include $(wildcard $(U_OBJ)/prog/*.d $(U_OBJ)/runtime/*.d)

ifneq ($(firstword $(MAKEFILE_LIST)),$(u_this_makefile))
.DEFAULT_GOAL := $(u_saved_default_goal)
else
.DEFAULT_GOAL := userland
endif
