/*
 * fault: reads address 0, which is never mapped. The kernel must kill this
 * task with KillReason memoryFault (1) and go on; init's "fault" test waits
 * for it and checks exactly that. The load is written in assembly so the
 * compiler cannot treat the null access as undefined behaviour and drop it.
 */
#include "kenix.h"

int64_t main(uint64_t arg, uint64_t parent) {
    (void)arg;
    (void)parent;
    uint64_t value;
    __asm__ volatile("ldr %0, [%1]" : "=r"(value) : "r"((uint64_t)0) : "memory");
    return 100 + (int64_t)(value & 0xff);   /* not reached; exit status >= 100 if it were */
}
