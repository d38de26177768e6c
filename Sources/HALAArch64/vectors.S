// vectors.S: entering EL0 and coming back (CPU.enterUser), and the exception
// vector table (ARM ARM chapter D1, "Exception vectors"; VBAR_EL1: 16 entries of 128
// bytes; each entry only branches out: docs/architecture.md, lesson 3).
//
// kenix_enter_user(UserContext *ctx, TrapInfo *info):
//   saves the kernel's callee-saved registers (x19-x30, d8-d15; AAPCS64) and
//   the two pointers in a frame on SP_EL1, restores the user context and
//   erets to EL0 with DAIF clear. A lower-EL exception lands on the same
//   SP_EL1 (the frame), saves every user register back into *ctx, writes
//   {kind, ESR_EL1, FAR_EL1} into *info and returns from kenix_enter_user.
//
// UserContext layout (Sources/HAL/UserContext.swift; checked at boot by
// ContextLayout.swift): x0-x30 @0, sp @248, pc @256, nzcv @264, tpidr @272,
// q0-q31 @280 (512 bytes), fpcr @792, fpsr @800.
// TrapInfo: kind @0 (0 = synchronous, 1 = IRQ), esr @8, far @16.

#define CTX_SP    248
#define CTX_PC    256
#define CTX_NZCV  264
#define CTX_TPIDR 272
#define CTX_FP    280
#define FRAME     176

    .text
    .globl kenix_enter_user
    .balign 16
kenix_enter_user:
    sub     sp, sp, #FRAME
    stp     x0, x1, [sp, #0]
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    stp     x29, x30, [sp, #96]
    stp     d8, d9, [sp, #112]
    stp     d10, d11, [sp, #128]
    stp     d12, d13, [sp, #144]
    stp     d14, d15, [sp, #160]

    ldr     x2, [x0, #CTX_SP]
    msr     sp_el0, x2
    ldr     x2, [x0, #CTX_PC]
    msr     elr_el1, x2
    ldr     x2, [x0, #CTX_NZCV]
    and     x2, x2, #0xF0000000     // SPSR_EL1: NZCV, M = EL0t, DAIF = 0
    msr     spsr_el1, x2
    ldr     x2, [x0, #CTX_TPIDR]
    msr     tpidr_el0, x2
    add     x2, x0, #CTX_FP
    ldp     q0, q1, [x2, #0]
    ldp     q2, q3, [x2, #32]
    ldp     q4, q5, [x2, #64]
    ldp     q6, q7, [x2, #96]
    ldp     q8, q9, [x2, #128]
    ldp     q10, q11, [x2, #160]
    ldp     q12, q13, [x2, #192]
    ldp     q14, q15, [x2, #224]
    ldp     q16, q17, [x2, #256]
    ldp     q18, q19, [x2, #288]
    ldp     q20, q21, [x2, #320]
    ldp     q22, q23, [x2, #352]
    ldp     q24, q25, [x2, #384]
    ldp     q26, q27, [x2, #416]
    ldp     q28, q29, [x2, #448]
    ldp     q30, q31, [x2, #480]
    ldr     x3, [x2, #512]
    msr     fpcr, x3
    ldr     x3, [x2, #520]
    msr     fpsr, x3
    // Page-table writes must be visible to the walker before EL0 runs.
    dsb     ish
    ldp     x2, x3, [x0, #16]
    ldp     x4, x5, [x0, #32]
    ldp     x6, x7, [x0, #48]
    ldp     x8, x9, [x0, #64]
    ldp     x10, x11, [x0, #80]
    ldp     x12, x13, [x0, #96]
    ldp     x14, x15, [x0, #112]
    ldp     x16, x17, [x0, #128]
    ldp     x18, x19, [x0, #144]
    ldp     x20, x21, [x0, #160]
    ldp     x22, x23, [x0, #176]
    ldp     x24, x25, [x0, #192]
    ldp     x26, x27, [x0, #208]
    ldp     x28, x29, [x0, #224]
    ldr     x30, [x0, #240]
    ldp     x0, x1, [x0, #0]
    eret

// Lower-EL exception: SP_EL1 points at the enter_user frame.
el0_save:
    ldr     x0, [sp, #16]           // ctx (frame[0], above the pushed x0/x1)
    stp     x2, x3, [x0, #16]
    stp     x4, x5, [x0, #32]
    stp     x6, x7, [x0, #48]
    stp     x8, x9, [x0, #64]
    stp     x10, x11, [x0, #80]
    stp     x12, x13, [x0, #96]
    stp     x14, x15, [x0, #112]
    stp     x16, x17, [x0, #128]
    stp     x18, x19, [x0, #144]
    stp     x20, x21, [x0, #160]
    stp     x22, x23, [x0, #176]
    stp     x24, x25, [x0, #192]
    stp     x26, x27, [x0, #208]
    stp     x28, x29, [x0, #224]
    str     x30, [x0, #240]
    ldp     x2, x3, [sp], #16       // the task's x0, x1
    stp     x2, x3, [x0, #0]
    mrs     x2, sp_el0
    str     x2, [x0, #CTX_SP]
    mrs     x2, elr_el1
    str     x2, [x0, #CTX_PC]
    mrs     x2, spsr_el1
    and     x2, x2, #0xF0000000
    str     x2, [x0, #CTX_NZCV]
    mrs     x2, tpidr_el0
    str     x2, [x0, #CTX_TPIDR]
    add     x2, x0, #CTX_FP
    stp     q0, q1, [x2, #0]
    stp     q2, q3, [x2, #32]
    stp     q4, q5, [x2, #64]
    stp     q6, q7, [x2, #96]
    stp     q8, q9, [x2, #128]
    stp     q10, q11, [x2, #160]
    stp     q12, q13, [x2, #192]
    stp     q14, q15, [x2, #224]
    stp     q16, q17, [x2, #256]
    stp     q18, q19, [x2, #288]
    stp     q20, q21, [x2, #320]
    stp     q22, q23, [x2, #352]
    stp     q24, q25, [x2, #384]
    stp     q26, q27, [x2, #416]
    stp     q28, q29, [x2, #448]
    stp     q30, q31, [x2, #480]
    mrs     x3, fpcr
    str     x3, [x2, #512]
    mrs     x3, fpsr
    str     x3, [x2, #520]
    ldr     x4, [sp, #8]            // info
    mrs     x5, esr_el1
    mrs     x6, far_el1
    str     x1, [x4, #0]
    stp     x5, x6, [x4, #8]
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp, #96]
    ldp     d8, d9, [sp, #112]
    ldp     d10, d11, [sp, #128]
    ldp     d12, d13, [sp, #144]
    ldp     d14, d15, [sp, #160]
    add     sp, sp, #FRAME
    ret

// An exception taken from EL1 is a kernel bug: save x0-x30 and hand them to
// kenix_kernel_exception(frame, vector), which prints them and powers off.
kernel_fault:
    // On entry x0, x1 are pushed and x1 = vector index.
    sub     sp, sp, #256
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    ldp     x2, x3, [sp, #256]
    stp     x2, x3, [sp, #0]
    add     x2, sp, #272
    str     x2, [sp, #248]          // SP before the exception
    mov     x0, sp
    bl      kenix_kernel_exception
1:  wfe
    b       1b

.macro VENTRY label
    .balign 128
    b       \label
.endm
.macro KFAULT index
    .balign 128
    stp     x0, x1, [sp, #-16]!
    mov     x1, #\index
    b       kernel_fault
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .globl kenix_vectors
kenix_vectors:
    KFAULT 0        // current EL, SP0: sync
    KFAULT 1        //   IRQ
    KFAULT 2        //   FIQ
    KFAULT 3        //   SError
    KFAULT 4        // current EL, SPx: sync
    KFAULT 5        //   IRQ
    KFAULT 6        //   FIQ
    KFAULT 7        //   SError
    .balign 128     // lower EL, AArch64: sync
    stp     x0, x1, [sp, #-16]!
    mov     x1, #0
    b       el0_save
    .balign 128     //   IRQ
    stp     x0, x1, [sp, #-16]!
    mov     x1, #1
    b       el0_save
    KFAULT 10       //   FIQ
    KFAULT 11       //   SError
    KFAULT 12       // lower EL, AArch32
    KFAULT 13
    KFAULT 14
    KFAULT 15
