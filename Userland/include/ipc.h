/*
 * ipc.h: synchronous, register-only IPC for C programs (docs/syscalls.md,
 * "Synchronous IPC"). A message is a tag and four words, carried in x1-x5.
 *
 * Every function returns the syscall's x0: >= 0 on success (the sender id for
 * the receiving calls), a negative KX_ERR_* error otherwise. Received messages and
 * replies are stored into *msg only on success.
 */
#ifndef KENIX_IPC_H
#define KENIX_IPC_H

#include "kenix.h"

struct kx_msg {
    uint64_t tag;
    uint64_t w[4];
};

static inline int64_t kx__ipc(uint64_t a0, const struct kx_msg *in, struct kx_msg *out,
                              uint64_t number) {
    uint64_t r[6];
    int64_t rc = in ? kx_syscall_msg(a0, in->tag, in->w[0], in->w[1], in->w[2], in->w[3], number, r)
                    : kx_syscall_msg(a0, 0, 0, 0, 0, 0, number, r);
    if (rc >= 0 && out) {
        out->tag = r[1];
        out->w[0] = r[2];
        out->w[1] = r[3];
        out->w[2] = r[4];
        out->w[3] = r[5];
    }
    return rc;
}

/* Blocks until `dest` has taken the message. */
static inline int64_t kx_send(uint64_t dest, const struct kx_msg *msg) {
    return kx__ipc(dest, msg, 0, KX_SYS_SEND);
}

/* Blocks until a sender (`from`, or anyone for KX_ANY_SENDER) is waiting;
 * returns the sender id. */
static inline int64_t kx_recv(uint64_t from, struct kx_msg *msg) {
    return kx__ipc(from, 0, msg, KX_SYS_RECV);
}

/* Sends `msg` to `dest` and blocks until it replies; the reply goes to *reply
 * (which may be the same object as msg). */
static inline int64_t kx_call(uint64_t dest, const struct kx_msg *msg, struct kx_msg *reply) {
    return kx__ipc(dest, msg, reply, KX_SYS_CALL);
}

/* Answers the caller this task received most recently. Does not block. */
static inline int64_t kx_reply(const struct kx_msg *msg) {
    return kx__ipc(0, msg, 0, KX_SYS_REPLY);
}

/* Answers any caller this task has received and not yet answered. */
static inline int64_t kx_reply_to(uint64_t client, const struct kx_msg *msg) {
    return kx__ipc(client, msg, 0, KX_SYS_REPLY_TO);
}

/* Replies to the most recent caller (if any), then receives like kx_recv. */
static inline int64_t kx_reply_recv(uint64_t from, const struct kx_msg *reply, struct kx_msg *msg) {
    return kx__ipc(from, reply, msg, KX_SYS_REPLY_RECV);
}

#endif /* KENIX_IPC_H */
