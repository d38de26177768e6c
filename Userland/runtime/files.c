/*
 * files.c: the file API of kenix_files.h over the file service (docs/vfs.md)
 * and the one connection each task has to it, which libkenix's Swift API
 * uses too (kx_file_buffer, kx_file_call).
 *
 * The connection: look up ServiceKey.files and send `attach` with the buffer
 * size; the server answers with a shared-memory object it made for us (and
 * its size, smaller than asked when memory is short), which we map. It is made again when the task is not the one that made it (a
 * forked child gets its own buffer), after the server was gone (looked up
 * anew: a restarted server), and after it said `noBuffer` (it forgot us); the
 * request that found out fails (`unavailable`, `noBuffer`), the next attaches. Paths, data and records go through
 * the buffer; large reads and writes move a buffer's worth per request.
 */
#include <stdarg.h>
#include "kenix.h"
#include "kenix_files.h"

int errno;

static struct {
    int64_t owner;           /* task that attached (0: never) */
    int64_t server;          /* 0: look it up */
    int64_t shm;
    unsigned char *buffer;
    uint64_t size;
    int attached;
} conn;
static uint64_t wanted_size = KX_FILE_DEFAULT_BUFFER_SIZE;

int64_t kx_file_set_buffer_size(uint64_t size) {
    if (conn.buffer) return KX_FILE_ERR_BUSY;
    if (size < KX_FILE_MIN_BUFFER_SIZE || size > KX_FILE_MAX_BUFFER_SIZE) return KX_FILE_ERR_INVALID_ARGUMENT;
    wanted_size = (size + 4095) & ~(uint64_t)4095;
    return 0;
}

/* The server's id, or 0. */
static int64_t server(void) {
    if (conn.server <= 0) {
        int64_t id = kx_service_lookup(KX_SERVICE_FILES);
        conn.server = id > 0 ? id : 0;
        conn.attached = 0;
    }
    return conn.server;
}

/* Makes sure this task has a buffer attached to the server; 0 or a KX_FILE_ERR_. */
static int64_t connect(void) {
    int64_t self = kx_getpid();
    if (conn.owner != self) {               /* first use, or a forked child: our own buffer */
        conn.buffer = NULL;
        conn.attached = 0;
        conn.owner = self;
    }
    if (conn.attached && conn.buffer) return 0;
    if (!server()) return KX_FILE_ERR_UNAVAILABLE;
    uint64_t r[6];
    if (kx_syscall_msg((uint64_t)conn.server, KX_FILE_OP_ATTACH, wanted_size, 0, 0, 0, KX_SYS_CALL, r) < 0) {
        conn.server = 0;
        return KX_FILE_ERR_UNAVAILABLE;
    }
    int64_t shm = (int64_t)r[1];
    if (shm < 0) return shm;
    if (conn.buffer && conn.shm != shm) kx_syscall((uint64_t)conn.shm, 0, 0, 0, 0, 0, KX_SYS_SHM_UNMAP);
    if (!conn.buffer || conn.shm != shm) {
        int64_t at = kx_syscall((uint64_t)shm, 0, 0, 0, 0, 0, KX_SYS_SHM_MAP);
        if (at < 0) {
            conn.buffer = NULL;
            (void)kx_syscall_msg((uint64_t)conn.server, KX_FILE_OP_DETACH, 0, 0, 0, 0, KX_SYS_CALL, r);
            return KX_FILE_ERR_OUT_OF_MEMORY;
        }
        conn.buffer = (unsigned char *)(uintptr_t)at;
        conn.shm = shm;
    }
    conn.size = r[2] >= KX_FILE_MIN_BUFFER_SIZE && r[2] <= wanted_size ? r[2] : wanted_size;   /* smaller when memory is short */
    conn.attached = 1;
    return 0;
}

unsigned char *kx_file_buffer(uint64_t *size, int64_t *error) {
    int64_t rc = connect();
    if (error) *error = rc;
    if (rc < 0) return NULL;
    if (size) *size = conn.size;
    return conn.buffer;
}

int64_t kx_file_call(uint64_t op, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3) {
    int64_t rc = connect();
    if (rc < 0) return rc;
    uint64_t r[6];
    if (kx_syscall_msg((uint64_t)conn.server, op, w0, w1, w2, w3, KX_SYS_CALL, r) < 0) {
        conn.server = 0;                     /* gone: look it up (and attach) again next time */
        return KX_FILE_ERR_UNAVAILABLE;
    }
    int64_t result = (int64_t)r[1];
    if (result == KX_FILE_ERR_NO_BUFFER && op != KX_FILE_OP_ATTACH)
        conn.attached = 0;                   /* it forgot us: attach again next time */
    return result;
}

/* A result as POSIX: the value, or -1 with errno set. */
static int64_t posix(int64_t result) {
    if (result >= 0) return result;
    errno = kx_abi_file_errno(result);
    return -1;
}

static size_t length_of(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* Copies `path` into the buffer at `offset`; its length, or a KX_FILE_ERR_. */
static int64_t put_path(const char *path, uint64_t offset) {
    if (!path) return KX_FILE_ERR_INVALID_ARGUMENT;
    int64_t error;
    uint64_t size;
    unsigned char *buffer = kx_file_buffer(&size, &error);
    if (!buffer) return error;
    size_t n = length_of(path);
    if (n > KX_FILE_MAX_PATH_LENGTH || offset + n > size) return KX_FILE_ERR_NAME_TOO_LONG;
    for (size_t i = 0; i < n; i++) buffer[offset + i] = (unsigned char)path[i];
    return (int64_t)n;
}

static int64_t path_call(uint64_t op, const char *path, uint64_t w1) {
    int64_t n = put_path(path, 0);
    if (n < 0) return n;
    return kx_file_call(op, (uint64_t)n, w1, 0, 0);
}

int open(const char *path, int flags, ...) {
    va_list args;
    va_start(args, flags);
    va_end(args);   /* the mode: Kenix has no permissions */
    return (int)posix(path_call(KX_FILE_OP_OPEN, path, (uint64_t)(unsigned)flags & ~(uint64_t)O_CLOEXEC));
}

int close(int fd) { return (int)posix(kx_file_call(KX_FILE_OP_CLOSE, (uint64_t)fd, 0, 0, 0)); }

/* read/pread: a buffer's worth per request, until `count` or a short read. */
static ssize_t transfer_in(int fd, unsigned char *out, size_t count, int positioned, off_t offset) {
    int64_t error;
    uint64_t size;
    unsigned char *buffer = kx_file_buffer(&size, &error);
    if (!buffer) return posix(error);
    if (positioned && offset < 0) return posix(KX_FILE_ERR_INVALID_ARGUMENT);
    size_t done = 0;
    while (done < count) {
        uint64_t want = count - done < size ? count - done : size;
        int64_t n = positioned
            ? kx_file_call(KX_FILE_OP_READ_AT, (uint64_t)fd, want, (uint64_t)offset + done, 0)
            : kx_file_call(KX_FILE_OP_READ, (uint64_t)fd, want, 0, 0);
        if (n < 0) return done > 0 ? (ssize_t)done : posix(n);
        buffer = conn.buffer;   /* an attach on the way may have replaced it */
        for (int64_t i = 0; i < n; i++) out[done + i] = buffer[i];
        done += (size_t)n;
        if ((uint64_t)n < want) break;
    }
    return (ssize_t)done;
}

static ssize_t transfer_out(int fd, const unsigned char *in, size_t count, int positioned, off_t offset) {
    int64_t error;
    uint64_t size;
    unsigned char *buffer = kx_file_buffer(&size, &error);
    if (!buffer) return posix(error);
    if (positioned && offset < 0) return posix(KX_FILE_ERR_INVALID_ARGUMENT);
    size_t done = 0;
    while (done < count) {
        uint64_t chunk = count - done < size ? count - done : size;
        for (uint64_t i = 0; i < chunk; i++) buffer[i] = in[done + i];
        int64_t n = positioned
            ? kx_file_call(KX_FILE_OP_WRITE_AT, (uint64_t)fd, chunk, (uint64_t)offset + done, 0)
            : kx_file_call(KX_FILE_OP_WRITE, (uint64_t)fd, chunk, 0, 0);
        if (n < 0) return done > 0 ? (ssize_t)done : posix(n);
        done += (size_t)n;
        if ((uint64_t)n < chunk) break;
        buffer = conn.buffer;
    }
    return (ssize_t)done;
}

ssize_t read(int fd, void *out, size_t count) { return transfer_in(fd, out, count, 0, 0); }
ssize_t pread(int fd, void *out, size_t count, off_t offset) { return transfer_in(fd, out, count, 1, offset); }
ssize_t write(int fd, const void *in, size_t count) { return transfer_out(fd, in, count, 0, 0); }
ssize_t pwrite(int fd, const void *in, size_t count, off_t offset) { return transfer_out(fd, in, count, 1, offset); }

off_t lseek(int fd, off_t offset, int whence) {
    return posix(kx_file_call(KX_FILE_OP_SEEK, (uint64_t)fd, (uint64_t)offset, (uint64_t)whence, 0));
}

static uint64_t le(const unsigned char *p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

/* Fills *out from the stat record at the start of the buffer. */
static int fill_stat(struct stat *out) {
    const unsigned char *r = conn.buffer;
    uint32_t kind = (uint32_t)le(r + KX_STAT_OFFSET_KIND, 4);
    int read_only = (le(r + KX_STAT_OFFSET_FLAGS, 4) & KX_STAT_READ_ONLY_FLAG) != 0;
    out->st_dev = le(r + KX_STAT_OFFSET_DEVICE, 4);
    out->st_ino = le(r + KX_STAT_OFFSET_ID, 8);
    out->st_mode = kind == KX_FILE_KIND_DIRECTORY ? S_IFDIR | 0755
                 : kind == KX_FILE_KIND_SYMLINK ? S_IFLNK | 0777
                 : S_IFREG | (read_only ? 0444 : 0644);
    out->st_nlink = (nlink_t)le(r + KX_STAT_OFFSET_LINKS, 4);
    out->st_size = (off_t)le(r + KX_STAT_OFFSET_SIZE, 8);
    out->st_blksize = 4096;
    out->st_blocks = (blkcnt_t)((le(r + KX_STAT_OFFSET_ALLOCATED, 8) + 511) / 512);
    uint64_t t[3] = {le(r + KX_STAT_OFFSET_ACCESSED, 8), le(r + KX_STAT_OFFSET_MODIFIED, 8), le(r + KX_STAT_OFFSET_CREATED, 8)};
    struct timespec *ts[3] = {&out->st_atim, &out->st_mtim, &out->st_ctim};
    for (int i = 0; i < 3; i++) { ts[i]->tv_sec = (time_t)(t[i] / 1000000000u); ts[i]->tv_nsec = (long)(t[i] % 1000000000u); }
    return 0;
}

static int stat_path(const char *path, struct stat *out, uint64_t flags) {
    if (!out) return (int)posix(KX_FILE_ERR_INVALID_ARGUMENT);
    int64_t rc = path_call(KX_FILE_OP_STAT, path, flags);
    if (rc < 0) return (int)posix(rc);
    return fill_stat(out);
}

int stat(const char *path, struct stat *out) { return stat_path(path, out, 0); }
int lstat(const char *path, struct stat *out) { return stat_path(path, out, KX_STAT_NO_FOLLOW); }

int fstat(int fd, struct stat *out) {
    if (!out) return (int)posix(KX_FILE_ERR_INVALID_ARGUMENT);
    int64_t rc = kx_file_call(KX_FILE_OP_FSTAT, (uint64_t)fd, 0, 0, 0);
    if (rc < 0) return (int)posix(rc);
    return fill_stat(out);
}

int truncate(const char *path, off_t size) {
    if (size < 0) return (int)posix(KX_FILE_ERR_INVALID_ARGUMENT);
    return (int)posix(path_call(KX_FILE_OP_TRUNCATE, path, (uint64_t)size));
}

int ftruncate(int fd, off_t size) {
    if (size < 0) return (int)posix(KX_FILE_ERR_INVALID_ARGUMENT);
    return (int)posix(kx_file_call(KX_FILE_OP_TRUNCATE_FILE, (uint64_t)fd, (uint64_t)size, 0, 0));
}

int fsync(int fd) { return (int)posix(kx_file_call(KX_FILE_OP_SYNC_FILE, (uint64_t)fd, 0, 0, 0)); }
void sync(void) { (void)kx_file_call(KX_FILE_OP_SYNC, 0, 0, 0, 0); }
int unlink(const char *path) { return (int)posix(path_call(KX_FILE_OP_UNLINK, path, 0)); }
int mkdir(const char *path, mode_t mode) { (void)mode; return (int)posix(path_call(KX_FILE_OP_MAKE_DIRECTORY, path, 0)); }
int rmdir(const char *path) { return (int)posix(path_call(KX_FILE_OP_REMOVE_DIRECTORY, path, 0)); }
int chdir(const char *path) { return (int)posix(path_call(KX_FILE_OP_CHANGE_DIRECTORY, path, 0)); }

/* Two paths back to back: rename, symlink. */
static int64_t two_paths(uint64_t op, const char *first, const char *second) {
    int64_t a = put_path(first, 0);
    if (a < 0) return a;
    int64_t b = put_path(second, (uint64_t)a);
    if (b < 0) return b;
    return kx_file_call(op, (uint64_t)a, (uint64_t)b, 0, 0);
}

int rename(const char *from, const char *to) { return (int)posix(two_paths(KX_FILE_OP_RENAME, from, to)); }
int symlink(const char *target, const char *path) { return (int)posix(two_paths(KX_FILE_OP_SYMLINK, target, path)); }

ssize_t readlink(const char *path, char *out, size_t size) {
    int64_t n = path_call(KX_FILE_OP_READ_LINK, path, 0);
    if (n < 0) return posix(n);
    size_t copy = (size_t)n < size ? (size_t)n : size;   /* no NUL, as POSIX says */
    for (size_t i = 0; i < copy; i++) out[i] = (char)conn.buffer[i];
    return (ssize_t)copy;
}

char *getcwd(char *out, size_t size) {
    int64_t n = kx_file_call(KX_FILE_OP_CURRENT_DIRECTORY, 0, 0, 0, 0);
    if (n < 0) { posix(n); return NULL; }
    if (!out || (size_t)n + 1 > size) { errno = ERANGE; return NULL; }
    for (int64_t i = 0; i < n; i++) out[i] = (char)conn.buffer[i];
    out[n] = 0;
    return out;
}

const char *strerror(int errnum) {
    switch (errnum) {
    case 0: return "Success";
    case EPERM: return "Operation not permitted";
    case ENOENT: return "No such file or directory";
    case EIO: return "Input/output error";
    case ENXIO: return "No such device or address";
    case EBADF: return "Bad file descriptor";
    case ENOMEM: return "Cannot allocate memory";
    case EACCES: return "Permission denied";
    case EBUSY: return "Device or resource busy";
    case EEXIST: return "File exists";
    case EXDEV: return "Invalid cross-device link";
    case ENOTDIR: return "Not a directory";
    case EISDIR: return "Is a directory";
    case EINVAL: return "Invalid argument";
    case ENFILE: return "Too many open files in system";
    case EMFILE: return "Too many open files";
    case EFBIG: return "File too large";
    case ENOSPC: return "No space left on device";
    case EROFS: return "Read-only file system";
    case ERANGE: return "Numerical result out of range";
    case ENAMETOOLONG: return "File name too long";
    case ENOTEMPTY: return "Directory not empty";
    case ELOOP: return "Too many levels of symbolic links";
    case EOPNOTSUPP: return "Operation not supported";
    case ENOBUFS: return "No buffer space available";
    default: return "Unknown error";
    }
}
