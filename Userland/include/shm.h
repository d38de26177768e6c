/*
 * shm.h: shared memory for C programs (docs/syscalls.md, "Shared memory").
 * Objects are zeroed pages, mapped read-write and never executable in
 * [KX_SHM_BASE, KX_SHM_LIMIT). The creator maps and grants; a grantee maps.
 *
 * Each function returns the syscall's x0: >= 0 on success, a negative KX_ERR_*
 * error otherwise.
 */
#ifndef KENIX_SHM_H
#define KENIX_SHM_H

#include "kenix.h"

/* Creates an object of `size` bytes (1 B - 16 MiB, rounded up to pages); returns its id. */
static inline int64_t kx_shm_create(uint64_t size) {
    return kx_syscall(size, 0, 0, 0, 0, 0, KX_SYS_SHM_CREATE);
}

/* Maps object `id` at `hint` (0 = anywhere); returns the address. */
static inline int64_t kx_shm_map(uint64_t id, uint64_t hint) {
    return kx_syscall(id, hint, 0, 0, 0, 0, KX_SYS_SHM_MAP);
}

/* Convenience: kx_shm_map as a pointer, or NULL on error (the error in *err if given). */
static inline void *kx_shm_map_ptr(uint64_t id, int64_t *err) {
    int64_t rc = kx_shm_map(id, 0);
    if (err) *err = rc < 0 ? rc : 0;
    return rc < 0 ? (void *)0 : (void *)(uintptr_t)rc;
}

/* Lets task `task` map object `id`. */
static inline int64_t kx_shm_grant(uint64_t id, uint64_t task) {
    return kx_syscall(id, task, 0, 0, 0, 0, KX_SYS_SHM_GRANT);
}

/* Unmaps object `id` from the caller. */
static inline int64_t kx_shm_unmap(uint64_t id) {
    return kx_syscall(id, 0, 0, 0, 0, 0, KX_SYS_SHM_UNMAP);
}

#endif /* KENIX_SHM_H */
