/* tests/unit/test_recon_schedule.c — domain/schedule.c: a contract's expected
 * schedule. Periods are cycles anchored on the start date (clamped, never
 * drifting), the last one cut short by the contract's end is prorated by days
 * of its own full cycle, billing dates follow the timing and due dates the
 * payment terms. Table-driven; each test is named after the rule. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/money.h"
#include "domain/recon.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static Date D(const char *s)
{
    Date d;
    cr_assert_eq(date_parse(&d, s, strlen(s), "test", NULL), 0, "bad test date %s", s);
    return d;
}

static int64_t M(const char *s)
{
    int64_t v;
    cr_assert_eq(money_parse(&v, s, strlen(s), currency_find("INR"), "amount", NULL), 0, "bad amount %s", s);
    return v;
}

static const char *S(char out[11], Date d)
{
    date_format(out, d);
    return out;
}

static ReconTerms terms(const char *start, const char *end, ReconCycle c, const char *amount)
{
    return (ReconTerms){.period = {D(start), D(end)}, .cycle = c, .timing = RT_IN_ADVANCE,
                        .period_amount = M(amount), .payment_terms = 30};
}

Test(recon_schedule, twelve_months_of_1200_from_2026_01_15_end_on_2027_01_15)
{
    ReconTerms t = terms("2026-01-15", "2027-01-15", RC_MONTHLY, "1200.00");
    ReconPeriod s[RECON_MAX_PERIODS];
    int n = 0;
    cr_assert_eq(recon_schedule(s, RECON_MAX_PERIODS, &n, &t, ROUND_HALF_UP, NULL), 0);
    cr_assert_eq(n, 12);
    char a[11], b[11];
    cr_expect_str_eq(S(a, s[0].p.start), "2026-01-15");
    cr_expect_str_eq(S(a, s[0].p.end), "2026-02-15");
    cr_expect_str_eq(S(a, s[2].p.start), "2026-03-15");
    cr_expect_str_eq(S(a, s[11].p.start), "2026-12-15");
    cr_expect_str_eq(S(b, s[11].p.end), "2027-01-15");
    int64_t total;
    cr_assert_eq(recon_schedule_total(&total, s, n, NULL), 0);
    cr_expect_eq(total, M("14400.00"));
    for (int i = 0; i < n; i++) {
        cr_expect_eq(s[i].expected, M("1200.00"), "period %d", i);
        cr_expect_not(s[i].prorated);
        cr_expect_eq(s[i].billing_date, s[i].p.start);
        cr_expect_eq(s[i].due_date, date_add_days(s[i].p.start, 30));
    }
}

Test(recon_schedule, last_partial_period_is_prorated_by_days_of_its_own_cycle)
{
    static const struct {
        const char *start, *end;
        ReconCycle cycle;
        const char *amount;
        int n;
        const char *last_start, *last_end, *last_expected;
    } rows[] = {
        /* 15 of the 30 days of [04-15, 05-15) */
        {"2026-01-15", "2026-04-30", RC_MONTHLY, "1200.00", 4, "2026-04-15", "2026-04-30", "600.00"},
        /* 14 of the 28 days of February 2026 */
        {"2026-01-01", "2026-02-15", RC_MONTHLY, "1000.00", 2, "2026-02-01", "2026-02-15", "500.00"},
        /* 1 of 31 days: 1200 / 31 = 38.709... -> 38.71 */
        {"2026-01-15", "2027-01-16", RC_MONTHLY, "1200.00", 13, "2027-01-15", "2027-01-16", "38.71"},
        /* the second quarter [2026-04-01, 2026-07-01) has 91 days, 45 used */
        {"2026-01-01", "2026-05-16", RC_QUARTERLY, "910.00", 2, "2026-04-01", "2026-05-16", "450.00"},
        /* half-yearly: [2026-07-01, 2027-01-01) has 184 days; 92 used */
        {"2026-01-01", "2026-10-01", RC_HALF_YEARLY, "1840.00", 2, "2026-07-01", "2026-10-01", "920.00"},
        /* yearly over a leap year: 2028 has 366 days, 183 used */
        {"2027-01-01", "2028-07-02", RC_YEARLY, "3660.00", 2, "2028-01-01", "2028-07-02", "1830.00"},
        /* shorter than one cycle: a single prorated period */
        {"2026-03-01", "2026-03-11", RC_MONTHLY, "3100.00", 1, "2026-03-01", "2026-03-11", "1000.00"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        ReconTerms t = terms(rows[i].start, rows[i].end, rows[i].cycle, rows[i].amount);
        ReconPeriod s[RECON_MAX_PERIODS];
        int n = 0;
        cr_assert_eq(recon_schedule(s, RECON_MAX_PERIODS, &n, &t, ROUND_HALF_UP, NULL), 0, "row %zu", i);
        cr_assert_eq(n, rows[i].n, "row %zu: %d periods", i, n);
        char a[11];
        cr_expect_str_eq(S(a, s[n - 1].p.start), rows[i].last_start, "row %zu", i);
        cr_expect_str_eq(S(a, s[n - 1].p.end), rows[i].last_end, "row %zu", i);
        cr_expect_eq(s[n - 1].expected, M(rows[i].last_expected), "row %zu: %lld", i, (long long)s[n - 1].expected);
        cr_expect(s[n - 1].prorated, "row %zu", i);
        for (int k = 0; k + 1 < n; k++)
            cr_expect_eq(s[k].expected, M(rows[i].amount), "row %zu period %d", i, k);
    }
}

Test(recon_schedule, cycles_anchored_on_the_31st_clamp_and_never_drift)
{
    ReconTerms t = terms("2026-01-31", "2026-07-31", RC_MONTHLY, "100.00");
    ReconPeriod s[RECON_MAX_PERIODS];
    int n = 0;
    cr_assert_eq(recon_schedule(s, RECON_MAX_PERIODS, &n, &t, ROUND_HALF_UP, NULL), 0);
    static const char *const starts[] = {"2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31",
                                         "2026-06-30"};
    cr_assert_eq(n, 6);
    for (int i = 0; i < n; i++) {
        char a[11];
        cr_expect_str_eq(S(a, s[i].p.start), starts[i]);
        cr_expect_eq(s[i].expected, M("100.00"), "period %d", i);
    }
}

Test(recon_schedule, one_off_is_a_single_period_for_the_whole_amount)
{
    ReconTerms t = terms("2026-02-10", "2026-08-10", RC_ONE_OFF, "5000.00");
    ReconPeriod s[4];
    int n = 0;
    cr_assert_eq(recon_schedule(s, 4, &n, &t, ROUND_HALF_UP, NULL), 0);
    cr_assert_eq(n, 1);
    cr_expect_eq(s[0].p.start, D("2026-02-10"));
    cr_expect_eq(s[0].p.end, D("2026-08-10"));
    cr_expect_eq(s[0].expected, M("5000.00"));
}

Test(recon_schedule, in_arrears_bills_at_the_period_end_and_due_follows_terms)
{
    ReconTerms t = terms("2026-01-01", "2026-03-01", RC_MONTHLY, "10.00");
    t.timing = RT_IN_ARREARS;
    t.payment_terms = 15;
    ReconPeriod s[4];
    int n = 0;
    cr_assert_eq(recon_schedule(s, 4, &n, &t, ROUND_HALF_UP, NULL), 0);
    cr_assert_eq(n, 2);
    cr_expect_eq(s[0].billing_date, D("2026-02-01"));
    cr_expect_eq(s[0].due_date, D("2026-02-16"));
    cr_expect_eq(s[1].billing_date, D("2026-03-01"));
}

Test(recon_schedule, proration_rounds_once_in_the_tenant_mode)
{
    /* 15 of April's 30 days of 0.13 = 0.065: 0.07 half-up, 0.06 half-even */
    ReconTerms t = terms("2026-04-01", "2026-04-16", RC_MONTHLY, "0.13");
    ReconPeriod s[4];
    int n = 0;
    cr_assert_eq(recon_schedule(s, 4, &n, &t, ROUND_HALF_UP, NULL), 0);
    cr_assert_eq(n, 1);
    cr_expect_eq(s[0].expected, 7);
    cr_assert_eq(recon_schedule(s, 4, &n, &t, ROUND_HALF_EVEN, NULL), 0);
    cr_expect_eq(s[0].expected, 6);
}

Test(recon_schedule, bad_contract_periods_are_refused_naming_the_field)
{
    static const struct {
        const char *start, *end;
        const char *amount;
        int cap;
        ErrCode code;
        const char *field;
    } rows[] = {
        {"2026-01-15", "2026-01-15", "1.00", 12, ERR_INVALID, "contract_end_date"},
        {"2026-01-15", "2025-01-15", "1.00", 12, ERR_INVALID, "contract_end_date"},
        {"2026-01-15", "2026-02-15", "-1.00", 12, ERR_INVALID, "period_amount"},
        {"2026-01-01", "2027-01-02", "1.00", 12, ERR_RANGE, "contract_end_date"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        ReconTerms t = terms(rows[i].start, rows[i].end, RC_MONTHLY, rows[i].amount);
        ReconPeriod s[16];
        int n = 0;
        Error e;
        cr_expect_eq(recon_schedule(s, rows[i].cap, &n, &t, ROUND_HALF_UP, &e), -(int)rows[i].code, "row %zu", i);
        cr_expect_str_eq(e.field, rows[i].field, "row %zu", i);
    }
}

Test(recon_schedule, period_of_finds_the_period_holding_a_date)
{
    ReconTerms t = terms("2026-01-15", "2027-01-15", RC_MONTHLY, "1200.00");
    ReconPeriod s[16];
    int n = 0;
    cr_assert_eq(recon_schedule(s, 16, &n, &t, ROUND_HALF_UP, NULL), 0);
    static const struct { const char *d; int idx; } rows[] = {
        {"2026-01-14", -1}, {"2026-01-15", 0}, {"2026-02-14", 0}, {"2026-02-15", 1},
        {"2026-03-20", 2},  {"2027-01-14", 11}, {"2027-01-15", -1},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_eq(recon_period_of(s, n, D(rows[i].d)), rows[i].idx, "%s", rows[i].d);
}

Test(recon_schedule, cycle_names_round_trip)
{
    for (int c = 0; c < RC__COUNT; c++) {
        ReconCycle back;
        cr_expect_eq(recon_cycle_parse(&back, recon_cycle_name((ReconCycle)c)), 0);
        cr_expect_eq(back, (ReconCycle)c);
    }
    ReconCycle x = RC_YEARLY;
    cr_expect_eq(recon_cycle_parse(&x, "weekly"), -1);
    cr_expect_eq(x, RC_YEARLY);
}
