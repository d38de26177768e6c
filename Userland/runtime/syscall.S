/*
 * syscall.S: the only two places user code traps into the kernel.
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
 * kx_syscall_msg stores x0-x5 after the trap into out[0..5]. x7 (out) is
 * kept on the stack rather than trusting it across the trap: the ABI says the
 * kernel preserves it, but this costs two instructions and an IPC result lost
 * to a kernel bug would be hard to trace back here.
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
    str     x7, [sp, #-16]!
    mov     x8, x6
    svc     #0
    ldr     x7, [sp], #16
    stp     x0, x1, [x7]
    stp     x2, x3, [x7, #16]
    stp     x4, x5, [x7, #32]
    ret
    .size kx_syscall_msg, . - kx_syscall_msg
