/* loader.c: BOOTAA64.EFI, the UEFI boot path for Kenix (`make run`).
 * It runs as a UEFI application, then hands the machine to the very same
 * kenix.img that `-kernel` boots:
 *   1. reads \kenix.img and \initrd.cpio from the ESP it was loaded from
 *      (EFI_LOADED_IMAGE.DeviceHandle -> EFI_SIMPLE_FILE_SYSTEM);
 *   2. places the image at the physical address it is linked for
 *      (RAM base + text_offset = 0x4020_0000, AllocatePages(AllocateAddress))
 *      with image_size pages, and the initrd and a copy of the DTB (from the
 *      configuration table) in LoaderData pages;
 *   3. takes the memory map, calls ExitBootServices (retrying once with a
 *      fresh map key, UEFI 2.10 7.4.6);
 *   4. jumps through handoff.S: caches cleaned, MMU off, x0 = DTB,
 *      x1 = &KenixHandover {initrd, memory map}. The kernel reserves every
 *      memory-map region that is not free after boot services.
 * Built with clang for aarch64-windows and lld-link as a PE32+ EFI application. */
#include "efi.h"
#include "handover.h"

/* clang may call these for struct and array initialisers. */
void *memset(void *d, int c, size_t n) { uint8_t *p = d; while (n--) *p++ = (uint8_t)c; return d; }
void *memcpy(void *d, const void *s, size_t n) { uint8_t *p = d; const uint8_t *q = s; while (n--) *p++ = *q++; return d; }

static EFI_SYSTEM_TABLE *ST;
static EFI_BOOT_SERVICES *BS;

static void say(const char *s) {
    CHAR16 buf[128];
    size_t n = 0;
    while (*s && n < 126) { if (*s == '\n') buf[n++] = '\r'; buf[n++] = (CHAR16)*s++; }
    buf[n] = 0;
    ST->ConOut->OutputString(ST->ConOut, buf);
}
static void say_hex(uint64_t v) {
    char b[19] = "0x";
    for (int i = 0; i < 16; i++) { int d = (v >> (60 - 4 * i)) & 15; b[2 + i] = (char)(d < 10 ? '0' + d : 'a' + d - 10); }
    b[18] = 0;
    say(b);
}
static EFI_STATUS fail(const char *what, EFI_STATUS st) {
    say("kenix-loader: "); say(what); say(" failed, status "); say_hex(st); say("\n");
    return st;
}
static int guid_eq(const EFI_GUID *a, const EFI_GUID *b) {
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    for (int i = 0; i < 16; i++) if (x[i] != y[i]) return 0;
    return 1;
}
static void copy(void *d, const void *s, uint64_t n) {
    uint8_t *dd = d; const uint8_t *ss = s;
    while (n--) *dd++ = *ss++;
}
static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

/* Reads a whole file into LoaderData pages: at *addr if type is
 * AllocateAddress, else anywhere below 4 GB; `minimum` bytes at least. */
static EFI_STATUS load_file(EFI_FILE *root, const CHAR16 *name, int type, uint64_t *addr,
                            uint64_t *size, uint64_t minimum) {
    EFI_FILE *f;
    EFI_STATUS st = root->Open(root, &f, name, 1 /* read */, 0);
    if (st) return st;
    uint64_t end = 0;
    f->SetPosition(f, ~0ull);
    f->GetPosition(f, &end);
    f->SetPosition(f, 0);
    uint64_t bytes = end > minimum ? end : minimum;
    if (type != AllocateAddress) *addr = 0xFFFFFFFFull;
    st = BS->AllocatePages(type, EfiLoaderData, (bytes + 4095) / 4096, addr);
    if (st) { f->Close(f); return st; }
    uint64_t n = end;
    st = f->Read(f, &n, (void *)*addr);
    f->Close(f);
    *size = n;
    return st ? st : (n == end ? EFI_SUCCESS : 1);
}

extern void kenix_handoff(uint64_t entry, uint64_t dtb, uint64_t handover,
                          uint64_t clean_start, uint64_t clean_end) __attribute__((noreturn));

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab) {
    ST = systab;
    BS = systab->BootServices;
    say("kenix-loader: UEFI boot\n");

    EFI_GUID li_guid = LOADED_IMAGE_GUID, fs_guid = SIMPLE_FS_GUID, fdt_guid = FDT_TABLE_GUID;
    EFI_LOADED_IMAGE *li;
    EFI_SIMPLE_FS *fs;
    EFI_FILE *root;
    EFI_STATUS st;
    if ((st = BS->HandleProtocol(image, &li_guid, (void **)&li))) return fail("LoadedImage", st);
    if ((st = BS->HandleProtocol(li->DeviceHandle, &fs_guid, (void **)&fs))) return fail("SimpleFileSystem", st);
    if ((st = fs->OpenVolume(fs, &root))) return fail("OpenVolume", st);

    /* The kernel: its Image header says where and how big (text_offset, image_size). */
    uint64_t kernel = KENIX_LOAD_ADDRESS, ksize = 0;
    if ((st = load_file(root, u"\\kenix.img", AllocateAddress, &kernel, &ksize, 4u << 20)))
        return fail("loading \\kenix.img at 0x40200000", st);
    const uint8_t *hdr = (const uint8_t *)kernel;
    uint64_t image_size = *(const uint64_t *)(hdr + 16);
    if (be32(hdr + 56) != 0x41524d64 || image_size > (4u << 20) + ksize) {
        /* image_size beyond what was allocated: allocate the rest right after. */
        uint64_t extra = kernel + ((ksize > (4u << 20) ? ksize : (4u << 20)) + 4095) / 4096 * 4096;
        uint64_t need = (kernel + image_size + 4095) / 4096 * 4096;
        if (be32(hdr + 56) != 0x41524d64) return fail("Image header magic of \\kenix.img", 1);
        if ((st = BS->AllocatePages(AllocateAddress, EfiLoaderData, (need - extra) / 4096, &extra)))
            return fail("reserving the kernel's .bss/stack/heap", st);
    }

    uint64_t initrd = 0, isize = 0;
    if ((st = load_file(root, u"\\initrd.cpio", AllocateMaxAddress, &initrd, &isize, 0)))
        return fail("loading \\initrd.cpio", st);

    /* The DTB from the configuration table, copied to LoaderData pages. */
    uint64_t dtb = 0;
    for (uint64_t i = 0; i < ST->NumberOfTableEntries; i++) {
        if (!guid_eq(&ST->ConfigurationTable[i].VendorGuid, &fdt_guid)) continue;
        const uint8_t *src = ST->ConfigurationTable[i].VendorTable;
        uint64_t total = be32(src + 4);
        dtb = 0xFFFFFFFFull;
        if ((st = BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, (total + 4095) / 4096, &dtb)))
            return fail("allocating the DTB copy", st);
        copy((void *)dtb, src, total);
    }
    if (!dtb) say("kenix-loader: no device tree in the configuration table "
                  "(the firmware offers ACPI only: run QEMU with -M virt,acpi=off)\n");

    /* Handover block plus room for the memory map. */
    uint64_t block = 0xFFFFFFFFull;
    const uint64_t block_pages = 16;
    if ((st = BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, block_pages, &block)))
        return fail("allocating the handover block", st);
    struct KenixHandover *h = (struct KenixHandover *)block;
    h->magic = KENIX_HANDOVER_MAGIC;
    h->initrd_base = initrd;
    h->initrd_size = isize;
    h->memmap = block + 4096;
    say("kenix-loader: kernel "); say_hex(kernel); say(", initrd "); say_hex(initrd);
    say(", dtb "); say_hex(dtb); say("; exiting boot services\n");

    for (int attempt = 0; attempt < 2; attempt++) {
        uint64_t size = (block_pages - 1) * 4096, key = 0, dsize = 0;
        uint32_t dver = 0;
        if ((st = BS->GetMemoryMap(&size, (EFI_MEMORY_DESCRIPTOR *)h->memmap, &key, &dsize, &dver)))
            return fail("GetMemoryMap", st);
        h->memmap_size = size;
        h->descriptor_size = dsize;
        if (BS->ExitBootServices(image, key) == EFI_SUCCESS)
            kenix_handoff(kernel, dtb, block, 0, 0);
    }
    return fail("ExitBootServices", 1);
}
