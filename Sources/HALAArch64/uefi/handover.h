/* handover.h: what the UEFI loader passes to the kernel in x1 (x0 is the DTB).
 * Read by Sources/HALAArch64/UEFIHandover.swift; the -kernel path leaves x1 = 0. */
#pragma once
#include <stdint.h>
#define KENIX_LOAD_ADDRESS 0x40200000ull
#define KENIX_HANDOVER_MAGIC 0x46455558494e454bull   /* "KENIXUEF" little-endian */
struct KenixHandover {
    uint64_t magic;
    uint64_t initrd_base, initrd_size;
    uint64_t memmap, memmap_size, descriptor_size;   /* EFI_MEMORY_DESCRIPTORs */
};
