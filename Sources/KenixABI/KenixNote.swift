// The Kenix note: what makes an ELF executable a Kenix program. Every Kenix
// program carries it in a PT_NOTE (Userland/runtime/note.S); the kernel
// starts only such programs with `spawn` and `spawn_image`. Any other
// executable is foreign: a Linux program, run by the Linux personality
// server through the supervision syscalls (docs/linux.md).
//
// Layout (an ELF note): namesz = 6, descsz = 4, type = `type`, the name
// "Kenix\0" padded to 8 bytes, then `abiVersion` as a 32-bit word.

public enum KenixNote {
    /// The note's owner name, without its terminating NUL.
    public static let name: StaticString = "Kenix"
    public static let type: UInt32 = 1
    /// The ABI a program was built for (this file's definitions).
    public static let abiVersion: UInt32 = 1
}
