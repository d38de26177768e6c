/*
 * ipcbench: call/reply round trips with 4-word messages between two tasks,
 * for `make bench`. Started as the first program (kenix-sim --init ipcbench
 * --init-arg N): it spawns itself as the server, runs N round trips (default
 * 100000), checks every reply, and exits 0. The server answers each call
 * with reply_recv, so a round trip costs exactly two traps.
 *
 * Two variants, chosen by bit 62 of the argument:
 *  - clear: through ipc.h, as programs use IPC (the stubs store the reply
 *    to the stack, which costs stores on every round trip);
 *  - set: register-only loops (inline `svc`, the message never leaves
 *    x1-x5), which measure the kernel and the trap path alone.
 */
#include "ipc.h"

#define SERVER_ROLE (1ull << 63)
#define REGISTER_ONLY (1ull << 62)

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

/* recv once, then reply_recv forever, keeping the message in registers. */
static void serve_in_registers(void) {
    register uint64_t x0 __asm__("x0") = KX_ANY_SENDER;
    register uint64_t x1 __asm__("x1");
    register uint64_t x2 __asm__("x2");
    register uint64_t x3 __asm__("x3");
    register uint64_t x4 __asm__("x4");
    register uint64_t x5 __asm__("x5");
    register uint64_t x8 __asm__("x8") = KX_SYS_RECV;
    __asm__ volatile("svc #0" : "+r"(x0), "=r"(x1), "=r"(x2), "=r"(x3), "=r"(x4), "=r"(x5) : "r"(x8) : "memory");
    while ((int64_t)x0 > 0) {
        x1 += 1;
        x2 += 1;
        x0 = KX_ANY_SENDER;
        x8 = KX_SYS_REPLY_RECV;
        __asm__ volatile("svc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5) : "r"(x8) : "memory");
    }
    kx_exit(1);
}

static int64_t call_in_registers(uint64_t server, uint64_t rounds) {
    for (uint64_t i = 0; i < rounds; i++) {
        register uint64_t x0 __asm__("x0") = server;
        register uint64_t x1 __asm__("x1") = 7;
        register uint64_t x2 __asm__("x2") = i;
        register uint64_t x3 __asm__("x3") = 2;
        register uint64_t x4 __asm__("x4") = 3;
        register uint64_t x5 __asm__("x5") = 4;
        register uint64_t x8 __asm__("x8") = KX_SYS_CALL;
        __asm__ volatile("svc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5) : "r"(x8) : "memory");
        if (x0 != 0 || x1 != 8 || x2 != i + 1 || x5 != 4) return 3;
    }
    return 0;
}

static int64_t call_through_ipc_h(uint64_t server, uint64_t rounds) {
    struct kx_msg msg = { .tag = 7, .w = { 0, 2, 3, 4 } };
    for (uint64_t i = 0; i < rounds; i++) {
        struct kx_msg reply;
        msg.w[0] = i;
        if (kx_call(server, &msg, &reply) < 0 || reply.tag != 8 || reply.w[0] != i + 1 || reply.w[3] != 4)
            return 3;
    }
    return 0;
}

int64_t main(uint64_t arg, uint64_t parent) {
    (void)parent;
    int registers_only = (arg & REGISTER_ONLY) != 0;
    if (arg & SERVER_ROLE) {
        if (registers_only) serve_in_registers();
        serve();
    }
    uint64_t rounds = arg & ~REGISTER_ONLY;
    if (rounds == 0) rounds = 100000;
    static const char name[] = "ipcbench";
    int64_t server = kx_spawn(name, sizeof name - 1, SERVER_ROLE | (arg & REGISTER_ONLY), 0);
    if (server < 0) {
        kx_puts("ipcbench: cannot spawn the server\n");
        return 2;
    }
    int64_t rc = registers_only ? call_in_registers((uint64_t)server, rounds)
                                : call_through_ipc_h((uint64_t)server, rounds);
    if (rc != 0) kx_puts("ipcbench: bad reply\n");
    return rc;
}
