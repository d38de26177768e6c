# mk/disk.mk: the FAT32 data disk image.
#   make disk            build/disk.img: 64 MiB FAT32 made by mkfs.fat and mtools (tools/mkdisk.sh), the same
#                        bytes on every build: a text file, a 2 MiB binary, nested directories with long and
#                        non-ASCII names, a user program (/bin/ticker, from the initrd) and Debian's
#                        busybox-static for arm64 (/bin/busybox, a Linux program: docs/linux.md)
#   make disk FORCE=1    rebuild it even though a run has written to it since it was made
# Use it with `make sim DISK=build/disk.img`, `make run-kernel DISK=build/disk.img`, `make run DISK=...`.
# A run writes to the image in place, so `make disk` keeps the image once a run has changed it
# (its checksum no longer matches the one recorded when it was built) unless FORCE=1: a disk's
# contents are never thrown away behind the user's back.
DISK_IMG := $(BUILD)/disk.img
DISK_SUM := $(BUILD)/disk.img.sha256
DISK_PROGRAM := $(U_OUT)/initrd/ticker

.PHONY: disk
disk: deps $(DISK_PROGRAM) $(BUSYBOX) tools/mkdisk.sh
	@mkdir -p $(BUILD)
	@if [ -f $(DISK_IMG) ] && [ -z "$(FORCE)" ] && ! sha256sum --status -c $(DISK_SUM) 2>/dev/null; then \
	  echo "make disk: $(DISK_IMG) has changed since it was built (a run wrote to it); keeping it."; \
	  echo "           Remove it, or run 'make disk FORCE=1', to make a fresh one."; \
	else \
	  echo "==> $(DISK_IMG) (mkfs.fat -F 32, mtools; SOURCE_DATE_EPOCH fixed)"; \
	  BUSYBOX=$(BUSYBOX) bash tools/mkdisk.sh $(DISK_IMG) $(DISK_PROGRAM) && sha256sum $(DISK_IMG) >$(DISK_SUM); \
	fi
