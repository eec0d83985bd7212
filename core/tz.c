/* core/tz.c — time zones through ICU's calendar API; see tz.h.
 * Exports tz_valid, tz_date, tz_midnight.
 * Concurrency notes: every call opens and closes its own UCalendar, so calls
 * from several threads never share ICU state.
 */
#include "core/tz.h"

#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

/* UDate is ICU's millisecond count (a double, exact to 2^53 ms); only instants pass through it,
 * never amounts. */

static UCalendar *open_cal(const char *zone, bool *known)
{
    UChar id[128];
    int32_t len = 0;
    UErrorCode st = U_ZERO_ERROR;
    if (!zone || strlen(zone) >= 100)
        zone = "UTC";
    u_strFromUTF8(id, 128, &len, zone, -1, &st);
    if (U_FAILURE(st))
        return NULL;
    /* ICU falls back to "Etc/Unknown" (GMT) for a zone it does not know: detect it. */
    UChar canon[128];
    UBool system = 0;
    UErrorCode st2 = U_ZERO_ERROR;
    ucal_getCanonicalTimeZoneID(id, len, canon, 128, &system, &st2);
    *known = U_SUCCESS(st2) && system;
    UCalendar *cal = ucal_open(*known ? id : u_uastrcpy(id, "UTC"), -1, "en_US", UCAL_GREGORIAN, &st);
    if (U_FAILURE(st)) {
        if (cal)
            ucal_close(cal);
        return NULL;
    }
    return cal;
}

bool tz_valid(const char *zone)
{
    bool known = false;
    UCalendar *c = open_cal(zone, &known);
    if (c)
        ucal_close(c);
    return c && known;
}

int tz_date(Date *out, const char *zone, Timestamp t)
{
    bool known = false;
    UCalendar *c = open_cal(zone, &known);
    if (!c) {
        *out = ts_date(t);
        return -1;
    }
    UErrorCode st = U_ZERO_ERROR;
    /* floor division: instants before 1970 must not round toward zero */
    int64_t ms = t >= 0 ? t / 1000 : -((-t + 999) / 1000);
    ucal_setMillis(c, (UDate)ms, &st);
    int32_t y = ucal_get(c, UCAL_YEAR, &st);
    int32_t era = ucal_get(c, UCAL_ERA, &st);
    int32_t m = ucal_get(c, UCAL_MONTH, &st) + 1;
    int32_t d = ucal_get(c, UCAL_DATE, &st);
    ucal_close(c);
    if (U_FAILURE(st) || era == 0) {
        *out = ts_date(t);
        return -1;
    }
    *out = date_from_ymd(y, m, d);
    return known ? 0 : -1;
}

int tz_midnight(Timestamp *out, const char *zone, Date d)
{
    bool known = false;
    UCalendar *c = open_cal(zone, &known);
    if (!c) {
        *out = ts_from_date(d);
        return -1;
    }
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    UErrorCode st = U_ZERO_ERROR;
    ucal_clear(c);
    ucal_setDateTime(c, y, m - 1, dd, 0, 0, 0, &st);
    UDate ms = ucal_getMillis(c, &st);
    ucal_close(c);
    if (U_FAILURE(st)) {
        *out = ts_from_date(d);
        return -1;
    }
    *out = (Timestamp)ms * 1000;
    return known ? 0 : -1;
}
