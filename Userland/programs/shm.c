/*
 * shm: shared memory between two tasks, in C (ipc.h, shm.h), which also
 * proves the C side of the userland: headers, runtime and console output.
 *
 * The test creates a two-page object, fills it with a pattern, spawns a peer
 * (this binary, arg 1), grants it the object and calls it with the object's
 * id. The peer maps the object, checks every word of the pattern, writes an
 * answer into the last word and replies. The test then checks the reply and
 * the answer: both tasks saw the same physical pages, across a page boundary.
 * Exit 0 = pass; on failure one line says what went wrong.
 */
#include "ipc.h"
#include "shm.h"

#define SIZE 8192u
#define WORDS (SIZE / 8)
#define ANSWER_WORD (WORDS - 1)   /* the pattern fills the words before it */
#define TAG_CHECK 0x5348          /* "SH" */

static uint64_t pattern(uint64_t i) { return (i + 1) * 0x9E3779B97F4A7C15ULL; }
static uint64_t expected_answer(uint64_t id) { return ~id ^ 0xA5A5A5A5A5A5A5A5ULL; }

static int64_t fail(const char *what, int64_t value) {
    kx_puts("shm: ");
    kx_puts(what);
    kx_puts(" ");
    if (value < 0) kx_puts(kx_error_name(value));
    else kx_put_dec(value);
    putchar('\n');
    return 1;
}

/* The peer: receive the id, map, verify, answer. */
static int64_t peer(uint64_t parent) {
    struct kx_msg m;
    int64_t rc = kx_recv(parent, &m);
    if (rc < 0) return fail("peer recv:", rc);
    uint64_t id = m.w[0];
    int64_t err;
    volatile uint64_t *p = kx_shm_map_ptr(id, &err);
    struct kx_msg reply = { .tag = 0 };
    if (!p) {
        reply.tag = 1;
        reply.w[0] = (uint64_t)err;
    } else {
        for (uint64_t i = 0; i < ANSWER_WORD; i++) {
            if (p[i] != pattern(i)) {
                reply.tag = 2;
                reply.w[0] = i;
                break;
            }
        }
        if (reply.tag == 0) p[ANSWER_WORD] = expected_answer(id);
    }
    rc = kx_reply(&reply);
    if (rc < 0) return fail("peer reply:", rc);
    return (int64_t)reply.tag;
}

static int64_t test(void) {
    int64_t id = kx_shm_create(SIZE);
    if (id < 0) return fail("shm_create:", id);
    int64_t err;
    volatile uint64_t *p = kx_shm_map_ptr((uint64_t)id, &err);
    if (!p) return fail("shm_map:", err);
    if ((uint64_t)(uintptr_t)p < KX_SHM_BASE || (uint64_t)(uintptr_t)p >= KX_SHM_LIMIT)
        return fail("mapped outside the shm area at", (int64_t)(uintptr_t)p);
    for (uint64_t i = 0; i < ANSWER_WORD; i++) p[i] = pattern(i);

    int64_t child = kx_spawn("shm", 3, 1, KX_PRIORITY_INHERIT);
    if (child < 0) return fail("spawn peer:", child);
    int64_t rc = kx_shm_grant((uint64_t)id, (uint64_t)child);
    if (rc < 0) return fail("shm_grant:", rc);

    struct kx_msg m = { .tag = TAG_CHECK, .w = { (uint64_t)id } };
    rc = kx_call((uint64_t)child, &m, &m);
    if (rc < 0) return fail("call peer:", rc);
    if (m.tag == 1) return fail("peer's shm_map:", (int64_t)m.w[0]);
    if (m.tag == 2) return fail("peer saw a wrong pattern at word", (int64_t)m.w[0]);
    if (m.tag != 0) return fail("peer replied tag", (int64_t)m.tag);
    if (p[ANSWER_WORD] != expected_answer((uint64_t)id)) return fail("wrong answer from peer:", (int64_t)p[ANSWER_WORD]);

    uint64_t status, kind;
    rc = kx_wait((uint64_t)child, &status, &kind);
    if (rc < 0) return fail("wait:", rc);
    if (kind != KX_EXIT_EXITED || status != 0) return fail("peer ended with status", (int64_t)status);
    rc = kx_shm_unmap((uint64_t)id);
    if (rc < 0) return fail("shm_unmap:", rc);
    return 0;
}

int64_t main(uint64_t arg, uint64_t parent) {
    return arg == 1 ? peer(parent) : test();
}
