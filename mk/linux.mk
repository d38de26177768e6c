# mk/linux.mk: the Linux side of the boot image (docs/linux.md). Included by
# mk/userland.mk, so `make userland` builds it and packs it into the initrd.
#
#   make busybox        fetch Debian's busybox-static for arm64 into build/linux/busybox
#                       (dpkg --add-architecture arm64, apt-get download, dpkg-deb -x);
#                       the version is the host's amd64 busybox-static, the output oracle
#   make linux-tests    build the static Linux test program build/linux/lxtest (Userland/linux/*.c,
#                       one binary, `lxtest NAME`) with Debian's cross compiler
#                       (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross)
#
# Nothing fetched is committed: build/ holds it. The initrd gets `busybox`
# and every test program under its own name (they carry no Kenix note, so
# Kenix starts them through the Linux personality server). The test programs
# are one stripped binary: each static glibc program is ~700 KB, and the
# boot image must fit beside a framebuffer in half of a small machine's RAM.

LINUX_OUT := $(BUILD)/linux
BUSYBOX := $(LINUX_OUT)/busybox
LINUX_CC ?= aarch64-linux-gnu-gcc
L_Q := $(if $(V),,@)
LINUX_TEST_SOURCES := $(sort $(wildcard Userland/linux/*.c))
LINUX_TESTS := $(LINUX_OUT)/lxtest
LINUX_CFLAGS := -static -O2 -s -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -Wno-array-bounds -fno-pie -no-pie
# What mk/userland.mk packs into the initrd after the Kenix programs.
BUSYBOX_LINKS := $(LINUX_OUT)/busybox.links
# accept.sh: the acceptance script the tests run on Kenix and on the host (Tests/Linux).
LINUX_INITRD_FILES := $(BUSYBOX) $(BUSYBOX_LINKS) $(LINUX_TESTS) Tests/Linux/accept.sh

.PHONY: busybox linux-tests

busybox: $(BUSYBOX)
linux-tests: $(LINUX_TESTS)

# The arm64 package of the same version as the host's amd64 busybox-static
# (make deps installs that one), so both run the same source and config.
$(BUSYBOX):
	@echo "==> fetching Debian's busybox-static (arm64) into $(LINUX_OUT)"
	$(L_Q)mkdir -p $(LINUX_OUT)/deb
	$(L_Q)if ! dpkg --print-foreign-architectures | grep -qx arm64; then \
	  if [ "$$(id -u)" = 0 ]; then echo "  dpkg --add-architecture arm64; apt-get update"; \
	    dpkg --add-architecture arm64 && apt-get update -qq; \
	  else echo "run as root: dpkg --add-architecture arm64 && apt-get update"; exit 1; fi; fi
	$(L_Q)version=$$(dpkg-query -W -f='$${Version}' busybox-static 2>/dev/null); \
	  spec=busybox-static:arm64$${version:+=$$version}; \
	  echo "  apt-get download $$spec"; \
	  cd $(LINUX_OUT)/deb && rm -f busybox-static_*_arm64.deb && \
	  { apt-get download -q "$$spec" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true; } && \
	  ls busybox-static_*_arm64.deb >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get download -q "$$spec"; }
	@echo "  dpkg-deb -x busybox-static_*_arm64.deb"
	$(L_Q)rm -rf $(LINUX_OUT)/deb/root && dpkg-deb -x $(LINUX_OUT)/deb/busybox-static_*_arm64.deb $(LINUX_OUT)/deb/root
	$(L_Q)cp $(LINUX_OUT)/deb/root/bin/busybox $@.tmp && mv $@.tmp $@
	@echo "  $@: $$(stat -c %s $@) bytes"

# The applet names, one a line: the Linux server links each to busybox in /bin.
$(BUSYBOX_LINKS): $(BUSYBOX)
	@echo "  LIST busybox applets"
	$(L_Q)qemu-aarch64-static $(BUSYBOX) --list >$@.tmp && mv $@.tmp $@

$(LINUX_OUT)/lxtest: $(LINUX_TEST_SOURCES) Userland/linux/lxtest.h
	@mkdir -p $(LINUX_OUT)
	@echo "  CC(linux) lxtest"
	$(L_Q)$(LINUX_CC) $(LINUX_CFLAGS) -o $@ $(LINUX_TEST_SOURCES)
