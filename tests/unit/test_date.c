/* tests/unit/test_date.c — core/date: day numbers, strict parsing, month
 * arithmetic that clamps, half-open periods, billing cycles that never drift,
 * financial years and UTC timestamps. Table-driven: one row per case, each
 * test named after the rule it checks. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/date.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A date from a string the table writes; the string must be valid. */
static Date D(const char *s)
{
    Date d;
    Error e;
    cr_assert_eq(date_parse(&d, s, strlen(s), "test", &e), 0, "bad test date %s", s);
    return d;
}

static const char *S(char out[11], Date d)
{
    date_format(out, d);
    return out;
}

Test(date, day_numbers_count_from_1970_01_01)
{
    static const struct {
        int y, m, d;
        Date days;
        int weekday;
    } rows[] = {
        {1970, 1, 1, 0, 4},         {1969, 12, 31, -1, 3},     {1969, 12, 28, -4, 7},
        {2000, 3, 1, 11017, 3},     {2024, 1, 1, 19723, 1},    {2024, 2, 29, 19782, 4},
        {2026, 4, 1, 20544, 3},     {2026, 11, 21, 20778, 6},  {1, 1, 1, -719162, 1},
        {9999, 12, 31, 2932896, 5},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int y, m, d;
        Date days = date_from_ymd(rows[i].y, rows[i].m, rows[i].d);
        cr_expect_eq(days, rows[i].days, "%04d-%02d-%02d: %d", rows[i].y, rows[i].m, rows[i].d,
                     days);
        date_to_ymd(rows[i].days, &y, &m, &d);
        cr_expect(y == rows[i].y && m == rows[i].m && d == rows[i].d, "%d -> %d-%d-%d",
                  rows[i].days, y, m, d);
        cr_expect_eq(date_weekday(rows[i].days), rows[i].weekday, "%04d-%02d-%02d", rows[i].y,
                     rows[i].m, rows[i].d);
    }
}

Test(date, every_day_from_year_1_to_9999_round_trips)
{
    Date first = date_from_ymd(1, 1, 1), last = date_from_ymd(9999, 12, 31);
    int py = 0, pm = 12, pd = 31, pw = date_weekday(first - 1);
    for (Date x = first; x <= last; x++) {
        int y, m, d;
        date_to_ymd(x, &y, &m, &d);
        if (!date_valid_ymd(y, m, d) || date_from_ymd(y, m, d) != x)
            cr_assert_fail("day %d -> %d-%d-%d does not round trip", x, y, m, d);
        /* consecutive: the next day of the previous one */
        bool next = (d == pd + 1 && m == pm && y == py) ||
                    (d == 1 && pd == date_days_in_month(py, pm) &&
                     ((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1)));
        if (!next)
            cr_assert_fail("%d-%d-%d does not follow %d-%d-%d", y, m, d, py, pm, pd);
        int w = date_weekday(x);
        if (w != pw % 7 + 1)
            cr_assert_fail("weekday of %d-%d-%d is %d after %d", y, m, d, w, pw);
        py = y, pm = m, pd = d, pw = w;
    }
}

Test(date, leap_years_follow_the_gregorian_rule)
{
    static const struct {
        int y;
        bool leap;
    } rows[] = {
        {1900, false}, {2000, true}, {2023, false}, {2024, true}, {2100, false},
        {2400, true},  {1, false},   {4, true},     {9996, true}, {9999, false},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_eq(date_is_leap(rows[i].y), rows[i].leap, "%d", rows[i].y);
}

Test(date, days_in_month_include_30_day_months_and_february)
{
    static const struct {
        int y, m, days;
    } rows[] = {
        {2024, 1, 31}, {2024, 2, 29}, {2023, 2, 28}, {1900, 2, 28}, {2000, 2, 29},
        {2024, 4, 30}, {2024, 6, 30}, {2024, 9, 30}, {2024, 11, 30}, {2024, 12, 31},
        {2024, 0, 0},  {2024, 13, 0},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_eq(date_days_in_month(rows[i].y, rows[i].m), rows[i].days, "%d-%d", rows[i].y,
                     rows[i].m);
}

Test(date, parse_accepts_real_calendar_dates)
{
    static const char *rows[] = {"2024-02-29", "1970-01-01", "0001-01-01", "9999-12-31",
                                 "2024-12-31", "2025-01-01", "2024-04-30", "2000-02-29"};
    for (size_t i = 0; i < N(rows); i++) {
        Date d = 0;
        char out[11];
        cr_expect_eq(date_parse(&d, rows[i], 10, "due_date", NULL), 0, "%s", rows[i]);
        cr_expect_str_eq(S(out, d), rows[i]);
    }
}

Test(date, parse_rejects_invalid_dates_and_sloppy_formats)
{
    static const char *rows[] = {
        "2023-02-29", "2024-13-01", "2024-1-01",   "2024-01-01x", "2024-00-10", "2024-01-00",
        "2024-04-31", "1900-02-29", "0000-01-01",  "",            "2024/01/01", " 2024-01-01",
        "2024-01-1 ", "+024-01-01", "20240101",    "2024-01-01T00:00:00Z",    "2024-01-32",
        "-2024-01-01", "2024-01-0a", "24-01-01",   "2024-001-01", "2024-01-01 ",
    };
    for (size_t i = 0; i < N(rows); i++) {
        Date d = 42;
        Error e;
        cr_expect_eq(date_parse(&d, rows[i], strlen(rows[i]), "due_date", &e), -ERR_INVALID,
                     "\"%s\"", rows[i]);
        cr_expect_str_eq(e.message, "due_date is not a valid date", "\"%s\"", rows[i]);
        cr_expect_str_eq(e.field, "due_date");
        cr_expect_eq(d, 42, "\"%s\": written on failure", rows[i]);
    }
    cr_expect_eq(date_parse(&(Date){0}, NULL, 10, NULL, NULL), -ERR_INVALID);
    /* len is authoritative: the first 10 bytes of a longer buffer are a date */
    cr_expect_eq(date_parse(&(Date){0}, "2024-01-01x", 10, NULL, NULL), 0);
}

Test(date, format_writes_iso_dates_and_a_sentinel_outside_1_to_9999)
{
    char out[11];
    cr_expect_str_eq(S(out, 0), "1970-01-01");
    cr_expect_str_eq(S(out, -1), "1969-12-31");
    cr_expect_str_eq(S(out, date_from_ymd(1, 1, 1)), "0001-01-01");
    cr_expect_str_eq(S(out, date_from_ymd(9999, 12, 31)), "9999-12-31");
    cr_expect_str_eq(S(out, date_from_ymd(1, 1, 1) - 1), "0000-00-00");
    cr_expect_str_eq(S(out, date_from_ymd(9999, 12, 31) + 1), "0000-00-00");
}

Test(date, add_months_clamps_the_day_to_the_target_month)
{
    static const struct {
        const char *from;
        int n;
        const char *to;
    } rows[] = {
        {"2024-01-31", 1, "2024-02-29"},
        {"2023-01-31", 1, "2023-02-28"},
        {"2024-03-31", -1, "2024-02-29"},
        {"2024-01-31", 2, "2024-03-31"},
        {"2024-05-31", 1, "2024-06-30"},
        {"2024-12-15", 1, "2025-01-15"},
        {"2025-01-15", -1, "2024-12-15"},
        {"2024-02-29", 12, "2025-02-28"},
        {"2024-02-29", 48, "2028-02-29"},
        {"2024-08-31", -6, "2024-02-29"},
        {"2024-01-31", -13, "2022-12-31"},
        {"2024-03-15", 0, "2024-03-15"},
        {"2024-11-30", 3, "2025-02-28"},
        {"1970-01-31", -1, "1969-12-31"},
        {"0001-01-31", 1, "0001-02-28"},
        {"9999-11-30", 1, "9999-12-30"},
        {"2000-01-01", 12 * 7999, "9999-01-01"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char out[11];
        cr_expect_str_eq(S(out, date_add_months(D(rows[i].from), rows[i].n)), rows[i].to,
                         "%s %+d months", rows[i].from, rows[i].n);
    }
}

Test(date, add_days_crosses_month_and_year_boundaries)
{
    static const struct {
        const char *from;
        int n;
        const char *to;
    } rows[] = {
        {"2023-12-31", 1, "2024-01-01"}, {"2024-01-01", -1, "2023-12-31"},
        {"2024-02-28", 1, "2024-02-29"}, {"2024-02-29", 1, "2024-03-01"},
        {"2023-02-28", 1, "2023-03-01"}, {"2024-01-01", 366, "2025-01-01"},
        {"1970-01-01", -1, "1969-12-31"}, {"9999-12-30", 1, "9999-12-31"},
        {"0001-01-02", -1, "0001-01-01"}, {"2024-03-10", 0, "2024-03-10"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char out[11];
        cr_expect_str_eq(S(out, date_add_days(D(rows[i].from), rows[i].n)), rows[i].to,
                         "%s %+d days", rows[i].from, rows[i].n);
        cr_expect_eq(date_diff_days(D(rows[i].from), D(rows[i].to)), rows[i].n);
    }
}

Test(date, start_and_end_of_month_are_inclusive_days)
{
    static const struct {
        const char *d, *start, *end;
    } rows[] = {
        {"2024-02-15", "2024-02-01", "2024-02-29"}, {"2023-02-01", "2023-02-01", "2023-02-28"},
        {"2024-04-30", "2024-04-01", "2024-04-30"}, {"2024-12-31", "2024-12-01", "2024-12-31"},
        {"1969-12-05", "1969-12-01", "1969-12-31"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char out[11];
        cr_expect_str_eq(S(out, date_start_of_month(D(rows[i].d))), rows[i].start);
        cr_expect_str_eq(S(out, date_end_of_month(D(rows[i].d))), rows[i].end);
    }
}

Test(date, period_days_count_a_half_open_range)
{
    static const struct {
        const char *start, *end;
        int days;
    } rows[] = {
        {"2024-02-01", "2024-03-01", 29}, {"2023-02-01", "2023-03-01", 28},
        {"2024-04-01", "2024-05-01", 30}, {"2024-01-01", "2024-02-01", 31},
        {"2024-01-01", "2025-01-01", 366}, {"2023-01-01", "2024-01-01", 365},
        {"2024-12-31", "2025-01-01", 1},  {"2024-03-01", "2024-03-01", 0},
        {"2024-03-02", "2024-03-01", 0},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Period p = {D(rows[i].start), D(rows[i].end)};
        cr_expect_eq(period_days(p), rows[i].days, "[%s, %s)", rows[i].start, rows[i].end);
        cr_expect_eq(period_is_empty(p), rows[i].days == 0);
    }
}

Test(date, periods_are_half_open_for_contains_intersect_and_overlap)
{
    static const struct {
        const char *a0, *a1, *b0, *b1, *i0, *i1;
        bool overlaps;
    } rows[] = {
        {"2024-01-01", "2024-02-01", "2024-01-15", "2024-03-01", "2024-01-15", "2024-02-01", true},
        {"2024-01-01", "2024-02-01", "2024-02-01", "2024-03-01", "2024-02-01", "2024-02-01", false},
        {"2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-03-01", "2024-03-01", false},
        {"2024-01-01", "2024-12-31", "2024-06-01", "2024-06-02", "2024-06-01", "2024-06-02", true},
        {"2024-01-01", "2024-01-01", "2023-01-01", "2025-01-01", "2024-01-01", "2024-01-01", false},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Period a = {D(rows[i].a0), D(rows[i].a1)}, b = {D(rows[i].b0), D(rows[i].b1)};
        for (int swap = 0; swap < 2; swap++) {
            Period r = swap ? period_intersect(b, a) : period_intersect(a, b);
            cr_expect(r.start == D(rows[i].i0) && r.end == D(rows[i].i1), "row %zu", i);
            cr_expect_eq(swap ? period_overlaps(b, a) : period_overlaps(a, b), rows[i].overlaps,
                         "row %zu", i);
        }
    }
    Period feb = {D("2024-02-01"), D("2024-03-01")};
    cr_expect(period_contains(feb, D("2024-02-01")));
    cr_expect(period_contains(feb, D("2024-02-29")));
    cr_expect(!period_contains(feb, D("2024-03-01")));
    cr_expect(!period_contains(feb, D("2024-01-31")));
    cr_expect(!period_contains((Period){D("2024-02-01"), D("2024-02-01")}, D("2024-02-01")));
}

Test(date, frequency_names_parse_exactly)
{
    static const struct {
        const char *name;
        Frequency f;
    } rows[] = {
        {"weekly", FREQ_WEEKLY},       {"bi-weekly", FREQ_BIWEEKLY},
        {"monthly", FREQ_MONTHLY},     {"quarterly", FREQ_QUARTERLY},
        {"semi-annually", FREQ_SEMIANNUAL}, {"annually", FREQ_ANNUAL},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Frequency f = (Frequency)-1;
        cr_expect_eq(frequency_parse(&f, rows[i].name), 0, "%s", rows[i].name);
        cr_expect_eq(f, rows[i].f);
        cr_expect_str_eq(frequency_name(rows[i].f), rows[i].name);
    }
    static const char *bad[] = {"Monthly", "biweekly", "", "yearly", "monthly ", "semiannual"};
    for (size_t i = 0; i < N(bad); i++) {
        Frequency f = FREQ_ANNUAL;
        cr_expect_eq(frequency_parse(&f, bad[i]), -1, "\"%s\"", bad[i]);
        cr_expect_eq(f, FREQ_ANNUAL);
    }
    cr_expect_eq(frequency_parse(&(Frequency){0}, NULL), -1);
    cr_expect_null(frequency_name((Frequency)6));
    cr_expect_null(frequency_name((Frequency)-1));
}

Test(date, cycle_nth_anchored_on_the_31st_does_not_drift)
{
    static const struct {
        const char *anchor;
        Frequency f;
        int n;
        const char *start, *end;
    } rows[] = {
        {"2024-01-31", FREQ_MONTHLY, 0, "2024-01-31", "2024-02-29"},
        {"2024-01-31", FREQ_MONTHLY, 1, "2024-02-29", "2024-03-31"},
        {"2024-01-31", FREQ_MONTHLY, 2, "2024-03-31", "2024-04-30"},
        {"2024-01-31", FREQ_MONTHLY, 3, "2024-04-30", "2024-05-31"},
        {"2024-01-31", FREQ_MONTHLY, 12, "2025-01-31", "2025-02-28"},
        {"2024-01-31", FREQ_MONTHLY, 13, "2025-02-28", "2025-03-31"},
        {"2024-01-01", FREQ_MONTHLY, 1, "2024-02-01", "2024-03-01"},
        {"2024-01-30", FREQ_MONTHLY, 1, "2024-02-29", "2024-03-30"},
        {"2024-11-30", FREQ_QUARTERLY, 0, "2024-11-30", "2025-02-28"},
        {"2024-11-30", FREQ_QUARTERLY, 1, "2025-02-28", "2025-05-30"},
        {"2024-01-01", FREQ_QUARTERLY, 3, "2024-10-01", "2025-01-01"},
        {"2024-08-31", FREQ_SEMIANNUAL, 0, "2024-08-31", "2025-02-28"},
        {"2024-08-31", FREQ_SEMIANNUAL, 1, "2025-02-28", "2025-08-31"},
        {"2024-02-29", FREQ_ANNUAL, 0, "2024-02-29", "2025-02-28"},
        {"2024-02-29", FREQ_ANNUAL, 1, "2025-02-28", "2026-02-28"},
        {"2024-02-29", FREQ_ANNUAL, 4, "2028-02-29", "2029-02-28"},
        {"2026-04-01", FREQ_ANNUAL, 0, "2026-04-01", "2027-04-01"},
        {"2024-12-30", FREQ_WEEKLY, 0, "2024-12-30", "2025-01-06"},
        {"2024-12-30", FREQ_WEEKLY, 1, "2025-01-06", "2025-01-13"},
        {"2024-12-30", FREQ_BIWEEKLY, 1, "2025-01-13", "2025-01-27"},
        {"2024-02-22", FREQ_BIWEEKLY, 0, "2024-02-22", "2024-03-07"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char s[11], e[11];
        Period p = cycle_nth(D(rows[i].anchor), rows[i].f, rows[i].n);
        S(s, p.start);
        S(e, p.end);
        cr_expect(strcmp(s, rows[i].start) == 0 && strcmp(e, rows[i].end) == 0,
                  "%s %s #%d: [%s, %s), want [%s, %s)", frequency_name(rows[i].f), rows[i].anchor,
                  rows[i].n, s, e, rows[i].start, rows[i].end);
    }
}

Test(date, cycle_containing_finds_the_one_cycle_that_holds_the_date)
{
    static const struct {
        const char *anchor;
        Frequency f;
        const char *d, *start, *end;
    } rows[] = {
        {"2024-01-31", FREQ_MONTHLY, "2024-03-30", "2024-02-29", "2024-03-31"},
        {"2024-01-31", FREQ_MONTHLY, "2024-03-31", "2024-03-31", "2024-04-30"},
        {"2024-01-31", FREQ_MONTHLY, "2024-01-31", "2024-01-31", "2024-02-29"},
        {"2024-01-15", FREQ_MONTHLY, "2024-03-14", "2024-02-15", "2024-03-15"},
        {"2024-01-15", FREQ_QUARTERLY, "2025-01-14", "2024-10-15", "2025-01-15"},
        {"2024-01-15", FREQ_ANNUAL, "2030-06-01", "2030-01-15", "2031-01-15"},
        {"2024-12-30", FREQ_WEEKLY, "2025-01-12", "2025-01-06", "2025-01-13"},
        {"2024-12-30", FREQ_BIWEEKLY, "2025-01-12", "2024-12-30", "2025-01-13"},
        /* before the anchor: the cycle before it */
        {"2024-03-31", FREQ_MONTHLY, "2024-03-01", "2024-02-29", "2024-03-31"},
        {"2024-12-30", FREQ_WEEKLY, "2024-12-29", "2024-12-23", "2024-12-30"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char s[11], e[11];
        Period p = cycle_containing(D(rows[i].anchor), rows[i].f, D(rows[i].d));
        S(s, p.start);
        S(e, p.end);
        cr_expect(strcmp(s, rows[i].start) == 0 && strcmp(e, rows[i].end) == 0,
                  "%s %s holding %s: [%s, %s)", frequency_name(rows[i].f), rows[i].anchor,
                  rows[i].d, s, e);
    }
}

Test(date, cycles_tile_time_without_gaps_or_overlaps)
{
    /* For anchors on every day of 2023-2024 and every frequency: consecutive
     * cycles are contiguous and non-empty, and cycle_containing agrees with
     * cycle_nth for every day of the first cycles. */
    for (Date a = D("2023-01-01"); a <= D("2024-12-31"); a += 3) {
        for (int f = FREQ_WEEKLY; f <= FREQ_ANNUAL; f++) {
            Period prev = cycle_nth(a, (Frequency)f, 0);
            cr_assert_eq(prev.start, a);
            for (int n = 1; n < 30; n++) {
                Period p = cycle_nth(a, (Frequency)f, n);
                if (p.start != prev.end || period_is_empty(p) || period_days(p) > 366)
                    cr_assert_fail("anchor %d frequency %d cycle %d", a, f, n);
                if (n < 6)
                    for (Date d = p.start; d < p.end; d++) {
                        Period c = cycle_containing(a, (Frequency)f, d);
                        if (c.start != p.start || c.end != p.end)
                            cr_assert_fail("anchor %d frequency %d day %d", a, f, d);
                    }
                prev = p;
            }
        }
    }
}

Test(date, financial_year_starts_in_the_configured_month)
{
    static const struct {
        const char *d;
        int start_month, year;
        const char *label;
    } rows[] = {
        {"2026-05-01", 4, 2026, "2026-27"}, {"2026-02-01", 4, 2025, "2025-26"},
        {"2026-04-01", 4, 2026, "2026-27"}, {"2026-03-31", 4, 2025, "2025-26"},
        {"2026-01-01", 1, 2026, "2026-27"}, {"2026-12-31", 1, 2026, "2026-27"},
        {"2026-06-30", 7, 2025, "2025-26"}, {"2026-07-01", 7, 2026, "2026-27"},
        {"1999-12-31", 4, 1999, "1999-00"}, {"2100-01-01", 4, 2099, "2099-00"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char label[8];
        int y = fy_start_year(D(rows[i].d), rows[i].start_month);
        cr_expect_eq(y, rows[i].year, "%s (FY from month %d)", rows[i].d, rows[i].start_month);
        fy_label(label, y);
        cr_expect_str_eq(label, rows[i].label);
    }
    char label[8];
    fy_label(label, 9999);
    cr_expect_str_eq(label, "9999-00");
    fy_label(label, 0);
    cr_expect_str_eq(label, "0000-00");
    fy_label(label, 10000);
    cr_expect_str_eq(label, "0000-00");
}

Test(date, timestamps_parse_rfc3339_and_convert_offsets_to_utc)
{
    static const struct {
        const char *in, *utc;
    } rows[] = {
        {"2026-11-21T10:00:00Z", "2026-11-21T10:00:00.000000Z"},
        {"2026-11-21 10:00:00Z", "2026-11-21T10:00:00.000000Z"},
        {"2026-11-21T10:00:00.5Z", "2026-11-21T10:00:00.500000Z"},
        {"2026-11-21T10:00:00.123456Z", "2026-11-21T10:00:00.123456Z"},
        {"2026-11-21T10:00:00.000001Z", "2026-11-21T10:00:00.000001Z"},
        {"2026-11-21T15:30:00+05:30", "2026-11-21T10:00:00.000000Z"},
        {"2026-01-01T01:00:00+02:00", "2025-12-31T23:00:00.000000Z"},
        {"2025-12-31T20:00:00-08:00", "2026-01-01T04:00:00.000000Z"},
        {"2024-02-28T23:30:00-01:00", "2024-02-29T00:30:00.000000Z"},
        {"2026-11-21T10:00:00.25-00:00", "2026-11-21T10:00:00.250000Z"},
        {"1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000000Z"},
        {"1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z"},
        {"0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z"},
        {"9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z"},
        {"0001-01-01T05:00:00+05:00", "0001-01-01T00:00:00.000000Z"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Timestamp t;
        Error e;
        char buf[TS_FORMAT_MAX];
        int rc = ts_parse(&t, rows[i].in, strlen(rows[i].in), "paid_at", &e);
        cr_expect_eq(rc, 0, "%s: %s", rows[i].in, e.message);
        if (rc == 0) {
            cr_expect_eq(ts_format(buf, sizeof buf, t), 27);
            cr_expect_str_eq(buf, rows[i].utc, "%s", rows[i].in);
        }
    }
    Timestamp t;
    cr_assert_eq(ts_parse(&t, "1969-12-31T23:59:59.999999Z", 27, NULL, NULL), 0);
    cr_expect_eq(t, -1);
    cr_assert_eq(ts_parse(&t, "1970-01-02T00:00:00.000001Z", 27, NULL, NULL), 0);
    cr_expect_eq(t, TS_PER_DAY + 1);
}

Test(date, timestamps_reject_malformed_input)
{
    static const struct {
        const char *in;
        int rc;
    } rows[] = {
        {"2026-11-21T10:00:00", -ERR_INVALID},
        {"2026-11-21T10:00Z", -ERR_INVALID},
        {"2026-11-21T24:00:00Z", -ERR_INVALID},
        {"2026-11-21T10:60:00Z", -ERR_INVALID},
        {"2026-11-21T10:00:60Z", -ERR_INVALID},
        {"2026-11-21T10:00:00.Z", -ERR_INVALID},
        {"2026-11-21T10:00:00+5:30", -ERR_INVALID},
        {"2026-11-21T10:00:00+05:30x", -ERR_INVALID},
        {"2026-11-21T10:00:00+0530", -ERR_INVALID},
        {"2026-11-21T10:00:00+24:00", -ERR_INVALID},
        {"2026-11-21T10:00:00+05:60", -ERR_INVALID},
        {"2026-11-21t10:00:00z", -ERR_INVALID},
        {"2026-11-21_10:00:00Z", -ERR_INVALID},
        {"2026-02-30T10:00:00Z", -ERR_INVALID},
        {"2026-11-21", -ERR_INVALID},
        {"", -ERR_INVALID},
        {"2026-11-21T10:00:00ZZ", -ERR_INVALID},
        {"2026-11-21T1:00:00Z", -ERR_INVALID},
        {"2026-11-21T10:00:00.1234567Z", -ERR_PRECISION},
        {"2026-11-21T10:00:00.1234567x", -ERR_INVALID},
        {"0001-01-01T00:00:00+00:01", -ERR_RANGE},
        {"9999-12-31T23:59:59-00:01", -ERR_RANGE},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Timestamp t = 42;
        Error e;
        int rc = ts_parse(&t, rows[i].in, strlen(rows[i].in), "paid_at", &e);
        cr_expect_eq(rc, rows[i].rc, "\"%s\": rc %d", rows[i].in, rc);
        cr_expect_str_eq(e.field, "paid_at");
        cr_expect_eq(t, 42);
        if (rows[i].rc == -ERR_INVALID)
            cr_expect_str_eq(e.message, "paid_at is not a valid timestamp");
    }
    cr_expect_eq(ts_parse(&(Timestamp){0}, NULL, 20, NULL, NULL), -ERR_INVALID);
}

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

Test(date, timestamps_round_trip_through_text)
{
    const Timestamp lo = ts_from_date(date_from_ymd(1, 1, 1));
    const Timestamp hi = ts_from_date(date_from_ymd(9999, 12, 31) + 1);
    uint64_t seed = 7;
    for (int i = 0; i < 20000; i++) {
        Timestamp t = lo + (Timestamp)(next(&seed) % (uint64_t)(hi - lo)), back = 0;
        char buf[TS_FORMAT_MAX];
        cr_assert_eq(ts_format(buf, sizeof buf, t), 27);
        cr_assert_eq(ts_parse(&back, buf, 27, NULL, NULL), 0, "%s", buf);
        cr_assert_eq(back, t, "%s", buf);
        cr_assert_eq(ts_date(t), (Date)((t - lo) / TS_PER_DAY) + date_from_ymd(1, 1, 1));
    }
}

Test(date, timestamps_map_to_utc_civil_dates)
{
    char out[11], buf[TS_FORMAT_MAX];
    cr_expect_str_eq(S(out, ts_date(-1)), "1969-12-31");
    cr_expect_str_eq(S(out, ts_date(0)), "1970-01-01");
    cr_expect_str_eq(S(out, ts_date(TS_PER_DAY - 1)), "1970-01-01");
    cr_expect_str_eq(S(out, ts_date(TS_PER_DAY)), "1970-01-02");
    cr_expect_eq(ts_from_date(D("2026-11-21")), (Timestamp)20778 * TS_PER_DAY);
    cr_expect_eq(ts_date(ts_from_date(D("0001-01-01"))), D("0001-01-01"));
    cr_expect_eq(ts_format(buf, sizeof buf, ts_from_date(D("1969-12-31"))), 27);
    cr_expect_str_eq(buf, "1969-12-31T00:00:00.000000Z");
    cr_expect_eq(ts_format(buf, 27, 0), -1);
    cr_expect_str_eq(buf, "");
}
