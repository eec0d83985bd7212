/* core/tz.h — a tenant's "today": UTC instants to civil dates in an IANA
 * time zone, read from the system's compiled zoneinfo (TZif) files.
 *
 * libc's localtime_r depends on the process-wide TZ variable, which a server
 * serving tenants in many zones cannot switch per request; this reads the
 * zone's transitions itself. Zones are loaded once and cached for the life of
 * the process. Instants after the file's last transition keep its last
 * offset: Debian ships "fat" files with transitions up to 2037, which covers
 * every date Remit bills today (documented in core/README.md).
 */
#ifndef REMIT_CORE_TZ_H
#define REMIT_CORE_TZ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"

/* A zone name as IANA spells it ("Asia/Kolkata", "UTC"): letters, digits, '/', '_', '-', '+',
 * no "..", at most 64 characters, and a zoneinfo file exists for it. */
bool tz_valid(const char *zone);
/* Seconds east of UTC in force at t; 0 and false when the zone is unknown. */
bool tz_offset(const char *zone, Timestamp t, int32_t *out);
/* The civil date at t in zone (UTC when zone is NULL or unknown). */
Date tz_local_date(const char *zone, Timestamp t);

#endif
