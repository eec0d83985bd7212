/* core/tz.h — civil dates in a time zone (ICU).
 *
 * "Today" and billing-period boundaries are the tenant's: an invoice dated
 * 2026-04-01 in Asia/Kolkata was issued at 2026-03-31T18:30Z. ICU carries the
 * time-zone rules (daylight saving, historical offsets), so Remit never
 * hand-codes an offset.
 */
#ifndef REMIT_CORE_TZ_H
#define REMIT_CORE_TZ_H

#include <stdbool.h>

#include "core/date.h"

bool tz_valid(const char *zone);                       /* a known IANA zone id ("Asia/Kolkata", "UTC") */
/* The civil date of instant t in zone; falls back to UTC for an unknown zone (returns -1 then). */
int  tz_date(Date *out, const char *zone, Timestamp t);
/* The instant of midnight starting date d in zone. */
int  tz_midnight(Timestamp *out, const char *zone, Date d);

#endif
