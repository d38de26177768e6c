/*
 * dirent.c: opendir, readdir, rewinddir and closedir (kenix_files.h) over the
 * file service's readDirectory request. A DIR holds an open directory and a
 * 4 KiB batch of entry records copied out of the shared buffer; readdir
 * hands them out one at a time and fetches the next batch when they run out.
 */
#include "kenix.h"
#include "kenix_files.h"

void *malloc(size_t size);
void free(void *p);

#define BATCH 4096

struct kx_dir {
    int fd;
    int count;          /* records in the batch */
    int next;           /* next record to hand out */
    size_t offset;      /* its byte offset */
    int64_t position;   /* entries handed out since the start */
    unsigned char records[BATCH];
    struct dirent entry;
};

static uint64_t le(const unsigned char *p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

DIR *opendir(const char *path) {
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return NULL;
    DIR *dir = malloc(sizeof(DIR));
    if (!dir) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    dir->fd = fd;
    dir->count = dir->next = 0;
    dir->offset = 0;
    dir->position = 0;
    return dir;
}

struct dirent *readdir(DIR *dir) {
    if (!dir) { errno = EBADF; return NULL; }
    if (dir->next == dir->count) {
        int64_t n = kx_file_call(KX_FILE_OP_READ_DIRECTORY, (uint64_t)dir->fd, BATCH, 0, 0);
        if (n < 0) { errno = kx_abi_file_errno(n); return NULL; }
        if (n == 0) return NULL;   /* the end; errno untouched */
        uint64_t size;
        int64_t error;
        const unsigned char *buffer = kx_file_buffer(&size, &error);
        if (!buffer) { errno = kx_abi_file_errno(error); return NULL; }
        for (size_t i = 0; i < BATCH && i < size; i++) dir->records[i] = buffer[i];
        dir->count = (int)n;
        dir->next = 0;
        dir->offset = 0;
    }
    const unsigned char *r = dir->records + dir->offset;
    size_t name_length = (size_t)le(r + KX_DIRENT_OFFSET_NAME_LENGTH, 2);
    size_t record_length = (size_t)le(r + KX_DIRENT_OFFSET_RECORD_LENGTH, 2);
    if (name_length > KX_FILE_MAX_NAME_LENGTH || record_length < KX_DIRENT_HEADER_SIZE + name_length + 1 ||
        dir->offset + record_length > BATCH) {
        errno = EIO;
        return NULL;
    }
    uint32_t kind = (uint32_t)le(r + KX_DIRENT_OFFSET_KIND, 4);
    struct dirent *e = &dir->entry;
    e->d_ino = le(r + KX_DIRENT_OFFSET_ID, 8);
    e->d_off = ++dir->position;
    e->d_reclen = (unsigned short)sizeof(struct dirent);
    e->d_type = kind == KX_FILE_KIND_DIRECTORY ? DT_DIR : kind == KX_FILE_KIND_SYMLINK ? DT_LNK
              : kind == KX_FILE_KIND_REGULAR ? DT_REG : DT_UNKNOWN;
    for (size_t i = 0; i < name_length; i++) e->d_name[i] = (char)r[KX_DIRENT_HEADER_SIZE + i];
    e->d_name[name_length] = 0;
    dir->offset += record_length;
    dir->next++;
    return e;
}

void rewinddir(DIR *dir) {
    if (!dir) return;
    lseek(dir->fd, 0, SEEK_SET);
    dir->count = dir->next = 0;
    dir->offset = 0;
    dir->position = 0;
}

int closedir(DIR *dir) {
    if (!dir) { errno = EBADF; return -1; }
    int rc = close(dir->fd);
    free(dir);
    return rc;
}
