/* tests/unit/test_tz.c — core/tz: a tenant's "today" in its IANA time zone,
 * read from the system's zoneinfo, with daylight saving time. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/tz.h"

static Timestamp T(const char *s)
{
    Timestamp t;
    cr_assert_eq(ts_parse(&t, s, strlen(s), "t", NULL), 0, "%s", s);
    return t;
}

static Date D(int y, int m, int d)
{
    return date_from_ymd(y, m, d);
}

Test(tz, today_in_india_starts_at_18_30_utc)
{
    cr_expect_eq(tz_local_date("Asia/Kolkata", T("2026-11-21T18:29:59Z")), D(2026, 11, 21));
    cr_expect_eq(tz_local_date("Asia/Kolkata", T("2026-11-21T18:30:00Z")), D(2026, 11, 22));
    int32_t off;
    cr_expect(tz_offset("Asia/Kolkata", T("2026-11-21T00:00:00Z"), &off));
    cr_expect_eq(off, 19800);
}

Test(tz, daylight_saving_time_moves_the_offset)
{
    int32_t off;
    cr_expect(tz_offset("America/New_York", T("2026-01-15T12:00:00Z"), &off));
    cr_expect_eq(off, -5 * 3600);
    cr_expect(tz_offset("America/New_York", T("2026-07-15T12:00:00Z"), &off));
    cr_expect_eq(off, -4 * 3600);
    cr_expect_eq(tz_local_date("America/New_York", T("2026-07-01T03:59:00Z")), D(2026, 6, 30));
    cr_expect_eq(tz_local_date("America/New_York", T("2026-07-01T04:00:00Z")), D(2026, 7, 1));
}

Test(tz, unknown_or_unsafe_zone_names_fall_back_to_utc)
{
    cr_expect(!tz_valid("Mars/Olympus_Mons"));
    cr_expect(!tz_valid("../../etc/passwd"));
    cr_expect(!tz_valid("/etc/passwd"));
    cr_expect(!tz_valid(""));
    cr_expect(tz_valid("UTC"));
    cr_expect(tz_valid("Europe/London"));
    cr_expect_eq(tz_local_date("Mars/Olympus_Mons", T("2026-11-21T23:00:00Z")), D(2026, 11, 21));
    cr_expect_eq(tz_local_date(NULL, T("2026-11-21T23:00:00Z")), D(2026, 11, 21));
}
