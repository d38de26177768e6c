/* lxtest: the static Linux test programs as one binary (like busybox), so
 * the boot image carries one copy of the C library: `lxtest NAME`.
 *   signals  handlers, frames, masks, SA_RESTART, sigsuspend, sigaltstack, SIGSEGV, SIGALRM
 *   pipes    pipes between processes, EOF, EPIPE/SIGPIPE, O_NONBLOCK, poll, select, dup2
 *   fork     fork storms, wait statuses, vfork + exec, shared and private memory, groups
 *   fuzz     a hostile program: bad pointers, then random syscalls from children
 *   segv     writes through a null pointer (sh reports "Segmentation fault")
 *   cpu      AT_HWCAP is the CPU baseline, and its crypto and CRC32 instructions run
 * Exits with the test's status, 2 for an unknown name. */
#include "lxtest.h"

int lx_passed, lx_failed;
const char *lx_name = "lxtest";

int lx_signals(void), lx_pipes(void), lx_fork(void), lx_fuzz(void), lx_segv(void), lx_cpu(void);

static const struct { const char *name; int (*run)(void); } tests[] = {
    {"signals", lx_signals}, {"pipes", lx_pipes}, {"fork", lx_fork}, {"fuzz", lx_fuzz}, {"segv", lx_segv},
    {"cpu", lx_cpu},
};

int main(int argc, char **argv) {
    if (argc == 2)
        for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
            if (strcmp(argv[1], tests[i].name) == 0) return tests[i].run();
    fprintf(stderr, "usage: lxtest signals|pipes|fork|fuzz|segv|cpu\n");
    return 2;
}
