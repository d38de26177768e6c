/*
 * ipcbench: call/reply round trips with 4-word messages between two tasks,
 * for `make bench`. Started as the first program (kenix-sim --init ipcbench
 * --init-arg N): it spawns itself as the server, runs N round trips (default
 * 100000), checks every reply, and exits 0. The server answers each call
 * with reply_recv, so a round trip costs exactly two traps.
 */
#include "ipc.h"

#define SERVER_ROLE (1ull << 63)

static void serve(void) {
    struct kx_msg msg;
    int64_t rc = kx_recv(KX_ANY_SENDER, &msg);
    while (rc > 0) {
        msg.tag += 1;
        msg.w[0] += 1;
        rc = kx_reply_recv(KX_ANY_SENDER, &msg, &msg);
    }
    kx_exit(1);
}

int64_t main(uint64_t arg, uint64_t parent) {
    (void)parent;
    if (arg & SERVER_ROLE) serve();
    uint64_t rounds = arg ? arg : 100000;
    static const char name[] = "ipcbench";
    int64_t server = kx_spawn(name, sizeof name - 1, SERVER_ROLE, 0);
    if (server < 0) {
        kx_puts("ipcbench: cannot spawn the server\n");
        return 2;
    }
    struct kx_msg msg = { .tag = 7, .w = { 0, 2, 3, 4 } };
    for (uint64_t i = 0; i < rounds; i++) {
        struct kx_msg reply;
        msg.w[0] = i;
        if (kx_call((uint64_t)server, &msg, &reply) < 0 || reply.tag != 8 || reply.w[0] != i + 1
            || reply.w[3] != 4) {
            kx_puts("ipcbench: bad reply\n");
            return 3;
        }
    }
    kx_puts("ipcbench: done\n");
    return 0;
}
