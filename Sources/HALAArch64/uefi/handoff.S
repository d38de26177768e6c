// handoff.S: the UEFI loader's last step after ExitBootServices, the same
// one Linux's efi-entry.S takes: mask interrupts, clean and invalidate the
// whole data cache by set/way (ARM ARM D7.5 "Caches": CLIDR_EL1 LoC, CCSIDR_EL1
// geometry, DC CISW) so everything the loader wrote reaches memory, turn the
// MMU and caches off at the current EL (SCTLR_ELx.M bit 0, C bit 2, I bit 12),
// invalidate the I-cache and branch to the kernel with x0 = DTB, x1 = the
// handover block, x2 = x3 = 0, as boot.S expects from the Image protocol.
//   kenix_handoff(entry x0, dtb x1, handover x2)
    .text
    .globl kenix_handoff
    .balign 4
kenix_handoff:
    msr     daifset, #0xf
    mov     x19, x0
    mov     x20, x1
    mov     x21, x2
    mrs     x0, clidr_el1
    and     x3, x0, #0x07000000
    lsr     x3, x3, #23             // LoC * 2
    cbz     x3, 5f
    mov     x10, #0                 // cache level * 2
1:  add     x2, x10, x10, lsr #1
    lsr     x1, x0, x2
    and     x1, x1, #7              // cache type at this level
    cmp     x1, #2
    b.lt    4f                      // no data cache
    msr     csselr_el1, x10
    isb
    mrs     x1, ccsidr_el1
    and     x2, x1, #7
    add     x2, x2, #4              // log2(line bytes)
    ubfx    x4, x1, #3, #10         // ways - 1
    clz     w5, w4                  // way shift
    ubfx    x7, x1, #13, #15        // sets - 1
2:  mov     x9, x4
3:  lsl     x6, x9, x5
    orr     x11, x10, x6
    lsl     x6, x7, x2
    orr     x11, x11, x6
    dc      cisw, x11
    subs    x9, x9, #1
    b.ge    3b
    subs    x7, x7, #1
    b.ge    2b
4:  add     x10, x10, #2
    cmp     x3, x10
    b.gt    1b
5:  dsb     sy
    isb
    // MMU and caches off at the current EL (SCTLR_ELx.M bit 0, C bit 2, I bit 12).
    mrs     x0, CurrentEL
    cmp     x0, #(2 << 2)
    b.ne    6f
    mrs     x0, sctlr_el2
    bic     x0, x0, #1
    bic     x0, x0, #(1 << 2)
    bic     x0, x0, #(1 << 12)
    msr     sctlr_el2, x0
    b       7f
6:  mrs     x0, sctlr_el1
    bic     x0, x0, #1
    bic     x0, x0, #(1 << 2)
    bic     x0, x0, #(1 << 12)
    msr     sctlr_el1, x0
7:  isb
    ic      iallu
    dsb     sy
    isb
    mov     x0, x20
    mov     x1, x21
    mov     x2, xzr
    mov     x3, xzr
    br      x19
