/*
 * libc.c: the freestanding C library pieces that Embedded Swift and the C
 * programs link against: memset, memcpy, memmove, memcmp, strlen and
 * arc4random_buf (needed by Swift hashing: Set, Dictionary).
 *
 * Built with -ffreestanding (which implies -fno-builtin), so the compiler does
 * not turn these loops back into calls to themselves.
 */
#include <stddef.h>
#include <stdint.h>

/* A 64-bit word that may alias any object (the word-at-a-time loops below). */
typedef uint64_t __attribute__((may_alias)) word_t;

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    uint64_t pattern = (unsigned char)c * 0x0101010101010101ULL;
    while (n > 0 && ((uintptr_t)d & 7)) { *d++ = (unsigned char)c; n--; }
    for (; n >= 8; n -= 8, d += 8) *(word_t *)d = pattern;
    while (n-- > 0) *d++ = (unsigned char)c;
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
        while (n > 0 && ((uintptr_t)d & 7)) { *d++ = *s++; n--; }
        for (; n >= 8; n -= 8, d += 8, s += 8) *(word_t *)d = *(const word_t *)s;
    }
    while (n-- > 0) *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0) return dst;
    if (d < s || d >= s + n) return memcpy(dst, src, n);
    while (n-- > 0) d[n] = s[n];   /* overlapping, dst above src: copy backwards */
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    size_t i = 0;
    /* Eight bytes at a time while they are equal (EL0 loads may be unaligned
     * on normal memory), then byte by byte from the first difference. */
    for (; i + 8 <= n; i += 8) {
        uint64_t u, v;
        __builtin_memcpy(&u, x + i, 8);
        __builtin_memcpy(&v, y + i, 8);
        if (u != v) break;
    }
    for (; i < n; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* Not a cryptographic source: Kenix runs are deterministic by design (same
 * image, same output), so hash seeds are a fixed xorshift64* sequence. */
void arc4random_buf(void *buf, size_t n) {
    static uint64_t state = 0x9E3779B97F4A7C15ULL;
    unsigned char *p = buf;
    while (n > 0) {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        uint64_t v = state * 0x2545F4914F6CDD1DULL;
        for (int i = 0; i < 8 && n > 0; i++, n--) { *p++ = (unsigned char)v; v >>= 8; }
    }
}
