// sysreg.S: one tiny function per system-register access or barrier that the
// Swift side needs (Embedded Swift has no inline assembly). Each is a leaf
// following AAPCS64: argument in x0, result in x0.

.macro FUNC name
    .text
    .globl \name
    .balign 4
\name:
.endm

// Generic timer (ARM ARM chapter D11 "The Generic Timer"): virtual count, compare, control.
FUNC kenix_read_cntvct
    isb
    mrs     x0, cntvct_el0
    ret
FUNC kenix_read_cntfrq
    mrs     x0, cntfrq_el0
    ret
FUNC kenix_write_cntv_cval
    msr     cntv_cval_el0, x0
    isb
    ret
FUNC kenix_write_cntv_ctl
    msr     cntv_ctl_el0, x0
    isb
    ret

// Performance Monitors (ARM ARM D13): event counter 0 counts INST_RETIRED
// (event 0x08) at EL0 and EL1 (PMEVTYPER0_EL0 filter bits 0). Returns 1 when
// started, 0 when the CPU has no PMU (ID_AA64DFR0_EL1.PMUVer 0 or 0xF).
FUNC kenix_pmu_start_instruction_counter
    mrs     x0, id_aa64dfr0_el1
    ubfx    x0, x0, #8, #4
    cbz     x0, 1f
    cmp     x0, #0xf
    b.eq    1f
    mov     x1, #0x08
    msr     pmevtyper0_el0, x1
    mov     x1, #1
    msr     pmcntenset_el0, x1
    mrs     x1, pmcr_el0
    orr     x1, x1, #1              // PMCR_EL0.E: counters on
    msr     pmcr_el0, x1
    isb
    mov     x0, #1
    ret
1:  mov     x0, #0
    ret
// Event counter 0 (32 bits on ARMv8.0).
FUNC kenix_read_pmevcntr0
    isb
    mrs     x0, pmevcntr0_el0
    ret

// Translation: TTBR0_EL1 = root | ASID << 48 (TTBR0_EL1.ASID with TCR_EL1.A1 = 0).
FUNC kenix_write_ttbr0
    msr     ttbr0_el1, x0
    isb
    ret
// TLBI VAE1IS / ASIDE1IS (ARM ARM D8.13 "TLB maintenance"; TLBI in C6.2): x0 = ASID << 48 | VA >> 12.
FUNC kenix_tlbi_vae1is
    dsb     ishst
    tlbi    vae1is, x0
    dsb     ish
    isb
    ret
FUNC kenix_tlbi_aside1is
    dsb     ishst
    tlbi    aside1is, x0
    dsb     ish
    isb
    ret
FUNC kenix_dsb_ishst
    dsb     ishst
    isb
    ret

// DMA ordering against devices (virtio rings; ARM ARM B2.3.12 "Memory barriers"):
// the outer-shareable domain holds the device's observer. oshst orders
// stores (ring entry before index, index before the notify write), oshld
// orders loads (used index before the used entry and the status byte), osh
// orders both (interrupt acknowledge before re-reading the used index).
FUNC kenix_dmb_oshst
    dmb     oshst
    ret
FUNC kenix_dmb_oshld
    dmb     oshld
    ret
FUNC kenix_dmb_osh
    dmb     osh
    ret

// Idle until an interrupt is pending. WFI wakes on a pending IRQ even with
// PSTATE.I set (ARM ARM, "Wait for Interrupt" in chapter D1), so interrupts stay
// masked at EL1 and the kernel acknowledges the IRQ itself.
FUNC kenix_wfi
    dsb     sy
    wfi
    ret

// GICv3 CPU interface system registers (GICv3 spec 12.11).
FUNC kenix_icc_sre_enable
    mrs     x0, S3_0_C12_C12_5      // ICC_SRE_EL1
    orr     x0, x0, #1              // SRE
    msr     S3_0_C12_C12_5, x0
    isb
    mrs     x0, S3_0_C12_C12_5
    ret
FUNC kenix_icc_write_pmr
    msr     S3_0_C4_C6_0, x0        // ICC_PMR_EL1
    ret
FUNC kenix_icc_write_bpr1
    msr     S3_0_C12_C12_3, x0      // ICC_BPR1_EL1
    ret
FUNC kenix_icc_write_ctlr
    msr     S3_0_C12_C12_4, x0      // ICC_CTLR_EL1
    ret
FUNC kenix_icc_write_igrpen1
    msr     S3_0_C12_C12_7, x0      // ICC_IGRPEN1_EL1
    isb
    ret
FUNC kenix_icc_read_iar1
    mrs     x0, S3_0_C12_C12_0      // ICC_IAR1_EL1
    dsb     sy
    ret
FUNC kenix_icc_write_eoir1
    msr     S3_0_C12_C12_1, x0      // ICC_EOIR1_EL1
    isb
    ret

// PSCI (ARM DEN 0022): x0 = function id, x1-x3 arguments; hvc or smc.
FUNC kenix_psci_hvc
    hvc     #0
    ret
FUNC kenix_psci_smc
    smc     #0
    ret

// Diagnostics.
FUNC kenix_read_esr
    mrs     x0, esr_el1
    ret
FUNC kenix_read_far
    mrs     x0, far_el1
    ret
FUNC kenix_read_elr
    mrs     x0, elr_el1
    ret
FUNC kenix_read_current_el
    mrs     x0, CurrentEL
    ret
FUNC kenix_read_id_aa64mmfr0
    mrs     x0, id_aa64mmfr0_el1
    ret
FUNC kenix_read_fp
    mov     x0, x29
    ret
FUNC kenix_addr_boot_l1
    ldr     x0, =boot_l1
    ret
FUNC kenix_addr_image_start
    ldr     x0, =_start
    ret
FUNC kenix_addr_image_end
    ldr     x0, =_end
    ret
FUNC kenix_addr_stack_bottom
    ldr     x0, =__stack_bottom
    ret
FUNC kenix_addr_ksyms
    ldr     x0, =kenix_ksyms
    ret
FUNC kenix_read_id_aa64pfr0
    mrs     x0, id_aa64pfr0_el1
    ret
FUNC kenix_read_mpidr
    mrs     x0, mpidr_el1
    ret

// Makes code the kernel wrote visible to instruction fetches (ARM ARM B2.4.4
// "Concurrent modification and execution of instructions", D7.5.9 cache
// maintenance): clean the data cache to the point of unification by line
// (DC CVAU), DSB ISH, invalidate the instruction cache by line (IC IVAU),
// DSB ISH, ISB. Line sizes come from CTR_EL0 (DminLine bits 19:16,
// IminLine bits 3:0, log2 of words). x0 = kernel VA, x1 = length in bytes.
//
// BY_LINE insn, kind, lsb: runs `insn kind, x7` over every line of [x0, x5),
// a line being 4 << CTR_EL0[lsb+3:lsb] bytes (x2 = CTR_EL0, x4 = 4): four
// lines per iteration while four remain (a page is 64 of them), then one at
// a time. Uses x3, x6, x7 and x8.
.macro BY_LINE insn, kind, lsb
    ubfx    x3, x2, #\lsb, #4
    lsl     x3, x4, x3
    sub     x6, x3, #1
    bic     x7, x0, x6
1:  add     x8, x7, x3, lsl #2
    cmp     x8, x5
    b.hi    2f
    \insn   \kind, x7
    add     x7, x7, x3
    \insn   \kind, x7
    add     x7, x7, x3
    \insn   \kind, x7
    add     x7, x7, x3
    \insn   \kind, x7
    add     x7, x7, x3
    b       1b
2:  cmp     x7, x5
    b.hs    3f
    \insn   \kind, x7
    add     x7, x7, x3
    b       2b
3:
.endm

FUNC kenix_sync_icache
    mrs     x2, ctr_el0
    mov     x4, #4
    add     x5, x0, x1
    BY_LINE dc, cvau, 16
    dsb     ish
    BY_LINE ic, ivau, 0
    dsb     ish
    isb
    ret
