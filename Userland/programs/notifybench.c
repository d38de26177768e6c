/*
 * notifybench: notification signal -> wait latency between two tasks, for
 * `make bench`. Started as the first program (kenix-sim --init notifybench
 * --init-arg N): it spawns itself as the partner and bounces a signal over
 * two notifications N times (A signals ping and waits on pong; B waits on
 * ping and signals pong), so one round is two signal->wait hand-overs. The
 * partner gets its handles to the two notifications in two messages.
 */
#include "ipc.h"

#define PARTNER_ROLE (1ull << 63)

static int64_t notify(uint64_t number, uint64_t a0, uint64_t a1) {
    return kx_syscall(a0, a1, 0, 0, 0, 0, number);
}

int64_t main(uint64_t arg, uint64_t parent) {
    (void)parent;
    if (arg & PARTNER_ROLE) {
        struct kx_msg m;
        if (kx_recv(KX_HANDLE_PARENT, &m) < 0) return 1;
        uint64_t ping = m.w[3];
        if (kx_recv(KX_HANDLE_PARENT, &m) < 0) return 1;
        uint64_t pong = m.w[3];
        while (notify(KX_SYS_NOTIFY_WAIT, ping, 0) > 0)
            if (notify(KX_SYS_NOTIFY_SIGNAL, pong, 1) < 0) return 1;
        return 1;
    }
    uint64_t rounds = arg ? arg : 100000;
    int64_t ping = notify(KX_SYS_NOTIFY_CREATE, 0, 0), pong = notify(KX_SYS_NOTIFY_CREATE, 0, 0);
    if (ping < 0 || pong < 0) return 2;
    static const char name[] = "notifybench";
    int64_t partner = kx_spawn(name, sizeof name - 1, PARTNER_ROLE, 0);
    if (partner < 0) return 3;
    struct kx_msg give_ping = { .tag = KX_TAG_TRANSFERS_HANDLE, .w = { 0, 0, 0, (uint64_t)ping } };
    struct kx_msg give_pong = { .tag = KX_TAG_TRANSFERS_HANDLE, .w = { 0, 0, 0, (uint64_t)pong } };
    if (kx_send((uint64_t)partner, &give_ping) < 0 || kx_send((uint64_t)partner, &give_pong) < 0) return 4;
    for (uint64_t i = 0; i < rounds; i++) {
        if (notify(KX_SYS_NOTIFY_SIGNAL, (uint64_t)ping, 1) < 0) return 5;
        if (notify(KX_SYS_NOTIFY_WAIT, (uint64_t)pong, 0) != 1) return 6;
    }
    return 0;
}
