/* lxtest segv: writes through a null pointer. The shell that runs it reports
 * "Segmentation fault" (wait status: killed by SIGSEGV, no core). */
#include <stdio.h>
int lx_segv(void) {
    printf("lxsegv: writing to address 0\n");
    fflush(stdout);
    *(volatile int *)0 = 1;
    printf("lxsegv: still alive\n");
    return 0;
}
