/*
 * note.S: the Kenix note, the marker that makes an ELF a Kenix program
 * (docs/syscalls.md, "Programs and personalities"). The kernel starts only
 * ELFs that carry it with `spawn`/`spawn_image`; any other executable is a
 * foreign (Linux) program, run under the Linux personality server.
 *
 * An ELF note (PT_NOTE): namesz 6, descsz 4, type 1, name "Kenix", and the
 * ABI version as the descriptor. ElfNote in Sources/KenixABI defines it.
 */
    .section .note.kenix, "a"
    .p2align 2
    .long 6             /* namesz: "Kenix\0" */
    .long 4             /* descsz */
    .long 1             /* type: KenixNote.type */
    .asciz "Kenix"
    .p2align 2
    .long 1             /* KenixNote.abiVersion */
