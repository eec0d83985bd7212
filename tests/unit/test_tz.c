/* tests/unit/test_tz.c — "today" in the tenant's time zone (core/tz.c). */
#include <criterion/criterion.h>

#include "core/tz.h"

static Timestamp at(const char *s)
{
    Timestamp t;
    cr_assert_eq(ts_parse(&t, s, strlen(s), "t", NULL), 0, "%s", s);
    return t;
}

static Date day(const char *s)
{
    Date d;
    cr_assert_eq(date_parse(&d, s, strlen(s), "d", NULL), 0);
    return d;
}

Test(tz, today_is_the_tenants_local_date)
{
    static const struct { const char *zone, *instant, *date; } rows[] = {
        {"Asia/Kolkata", "2026-03-31T18:29:59Z", "2026-03-31"},
        {"Asia/Kolkata", "2026-03-31T18:30:00Z", "2026-04-01"},
        {"UTC", "2026-03-31T23:59:59Z", "2026-03-31"},
        {"America/New_York", "2026-11-02T03:30:00Z", "2026-11-01"},   /* EST after the DST change */
        {"America/New_York", "2026-07-01T03:30:00Z", "2026-06-30"},   /* EDT */
        {"Pacific/Kiritimati", "2026-12-31T10:00:00Z", "2027-01-01"}, /* UTC+14 */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        Date d;
        cr_assert_eq(tz_date(&d, rows[i].zone, at(rows[i].instant)), 0, "%s", rows[i].zone);
        char out[11];
        date_format(out, d);
        cr_assert_str_eq(out, rows[i].date, "%s at %s", rows[i].zone, rows[i].instant);
    }
}

Test(tz, midnight_of_a_local_date_is_the_right_instant)
{
    Timestamp t;
    cr_assert_eq(tz_midnight(&t, "Asia/Kolkata", day("2026-04-01")), 0);
    cr_assert_eq(t, at("2026-03-31T18:30:00Z"));
    cr_assert_eq(tz_midnight(&t, "UTC", day("2024-02-29")), 0);
    cr_assert_eq(t, at("2024-02-29T00:00:00Z"));
}

Test(tz, unknown_zones_are_refused_and_fall_back_to_utc)
{
    cr_assert(tz_valid("Asia/Kolkata"));
    cr_assert(tz_valid("UTC"));
    cr_assert_not(tz_valid("Mars/Olympus_Mons"));
    cr_assert_not(tz_valid(""));
    Date d;
    cr_assert_eq(tz_date(&d, "Mars/Olympus_Mons", at("2026-03-31T23:00:00Z")), -1);
    char out[11];
    date_format(out, d);
    cr_assert_str_eq(out, "2026-03-31");
}
