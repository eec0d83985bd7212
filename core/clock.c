/* core/clock.c — wall clock with a test offset, monotonic clock; see clock.h.
 * Exports clock_now, clock_mono_us, clock_set_offset, clock_get_offset.
 */
#include "clock.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t offset;

int64_t clock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 + atomic_load(&offset);
}

int64_t clock_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clock_set_offset(int64_t us) { atomic_store(&offset, us); }
int64_t clock_get_offset(void) { return atomic_load(&offset); }
