/* efi.h: the few UEFI 2.x types and protocol layouts the Kenix loader uses
 * (UEFI Specification 2.10: 4.3 System Table, 4.4 Boot Services, 7.2 memory
 * services, 9.1 EFI_LOADED_IMAGE_PROTOCOL, 13.4/13.5 simple file system and
 * EFI_FILE_PROTOCOL, 12.4 simple text output). Only the members used are
 * typed; the rest are placeholders that keep the offsets right. */
#pragma once
#include <stddef.h>
#include <stdint.h>

typedef uint64_t EFI_STATUS;
typedef void *EFI_HANDLE;
typedef uint16_t CHAR16;
#define EFI_SUCCESS 0
#define EFI_BUFFER_TOO_SMALL (0x8000000000000000ull | 5)
#define EFIAPI

typedef struct { uint32_t d1; uint16_t d2, d3; uint8_t d4[8]; } EFI_GUID;

typedef struct {
    uint64_t Signature; uint32_t Revision, HeaderSize, CRC32, Reserved;
} EFI_TABLE_HEADER;

typedef struct SIMPLE_TEXT_OUTPUT {
    void *Reset;
    EFI_STATUS (EFIAPI *OutputString)(struct SIMPLE_TEXT_OUTPUT *, const CHAR16 *);
} SIMPLE_TEXT_OUTPUT;

typedef struct {
    uint32_t Type; uint32_t Pad;
    uint64_t PhysicalStart, VirtualStart, NumberOfPages, Attribute;
} EFI_MEMORY_DESCRIPTOR;

enum { AllocateAnyPages, AllocateMaxAddress, AllocateAddress };
enum { EfiReservedMemoryType, EfiLoaderCode, EfiLoaderData, EfiBootServicesCode,
       EfiBootServicesData, EfiRuntimeServicesCode, EfiRuntimeServicesData,
       EfiConventionalMemory, EfiUnusableMemory, EfiACPIReclaimMemory, EfiACPIMemoryNVS,
       EfiMemoryMappedIO, EfiMemoryMappedIOPortSpace, EfiPalCode, EfiPersistentMemory };

typedef struct {
    EFI_TABLE_HEADER Hdr;
    void *RaiseTPL, *RestoreTPL;
    EFI_STATUS (EFIAPI *AllocatePages)(int Type, int MemoryType, uint64_t Pages, uint64_t *Memory);
    EFI_STATUS (EFIAPI *FreePages)(uint64_t Memory, uint64_t Pages);
    EFI_STATUS (EFIAPI *GetMemoryMap)(uint64_t *MapSize, EFI_MEMORY_DESCRIPTOR *Map, uint64_t *MapKey,
                                      uint64_t *DescriptorSize, uint32_t *DescriptorVersion);
    void *AllocatePool, *FreePool;
    void *CreateEvent, *SetTimer, *WaitForEvent, *SignalEvent, *CloseEvent, *CheckEvent;
    void *InstallProtocolInterface, *ReinstallProtocolInterface, *UninstallProtocolInterface;
    EFI_STATUS (EFIAPI *HandleProtocol)(EFI_HANDLE, const EFI_GUID *, void **);
    void *Reserved, *RegisterProtocolNotify, *LocateHandle, *LocateDevicePath, *InstallConfigurationTable;
    void *LoadImage, *StartImage, *Exit, *UnloadImage;
    EFI_STATUS (EFIAPI *ExitBootServices)(EFI_HANDLE, uint64_t MapKey);
} EFI_BOOT_SERVICES;

typedef struct { EFI_GUID VendorGuid; void *VendorTable; } EFI_CONFIGURATION_TABLE;

typedef struct {
    EFI_TABLE_HEADER Hdr;
    CHAR16 *FirmwareVendor; uint32_t FirmwareRevision;
    EFI_HANDLE ConsoleInHandle; void *ConIn;
    EFI_HANDLE ConsoleOutHandle; SIMPLE_TEXT_OUTPUT *ConOut;
    EFI_HANDLE StandardErrorHandle; void *StdErr;
    void *RuntimeServices;
    EFI_BOOT_SERVICES *BootServices;
    uint64_t NumberOfTableEntries;
    EFI_CONFIGURATION_TABLE *ConfigurationTable;
} EFI_SYSTEM_TABLE;

typedef struct {
    uint32_t Revision; EFI_HANDLE ParentHandle; EFI_SYSTEM_TABLE *SystemTable;
    EFI_HANDLE DeviceHandle;
} EFI_LOADED_IMAGE;

typedef struct EFI_FILE {
    uint64_t Revision;
    EFI_STATUS (EFIAPI *Open)(struct EFI_FILE *, struct EFI_FILE **, const CHAR16 *, uint64_t Mode, uint64_t Attr);
    EFI_STATUS (EFIAPI *Close)(struct EFI_FILE *);
    void *Delete;
    EFI_STATUS (EFIAPI *Read)(struct EFI_FILE *, uint64_t *Size, void *Buffer);
    void *Write;
    EFI_STATUS (EFIAPI *GetPosition)(struct EFI_FILE *, uint64_t *);
    EFI_STATUS (EFIAPI *SetPosition)(struct EFI_FILE *, uint64_t);
} EFI_FILE;

typedef struct EFI_SIMPLE_FS {
    uint64_t Revision;
    EFI_STATUS (EFIAPI *OpenVolume)(struct EFI_SIMPLE_FS *, EFI_FILE **);
} EFI_SIMPLE_FS;

#define LOADED_IMAGE_GUID { 0x5B1B31A1, 0x9562, 0x11d2, { 0x8E, 0x3F, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B } }
#define SIMPLE_FS_GUID    { 0x964e5b22, 0x6459, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
/* Devicetree configuration table (UEFI 2.10, 4.6.1.2 / EBBR). */
#define FDT_TABLE_GUID    { 0xb1b621d5, 0xf19c, 0x41a5, { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 } }
