/* tests/unit/test_recon_match.c — domain/match.c: billing records matched
 * against a contract's schedule. The acceptance contract (1,200.00 monthly for
 * twelve months from 2026-01-15, 2% tolerance) and one test per rule:
 * placement, tolerance, partial, duplicate, missing, over budget, tax, due
 * date, outside the period. */
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

static Dec P(const char *s)
{
    Dec d;
    cr_assert_eq(dec_parse(&d, s, strlen(s), 6, "pct", NULL), 0);
    return d;
}

typedef struct Fixture {
    ReconContract c;
    ReconPeriod s[RECON_MAX_PERIODS];
    int n;
    ReconRules rules;
} Fixture;

/* The acceptance contract: 1,200.00 monthly, 2026-01-15 .. 2027-01-15, 30 days terms, budget 14,400.00. */
static void acceptance(Fixture *f, const char *today)
{
    memset(f, 0, sizeof *f);
    f->c.terms = (ReconTerms){.period = {D("2026-01-15"), D("2027-01-15")}, .cycle = RC_MONTHLY,
                              .timing = RT_IN_ADVANCE, .period_amount = M("1200.00"), .payment_terms = 30};
    f->c.has_budget = true;
    f->c.contract_amount = M("14400.00");
    f->c.expects_billing = true;
    cr_assert_eq(recon_schedule(f->s, RECON_MAX_PERIODS, &f->n, &f->c.terms, ROUND_HALF_UP, NULL), 0);
    f->rules = (ReconRules){.tolerance_percent = P("2"), .rounding = ROUND_HALF_UP, .today = D(today)};
}

static ReconRecord rec(const char *date, const char *amount)
{
    return (ReconRecord){.billing_date = D(date), .billing_amount = M(amount)};
}

static bool has(const ReconResult *r, ReconKind k)
{
    for (int i = 0; i < r->nissues; i++)
        if (r->issues[i].kind == k)
            return true;
    return false;
}

static void run(Fixture *f, const ReconRecord *recs, int n, ReconResult *res, int *missing, int *nmissing)
{
    Error e;
    cr_assert_eq(recon_match(res, missing, nmissing, &f->c, f->s, f->n, recs, n, &f->rules, &e), 0, "%s", e.message);
}

Test(recon_match, march_billed_1250_with_2pct_tolerance_is_mismatched_by_50)
{
    Fixture f;
    acceptance(&f, "2026-04-01");
    ReconRecord recs[] = {rec("2026-01-15", "1200.00"), rec("2026-02-15", "1200.00"), rec("2026-03-15", "1250.00")};
    ReconResult res[3];
    int missing[RECON_MAX_PERIODS], nm;
    run(&f, recs, 3, res, missing, &nm);
    cr_expect_eq(res[0].status, RS_MATCHED);
    cr_expect_eq(res[1].status, RS_MATCHED);
    cr_expect_eq(res[2].status, RS_MISMATCHED);
    cr_expect_eq(res[2].period, 2);
    cr_expect_eq(res[2].expected, M("1200.00"));
    cr_expect_eq(res[2].difference, M("50.00"));
    cr_assert_eq(res[2].nissues, 1);
    cr_expect_eq(res[2].issues[0].kind, RK_AMOUNT);
    cr_expect_eq(res[2].issues[0].tolerance, M("24.00"));
    cr_expect_eq(nm, 0);
}

Test(recon_match, amounts_within_the_tolerance_match)
{
    static const struct {
        const char *pct, *abs, *billed;
        ReconStatus status;
    } rows[] = {
        {"2", "0.00", "1224.00", RS_MATCHED},   {"2", "0.00", "1224.01", RS_MISMATCHED},
        {"2", "0.00", "1176.00", RS_MATCHED},   {"2", "0.00", "1175.99", RS_PARTIAL},
        {"0", "0.00", "1200.01", RS_MISMATCHED}, {"0", "50.00", "1250.00", RS_MATCHED},
        {"1", "30.00", "1230.00", RS_MATCHED},  {"3", "30.00", "1236.00", RS_MATCHED},
        {"3", "30.00", "1236.01", RS_MISMATCHED},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fixture f;
        acceptance(&f, "2026-01-20");
        f.rules.tolerance_percent = P(rows[i].pct);
        f.rules.tolerance_amount = M(rows[i].abs);
        ReconRecord r = rec("2026-01-15", rows[i].billed);
        ReconResult res;
        int missing[RECON_MAX_PERIODS], nm;
        run(&f, &r, 1, &res, missing, &nm);
        cr_expect_eq(res.status, rows[i].status, "row %zu: status %s", i, recon_status_name(res.status));
        cr_expect_eq(res.difference, M(rows[i].billed) - M("1200.00"), "row %zu", i);
    }
}

Test(recon_match, the_same_period_billed_twice_is_a_duplicate)
{
    Fixture f;
    acceptance(&f, "2026-04-01");
    ReconRecord recs[] = {rec("2026-03-15", "1250.00"), rec("2026-03-20", "1250.00")};
    ReconResult res[2];
    int missing[RECON_MAX_PERIODS], nm;
    run(&f, recs, 2, res, missing, &nm);
    cr_expect_eq(res[0].status, RS_MISMATCHED);
    cr_expect(has(&res[0], RK_AMOUNT));
    cr_expect_eq(res[1].status, RS_MISMATCHED);
    cr_assert(has(&res[1], RK_DUPLICATE));
    cr_expect_eq(res[1].issues[0].first, 0);
    cr_expect_eq(res[1].expected, 0);
    cr_expect_eq(res[1].difference, M("1250.00"));
}

Test(recon_match, a_period_billed_in_parts_is_partial_until_complete)
{
    Fixture f;
    acceptance(&f, "2026-02-01");
    ReconRecord recs[] = {rec("2026-01-15", "700.00"), rec("2026-01-20", "500.00"), rec("2026-01-25", "1200.00")};
    ReconResult res[3];
    int missing[RECON_MAX_PERIODS], nm;
    run(&f, recs, 3, res, missing, &nm);
    cr_expect_eq(res[0].status, RS_PARTIAL);
    cr_expect_eq(res[0].difference, M("-500.00"));
    cr_expect_eq(res[1].status, RS_MATCHED);
    cr_expect_eq(res[1].expected, M("500.00"));
    cr_expect_eq(res[2].status, RS_MISMATCHED);
    cr_expect(has(&res[2], RK_DUPLICATE));
}

Test(recon_match, a_period_unbilled_after_its_due_date_is_missing)
{
    /* April's period [04-15, 05-15) is due 30 days after 04-15: 2026-05-15. */
    static const struct { const char *today; int nmissing; } rows[] = {
        {"2026-05-15", 0}, {"2026-05-16", 1}, {"2026-06-20", 2},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fixture f;
        acceptance(&f, rows[i].today);
        ReconRecord recs[] = {rec("2026-01-15", "1200.00"), rec("2026-02-15", "1200.00"),
                              rec("2026-03-15", "1250.00")};
        ReconResult res[3];
        int missing[RECON_MAX_PERIODS], nm;
        run(&f, recs, 3, res, missing, &nm);
        cr_expect_eq(nm, rows[i].nmissing, "today %s: %d missing", rows[i].today, nm);
        if (nm > 0)
            cr_expect_eq(missing[0], 3, "April is period 3");
    }
}

Test(recon_match, contracts_that_expect_no_billing_have_no_missing_periods)
{
    Fixture f;
    acceptance(&f, "2027-06-01");
    f.c.expects_billing = false;
    ReconResult res[1];
    int missing[RECON_MAX_PERIODS], nm = -1;
    run(&f, NULL, 0, res, missing, &nm);
    cr_expect_eq(nm, 0);
    f.c.expects_billing = true;
    run(&f, NULL, 0, res, missing, &nm);
    cr_expect_eq(nm, 12);
}

Test(recon_match, a_running_total_above_the_contract_amount_is_over_budget)
{
    Fixture f;
    acceptance(&f, "2027-02-01");
    ReconRecord recs[13];
    ReconResult res[13];
    for (int i = 0; i < 12; i++) {
        recs[i] = rec("2026-01-15", "1200.00");
        recs[i].billing_date = f.s[i].p.start;
    }
    recs[12] = rec("2026-12-20", "0.01");   /* 14,400.01 in total */
    int missing[RECON_MAX_PERIODS], nm;
    run(&f, recs, 12, res, missing, &nm);
    for (int i = 0; i < 12; i++)
        cr_expect_eq(res[i].status, RS_MATCHED, "record %d", i);
    run(&f, recs, 13, res, missing, &nm);
    cr_expect_eq(res[11].status, RS_MATCHED);
    cr_expect_eq(res[12].status, RS_MISMATCHED);
    cr_assert(has(&res[12], RK_OVER_BUDGET));
    const ReconIssue *is = &res[12].issues[res[12].nissues - 1];
    cr_expect_eq(is->expected, M("14400.00"));
    cr_expect_eq(is->actual, M("14400.01"));
}

Test(recon_match, billing_outside_the_contract_period_is_unmatched)
{
    static const struct { const char *date; ReconTiming timing; ReconStatus status; int period; } rows[] = {
        {"2026-01-14", RT_IN_ADVANCE, RS_UNMATCHED, -1}, {"2027-01-15", RT_IN_ADVANCE, RS_UNMATCHED, -1},
        {"2027-01-14", RT_IN_ADVANCE, RS_MATCHED, 11},   {"2026-02-14", RT_IN_ARREARS, RS_UNMATCHED, -1},
        {"2026-02-15", RT_IN_ARREARS, RS_MATCHED, 0},    {"2026-03-10", RT_IN_ARREARS, RS_MATCHED, 0},
        {"2027-01-20", RT_IN_ARREARS, RS_MATCHED, 11},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fixture f;
        acceptance(&f, "2026-01-01");
        f.c.terms.timing = rows[i].timing;
        cr_assert_eq(recon_schedule(f.s, RECON_MAX_PERIODS, &f.n, &f.c.terms, ROUND_HALF_UP, NULL), 0);
        ReconRecord r = rec(rows[i].date, "1200.00");
        ReconResult res;
        int missing[RECON_MAX_PERIODS], nm;
        run(&f, &r, 1, &res, missing, &nm);
        cr_expect_eq(res.status, rows[i].status, "row %zu: %s", i, recon_status_name(res.status));
        cr_expect_eq(res.period, rows[i].period, "row %zu", i);
        if (rows[i].status == RS_UNMATCHED) {
            cr_expect(has(&res, RK_OUTSIDE), "row %zu", i);
            cr_expect_eq(res.difference, M("1200.00"), "row %zu", i);
        }
    }
}

Test(recon_match, a_service_period_places_the_record_whatever_its_billing_date)
{
    Fixture f;
    acceptance(&f, "2026-01-01");
    ReconRecord r = rec("2026-01-10", "1200.00");   /* issued before the contract starts ... */
    r.has_period = true;
    r.period_start = D("2026-01-15");               /* ... for the first period */
    ReconResult res;
    int missing[RECON_MAX_PERIODS], nm;
    run(&f, &r, 1, &res, missing, &nm);
    cr_expect_eq(res.status, RS_MATCHED);
    cr_expect_eq(res.period, 0);
}

Test(recon_match, tax_must_follow_the_rate_in_force_within_one_minor_unit)
{
    static const struct { const char *tax; bool flagged; } rows[] = {
        {"216.00", false}, {"216.01", false}, {"215.99", false}, {"216.02", true}, {"0.00", true},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fixture f;
        acceptance(&f, "2026-01-20");
        f.c.has_tax_rate = true;
        f.c.tax_rate = P("18");
        ReconRecord r = rec("2026-01-15", "1200.00");
        r.tax_amount = M(rows[i].tax);
        ReconResult res;
        int missing[RECON_MAX_PERIODS], nm;
        run(&f, &r, 1, &res, missing, &nm);
        cr_expect_eq(has(&res, RK_TAX), rows[i].flagged, "row %zu", i);
        cr_expect_eq(res.status, rows[i].flagged ? RS_MISMATCHED : RS_MATCHED, "row %zu", i);
        if (rows[i].flagged)
            cr_expect_eq(res.issues[0].expected, M("216.00"));
    }
}

Test(recon_match, a_due_date_beyond_the_payment_terms_is_flagged)
{
    static const struct { const char *due; bool flagged; } rows[] = {
        {"2026-02-14", false}, {"2026-01-15", false}, {"2026-02-15", true},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fixture f;
        acceptance(&f, "2026-01-20");
        f.c.check_due_date = true;   /* 30 days from 2026-01-15 is 2026-02-14 */
        ReconRecord r = rec("2026-01-15", "1200.00");
        r.has_due_date = true;
        r.due_date = D(rows[i].due);
        ReconResult res;
        int missing[RECON_MAX_PERIODS], nm;
        run(&f, &r, 1, &res, missing, &nm);
        cr_expect_eq(has(&res, RK_DUE_DATE), rows[i].flagged, "row %zu", i);
        if (rows[i].flagged) {
            cr_expect_eq(res.issues[0].limit, D("2026-02-14"));
            cr_expect_eq(res.status, RS_MISMATCHED);
        }
    }
}

Test(recon_match, the_prorated_last_period_is_what_its_record_is_held_to)
{
    Fixture f;
    acceptance(&f, "2026-06-01");
    f.c.terms.period.end = D("2026-04-30");
    cr_assert_eq(recon_schedule(f.s, RECON_MAX_PERIODS, &f.n, &f.c.terms, ROUND_HALF_UP, NULL), 0);
    ReconRecord recs[] = {rec("2026-04-15", "600.00"), rec("2026-04-16", "600.00")};
    ReconResult res[2];
    int missing[RECON_MAX_PERIODS], nm;
    run(&f, recs, 1, res, missing, &nm);
    cr_expect_eq(res[0].status, RS_MATCHED);
    cr_expect_eq(res[0].expected, M("600.00"));
    run(&f, recs, 2, res, missing, &nm);
    cr_expect(has(&res[1], RK_DUPLICATE));
}

Test(recon_match, matching_is_deterministic)
{
    Fixture f;
    acceptance(&f, "2026-09-01");
    ReconRecord recs[] = {rec("2026-01-15", "1200.00"), rec("2026-03-15", "1250.00"), rec("2026-03-16", "1250.00"),
                          rec("2026-05-20", "600.00")};
    ReconResult a[4], b[4];
    int ma[RECON_MAX_PERIODS], mb[RECON_MAX_PERIODS], na, nb;
    run(&f, recs, 4, a, ma, &na);
    run(&f, recs, 4, b, mb, &nb);
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(a[i].status, b[i].status);
        cr_expect_eq(a[i].period, b[i].period);
        cr_expect_eq(a[i].difference, b[i].difference);
        cr_assert_eq(a[i].nissues, b[i].nissues);
        for (int k = 0; k < a[i].nissues; k++) {
            cr_expect_eq(a[i].issues[k].kind, b[i].issues[k].kind);
            cr_expect_eq(a[i].issues[k].expected, b[i].issues[k].expected);
            cr_expect_eq(a[i].issues[k].actual, b[i].issues[k].actual);
        }
    }
    cr_expect_eq(na, nb);
    cr_expect_eq(memcmp(ma, mb, sizeof(int) * (size_t)na), 0);
}

Test(recon_match, names_round_trip)
{
    for (int k = 0; k < RK__COUNT; k++) {
        ReconKind back;
        cr_expect_eq(recon_kind_parse(&back, recon_kind_name((ReconKind)k)), 0);
        cr_expect_eq(back, (ReconKind)k);
    }
    for (int s = 0; s < RS__COUNT; s++) {
        ReconStatus back;
        cr_expect_eq(recon_status_parse(&back, recon_status_name((ReconStatus)s)), 0);
        cr_expect_eq(back, (ReconStatus)s);
    }
}
