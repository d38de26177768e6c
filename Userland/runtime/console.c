/*
 * console.c: console output and exit for every user program.
 *
 * putchar (what Embedded Swift's print() calls, and C programs' too) buffers a
 * line and flushes it on '\n', when the buffer fills, and at exit. A flush
 * goes to the console server (service 1) with the console protocol of
 * docs/syscalls.md: call(console, tag = KX_CONSOLE_PRINT | (len << 8), bytes
 * little-endian in w0..w3), 32 bytes a call, the reply (tag 0) once they are
 * written.
 *
 * The console server itself cannot call itself, so it switches this module
 * to writing the UART directly with kx_console_use_uart(). A program that
 * prints before any console server exists writes the UART directly as a last
 * resort (which only works for the UART's owner; otherwise the text is lost).
 */
#include "kenix.h"

#define LINE_MAX 128
#define CHUNK KX_CONSOLE_MAX_CHUNK

static char line[LINE_MAX];
static size_t line_len;
static int64_t console_id;   /* 0 = not looked up yet */
static int direct_uart;

void kx_console_use_uart(void) { direct_uart = 1; }

static void uart_out(const char *p, size_t n) {
    while (n > 0) {
        int64_t rc = kx_uart_write(p, n);
        if (rc <= 0) return;
        p += rc;
        n -= (size_t)rc;
    }
}

/* Sends up to 32 bytes to the console server; returns 0 or a negative error. */
static int64_t console_chunk(const char *p, size_t n) {
    uint64_t w[4] = {0, 0, 0, 0}, r[6];
    for (size_t i = 0; i < n; i++) w[i / 8] |= (uint64_t)(unsigned char)p[i] << (8 * (i % 8));
    return kx_syscall_msg((uint64_t)console_id, KX_CONSOLE_PRINT | ((uint64_t)n << KX_CONSOLE_LENGTH_SHIFT),
                          w[0], w[1], w[2], w[3],
                          KX_SYS_CALL, r);
}

static void console_out(const char *p, size_t n) {
    if (direct_uart) { uart_out(p, n); return; }
    if (console_id <= 0) {
        console_id = kx_service_lookup(KX_SERVICE_CONSOLE);
        if (console_id <= 0) { console_id = 0; uart_out(p, n); return; }
    }
    for (size_t off = 0; off < n; off += CHUNK) {
        size_t len = n - off < CHUNK ? n - off : CHUNK;
        if (console_chunk(p + off, len) < 0) {  /* server gone: look it up again next time */
            console_id = 0;
            return;
        }
    }
}

void kx_console_flush(void) {
    if (line_len == 0) return;
    size_t n = line_len;
    line_len = 0;
    console_out(line, n);
}

int putchar(int c) {
    line[line_len++] = (char)c;
    if (c == '\n' || line_len == LINE_MAX) kx_console_flush();
    return (unsigned char)c;
}

void kx_puts(const char *s) {
    while (*s) putchar(*s++);
}

void kx_put_dec(int64_t v) {
    char buf[21];
    int i = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do { buf[i++] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) putchar('-');
    while (i > 0) putchar(buf[--i]);
}

void kx_put_hex(uint64_t v) {
    kx_puts("0x");
    int shift = 60;
    while (shift > 0 && ((v >> shift) & 0xf) == 0) shift -= 4;
    for (; shift >= 0; shift -= 4) putchar("0123456789abcdef"[(v >> shift) & 0xf]);
}

const char *kx_error_name(int64_t err) { return kx_abi_error_name(err); }

void kx_exit(int64_t status) {
    kx_console_flush();
    for (;;) kx_syscall((uint64_t)status, 0, 0, 0, 0, 0, KX_SYS_EXIT);
}
