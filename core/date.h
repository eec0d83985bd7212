/* core/date.h — civil dates, month arithmetic, half-open periods, billing
 * cycles, financial years and UTC timestamps.
 *
 * A Date is a day number (days since 1970-01-01, proleptic Gregorian), so
 * dates compare with < and subtract with -. A Period is half-open
 * [start, end): a month is [1st of the month, 1st of the next month) and its
 * length is end - start. A Timestamp is UTC microseconds since the epoch.
 * Time zones are not handled here: callers turn a tenant's local "today" into
 * a Date before calling in.
 *
 * Valid dates are years 1..9999 (what date_parse accepts); the arithmetic
 * itself is defined for any day number that does not overflow int32.
 */
#ifndef REMIT_CORE_DATE_H
#define REMIT_CORE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef int32_t Date;                              /* days since 1970-01-01 */
typedef struct Period { Date start, end; } Period; /* half-open [start, end) */
typedef int64_t Timestamp;                         /* UTC microseconds since the epoch */

#define TS_PER_SECOND INT64_C(1000000)
#define TS_PER_DAY    INT64_C(86400000000)
/* Length of ts_format's output, NUL included ("2026-11-21T10:00:00.123456Z"). */
#define TS_FORMAT_MAX 28

Date date_from_ymd(int y, int m, int d); /* the caller guarantees a valid date */
void date_to_ymd(Date d, int *y, int *m, int *dd);
bool date_valid_ymd(int y, int m, int d); /* years 1..9999 */
bool date_is_leap(int y);
int date_days_in_month(int y, int m); /* 0 if m is not 1..12 */

/* Strict "YYYY-MM-DD": exactly 10 bytes, a real calendar date in years
 * 1..9999; ERR_INVALID naming the field otherwise. */
int date_parse(Date *out, const char *s, size_t len, const char *field, Error *err);
/* "YYYY-MM-DD"; a date outside years 1..9999 writes "0000-00-00" so that it
 * can never be mistaken for (or parsed back as) a real date. */
void date_format(char out[11], Date d);

Date date_add_days(Date d, int n);
/* Clamps the day to the target month: 2024-01-31 + 1 = 2024-02-29,
 * 2023-01-31 + 1 = 2023-02-28, 2024-03-31 - 1 = 2024-02-29. */
Date date_add_months(Date d, int n);
int date_weekday(Date d);           /* ISO: 1 = Monday .. 7 = Sunday */
int date_diff_days(Date a, Date b); /* b - a */
Date date_start_of_month(Date d);
Date date_end_of_month(Date d); /* the last day of the month (inclusive) */

int period_days(Period p); /* end - start, 0 if empty: [2024-02-01, 2024-03-01) = 29 */
bool period_is_empty(Period p);
bool period_contains(Period p, Date d); /* start <= d < end */
/* Empty (start == end == the later start) when a and b are disjoint. */
Period period_intersect(Period a, Period b);
bool period_overlaps(Period a, Period b);

/* Billing cycles. The n-th cycle is [anchor + n*len, anchor + (n+1)*len),
 * where month-based lengths are always counted from the anchor itself, with
 * the anchor's day-of-month clamped in each month: a cycle anchored on the
 * 31st runs Jan 31 -> Feb 29 -> Mar 31 -> Apr 30 -> May 31, never drifting. */
typedef enum Frequency {
    FREQ_WEEKLY,
    FREQ_BIWEEKLY,
    FREQ_MONTHLY,
    FREQ_QUARTERLY,
    FREQ_SEMIANNUAL,
    FREQ_ANNUAL
} Frequency;

/* "weekly", "bi-weekly", "monthly", "quarterly", "semi-annually", "annually"
 * (exact, lower case): 0, or -1 if unknown (out untouched). */
int frequency_parse(Frequency *out, const char *s);
const char *frequency_name(Frequency f); /* NULL if f is not a Frequency */
Period cycle_nth(Date anchor, Frequency f, int n); /* n >= 0 */
/* The cycle anchored at anchor that contains d. Meant for d >= anchor; for an
 * earlier d it returns the cycle before the anchor (a negative n) that holds d. */
Period cycle_containing(Date anchor, Frequency f, Date d);

/* The year a financial year starts in, for a FY starting on the 1st of month
 * fy_start_month (1..12): India (4): 2026-05-01 -> 2026, 2026-02-01 -> 2025. */
int fy_start_year(Date d, int fy_start_month);
/* "2026-27" (the second year's last two digits); "0000-00" outside 1..9999. */
void fy_label(char out[8], int start_year);

/* RFC 3339: "2026-11-21T10:00:00Z". Upper-case 'T' (or a space) and 'Z'
 * only; seconds required; optional fractional seconds of 1..6 digits (more is
 * ERR_PRECISION); 'Z' or a +hh:mm / -hh:mm offset, converted to UTC. Leap
 * seconds (:60) are ERR_INVALID, results outside years 1..9999 in UTC are
 * ERR_RANGE, anything else malformed is ERR_INVALID naming the field. */
int ts_parse(Timestamp *out, const char *s, size_t len, const char *field, Error *err);
/* Always "2026-11-21T10:00:00.123456Z" (6 fractional digits, UTC). Returns
 * the length (27) or -1 if cap is too small (buf then "" when cap > 0). */
int ts_format(char *buf, size_t cap, Timestamp t);
Date ts_date(Timestamp t);          /* the UTC civil date */
Timestamp ts_from_date(Date d);     /* midnight UTC */

#endif
