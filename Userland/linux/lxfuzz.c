/* lxtest fuzz: a hostile program. First every served syscall gets bad pointers
 * (null, unmapped, kernel-half, misaligned, a buffer that runs off the end
 * of a page) and absurd lengths, and each answer must be an error code, not
 * a crash; then children make thousands of syscalls with random numbers and
 * arguments (seeded, so every run makes the same calls) and whatever
 * happens to them, the parent, the Linux server and the kernel go on. A
 * pipe round trip through a child at the end proves the server still works. */
#include "lxtest.h"
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static uint64_t state = 0x12345678abcdefULL;
static uint64_t next(void) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return state;
}

static long raw(long n, long a, long b, long c, long d, long e, long f) {
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
}

/* Numbers a random child must not call: ending or replacing itself in ways
 * that test nothing (exit, execve, clone), signalling others, or waiting
 * for ever (the parent's watchdog covers the rest). */
static int denied(long n) {
    switch (n) {
    case 93: case 94: case 220: case 221: case 435:      /* exit, exit_group, clone, execve, clone3 */
    case 129: case 130: case 131: case 240:             /* kill, tkill, tgkill, rt_tgsigqueueinfo */
    case 133: case 73: case 72: case 101: case 115: case 98:  /* sigsuspend, ppoll, pselect6, sleeps, futex */
    case 139:                                            /* rt_sigreturn */
        return 1;
    }
    return 0;
}

int lx_fuzz(void) {
    lx_name = "lxfuzz";
    /* A page followed by an unmapped one: buffers that run off its end. */
    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED && munmap(page + 4096, 4096) == 0, "a page with a hole after it");
    memset(page + 4080, 'a', 16);   /* a string that runs into the hole */
    int sink[2];
    CHECK(pipe(sink) == 0 && dup2(sink[1], 10) == 10, "fd 10: a pipe for writes");
    signal(SIGPIPE, SIG_IGN);
    long bad[] = {0, 1, 0x10, (long)0xdeadbeef0ULL, (long)0xffff000000000000ULL, (long)0x7ffffffff000ULL,
                  (long)(page + 4090), -1L, (long)0x400000 /* the program's own code, read-only */};
    const int nbad = sizeof bad / sizeof bad[0];
    /* Served syscalls that take pointers: every pointer argument gets each bad value. */
    long calls[][7] = {
        {63, 10, 0, 100},     /* read on the write end: EBADF or EFAULT */
        {64, 10, 0, 100},     /* write from a bad buffer */
        {65, 10, 0, 3}, {66, 10, 0, 3},
        {56, -100, 0, 0}, {79, -100, 0, 0, 0}, {80, 1, 0}, {291, -100, 0, 0, 0x7ff, 0},
        {17, 0, 4096}, {49, 0}, {34, -100, 0, 0755}, {35, -100, 0, 0}, {78, -100, 0, 0, 100},
        {48, -100, 0, 0}, {38, -100, 0, -100, 0}, {36, 0, -100, 0}, {61, 0, 0, 4096},
        {59, 0, 0}, {134, 10, 0, 0, 8}, {135, 0, 0, 0, 8}, {136, 0, 8}, {132, 0, 0},
        {113, 0, 0}, {169, 0, 0}, {160, 0}, {278, 0, 100, 0}, {261, 0, 3, 0, 0}, {163, 3, 0},
        {165, 0, 0}, {179, 0}, {148, 0, 0, 0}, {167, 16, 0}, {167, 15, 0}, {88, -100, 0, 0, 0},
        {43, 0, 0}, {44, 0, 0}, {71, 10, 0, 0, 10}, {29, 1, 0x5401, 0}, {29, 1, 0x5413, 0},
        {29, 1, 0x540f, 0}, {29, 2, 0x5401, 0}, {102, 0, 0}, {103, 0, 0, 0}, {153, 0}, {96, 0},
        {260, -1, 0, 1, 0}, {99, 0, 24}, {222, 0, 4096, 3, 2, 0, 0},
    };
    const int ncalls = sizeof calls / sizeof calls[0];
    int answered = 0, total = 0;
    for (int i = 0; i < ncalls; i++) {
        for (int arg = 0; arg < 6; arg++) {
            if (calls[i][1 + arg] != 0) continue;      /* only the zero slots are pointers */
            for (int k = 0; k < nbad; k++) {
                long a[6];
                for (int j = 0; j < 6; j++) a[j] = calls[i][1 + j];
                a[arg] = bad[k];
                long r = raw(calls[i][0], a[0], a[1], a[2], a[3], a[4], a[5]);
                total++;
                if (r >= -4095) answered++;
            }
        }
    }
    CHECK(answered == total, "every bad-pointer call answered with a value or an errno");
    memset(page + 4080, 'a', 16);   /* the calls above wrote into it */
    CHECK(raw(64, 10, (long)(page + 4090), 100, 0, 0, 0) == -EFAULT, "a write running off the page: EFAULT");
    CHECK(raw(56, -100, (long)(page + 4090), 0, 0, 0, 0) == -EFAULT, "openat with a path running off the page: EFAULT");
    CHECK(raw(999, 0, 0, 0, 0, 0, 0) == -ENOSYS, "an unknown number: ENOSYS");

    /* Random syscalls from children, with a watchdog. */
    int children = 0, ended = 0;
    for (int round = 0; round < 8; round++) {
        pid_t p = fork();
        if (p == 0) {
            close(0); close(1); close(2);   /* the terminal is not theirs to play with */
            state ^= (uint64_t)round * 0x9E3779B97F4A7C15ULL;
            for (int i = 0; i < 400; i++) {
                long n = (long)(next() % 300);
                if (denied(n)) continue;
                long a[6];
                for (int j = 0; j < 6; j++) {
                    switch (next() % 6) {
                    case 0: a[j] = (long)(next() % 64); break;
                    case 1: a[j] = bad[next() % nbad]; break;
                    case 2: a[j] = (long)page + (long)(next() % 4096); break;
                    case 3: a[j] = (long)next(); break;
                    case 4: a[j] = -1; break;
                    default: a[j] = (long)(next() % 4096); break;
                    }
                }
                raw(n, a[0], a[1], a[2], a[3], a[4], a[5]);
            }
            _exit(0);
        }
        if (p < 0) continue;
        children++;
        /* Watchdog: 5 s, then SIGKILL. */
        int st = 0;
        for (int t = 0; t < 500; t++) {
            pid_t r = waitpid(p, &st, WNOHANG);
            if (r == p) { ended++; break; }
            struct timespec d = {0, 10 * 1000 * 1000};
            nanosleep(&d, NULL);
            if (t == 499) { kill(p, SIGKILL); waitpid(p, &st, 0); ended++; }
        }
    }
    CHECK(children == 8 && ended == 8, "eight fuzzing children ran and ended");

    /* The server still works: a pipe round trip through a child. */
    int fds[2];
    CHECK(pipe(fds) == 0, "pipe after fuzzing");
    pid_t p = fork();
    if (p == 0) { write(fds[1], "alive", 5); _exit(0); }
    char buf[8] = {0};
    CHECK(read(fds[0], buf, 5) == 5 && memcmp(buf, "alive", 5) == 0, "the server answers after fuzzing");
    int st;
    CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st), "and reaps");
    printf("lxfuzz: %d bad-pointer calls answered\n", total);
    return lx_summary();
}
