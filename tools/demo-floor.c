// tools/demo-floor.c: what the demo's colour field costs on this host
// natively, the floor under any CPU engine that runs the guest's code
// faithfully.
//
// The demo (Userland/programs/demo.swift) computes each pixel's red as
// x * 255 / (width - 1): one `sdiv` per pixel, 921,600 a frame at 1280x720.
// This prints two lines (the median of 9 frames each):
//   - `idivq` alone on exactly those operands, as many as a frame has: the
//     time any engine that divides with the host's 64-bit divide spends on
//     division (dynarmic's SDIV does; so does QEMU's helper);
//   - the whole colour field compiled for the host (red, green, blue, a
//     store per pixel into a frame-sized buffer, the division still
//     `idivq`): how fast the frame could be drawn if emulation cost nothing.
// make bench (tools/write-benchmarks.sh) reports both beside the demo's row.
// x86-64 only; elsewhere it says so and fails.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__)
static inline int64_t divide(int64_t a, int64_t b) {
    int64_t q, r;
    // The instruction itself: a compiler may divide 64-bit numbers that fit
    // in 32 bits with the cheaper 32-bit divide, or a constant divisor with
    // a multiplication; the guest's `sdiv` is neither.
    __asm__ volatile("cqo; idivq %3" : "=a"(q), "=d"(r) : "a"(a), "r"(b));
    return q;
}
#endif

enum { width = 1280, height = 720, frames = 9 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int ascending(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *ms) {
    qsort(ms, frames, sizeof ms[0], ascending);
    return ms[frames / 2];
}

int main(void) {
#if !defined(__x86_64__)
    fprintf(stderr, "demo-floor: x86-64 only\n");
    return 1;
#else
    double ms[frames];
    int64_t sum = 0;
    for (int f = 0; f < frames; f++) {
        double start = now();
        for (int y = 0; y < height; y++)
            for (int64_t x = 0; x < width; x++) sum += divide(x * 255, width - 1);
        ms[f] = (now() - start) * 1e3;
    }
    double division = median(ms);
    // The sum keeps the divisions; it is the same on every host.
    printf("%.2f ns per division, %.2f ms per %dx%d frame (checksum %lld)\n",
           division * 1e6 / (width * height), division, width, height, (long long)sum);

    uint32_t *frame = malloc((size_t)width * height * sizeof *frame);
    if (!frame) {
        fprintf(stderr, "demo-floor: out of memory\n");
        return 1;
    }
    for (int f = 0; f < frames; f++) {
        double start = now();
        for (int64_t y = 0; y < height; y++) {
            uint32_t *row = frame + y * width;
            uint32_t green = (uint32_t)divide(y * 255, height - 1) << 8;
            for (int64_t x = 0; x < width; x++) {
                uint32_t red = (uint32_t)divide(x * 255, width - 1) << 16;
                uint32_t blue = (uint32_t)(((x >> 2) ^ (y >> 2)) + f * 4) & 0xFF;
                row[x] = red | green | blue;
            }
        }
        ms[f] = (now() - start) * 1e3;
    }
    // A pixel of the last frame keeps the stores.
    printf("%.2f ms per %dx%d colour field, natively (pixel %u)\n", median(ms), width, height,
           frame[width * height / 2 + 3]);
    free(frame);
    return 0;
#endif
}
