/*
 * lxtest.h: the checks of the static Linux test programs (Userland/linux/).
 * They are one ordinary glibc program for AArch64 Linux, `lxtest`, built by
 * Debian's cross compiler (mk/linux.mk): `lxtest NAME` runs one test (the
 * table in lxtest.c), which prints one line per failed check and a summary
 * "NAME: N passed, M failed", and exits 0 only if all passed. The same
 * binary runs under qemu-aarch64 on the host.
 */
#ifndef LXTEST_H
#define LXTEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <time.h>

extern int lx_passed, lx_failed;
extern const char *lx_name;

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
