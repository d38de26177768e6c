// tools/host-division.c: what the demo's pixel loop costs on this host in
// divisions alone, the floor under any CPU engine that divides with the
// host's 64-bit `idiv` (dynarmic's SDIV does; so does QEMU's helper).
//
// The demo (Userland/programs/demo.swift) computes each pixel's red as
// x * 255 / (width - 1): one `sdiv` per pixel, 921,600 a frame at 1280x720.
// This times `idivq` on exactly those operands, as many as a frame has, and
// prints the nanoseconds per division and the milliseconds per frame (the
// median of 9 frames). make bench (tools/write-benchmarks.sh) reports it
// beside the demo's row. x86-64 only; elsewhere it says so and fails.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__)
static inline int64_t divide(int64_t a, int64_t b) {
    int64_t q, r;
    // The instruction itself: a compiler may divide 64-bit numbers that fit
    // in 32 bits with the cheaper 32-bit divide.
    __asm__ volatile("cqo; idivq %3" : "=a"(q), "=d"(r) : "a"(a), "r"(b));
    return q;
}
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int ascending(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void) {
#if !defined(__x86_64__)
    fprintf(stderr, "host-division: x86-64 only\n");
    return 1;
#else
    enum { width = 1280, height = 720, frames = 9 };
    double ms[frames];
    int64_t sum = 0;
    for (int f = 0; f < frames; f++) {
        double start = now();
        for (int y = 0; y < height; y++)
            for (int64_t x = 0; x < width; x++) sum += divide(x * 255, width - 1);
        ms[f] = (now() - start) * 1e3;
    }
    qsort(ms, frames, sizeof ms[0], ascending);
    double frame = ms[frames / 2];
    // The sum keeps the divisions; it is the same on every host.
    printf("%.2f ns per division, %.2f ms per %dx%d frame (checksum %lld)\n",
           frame * 1e6 / (width * height), frame, width, height, (long long)sum);
    return 0;
#endif
}
