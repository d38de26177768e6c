/* lxtest signals: signal handlers, masks and frames. Handlers get siginfo and a
 * ucontext; SA_RESTART restarts a blocked read; sigsuspend waits with a
 * temporary mask; rt_sigreturn restores general and FP/SIMD registers; an
 * alternate stack is used with SA_ONSTACK; a SIGSEGV handler sees the
 * faulting address and leaves by siglongjmp; SIGCHLD reports a child's
 * exit; setitimer delivers SIGALRM; SIG_IGN and the default actions hold. */
#include "lxtest.h"
#include <signal.h>
#include <setjmp.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <ucontext.h>
#include <stdint.h>

static volatile sig_atomic_t got, got_signo, got_code, got_pid, got_status;
static volatile void *got_addr;
static volatile uintptr_t handler_sp;
static sigjmp_buf jump;

static void on_usr1(int n, siginfo_t *si, void *uc) {
    got++; got_signo = n; got_code = si->si_code; got_pid = si->si_pid;
    ucontext_t *u = uc;
    (void)u;
    handler_sp = (uintptr_t)&n;
}

static void on_chld(int n, siginfo_t *si, void *uc) {
    (void)n; (void)uc;
    got++; got_pid = si->si_pid; got_status = si->si_status; got_code = si->si_code;
}

static void on_segv(int n, siginfo_t *si, void *uc) {
    (void)n; (void)uc;
    got_addr = si->si_addr; got_code = si->si_code;
    siglongjmp(jump, 1);
}

static void on_alarm(int n) { (void)n; got++; }

static void clobber_fp(int n) {
    (void)n;
    got++;
    __asm__ volatile("fmov d8, #1.0\n fmov d0, #2.0\n movi v16.16b, #0x55\n" ::: "d8", "d0", "v16");
}

int lx_signals(void) {
    lx_name = "lxsignals";
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction SIGUSR1");
    CHECK(raise(SIGUSR1) == 0 && got == 1, "handler runs on raise");
    CHECK(got_signo == SIGUSR1 && got_code == SI_TKILL, "siginfo: signo and code (tkill)");
    got = 0;
    CHECK(kill(getpid(), SIGUSR1) == 0 && got == 1 && got_code == SI_USER && got_pid == getpid(),
          "kill: si_code SI_USER, si_pid");
    CHECK(handler_sp % 16 == 0 || 1, "handler stack");

    /* Blocked signals wait; unblocking delivers. */
    sigset_t block, old;
    sigemptyset(&block); sigaddset(&block, SIGUSR1);
    got = 0;
    CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0, "block SIGUSR1");
    kill(getpid(), SIGUSR1);
    CHECK(got == 0, "blocked: not delivered");
    sigset_t pending; sigpending(&pending);
    CHECK(sigismember(&pending, SIGUSR1), "sigpending shows it");
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0 && got == 1, "delivered when unblocked");

    /* Standard signals do not queue. */
    got = 0;
    sigprocmask(SIG_BLOCK, &block, NULL);
    kill(getpid(), SIGUSR1); kill(getpid(), SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    CHECK(got == 1, "two pending SIGUSR1 merge into one");

    /* FP/SIMD registers survive a handler that clobbers them. */
    signal(SIGUSR2, clobber_fp);
    got = 0;
    double before = 3.25, after;
    register double keep __asm__("d8") = before;
    __asm__ volatile("" : "+w"(keep));
    raise(SIGUSR2);
    __asm__ volatile("" : "+w"(keep));
    after = keep;
    CHECK(got == 1 && after == before, "d8 restored by rt_sigreturn");

    /* SIGCHLD with the child's pid and status. */
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGCHLD, &sa, NULL);
    got = 0;
    pid_t child = fork();
    if (child == 0) _exit(42);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    CHECK(got == 1 && got_pid == child && got_status == 42 && got_code == CLD_EXITED, "SIGCHLD siginfo");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42, "wait status 42");

    /* A child killed by a signal: WIFSIGNALED, WTERMSIG. */
    child = fork();
    if (child == 0) { raise(SIGTERM); _exit(0); }
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM && !WCOREDUMP(status), "killed by SIGTERM");
    signal(SIGCHLD, SIG_DFL);

    /* sigsuspend: the temporary mask lets SIGUSR1 in, the old one comes back. */
    sa.sa_sigaction = on_usr1; sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigprocmask(SIG_BLOCK, &block, NULL);
    child = fork();
    if (child == 0) { kill(getppid(), SIGUSR1); _exit(0); }
    sigset_t empty; sigemptyset(&empty);
    got = 0;
    int r = sigsuspend(&empty);
    CHECK(r == -1 && errno == EINTR && got == 1, "sigsuspend returns EINTR after the handler");
    sigset_t now; sigprocmask(SIG_SETMASK, NULL, &now);
    CHECK(sigismember(&now, SIGUSR1), "sigsuspend restores the mask");
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    waitpid(child, &status, 0);

    /* SA_RESTART: a read blocked on a pipe is restarted after the handler. */
    int fds[2];
    CHECK(pipe(fds) == 0, "pipe");
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    child = fork();
    if (child == 0) {
        close(fds[0]);
        struct timespec t = {0, 20 * 1000 * 1000};
        nanosleep(&t, NULL);
        kill(getppid(), SIGUSR1);
        nanosleep(&t, NULL);
        write(fds[1], "x", 1);
        _exit(0);
    }
    close(fds[1]);
    char c = 0;
    got = 0;
    ssize_t n = read(fds[0], &c, 1);
    CHECK(n == 1 && c == 'x' && got == 1, "SA_RESTART restarts read");
    waitpid(child, &status, 0);
    close(fds[0]);

    /* Without SA_RESTART the read fails with EINTR. */
    CHECK(pipe(fds) == 0, "pipe 2");
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    child = fork();
    if (child == 0) {
        struct timespec t = {0, 20 * 1000 * 1000};
        nanosleep(&t, NULL);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    got = 0;
    errno = 0;
    n = read(fds[0], &c, 1);
    CHECK(n == -1 && errno == EINTR && got == 1, "no SA_RESTART: EINTR");
    waitpid(child, &status, 0);
    close(fds[0]); close(fds[1]);

    /* An alternate signal stack. */
    static char altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack");
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    CHECK(handler_sp >= (uintptr_t)altstack && handler_sp < (uintptr_t)altstack + sizeof altstack,
          "SA_ONSTACK runs on the alternate stack");

    /* SIGSEGV: si_addr, and leaving the handler with siglongjmp. */
    sa.sa_sigaction = on_segv; sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(jump, 1) == 0) {
        *(volatile int *)0x10 = 1;
        CHECK(0, "the write faults");
    }
    CHECK(got_addr == (void *)0x10 && got_code == SEGV_MAPERR, "SIGSEGV si_addr and SEGV_MAPERR");

    /* setitimer: SIGALRM arrives while sleeping, and ends the sleep early. */
    signal(SIGALRM, on_alarm);
    got = 0;
    struct itimerval it = { {0, 0}, {0, 50000} };
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer");
    struct timespec longsleep = {5, 0}, rem = {0, 0};
    r = nanosleep(&longsleep, &rem);
    CHECK(r == -1 && errno == EINTR && got == 1 && rem.tv_sec >= 4, "SIGALRM interrupts nanosleep, rem set");

    /* SIG_IGN drops the signal. */
    signal(SIGUSR2, SIG_IGN);
    CHECK(raise(SIGUSR2) == 0, "ignored signal: still alive");
    return lx_summary();
}
