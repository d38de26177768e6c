/*
 * kenix_files.h: files for C programs, POSIX-shaped, over the file service
 * (the VFS server, docs/vfs.md; usage in docs/files.md). Functions return -1
 * and set errno (the Linux values, <errno.h>) on failure, like POSIX. The
 * standard headers <fcntl.h>, <unistd.h>, <sys/stat.h>, <dirent.h> and
 * <errno.h> of Userland/include include this one, so ordinary code ports
 * with its usual #includes.
 *
 * Implemented in Userland/runtime/files.c; a program links only what it
 * calls. One connection per task, shared with the Swift API (libkenix
 * Files): a shared-memory buffer (256 KiB unless kx_file_set_buffer_size
 * says otherwise before the first call) attached to the server on first
 * use, again after a fork (the child gets its own), and again if the
 * server restarted.
 */
#ifndef KENIX_FILES_H
#define KENIX_FILES_H

#include <stddef.h>
#include <stdint.h>
#include "kenix_abi.h"

typedef int64_t ssize_t;
typedef int64_t off_t;
typedef uint32_t mode_t;
typedef uint64_t ino_t;
typedef uint64_t dev_t;
typedef uint32_t nlink_t;
typedef int64_t blkcnt_t;
typedef int64_t blksize_t;
typedef int64_t time_t;

/* errno: the Linux (asm-generic) numbers, as kx_abi_file_errno maps them. */
extern int errno;
#define EPERM 1
#define ENOENT 2
#define EIO 5
#define ENXIO 6
#define EBADF 9
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define ERANGE 34
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define ENOBUFS 105
#define EOPNOTSUPP 95
#define ENOTSUP EOPNOTSUPP

/* open flags: the ABI's (which are Linux's). */
#define O_RDONLY ((int)KX_OPEN_READ_ONLY)
#define O_WRONLY ((int)KX_OPEN_WRITE_ONLY)
#define O_RDWR ((int)KX_OPEN_READ_WRITE)
#define O_ACCMODE ((int)KX_OPEN_ACCESS_MASK)
#define O_CREAT ((int)KX_OPEN_CREATE)
#define O_EXCL ((int)KX_OPEN_EXCLUSIVE)
#define O_TRUNC ((int)KX_OPEN_TRUNCATE)
#define O_APPEND ((int)KX_OPEN_APPEND)
#define O_DIRECTORY ((int)KX_OPEN_DIRECTORY)
#define O_NOFOLLOW ((int)KX_OPEN_NO_FOLLOW)
#define O_CLOEXEC 0   /* accepted, meaningless: Kenix has no exec */

#define SEEK_SET ((int)KX_SEEK_START)
#define SEEK_CUR ((int)KX_SEEK_CURRENT)
#define SEEK_END ((int)KX_SEEK_END)

/* File types and permission bits in st_mode. Kenix has no permissions: files
 * show 0644 (0444 when read-only), directories 0755, links 0777. */
#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define S_IFLNK 0120000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)

struct timespec {
    time_t tv_sec;
    long tv_nsec;
};

struct stat {
    dev_t st_dev;          /* the mount number */
    ino_t st_ino;
    mode_t st_mode;
    nlink_t st_nlink;
    off_t st_size;
    blksize_t st_blksize;
    blkcnt_t st_blocks;    /* 512-byte units */
    struct timespec st_atim, st_mtim, st_ctim;   /* ctim: the creation time */
};
#define st_atime st_atim.tv_sec
#define st_mtime st_mtim.tv_sec
#define st_ctime st_ctim.tv_sec

int open(const char *path, int flags, ...);
int close(int fd);
ssize_t read(int fd, void *buffer, size_t count);
ssize_t write(int fd, const void *buffer, size_t count);
ssize_t pread(int fd, void *buffer, size_t count, off_t offset);
ssize_t pwrite(int fd, const void *buffer, size_t count, off_t offset);
off_t lseek(int fd, off_t offset, int whence);
int stat(const char *path, struct stat *out);
int lstat(const char *path, struct stat *out);
int fstat(int fd, struct stat *out);
int truncate(const char *path, off_t size);
int ftruncate(int fd, off_t size);
int fsync(int fd);
void sync(void);
int unlink(const char *path);
int mkdir(const char *path, mode_t mode);
int rmdir(const char *path);
int rename(const char *from, const char *to);
int symlink(const char *target, const char *path);
ssize_t readlink(const char *path, char *buffer, size_t size);
int chdir(const char *path);
char *getcwd(char *buffer, size_t size);
const char *strerror(int errnum);

/* Directories. d_name holds any file-system name (FAT: up to 765 UTF-8 bytes). */
#define DT_UNKNOWN 0
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10
struct dirent {
    ino_t d_ino;
    off_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[KX_FILE_MAX_NAME_LENGTH + 1];
};
typedef struct kx_dir DIR;
DIR *opendir(const char *path);
struct dirent *readdir(DIR *dir);
void rewinddir(DIR *dir);
int closedir(DIR *dir);

/* The connection underneath, shared with libkenix (Swift): the shared
 * buffer (attaching first if needed; NULL and *error < 0 if that fails) and
 * one request (op, words) whose result is >= 0 or a negative KX_FILE_ERR_. */
unsigned char *kx_file_buffer(uint64_t *size, int64_t *error);
int64_t kx_file_call(uint64_t op, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3);
/* The buffer size to attach with (4 KiB – 16 MiB, rounded up to pages);
 * only before the first file operation. 0 or a negative KX_FILE_ERR_. */
int64_t kx_file_set_buffer_size(uint64_t size);

#endif /* KENIX_FILES_H */
