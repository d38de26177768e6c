// boot.S: the first instructions of the Kenix kernel on AArch64.
//
// The image starts with a Linux arm64 Image header (Documentation/arch/arm64/
// booting.rst), so QEMU's `-kernel` loads it at RAM base + text_offset and
// enters with x0 = physical address of the DTB (and the initrd described in
// /chosen). From there:
//   1. park every core but the boot core (MPIDR_EL1.Aff0-2 != 0) in WFE;
//   2. drop from EL2 to EL1 if entered at EL2 (HCR_EL2.RW, SPSR_EL2, ELR_EL2; ERET);
//   3. enable FP/SIMD at EL1 (CPACR_EL1.FPEN = 0b11);
//   4. zero .bss, build the boot translation tables, turn the MMU on;
//   5. jump to the high half, install the vectors, call kenix_main(dtb, entryEL, handover).
//
// Memory layout (documented in Sources/HALAArch64/README.md):
//   TTBR1: VA 0xFFFF_0000_0000_0000 + PA (a linear map with 1 GB blocks):
//          PA 0-1 GB Device-nGnRE (GIC, UART, virtio), PA 1-4 GB Normal WB.
//          The kernel image is linked at KVA_BASE + 0x4020_0000, so it must be
//          loaded at PA 0x4020_0000 (QEMU virt RAM base + text_offset).
//   TTBR0: user address spaces only (the kernel's tables, with ASIDs). During
//          the switch to the high half, TTBR0 holds the same tables (an
//          identity map of the kernel) and is then pointed at an empty table.
// Boot code runs with the MMU off, so it uses only PC-relative addressing.

#define KVA_BASE 0xFFFF000000000000

    .section .text.boot, "ax"
    .globl _start
_start:
    // Image header (64 bytes).
    b       primary_entry           // code0
    .long   0                       // code1
    .quad   0x200000                // text_offset: loaded at RAM base + 2 MB
    .quad   _kernel_image_size      // image_size (includes .bss, stack, heap)
    .quad   0x2                     // flags: LE, 4 KB pages, near the RAM base
    .quad   0, 0, 0                 // res2-res4
    .ascii  "ARM\x64"               // magic
    .long   0                       // res5 (no PE header yet)

primary_entry:
    mov     x21, x0                 // DTB physical address
    mov     x24, x1                 // UEFI loader handover block (0 from -kernel)
    // 1. Park secondaries (MPIDR_EL1 Aff2.Aff1.Aff0).
    mrs     x0, mpidr_el1
    and     x0, x0, #0xFFFFFF
    cbnz    x0, park

    // The image must sit where it was linked (linear map: VA = KVA_BASE + PA).
    adr     x0, _start
    ldr     x1, =_start
    mov     x2, #KVA_BASE >> 48
    lsl     x2, x2, #48
    sub     x1, x1, x2
    cmp     x0, x1
    b.ne    park

    // 2. EL2 -> EL1.
    mrs     x0, CurrentEL
    lsr     x23, x0, #2             // entry EL, reported by kenix_main
    lsr     x0, x0, #2
    cmp     x0, #2
    b.ne    at_el1
    mov     x0, #(1 << 31)          // HCR_EL2.RW: EL1 is AArch64
    msr     hcr_el2, x0
    mov     x0, #3                  // CNTHCTL_EL2.EL1PCTEN|EL1PCEN: EL1 timer access
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr
    mov     x0, #0x33FF             // CPTR_EL2: no FP/SIMD traps
    msr     cptr_el2, x0
    msr     hstr_el2, xzr
    mrs     x0, midr_el1
    msr     vpidr_el2, x0
    mrs     x0, mpidr_el1
    msr     vmpidr_el2, x0
    // GICv3 system registers: ICC_SRE_EL2.{Enable,SRE} (GICv3 spec 12.8.8),
    // only if the CPU has the GIC system register interface (ID_AA64PFR0_EL1.GIC).
    mrs     x0, id_aa64pfr0_el1
    ubfx    x0, x0, #24, #4
    cbz     x0, 1f
    mrs     x0, S3_4_C12_C9_5       // ICC_SRE_EL2
    mov     x1, #0x9
    orr     x0, x0, x1
    msr     S3_4_C12_C9_5, x0
    isb
1:  ldr     x0, =0x30D00800         // SCTLR_EL1 RES1 bits, MMU off
    msr     sctlr_el1, x0
    mov     x0, #0x3C5              // SPSR_EL2: EL1h, DAIF masked
    msr     spsr_el2, x0
    adr     x0, at_el1
    msr     elr_el2, x0
    eret

at_el1:
    // 3. FP/SIMD at EL0 and EL1: CPACR_EL1.FPEN = 0b11.
    mov     x0, #(3 << 20)
    msr     cpacr_el1, x0
    // CNTKCTL_EL1 = 0: EL0 may not read the counters or timers (its reset
    // value is UNKNOWN on hardware; kenix-sim gives EL0 no timer either).
    msr     cntkctl_el1, xzr
    isb

    // 4a. Zero .bss (physical addresses: adrp is PC-relative).
    adrp    x0, __bss_start
    adrp    x1, __bss_end           // both page aligned
2:  cmp     x0, x1
    b.hs    3f
    stp     xzr, xzr, [x0], #16
    b       2b
3:
    // 4b. Boot tables: one L0 table and one L1 table, used by TTBR1 (high
    // half) and temporarily by TTBR0 (identity). Block descriptors (ARM ARM
    // D8.3.1): valid, AttrIndx[4:2], SH[9:8], AF[10], PXN[53], UXN[54].
    adrp    x0, boot_l0
    adrp    x1, boot_l1
    orr     x2, x1, #3              // table descriptor
    str     x2, [x0]
    ldr     x2, =0x0060000000000405 // PA 0: Device-nGnRE (AttrIndx 1), XN
    str     x2, [x1]
    ldr     x2, =0x0040000000000701 // Normal WB (AttrIndx 0), inner shareable, UXN
    mov     x3, #1
4:  orr     x4, x2, x3, lsl #30
    str     x4, [x1, x3, lsl #3]
    add     x3, x3, #1
    cmp     x3, #4
    b.lo    4b

    // The tables and .bss were written with the MMU (and so the D-cache)
    // off: invalidate any stale lines for them so the cacheable view after
    // MMU-on sees memory (Linux's __create_page_tables does the same;
    // ARM ARM D7.5 "Caches": DC IVAC). 64-byte lines (CTR_EL0
    // DminLine is at least 16 words on every ARMv8 core we target).
    adrp    x2, __bss_start
    adrp    x3, __bss_end
6:  dc      ivac, x2
    add     x2, x2, #64
    cmp     x2, x3
    b.lo    6b
    dsb     sy
    ic      iallu
    dsb     nsh
    isb

    // MAIR_EL1: Attr0 = 0xFF Normal WB RW-allocate, Attr1 = 0x04 Device-nGnRE.
    mov     x2, #0x04FF
    msr     mair_el1, x2
    // TCR_EL1: T0SZ = T1SZ = 16 (48-bit VA, 4 levels), 4 KB
    // granules, WB WA inner-shareable walks, IPS = PARange, AS = 16-bit ASIDs
    // when the CPU has them, TBI1 = 1: the top byte of a TTBR1 address is
    // ignored, so heap.c can hand Swift pointers with that byte cleared
    // (Swift's runtime treats a pointer with bit 63 set as immortal and keeps
    // flags in bits 60-63; see heap.c).
    ldr     x2, =0x40B5103510
    mrs     x3, id_aa64mmfr0_el1
    and     x4, x3, #0x7            // PARange
    orr     x2, x2, x4, lsl #32
    ubfx    x4, x3, #4, #4          // ASIDBits: 0b0010 = 16 bits
    cmp     x4, #2
    b.ne    5f
    orr     x2, x2, #(1 << 36)
5:  msr     tcr_el1, x2
    msr     ttbr0_el1, x0
    msr     ttbr1_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    // SCTLR_EL1: M, C, SA, I, DZE, UCT, nTWI, nTWE + RES1.
    ldr     x2, =0x30D5D80D
    msr     sctlr_el1, x2
    isb
    adrp    x22, boot_empty_l0      // PA of the empty TTBR0 table, for later
    ldr     x0, =high_entry
    br      x0

high_entry:
    // 5. Running at KVA_BASE + PA.
    ldr     x0, =__stack_top
    mov     sp, x0
    ldr     x0, =kenix_vectors
    msr     vbar_el1, x0
    msr     ttbr0_el1, x22          // drop the identity map
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    mov     x29, xzr
    mov     x30, xzr
    mov     x0, x21
    mov     x1, x23
    mov     x2, x24
    bl      kenix_main
park:
    wfe
    b       park

    .section .bss.boot_tables, "aw", %nobits
    .balign 4096
    .globl boot_l0, boot_l1, boot_empty_l0
boot_l0:        .space 4096
boot_l1:        .space 4096
boot_empty_l0:  .space 4096
