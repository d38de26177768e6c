/* runtime.c: the freestanding C runtime the Embedded Swift kernel links
 * against: memset, memcpy, memmove, memcmp, __udivti3 (128-bit division used
 * by the kernel's time conversions; there is no compiler-rt for
 * aarch64-none-none-elf in the toolchain), arc4random_buf (Swift hashing;
 * a fixed xorshift stream keeps boots deterministic) and putchar (print),
 * which goes to the PL011 through kenix_console_putc in Console.swift.
 * Built with -ffreestanding so clang does not turn these loops back into
 * calls to themselves. */
#include <stddef.h>
#include <stdint.h>

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    uint64_t v = (unsigned char)c;
    v |= v << 8; v |= v << 16; v |= v << 32;
    while (n && ((uintptr_t)d & 7)) { *d++ = (unsigned char)c; n--; }
    uint64_t *w = (uint64_t *)d;
    for (; n >= 64; n -= 64, w += 8) {
        w[0] = v; w[1] = v; w[2] = v; w[3] = v; w[4] = v; w[5] = v; w[6] = v; w[7] = v;
    }
    for (; n >= 8; n -= 8) *w++ = v;
    d = (unsigned char *)w;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

/* 128 bytes per iteration when both pointers are 8-byte aligned (the
 * kernel's struct copies and page copies are), then 8; bytes otherwise.
 * Page copies (the ELF loader, copy-on-write) dominate: at 128 bytes a
 * 4 KiB copy is about 670 instructions, at 64 it was 830. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
        uint64_t *w = (uint64_t *)d;
        const uint64_t *r = (const uint64_t *)s;
        for (; n >= 128; n -= 128, w += 16, r += 16) {
            uint64_t a = r[0], b = r[1], c = r[2], e = r[3], f = r[4], g = r[5], h = r[6], i = r[7];
            uint64_t j = r[8], k = r[9], l = r[10], m = r[11], o = r[12], p = r[13], q = r[14], t = r[15];
            w[0] = a; w[1] = b; w[2] = c; w[3] = e; w[4] = f; w[5] = g; w[6] = h; w[7] = i;
            w[8] = j; w[9] = k; w[10] = l; w[11] = m; w[12] = o; w[13] = p; w[14] = q; w[15] = t;
        }
        for (; n >= 64; n -= 64, w += 8, r += 8) {
            uint64_t a = r[0], b = r[1], c = r[2], e = r[3], f = r[4], g = r[5], h = r[6], i = r[7];
            w[0] = a; w[1] = b; w[2] = c; w[3] = e; w[4] = f; w[5] = g; w[6] = h; w[7] = i;
        }
        for (; n >= 8; n -= 8) *w++ = *r++;
        d = (unsigned char *)w;
        s = (const unsigned char *)r;
    }
    while (n--) *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0) return dst;
    if (d < s || d >= s + n) return memcpy(dst, src, n);
    d += n; s += n;
    while (n--) *--d = *--s;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++) if (*x != *y) return *x < *y ? -1 : 1;
    return 0;
}

size_t strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

/* Unsigned 128-bit division by shift-and-subtract (only 64-bit operations). */
typedef unsigned __int128 u128;
u128 __udivti3(u128 n, u128 d) {
    if (d == 0) return 0;
    uint64_t nh = (uint64_t)(n >> 64), dh = (uint64_t)(d >> 64);
    if (nh == 0 && dh == 0) return (u128)((uint64_t)n / (uint64_t)d);
    u128 q = 0, r = 0;
    for (int i = 127; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) { r -= d; q |= (u128)1 << i; }
    }
    return q;
}
u128 __umodti3(u128 n, u128 d) { return n - __udivti3(n, d) * d; }

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
void arc4random_buf(void *buf, size_t n) {
    unsigned char *p = buf;
    while (n--) {
        rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17;
        *p++ = (unsigned char)rng_state;
    }
}

extern void kenix_console_putc(uint8_t c);
int putchar(int c) { kenix_console_putc((uint8_t)c); return c; }
