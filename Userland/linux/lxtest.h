/*
 * lxtest.h: the checks of the static Linux test programs (Userland/linux/).
 * Each program is an ordinary glibc program for AArch64 Linux, built by
 * Debian's cross compiler (mk/linux.mk); it prints one line per failed check
 * and a summary "NAME: N passed, M failed", and exits 0 only if all passed.
 * The same binary runs under qemu-aarch64 on the host, so its output there
 * is the oracle for its output on Kenix.
 */
#ifndef LXTEST_H
#define LXTEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

static int lx_passed, lx_failed;
static const char *lx_name = "test";

#define CHECK(cond, what) do { \
    if (cond) lx_passed++; \
    else { lx_failed++; printf("%s: FAIL %s (line %d, errno %d)\n", lx_name, what, __LINE__, errno); fflush(stdout); } \
} while (0)

static inline int lx_summary(void) {
    printf("%s: %d passed, %d failed\n", lx_name, lx_passed, lx_failed);
    fflush(stdout);
    return lx_failed == 0 ? 0 : 1;
}
#endif
