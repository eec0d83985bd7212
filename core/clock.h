/* core/clock.h — "now", with a test offset.
 *
 * Every rule that depends on the time (trial expiry, lockouts, overdue
 * invoices, due bill runs) asks clock_now(). Tests move the clock with
 * clock_set_offset(), which the server only allows in test mode.
 */
#ifndef REMIT_CORE_CLOCK_H
#define REMIT_CORE_CLOCK_H

#include <stdint.h>

int64_t clock_now(void);                 /* UTC microseconds since the epoch, offset applied */
int64_t clock_mono_us(void);             /* monotonic, for durations */
void    clock_set_offset(int64_t us);
int64_t clock_get_offset(void);

#endif
