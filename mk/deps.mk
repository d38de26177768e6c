# Debian packages the build and the tests need. `make deps` installs the
# missing ones with apt-get when run as root; otherwise it prints the exact
# command and stops.
# libdynarmic-dev: the JIT CPU engine; libgoogle-perftools-dev: tcmalloc, kenix-sim's allocator (Package.swift); libunicorn-dev: the Unicorn CPU engine (--cpu unicorn);
# libsdl2-dev: kenix-sim's window; xvfb: window tests and benchmarks without a display;
# dosfstools, mtools: make disk builds its FAT32 image with mkfs.fat and mtools; the FAT32 tests
# make images the same way and check them with fsck.fat;
# busybox-static (amd64): the host oracle for the Linux tests; gcc-aarch64-linux-gnu and
# libc6-dev-arm64-cross: the static Linux test programs (mk/linux.mk); qemu-user-static: runs
# the arm64 busybox and the test programs on the host (applet list, oracle outputs);
# gdb-multiarch: the debugger tests (Tests/System/gdb.sh) and make debug-sim / debug-kernel.
DEBIAN_PACKAGES := libunicorn-dev libdynarmic-dev libgoogle-perftools-dev libsdl2-dev xvfb pkg-config python3 qemu-system-arm qemu-efi-aarch64 bc \
                   dosfstools mtools busybox-static gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static \
                   gdb-multiarch

.PHONY: deps
deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "==> installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing Debian packages:$$missing"; \
	    echo "Install them with:  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi
