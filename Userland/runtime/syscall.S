/*
 * syscall.S: the only places user code traps into the kernel.
 *
 * ABI (docs/syscalls.md): `svc #0`, number in x8, arguments in x0-x5, result
 * in x0 (negative = error), IPC calls return a message in x1-x5. The kernel
 * preserves every other register.
 *
 * The C signatures take the six arguments first and the number last, so the
 * arguments are already in x0-x5 and the number arrives in x6:
 *
 *   int64_t kx_syscall(a0, a1, a2, a3, a4, a5, number)
 *   int64_t kx_syscall_msg(a0, a1, a2, a3, a4, a5, number, uint64_t out[6])
 *
 * kx_syscall_msg stores x0-x5 after the trap into out[0..5]. It keeps out
 * in x7 across the trap, as the ABI lets it (the kernel preserves x6-x30;
 * the kernel tests check that): a spill to the stack would cost a store per
 * IPC, and stores are the expensive instructions in the simulator.
 *
 *   int64_t kx_syscall_msg7(a0, a1, a2, a3, a4, a5, a6, number, uint64_t out[6])
 *
 * is the same with a seventh argument in x6 (call_timeout); `number` arrives
 * in x7 and `out` on the stack (AAPCS64: the ninth integer argument).
 */
    .section .text.kx_syscall, "ax", %progbits
    .globl kx_syscall
    .type kx_syscall, %function
    .p2align 2
kx_syscall:
    mov     x8, x6
    svc     #0
    ret
    .size kx_syscall, . - kx_syscall

    .section .text.kx_syscall_msg, "ax", %progbits
    .globl kx_syscall_msg
    .type kx_syscall_msg, %function
    .p2align 2
kx_syscall_msg:
    mov     x8, x6
    svc     #0
    stp     x0, x1, [x7]
    stp     x2, x3, [x7, #16]
    stp     x4, x5, [x7, #32]
    ret
    .size kx_syscall_msg, . - kx_syscall_msg

    .section .text.kx_syscall_msg7, "ax", %progbits
    .globl kx_syscall_msg7
    .type kx_syscall_msg7, %function
    .p2align 2
kx_syscall_msg7:
    mov     x8, x7
    ldr     x9, [sp]
    svc     #0
    stp     x0, x1, [x9]
    stp     x2, x3, [x9, #16]
    stp     x4, x5, [x9, #32]
    ret
    .size kx_syscall_msg7, . - kx_syscall_msg7
