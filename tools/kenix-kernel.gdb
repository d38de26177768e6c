# tools/kenix-kernel.gdb: gdb-multiarch against QEMU's gdb stub, with the kernel's
# symbols loaded first (make debug-kernel does both):
#     qemu-system-aarch64 -M virt -cpu cortex-a72 ... -kernel build/kenix.img -s -S &
#     gdb-multiarch -ex 'file build/kenix.elf' -x tools/kenix-kernel.gdb
# The kernel is linked at 0xffff000040200000 and starts at its physical load
# address 0x40200000 with the MMU off: for the boot code before the MMU is on,
#     add-symbol-file build/kenix.elf -o -0xffff000000000000
# A user program's symbols go on top (every program is linked at 0x400000, so
# one at a time): add-symbol-file build/userland/NAME.elf
set pagination off
set confirm off
set architecture aarch64
target remote :1234
echo Kenix on QEMU: stopped in the firmware stub at 0x40000000, before the kernel. Try: break kenix_main, continue, bt\n
