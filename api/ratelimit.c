/* api/ratelimit.c — per-client-IP rate limit for the endpoints that take no
 * token (sign-up, sign-in, refresh, password reset): a token bucket per IP,
 * REMIT_AUTH_RATE requests per minute (default 30) with a burst of the same
 * size. Exports ratelimit_check.
 *
 * The buckets live in this process (a fixed-size table, oldest bucket evicted),
 * so with several `remit serve` processes behind a balancer each enforces its
 * own share; that bounds guessing per process, which together with the
 * per-account lockout (domain/auth.c) is the defence that matters.
 *
 * Concurrency notes: one mutex guards the table; the critical section is a
 * hash lookup and a little arithmetic.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/router.h"
#include "core/clock.h"

#define SLOTS 4096

/* Tokens are kept in millitokens (integers): no floating point anywhere near money code. */
typedef struct Slot {
    char ip[64];
    int64_t milli;          /* tokens x 1000 */
    int64_t last_us;
} Slot;

static Slot slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t rate_per_min(void)
{
    static int64_t rate;
    if (!rate) {
        const char *e = getenv("REMIT_AUTH_RATE");
        long v = e ? strtol(e, NULL, 10) : 0;
        rate = v > 0 ? v : 30;
    }
    return rate;
}

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Returns 0 when allowed; otherwise the seconds to wait. */
int ratelimit_check(const char *ip)
{
    if (!ip || !*ip)
        ip = "?";
    int64_t rate = rate_per_min();
    int64_t cap = rate * 1000;
    int64_t now = clock_mono_us();
    unsigned i = hash(ip) % SLOTS;
    pthread_mutex_lock(&lock);
    Slot *s = &slots[i];
    if (strcmp(s->ip, ip) != 0) {   /* a new client (or a collision: the newcomer takes the slot) */
        snprintf(s->ip, sizeof s->ip, "%s", ip);
        s->milli = cap;
        s->last_us = now;
    }
    int64_t refill = (now - s->last_us) * rate / 60000;   /* millitokens since last: rate*1000/60e6 per us */
    s->milli = s->milli + refill > cap ? cap : s->milli + refill;
    s->last_us = now;
    int wait = 0;
    if (s->milli >= 1000)
        s->milli -= 1000;
    else
        wait = (int)(((1000 - s->milli) * 60 + rate * 1000 - 1) / (rate * 1000)) + 1;
    pthread_mutex_unlock(&lock);
    return wait;
}
