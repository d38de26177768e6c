/*
 * cfiles: the self-test of the POSIX-shaped C file API (kenix_files.h and
 * the standard headers) on the RAM file system: open/read/write/lseek/close,
 * pread/pwrite, stat/fstat/lstat, opendir/readdir/closedir, mkdir/rmdir,
 * unlink, rename, truncate, symlink/readlink, chdir/getcwd, errno values,
 * and a forked child using files on its own connection.
 * Exit 0 = pass; otherwise one line per failed check.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kenix.h"

static int failures;

static void fail(const char *what, long detail) {
    failures++;
    kx_puts("cfiles: ");
    kx_puts(what);
    kx_puts(" (");
    kx_put_dec(detail);
    kx_puts(")\n");
}

#define CHECK(cond, what) do { if (!(cond)) fail(what, __LINE__); } while (0)
/* The call must fail with -1 and errno e. */
#define EXPECT_ERRNO(call, e, what) do { errno = 0; long rc_ = (long)(call); \
    if (rc_ != -1 || errno != (e)) fail(what, errno); } while (0)

static int equal(const char *a, const char *b) {
    while (*a && *a == *b) { a++; b++; }
    return *a == *b;
}

void *malloc(size_t size);
void free(void *p);

#define SIZE 300000

static void data(void) {
    unsigned char *out = malloc(SIZE), *in = malloc(SIZE);
    if (!out || !in) { fail("malloc", 0); return; }
    for (unsigned i = 0; i < SIZE; i++) out[i] = (unsigned char)(i * 7 + i / 251);
    CHECK(mkdir("/tmp/c", 0755) == 0, "mkdir");
    int fd = open("/tmp/c/data", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0, "open O_CREAT");
    CHECK(write(fd, out, SIZE) == (ssize_t)SIZE, "write 300000 bytes");
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek");
    CHECK(read(fd, in, SIZE) == (ssize_t)SIZE, "read 300000 bytes");
    int same = 1;
    for (unsigned i = 0; i < SIZE; i++) if (in[i] != out[i]) same = 0;
    CHECK(same, "read back what was written");
    CHECK(read(fd, in, 10) == 0, "read at the end is 0");
    CHECK(pwrite(fd, "XY", 2, 100) == 2, "pwrite");
    char two[2] = {0, 0};
    CHECK(pread(fd, two, 2, 100) == 2 && two[0] == 'X' && two[1] == 'Y', "pread");
    CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)SIZE, "positioned I/O leaves the position");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == (off_t)SIZE && S_ISREG(st.st_mode), "fstat");
    CHECK(ftruncate(fd, 10) == 0, "ftruncate");
    CHECK(close(fd) == 0, "close");
    CHECK(stat("/tmp/c/data", &st) == 0 && st.st_size == 10, "stat after truncate");
    CHECK(truncate("/tmp/c/data", 0) == 0, "truncate");
    EXPECT_ERRNO(close(fd), EBADF, "close twice");
    EXPECT_ERRNO(read(fd, in, 1), EBADF, "read a closed descriptor");
    free(out);
    free(in);
}

static void names(void) {
    CHECK(mkdir("/tmp/c/sub", 0755) == 0, "mkdir sub");
    int fd = open("/tmp/c/sub/one", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0 && write(fd, "1", 1) == 1 && close(fd) == 0, "create one");
    CHECK(rename("/tmp/c/sub/one", "/tmp/c/sub/two") == 0, "rename");
    CHECK(symlink("sub/two", "/tmp/c/link") == 0, "symlink");
    char target[32];
    ssize_t n = readlink("/tmp/c/link", target, sizeof target);
    CHECK(n == 7 && target[0] == 's' && target[6] == 'o', "readlink");
    struct stat st;
    CHECK(lstat("/tmp/c/link", &st) == 0 && S_ISLNK(st.st_mode), "lstat");
    CHECK(stat("/tmp/c/link", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 1, "stat through a link");
    DIR *d = opendir("/tmp/c");
    CHECK(d != NULL, "opendir");
    int seen = 0, dirs = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        seen++;
        if (e->d_type == DT_DIR && equal(e->d_name, "sub")) dirs++;
    }
    CHECK(seen == 3 && dirs == 1, "readdir: data, sub, link");
    if (d) CHECK(closedir(d) == 0, "closedir");
    CHECK(chdir("/tmp/c/sub") == 0, "chdir");
    char cwd[64];
    CHECK(getcwd(cwd, sizeof cwd) != NULL && equal(cwd, "/tmp/c/sub"), "getcwd");
    EXPECT_ERRNO(getcwd(cwd, 3) == NULL ? -1 : 0, ERANGE, "getcwd into a short buffer");
    CHECK(chdir("..") == 0, "chdir ..");
    EXPECT_ERRNO(open("/tmp/c/none", O_RDONLY), ENOENT, "ENOENT");
    EXPECT_ERRNO(open("/tmp/c/data", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST, "EEXIST");
    EXPECT_ERRNO(rmdir("/tmp/c/sub"), ENOTEMPTY, "ENOTEMPTY");
    EXPECT_ERRNO(unlink("/tmp/c/sub"), EISDIR, "EISDIR");
    EXPECT_ERRNO(opendir("/tmp/c/data") == NULL ? -1 : 0, ENOTDIR, "ENOTDIR");
    EXPECT_ERRNO(open("/boot/init", O_WRONLY), EACCES, "EACCES on /boot");
    EXPECT_ERRNO(rmdir("/tmp/c"), EBUSY, "EBUSY for the current directory");
    CHECK(chdir("/") == 0, "chdir /");
}

/* A forked child has its own connection; what it writes the parent reads. */
static void forked(void) {
    int64_t child = kx_syscall(0, 0, 0, 0, 0, 0, KX_SYS_FORK);
    if (child == 0) {
        int fd = open("/tmp/c/from-child", O_WRONLY | O_CREAT, 0644);
        int ok = fd >= 0 && write(fd, "child", 5) == 5 && close(fd) == 0;
        kx_exit(ok ? 0 : 1);
    }
    CHECK(child > 0, "fork");
    uint64_t status = 1, kind = 1;
    CHECK(kx_wait((uint64_t)child, &status, &kind) == 0 && status == 0 && kind == KX_EXIT_EXITED, "the child's file work");
    char text[8] = {0};
    int fd = open("/tmp/c/from-child", O_RDONLY);
    CHECK(fd >= 0 && read(fd, text, sizeof text) == 5 && text[0] == 'c' && text[4] == 'd', "read the child's file");
    if (fd >= 0) close(fd);
}

static void clean(void) {
    unlink("/tmp/c/from-child");
    unlink("/tmp/c/link");
    unlink("/tmp/c/sub/two");
    rmdir("/tmp/c/sub");
    unlink("/tmp/c/data");
    CHECK(rmdir("/tmp/c") == 0, "clean up");
}

int64_t main(uint64_t arg, uint64_t parent) {
    (void)arg;
    (void)parent;
    CHECK(kx_file_set_buffer_size(64 * 1024) == 0, "set the buffer size before the first call");
    data();
    CHECK(kx_file_set_buffer_size(32 * 1024) == KX_FILE_ERR_BUSY, "the buffer size is fixed once attached");
    names();
    forked();
    clean();
    return failures == 0 ? 0 : 1;
}
