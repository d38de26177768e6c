/*
 * crt0.S: the entry point of every Kenix user program.
 *
 * The kernel enters _start at EL0 with x0 = spawn arg, x1 = parent id,
 * sp = 0x8000_0000 (16-byte aligned, 64 KiB stack below it) and every other
 * register 0 (docs/syscalls.md, "Task start"). We call
 *     int64_t main(uint64_t arg, uint64_t parent)
 * with those registers untouched and pass its result to kx_exit, which
 * flushes buffered console output and never returns.
 */
    .section .text._start, "ax", %progbits
    .globl _start
    .type _start, %function
_start:
    mov     x29, xzr            /* terminate the frame-pointer chain */
    mov     x30, xzr
    bl      main
    b       kx_exit             /* x0 = main's result */
    .size _start, . - _start
