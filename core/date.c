/* core/date.c — civil dates as day numbers, month arithmetic that clamps,
 * half-open periods, billing cycles, financial years and UTC timestamps.
 *
 * Exports: date_from_ymd, date_to_ymd, date_valid_ymd, date_is_leap,
 * date_days_in_month, date_parse, date_format, date_add_days,
 * date_add_months, date_weekday, date_diff_days, date_start_of_month,
 * date_end_of_month, period_days, period_is_empty, period_contains,
 * period_intersect, period_overlaps, frequency_parse, frequency_name,
 * cycle_nth, cycle_containing, fy_start_year, fy_label, ts_parse, ts_format,
 * ts_date, ts_from_date.
 *
 * The day-number conversions are Howard Hinnant's days_from_civil /
 * civil_from_days (public-domain algorithms, "chrono-Compatible Low-Level Date
 * Algorithms"), written here in 64-bit arithmetic with floor division so that
 * they hold for dates before 1970 too. No libc time functions (timegm,
 * localtime) are used: they depend on TZ and time_t's range.
 *
 * What must stay true: a billing cycle is always computed from its anchor
 * (anchor + n months, clamped), never from the previous cycle's end, so a
 * cycle anchored on the 31st never drifts to the 28th/29th.
 */
#include "core/date.h"

#include <stdio.h>
#include <string.h>

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                   /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                         /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;    /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                  /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                       /* [0, 11] */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

bool date_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && date_is_leap(y) ? 29 : dim[m - 1];
}

bool date_valid_ymd(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m);
}

Date date_from_ymd(int y, int m, int d)
{
    return (Date)days_from_civil(y, m, d);
}

void date_to_ymd(Date d, int *y, int *m, int *dd)
{
    int64_t yy;
    civil_from_days(d, &yy, m, dd);
    *y = (int)yy;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD" at s (10 bytes available), a real date in years 1..9999. */
static bool ymd(const char *s, int *y, int *m, int *d)
{
    return digits(s, 4, y) && s[4] == '-' && digits(s + 5, 2, m) && s[7] == '-' &&
           digits(s + 8, 2, d) && date_valid_ymd(*y, *m, *d);
}

int date_parse(Date *out, const char *s, size_t len, const char *field, Error *err)
{
    int y, m, d;
    if (!s || len != 10 || !ymd(s, &y, &m, &d)) {
        err_set(err, ERR_INVALID, field, "%s is not a valid date", field ? field : "date");
        err_hint(err, "write a calendar date as YYYY-MM-DD, e.g. 2026-04-01");
        return -ERR_INVALID;
    }
    *out = date_from_ymd(y, m, d);
    return 0;
}

static void put_digits(char *p, int v, int n)
{
    while (n-- > 0) {
        p[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

void date_format(char out[11], Date d)
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    if (y < 1 || y > 9999) {
        memcpy(out, "0000-00-00", 11);
        return;
    }
    put_digits(out, y, 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    out[7] = '-';
    put_digits(out + 8, dd, 2);
    out[10] = '\0';
}

Date date_add_days(Date d, int n)
{
    return d + n;
}

Date date_add_months(Date d, int n)
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    int64_t months = (int64_t)y * 12 + (m - 1) + n;
    int64_t ny = floor_div(months, 12);
    int nm = (int)floor_mod(months, 12) + 1;
    int dim = date_days_in_month((int)ny, nm);
    return (Date)days_from_civil(ny, nm, dd < dim ? dd : dim);
}

int date_weekday(Date d)
{
    /* 1970-01-01 was a Thursday (4). */
    return (int)floor_mod((int64_t)d + 3, 7) + 1;
}

int date_diff_days(Date a, Date b)
{
    return b - a;
}

Date date_start_of_month(Date d)
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    return d - (dd - 1);
}

Date date_end_of_month(Date d)
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    return d + (date_days_in_month(y, m) - dd);
}

int period_days(Period p)
{
    return p.end > p.start ? p.end - p.start : 0;
}

bool period_is_empty(Period p)
{
    return p.end <= p.start;
}

bool period_contains(Period p, Date d)
{
    return p.start <= d && d < p.end;
}

Period period_intersect(Period a, Period b)
{
    Period r = {a.start > b.start ? a.start : b.start, a.end < b.end ? a.end : b.end};
    if (r.end < r.start)
        r.end = r.start;
    return r;
}

bool period_overlaps(Period a, Period b)
{
    return !period_is_empty(period_intersect(a, b));
}

/* One row per Frequency: its name and its length in days or in months. */
static const struct {
    const char *name;
    int days, months;
} freqs[] = {
    [FREQ_WEEKLY] = {"weekly", 7, 0},
    [FREQ_BIWEEKLY] = {"bi-weekly", 14, 0},
    [FREQ_MONTHLY] = {"monthly", 0, 1},
    [FREQ_QUARTERLY] = {"quarterly", 0, 3},
    [FREQ_SEMIANNUAL] = {"semi-annually", 0, 6},
    [FREQ_ANNUAL] = {"annually", 0, 12},
};

#define NFREQS ((int)(sizeof freqs / sizeof freqs[0]))

int frequency_parse(Frequency *out, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < NFREQS; i++)
        if (strcmp(s, freqs[i].name) == 0) {
            *out = (Frequency)i;
            return 0;
        }
    return -1;
}

const char *frequency_name(Frequency f)
{
    return (int)f >= 0 && (int)f < NFREQS ? freqs[f].name : NULL;
}

/* Start of cycle n: always measured from the anchor, so month clamping never accumulates. */
static Date cycle_start(Date anchor, Frequency f, int64_t n)
{
    if (freqs[f].days)
        return (Date)(anchor + n * freqs[f].days);
    return date_add_months(anchor, (int)(n * freqs[f].months));
}

Period cycle_nth(Date anchor, Frequency f, int n)
{
    return (Period){cycle_start(anchor, f, n), cycle_start(anchor, f, (int64_t)n + 1)};
}

Period cycle_containing(Date anchor, Frequency f, Date d)
{
    int64_t n;
    if (freqs[f].days) {
        n = floor_div((int64_t)d - anchor, freqs[f].days);
    } else {
        int ay, am, ad, y, m, dd;
        date_to_ymd(anchor, &ay, &am, &ad);
        date_to_ymd(d, &y, &m, &dd);
        n = floor_div(((int64_t)y - ay) * 12 + (m - am), freqs[f].months);
        /* The month estimate is off by at most one cycle (d before the anchor day). */
        while (cycle_start(anchor, f, n) > d)
            n--;
        while (cycle_start(anchor, f, n + 1) <= d)
            n++;
    }
    return (Period){cycle_start(anchor, f, n), cycle_start(anchor, f, n + 1)};
}

int fy_start_year(Date d, int fy_start_month)
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    return m >= fy_start_month ? y : y - 1;
}

void fy_label(char out[8], int start_year)
{
    if (start_year < 1 || start_year > 9999) {
        memcpy(out, "0000-00", 8);
        return;
    }
    put_digits(out, start_year, 4);
    out[4] = '-';
    put_digits(out + 5, (start_year + 1) % 100, 2);
    out[7] = '\0';
}

static int bad_ts(Error *err, const char *field)
{
    err_set(err, ERR_INVALID, field, "%s is not a valid timestamp", field ? field : "timestamp");
    err_hint(err, "write an RFC 3339 timestamp, e.g. 2026-11-21T10:00:00Z or "
                  "2026-11-21T15:30:00.250+05:30");
    return -ERR_INVALID;
}

int ts_parse(Timestamp *out, const char *s, size_t len, const char *field, Error *err)
{
    const char *name = field ? field : "timestamp";
    int y, mo, d, h, mi, sec, oh = 0, om = 0;
    int64_t frac = 0;
    size_t i, nfrac = 0;
    int sign = 0;

    /* "YYYY-MM-DDTHH:MM:SS" is 19 bytes; the shortest valid form adds "Z". */
    if (!s || len < 20 || !ymd(s, &y, &mo, &d) || (s[10] != 'T' && s[10] != ' ') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &sec) || h > 23 || mi > 59 || sec > 59)
        return bad_ts(err, field);
    i = 19;
    if (s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (nfrac < 6)
                frac = frac * 10 + (s[i] - '0');
            nfrac++;
            i++;
        }
        if (nfrac == 0)
            return bad_ts(err, field);
    }
    if (i < len && s[i] == 'Z') {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        sign = s[i] == '+' ? 1 : -1;
        if (len - i < 6 || !digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
            !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
            return bad_ts(err, field);
        i += 6;
    } else {
        return bad_ts(err, field);
    }
    if (i != len)
        return bad_ts(err, field);
    if (nfrac > 6)
        return err_set(err, ERR_PRECISION, field, "%s has more than 6 fractional second digits",
                       name);
    for (size_t k = nfrac; k < 6; k++)
        frac *= 10;

    int64_t secs = (int64_t)h * 3600 + mi * 60 + sec - (int64_t)sign * (oh * 3600 + om * 60);
    Timestamp t = (Timestamp)date_from_ymd(y, mo, d) * TS_PER_DAY + secs * TS_PER_SECOND + frac;
    if (t < ts_from_date(date_from_ymd(1, 1, 1)) || t >= ts_from_date(date_from_ymd(9999, 12, 31) + 1))
        return err_set(err, ERR_RANGE, field, "%s is outside years 0001..9999 in UTC", name);
    *out = t;
    return 0;
}

int ts_format(char *buf, size_t cap, Timestamp t)
{
    int64_t days = floor_div(t, TS_PER_DAY);
    int64_t us = t - days * TS_PER_DAY; /* [0, TS_PER_DAY) */
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    if (y >= 0 && y <= 9999 && cap >= 28) {   /* the usual case, without snprintf (once a request) */
        int sec = (int)(us / TS_PER_SECOND);
        put_digits(buf, (int)y, 4);
        buf[4] = '-';
        put_digits(buf + 5, m, 2);
        buf[7] = '-';
        put_digits(buf + 8, d, 2);
        buf[10] = 'T';
        put_digits(buf + 11, sec / 3600, 2);
        buf[13] = ':';
        put_digits(buf + 14, sec / 60 % 60, 2);
        buf[16] = ':';
        put_digits(buf + 17, sec % 60, 2);
        buf[19] = '.';
        put_digits(buf + 20, (int)(us % TS_PER_SECOND), 6);
        buf[26] = 'Z';
        buf[27] = '\0';
        return 27;
    }
    int n = snprintf(buf, cap, "%04lld-%02d-%02dT%02d:%02d:%02d.%06dZ", (long long)y, m, d,
                     (int)(us / (3600 * TS_PER_SECOND)), (int)(us / (60 * TS_PER_SECOND) % 60),
                     (int)(us / TS_PER_SECOND % 60), (int)(us % TS_PER_SECOND));
    if (n < 0 || (size_t)n >= cap) {
        if (buf && cap > 0)
            buf[0] = '\0';
        return -1;
    }
    return n;
}

Date ts_date(Timestamp t)
{
    return (Date)floor_div(t, TS_PER_DAY);
}

Timestamp ts_from_date(Date d)
{
    return (Timestamp)d * TS_PER_DAY;
}
