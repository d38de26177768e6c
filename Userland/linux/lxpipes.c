/* lxtest pipes: pipes between processes. A megabyte through a chain of three
 * processes arrives intact; EOF when the last writer closes; EPIPE and
 * SIGPIPE when no reader is left; O_NONBLOCK gives EAGAIN; poll and select
 * wake when data comes; dup2 and close-on-exec behave. */
#include "lxtest.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <stdint.h>

#define TOTAL (1 << 20)

static uint32_t sum(const unsigned char *p, size_t n, uint32_t s) {
    for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
    return s;
}

int lx_pipes(void) {
    lx_name = "lxpipes";
    int a[2], b[2];
    CHECK(pipe(a) == 0 && pipe(b) == 0, "pipes");
    pid_t producer = fork();
    if (producer == 0) {
        close(a[0]); close(b[0]); close(b[1]);
        static unsigned char block[4000];
        size_t sent = 0;
        while (sent < TOTAL) {
            size_t n = TOTAL - sent < sizeof block ? TOTAL - sent : sizeof block;
            for (size_t i = 0; i < n; i++) block[i] = (unsigned char)((sent + i) * 7);
            if (write(a[1], block, n) != (ssize_t)n) _exit(2);
            sent += n;
        }
        _exit(0);
    }
    pid_t relay = fork();
    if (relay == 0) {
        close(a[1]); close(b[0]);
        static unsigned char buf[65536];
        ssize_t n;
        while ((n = read(a[0], buf, sizeof buf)) > 0)
            if (write(b[1], buf, n) != n) _exit(3);
        _exit(n == 0 ? 0 : 4);
    }
    close(a[0]); close(a[1]); close(b[1]);
    static unsigned char buf[12345];
    size_t got = 0;
    uint32_t s = 0, expect = 0;
    ssize_t n;
    while ((n = read(b[0], buf, sizeof buf)) > 0) { s = sum(buf, n, s); got += n; }
    for (size_t i = 0; i < TOTAL; i++) { unsigned char c = (unsigned char)(i * 7); expect = sum(&c, 1, expect); }
    CHECK(n == 0, "EOF after the last writer");
    CHECK(got == TOTAL && s == expect, "1 MiB through two pipes, intact");
    int st1, st2;
    waitpid(producer, &st1, 0); waitpid(relay, &st2, 0);
    CHECK(WIFEXITED(st1) && WEXITSTATUS(st1) == 0 && WIFEXITED(st2) && WEXITSTATUS(st2) == 0, "both children exit 0");
    close(b[0]);

    /* EPIPE and SIGPIPE. */
    int p[2];
    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE, "EPIPE without a reader");
    close(p[1]);
    pid_t k = fork();
    if (k == 0) {
        signal(SIGPIPE, SIG_DFL);
        int q[2]; pipe(q); close(q[0]);
        write(q[1], "x", 1);
        _exit(0);
    }
    int st; waitpid(k, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "SIGPIPE kills by default");

    /* O_NONBLOCK. */
    pipe2(p, O_NONBLOCK);
    char c;
    errno = 0;
    CHECK(read(p[0], &c, 1) == -1 && errno == EAGAIN, "EAGAIN on an empty non-blocking pipe");
    static char fill[70000];
    ssize_t w = write(p[1], fill, sizeof fill);
    CHECK(w == 65536, "a non-blocking write fills the pipe and stops");
    errno = 0;
    CHECK(write(p[1], fill, 1) == -1 && errno == EAGAIN, "EAGAIN on a full pipe");
    CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0, "F_GETFL shows O_NONBLOCK");
    close(p[0]); close(p[1]);

    /* poll and select wait for data from another process. */
    pipe(p);
    k = fork();
    if (k == 0) {
        struct timespec t = {0, 30 * 1000 * 1000};
        nanosleep(&t, NULL);
        write(p[1], "y", 1);
        _exit(0);
    }
    struct pollfd pf = { .fd = p[0], .events = POLLIN };
    CHECK(poll(&pf, 1, 0) == 0, "poll: nothing yet");
    CHECK(poll(&pf, 1, 5000) == 1 && (pf.revents & POLLIN), "poll wakes on data");
    fd_set rs; FD_ZERO(&rs); FD_SET(p[0], &rs);
    struct timeval tv = {1, 0};
    CHECK(select(p[0] + 1, &rs, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &rs), "select sees it");
    read(p[0], &c, 1);
    waitpid(k, &st, 0);
    FD_ZERO(&rs); FD_SET(p[0], &rs);
    tv.tv_sec = 0; tv.tv_usec = 20000;
    CHECK(select(p[0] + 1, &rs, NULL, NULL, &tv) == 0, "select: times out with no data");
    close(p[1]);
    FD_ZERO(&rs); FD_SET(p[0], &rs);
    tv.tv_sec = 0; tv.tv_usec = 20000;
    CHECK(select(p[0] + 1, &rs, NULL, NULL, &tv) == 1, "select: EOF is readable");
    pf.revents = 0;
    CHECK(poll(&pf, 1, 100) == 1 && (pf.revents & POLLHUP), "poll: POLLHUP without writers");
    close(p[0]);

    /* dup2, F_DUPFD, close-on-exec flags. */
    pipe(p);
    CHECK(dup2(p[1], 10) == 10 && write(10, "z", 1) == 1 && read(p[0], &c, 1) == 1 && c == 'z', "dup2");
    int d = fcntl(p[0], F_DUPFD_CLOEXEC, 20);
    CHECK(d >= 20 && (fcntl(d, F_GETFD) & FD_CLOEXEC), "F_DUPFD_CLOEXEC");
    CHECK(fcntl(d, F_SETFD, 0) == 0 && fcntl(d, F_GETFD) == 0, "F_SETFD clears it");
    CHECK(close(d) == 0 && close(d) == -1 && errno == EBADF, "double close: EBADF");
    return lx_summary();
}
