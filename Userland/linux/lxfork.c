/* lxtest fork: fork storms and wait statuses. Waves of 40 children run at once,
 * each exiting with its own status, reaped in any order; vfork + exec;
 * copy-on-write keeps parent and child memory apart; WNOHANG; ECHILD. */
#include "lxtest.h"
#include <signal.h>
#include <sys/wait.h>
#include <sys/mman.h>

#define WAVE 40

int lx_fork(void) {
    lx_name = "lxfork";
    static int shared_value = 7;
    for (int wave = 0; wave < 3; wave++) {
        pid_t kids[WAVE];
        int started = 0;
        for (int i = 0; i < WAVE; i++) {
            pid_t p = fork();
            if (p == 0) { shared_value = i; _exit((wave * WAVE + i) & 0xFF); }
            if (p < 0) break;
            kids[started++] = p;
        }
        CHECK(started == WAVE, "a wave of 40 children starts");
        int ok = 0;
        for (int n = 0; n < started; n++) {
            int st;
            pid_t p = wait(&st);
            for (int i = 0; i < started; i++)
                if (kids[i] == p && WIFEXITED(st) && WEXITSTATUS(st) == ((wave * WAVE + i) & 0xFF)) ok++;
        }
        CHECK(ok == started, "every child reaped with its own status");
    }
    CHECK(shared_value == 7, "children's writes stay in the children");
    errno = 0;
    CHECK(wait(NULL) == -1 && errno == ECHILD, "ECHILD with no children");

    pid_t p = fork();
    if (p == 0) { struct timespec t = {0, 50 * 1000 * 1000}; nanosleep(&t, NULL); _exit(3); }
    int st;
    CHECK(waitpid(p, &st, WNOHANG) == 0, "WNOHANG: still running");
    CHECK(waitpid(p, &st, 0) == p && WEXITSTATUS(st) == 3, "then it ends");

    /* vfork + exec: the parent waits for the exec. */
    p = vfork();
    if (p == 0) {
        char *argv[] = {"busybox", "true", NULL};
        execv("/bin/busybox", argv);
        _exit(127);
    }
    CHECK(p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0, "vfork + exec busybox true");
    p = vfork();
    if (p == 0) _exit(9);
    CHECK(waitpid(p, &st, 0) == p && WEXITSTATUS(st) == 9, "vfork + _exit");

    /* exec of a missing file fails and the child goes on. */
    p = fork();
    if (p == 0) { execl("/no/such/file", "x", (char *)NULL); _exit(errno == ENOENT ? 5 : 6); }
    waitpid(p, &st, 0);
    CHECK(WEXITSTATUS(st) == 5, "execve: ENOENT");

    /* A shared anonymous mapping is shared with the child. */
    int *shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shm != MAP_FAILED, "mmap shared");
    *shm = 1;
    p = fork();
    if (p == 0) { *shm = 2; _exit(0); }
    waitpid(p, &st, 0);
    CHECK(*shm == 2, "MAP_SHARED memory is shared after fork");
    int *priv = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *priv = 1;
    p = fork();
    if (p == 0) { *priv = 2; _exit(0); }
    waitpid(p, &st, 0);
    CHECK(*priv == 1, "MAP_PRIVATE memory is copied");
    CHECK(munmap(priv, 8192) == 0, "munmap");

    /* Process groups and sessions. */
    p = fork();
    if (p == 0) {
        int ok = setsid() == getpid() && getsid(0) == getpid() && getpgid(0) == getpid();
        _exit(ok ? 0 : 1);
    }
    waitpid(p, &st, 0);
    CHECK(WEXITSTATUS(st) == 0, "setsid in a child");
    p = fork();
    if (p == 0) { pause(); _exit(0); }
    CHECK(setpgid(p, p) == 0 && getpgid(p) == p, "setpgid on a child");
    CHECK(kill(-p, SIGTERM) == 0, "kill a process group");
    waitpid(p, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "the group's member died of SIGTERM");
    return lx_summary();
}
