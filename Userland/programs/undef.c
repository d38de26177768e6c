/*
 * undef: executes an undefined instruction (UDF #0, encoding 0x00000000).
 * The kernel must kill this task with KillReason undefinedInstruction (2) and
 * go on; init's "fault" test waits for it and checks exactly that.
 */
#include "kenix.h"

int64_t main(uint64_t arg, uint64_t parent) {
    (void)arg;
    (void)parent;
    __asm__ volatile(".inst 0x00000000" ::: "memory");
    return 100;   /* not reached */
}
