/* lxcpu (`lxtest cpu`): the CPU baseline a Linux program is told about is
 * the one it gets. Prints AT_HWCAP and AT_HWCAP2, checks that every feature
 * of the baseline (docs/cpu-baseline.md: FP, ASIMD, AES, PMULL, SHA1, SHA2,
 * CRC32) is advertised, and runs each extension's instructions against a
 * plain C computation of the same result. Run on both kenix-sim engines and
 * on QEMU (Tests/System/linux-session.txt), and under qemu-aarch64 on the
 * host, where AT_HWCAP advertises more but the same instructions run. */
#include "lxtest.h"
#include <stdint.h>
#include <sys/auxv.h>

/* The baseline's extensions, for this file only (the rest of lxtest is plain ARMv8.0). */
#pragma GCC target("+crc+crypto")

#define HWCAP_FP_ (1ul << 0)
#define HWCAP_ASIMD_ (1ul << 1)
#define HWCAP_AES_ (1ul << 3)
#define HWCAP_PMULL_ (1ul << 4)
#define HWCAP_SHA1_ (1ul << 5)
#define HWCAP_SHA2_ (1ul << 6)
#define HWCAP_CRC32_ (1ul << 7)

/* The first row of the AES S-box: SubBytes of 0x00..0x0F. */
static const uint8_t sbox_row0[16] = {0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5,
                                      0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76};

static uint32_t crc32_soft(uint32_t crc, const uint8_t *p, size_t n, uint32_t poly) {
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (poly & -(crc & 1));
    }
    return crc;
}

static void clmul_soft(uint64_t a, uint64_t b, uint64_t out[2]) {
    out[0] = out[1] = 0;
    for (int i = 0; i < 64; i++)
        if (b >> i & 1) {
            out[0] ^= a << i;
            if (i) out[1] ^= a >> (64 - i);
        }
}

static uint32_t ror32(uint32_t x, int n) { return x >> n | x << (32 - n); }

int lx_cpu(void) {
    lx_name = "lxcpu";
    unsigned long hwcap = getauxval(AT_HWCAP), hwcap2 = getauxval(AT_HWCAP2);
    printf("lxcpu: AT_HWCAP 0x%lx AT_HWCAP2 0x%lx\n", hwcap, hwcap2);
    const unsigned long baseline = HWCAP_FP_ | HWCAP_ASIMD_ | HWCAP_AES_ | HWCAP_PMULL_ | HWCAP_SHA1_ |
                                   HWCAP_SHA2_ | HWCAP_CRC32_;
    CHECK((hwcap & baseline) == baseline, "AT_HWCAP advertises the whole baseline");

    /* CRC32: "123456789" gives the check values 0xCBF43926 and 0xE3069283. */
    const uint8_t digits[9] = "123456789";
    uint32_t crc = 0xFFFFFFFF, crcc = 0xFFFFFFFF;
    for (int i = 0; i < 9; i++) {
        __asm__ volatile("crc32b %w0, %w0, %w1" : "+r"(crc) : "r"((uint32_t)digits[i]));
        __asm__ volatile("crc32cb %w0, %w0, %w1" : "+r"(crcc) : "r"((uint32_t)digits[i]));
    }
    CHECK(~crc == 0xCBF43926 && ~crc == (crc32_soft(0xFFFFFFFF, digits, 9, 0xEDB88320) ^ 0xFFFFFFFF), "crc32b");
    CHECK(~crcc == 0xE3069283 && ~crcc == (crc32_soft(0xFFFFFFFF, digits, 9, 0x82F63B78) ^ 0xFFFFFFFF), "crc32cb");
    uint64_t word = 0x0123456789ABCDEFull;
    uint32_t crcx = 0xFFFFFFFF;
    __asm__ volatile("crc32x %w0, %w0, %x1" : "+r"(crcx) : "r"(word));
    CHECK(crcx == crc32_soft(0xFFFFFFFF, (const uint8_t *)&word, 8, 0xEDB88320), "crc32x");

    /* AES: AESE with a zero key is SubBytes then ShiftRows; AESD undoes it. */
    uint8_t state[16], zero[16] = {0}, out[16], back[16];
    for (int i = 0; i < 16; i++) state[i] = (uint8_t)i;
    __asm__ volatile("ld1 {v0.16b}, [%1]\n ld1 {v1.16b}, [%2]\n aese v0.16b, v1.16b\n st1 {v0.16b}, [%0]"
                     : : "r"(out), "r"(state), "r"(zero) : "v0", "v1", "memory");
    int aes_ok = 1;
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++) aes_ok &= out[r + 4 * c] == sbox_row0[r + 4 * ((c + r) % 4)];
    CHECK(aes_ok, "aese (SubBytes, ShiftRows)");
    __asm__ volatile("ld1 {v0.16b}, [%1]\n ld1 {v1.16b}, [%2]\n aesd v0.16b, v1.16b\n st1 {v0.16b}, [%0]"
                     : : "r"(back), "r"(out), "r"(zero) : "v0", "v1", "memory");
    CHECK(memcmp(back, state, 16) == 0, "aesd undoes aese");
    /* MixColumns then its inverse is the identity; a column of equal bytes is fixed. */
    __asm__ volatile("ld1 {v0.16b}, [%1]\n aesmc v0.16b, v0.16b\n aesimc v0.16b, v0.16b\n st1 {v0.16b}, [%0]"
                     : : "r"(back), "r"(state) : "v0", "memory");
    CHECK(memcmp(back, state, 16) == 0, "aesimc undoes aesmc");

    /* PMULL: a 64 x 64 carry-less product. */
    uint64_t a = 0x87654321DEADBEEFull, b = 0xF00DCAFE12345679ull, prod[2], want[2];
    __asm__ volatile("fmov d0, %1\n fmov d1, %2\n pmull v2.1q, v0.1d, v1.1d\n st1 {v2.2d}, [%0]"
                     : : "r"(prod), "r"(a), "r"(b) : "v0", "v1", "v2", "memory");
    clmul_soft(a, b, want);
    CHECK(prod[0] == want[0] && prod[1] == want[1], "pmull");

    /* SHA1H is a rotation by 30; SHA256SU0 adds sigma0 of the next word. */
    uint32_t x = 0x12345678, h;
    __asm__ volatile("fmov s0, %w1\n sha1h s1, s0\n fmov %w0, s1" : "=r"(h) : "r"(x) : "v0", "v1");
    CHECK(h == ror32(x, 2), "sha1h");
    uint32_t w[8] = {0x61626380, 0x00000000, 0x11111111, 0x80000000, 0xDEADBEEF, 5, 6, 7}, su[4];
    __asm__ volatile("ld1 {v0.4s}, [%1]\n ld1 {v1.4s}, [%2]\n sha256su0 v0.4s, v1.4s\n st1 {v0.4s}, [%0]"
                     : : "r"(su), "r"(w), "r"(w + 4) : "v0", "v1", "memory");
    int su_ok = 1;
    for (int i = 0; i < 4; i++) {
        uint32_t next = w[i + 1];
        su_ok &= su[i] == w[i] + (ror32(next, 7) ^ ror32(next, 18) ^ (next >> 3));
    }
    CHECK(su_ok, "sha256su0");
    return lx_summary();
}
