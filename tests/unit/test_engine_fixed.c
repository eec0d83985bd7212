/* tests/unit/test_engine_fixed.c — Fixed services and proration
 * (domain/engine_fixed.c, domain/engine_proration.c): the fee per cycle,
 * prorated by the days of the actual period, billed once per cycle, in
 * arrears or in advance, and corrected when an assignment changes after it
 * was billed (upgrades and downgrades mid-cycle). Table-driven; each test is
 * named after its rule, and the issue 5 acceptance lines say so. */
#include "engine_fixture.h"

/* A customer on one monthly plan holding one Fixed service at `rate`. */
static void one_plan(Fx *f, const char *period_start, const char *period_end, const char *rate,
                     const char *start, const char *end)
{
    fx_init(f, period_start, period_end);
    fx_service(f, "s-support", "Managed Support", ENGINE_SERVICE_FIXED, rate);
    fx_plan(f, "p-gold", "Gold", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan_service(f, "p-gold", "s-support", 1);
    fx_assign(f, "cp-1", "p-gold", start, end);
}

/* Issue 5 acceptance: "a monthly 300.00 plan starting on the 11th of a 30-day
 * month bills 200.00 for the first period". */
Test(proration, monthly_300_plan_starting_on_the_11th_of_a_30_day_month_bills_200)
{
    Fx f;
    one_plan(&f, "2024-06-01", "2024-07-01", "300.00", "2024-06-11", NULL);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    const EngineCharge *l = &f.res.lines[0];
    cr_expect_eq(l->kind, ENGINE_CHARGE_FIXED);
    cr_expect_eq(l->amount, M("200.00"));
    cr_expect_eq(l->days_used, 20);
    cr_expect_eq(l->days_in_period, 30);
    cr_expect_eq(l->days_span.start, DAY("2024-06-11"));
    cr_expect_eq(l->days_span.end, DAY("2024-07-01"));
    fx_fini(&f);
}

/* Issue 5 acceptance: "February of a leap year has 29 days". */
Test(proration, february_of_a_leap_year_has_29_days)
{
    static const struct {
        const char *from, *to, *start;
        int days, len;
        const char *amount;
    } rows[] = {
        {"2024-02-01", "2024-03-01", "2024-02-15", 15, 29, "155.17"}, /* 300 x 15/29 */
        {"2023-02-01", "2023-03-01", "2023-02-15", 14, 28, "150.00"}, /* 300 x 14/28 */
        {"2024-02-01", "2024-03-01", "2024-02-29", 1, 29, "10.34"},   /* 300 x 1/29 */
        {"2000-02-01", "2000-03-01", "2000-02-01", 29, 29, "300.00"}, /* 2000 is leap */
        {"2100-02-01", "2100-03-01", "2100-02-28", 1, 28, "10.71"},   /* 2100 is not */
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        one_plan(&f, rows[i].from, rows[i].to, "300.00", rows[i].start, NULL);
        fx_rate_ok(&f);
        cr_assert_eq(f.res.nlines, 1, "row %zu", i);
        cr_expect_eq(f.res.lines[0].days_in_period, rows[i].len, "row %zu", i);
        cr_expect_eq(f.res.lines[0].days_used, rows[i].days, "row %zu", i);
        cr_expect_eq(f.res.lines[0].amount, M(rows[i].amount), "row %zu: %lld", i,
                     (long long)f.res.lines[0].amount);
        fx_fini(&f);
    }
}

/* Issue 5 acceptance: "a plan ending mid-period bills only the used days". */
Test(proration, plan_ending_mid_period_bills_only_used_days)
{
    Fx f;
    one_plan(&f, "2024-03-01", "2024-04-01", "300.00", "2024-01-01", "2024-03-15");
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-03-01");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].days_used, 15); /* March 1..15, end_date inclusive */
    cr_expect_eq(f.res.lines[0].days_in_period, 31);
    cr_expect_eq(f.res.lines[0].amount, M("145.16"));
    fx_fini(&f);
}

Test(proration, prorates_by_days_of_the_actual_period)
{
    static const struct {
        const char *from, *to, *start, *end;
        int days;
        const char *amount;
    } rows[] = {
        {"2024-06-01", "2024-07-01", "2024-06-01", NULL, 30, "300.00"},
        {"2024-06-01", "2024-07-01", "2024-05-20", NULL, 30, "300.00"},
        {"2024-03-01", "2024-04-01", "2024-03-10", "2024-03-20", 11, "106.45"},
        {"2024-07-01", "2024-08-01", "2024-07-31", NULL, 1, "9.68"},
        {"2024-04-01", "2024-05-01", "2024-04-30", NULL, 1, "10.00"},
        {"2024-05-01", "2024-06-01", "2024-05-01", "2024-05-01", 1, "9.68"},
        {"2024-05-01", "2024-06-01", "2024-05-01", "2024-05-30", 30, "290.32"},
        {"2024-12-01", "2025-01-01", "2024-12-16", NULL, 16, "154.84"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        one_plan(&f, rows[i].from, rows[i].to, "300.00", rows[i].start, rows[i].end);
        f.cps[0].has_charged_through = true;
        f.cps[0].charged_through = DAY(rows[i].from);
        fx_rate_ok(&f);
        cr_assert_eq(f.res.nlines, 1, "row %zu", i);
        cr_expect_eq(f.res.lines[0].days_used, rows[i].days, "row %zu", i);
        cr_expect_eq(f.res.lines[0].amount, M(rows[i].amount), "row %zu: got %lld", i,
                     (long long)f.res.lines[0].amount);
        fx_fini(&f);
    }
}

Test(proration, spans_of_a_cycle_are_rounded_cumulatively_so_parts_add_up_to_the_fee)
{
    /* 0.15 for a 30-day month, split at day 15: each half is 0.075, which
     * rounds half-up to 0.08 -- twice, making 0.16. Cumulative rounding bills
     * 0.08 (round(0.075)) and 0.07 (0.15 - 0.08): exactly 0.15. */
    Period june = PER("2024-06-01", "2024-07-01");
    int64_t a, b;
    cr_assert_eq(engine_prorate_span(&a, D("1"), D("0.15"), PER("2024-06-01", "2024-06-16"), june,
                                     CUR("USD"), ROUND_HALF_UP, NULL), 0);
    cr_assert_eq(engine_prorate_span(&b, D("1"), D("0.15"), PER("2024-06-16", "2024-07-01"), june,
                                     CUR("USD"), ROUND_HALF_UP, NULL), 0);
    cr_expect_eq(a, 8);
    cr_expect_eq(b, 7);
    cr_expect_eq(a + b, 15);
}

Test(proration, prorate_primitive_rounds_once_and_refuses_impossible_days)
{
    static const struct {
        const char *qty, *rate;
        int used, len;
        Rounding r;
        int64_t minor;
    } rows[] = {
        {"1", "300.00", 20, 30, ROUND_HALF_UP, 20000},
        {"1", "100.00", 1, 3, ROUND_HALF_UP, 3333},
        {"1", "100.00", 2, 3, ROUND_HALF_UP, 6667},
        {"1", "0.01", 15, 30, ROUND_HALF_UP, 1},   /* 0.005 -> 0.01 */
        {"1", "0.01", 15, 30, ROUND_HALF_EVEN, 0}, /* 0.005 -> 0.00 */
        {"1", "0.03", 15, 30, ROUND_HALF_EVEN, 2}, /* 0.015 -> 0.02 */
        {"3", "33.333333", 30, 30, ROUND_HALF_UP, 10000},
        {"2", "0.000015", 1, 1, ROUND_HALF_UP, 0},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v;
        cr_assert_eq(engine_prorate(&v, D(rows[i].qty), D(rows[i].rate), rows[i].used, rows[i].len,
                                    CUR("USD"), rows[i].r, NULL),
                     0, "row %zu", i);
        cr_expect_eq(v, rows[i].minor, "row %zu: %lld", i, (long long)v);
    }
    int64_t v;
    cr_expect_eq(engine_prorate(&v, D("1"), D("1"), 31, 30, CUR("USD"), ROUND_HALF_UP, NULL),
                 -ERR_RANGE);
    cr_expect_eq(engine_prorate(&v, D("1"), D("1"), 1, 0, CUR("USD"), ROUND_HALF_UP, NULL),
                 -ERR_RANGE);
    cr_expect_eq(engine_prorate(&v, D("1"), D("1"), -1, 30, CUR("USD"), ROUND_HALF_UP, NULL),
                 -ERR_RANGE);
    cr_expect_eq(engine_prorate(&v, dec_make(INT64_MAX, 0), dec_make(INT64_MAX, 0), 30, 30,
                                CUR("USD"), ROUND_HALF_UP, NULL),
                 -ERR_OVERFLOW);
}

Test(fixed, fixed_charge_is_quantity_times_rate_per_cycle)
{
    Fx f;
    one_plan(&f, "2024-06-01", "2024-07-01", "50.00", "2024-01-01", NULL);
    f.plan_services[0].quantity = 3;
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-06-01");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].amount, M("150.00"));
    cr_expect(dec_cmp(f.res.lines[0].quantity, D("3")) == 0);
    cr_expect_eq(f.res.lines[0].rate_source, ENGINE_RATE_SERVICE_DEFAULT);
    fx_fini(&f);
}

Test(fixed, custom_rate_in_plan_services_overrides_the_service_default)
{
    Fx f;
    one_plan(&f, "2024-06-01", "2024-07-01", "300.00", "2024-06-01", NULL);
    fx_custom_rate(&f.plan_services[0], "250.00");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].amount, M("250.00"));
    cr_expect_eq(f.res.lines[0].rate_source, ENGINE_RATE_CUSTOM);
    fx_fini(&f);
}

Test(fixed, arrears_cycle_is_not_billed_before_it_ends)
{
    Fx f;
    one_plan(&f, "2024-06-01", "2024-06-15", "300.00", "2024-06-01", NULL);
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    cr_expect_eq(f.res.ncharged_through, 0);
    fx_fini(&f);
}

Test(fixed, advance_cycle_is_billed_when_it_starts)
{
    static const struct {
        const char *from, *to, *start, *ctd;
        int lines;
        const char *amount;
    } rows[] = {
        {"2024-06-01", "2024-07-01", "2024-06-11", NULL, 1, "200.00"},         /* first, partial */
        {"2024-07-01", "2024-08-01", "2024-06-11", "2024-07-01", 1, "300.00"}, /* next, full */
        {"2024-06-01", "2024-06-02", "2024-06-01", NULL, 1, "300.00"},         /* on day one */
        {"2024-05-01", "2024-06-01", "2024-06-11", NULL, 0, NULL},             /* not yet */
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        one_plan(&f, rows[i].from, rows[i].to, "300.00", rows[i].start, NULL);
        f.plans[0].timing = ENGINE_ADVANCE;
        if (rows[i].ctd) {
            f.cps[0].has_charged_through = true;
            f.cps[0].charged_through = DAY(rows[i].ctd);
        }
        fx_rate_ok(&f);
        cr_assert_eq((int)f.res.nlines, rows[i].lines, "row %zu", i);
        if (rows[i].lines)
            cr_expect_eq(f.res.lines[0].amount, M(rows[i].amount), "row %zu", i);
        fx_fini(&f);
    }
}

Test(fixed, charged_through_date_prevents_billing_a_cycle_twice)
{
    Fx f;
    one_plan(&f, "2024-06-01", "2024-07-01", "300.00", "2024-06-01", NULL);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_assert_eq(f.res.ncharged_through, 1);
    cr_expect_str_eq(f.res.charged_through[0].customer_plan_id, "cp-1");
    cr_expect_eq(f.res.charged_through[0].charged_through, DAY("2024-07-01"));
    /* The run writes the date; rating the same period again bills nothing. */
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = f.res.charged_through[0].charged_through;
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    fx_fini(&f);
}

Test(fixed, a_never_billed_assignment_catches_up_every_cycle_due)
{
    Fx f;
    one_plan(&f, "2024-06-01", "2024-07-01", "300.00", "2024-04-11", NULL);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 3);
    cr_expect_eq(f.res.lines[0].period.start, DAY("2024-04-01"));
    cr_expect_eq(f.res.lines[0].amount, M("200.00"));
    cr_expect_eq(f.res.lines[1].amount, M("300.00"));
    cr_expect_eq(f.res.lines[2].period.start, DAY("2024-06-01"));
    cr_expect_eq(f.res.charged_through[0].charged_through, DAY("2024-07-01"));
    fx_fini(&f);
}

Test(fixed, a_plan_without_proration_bills_a_partial_cycle_in_full)
{
    Fx f;
    one_plan(&f, "2024-06-01", "2024-07-01", "300.00", "2024-06-11", NULL);
    f.plans[0].no_proration = true;
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].amount, M("300.00"));
    cr_expect_eq(f.res.lines[0].days_used, 20);
    cr_expect_not_null(f.res.lines[0].note);
    fx_fini(&f);
}

Test(fixed, inactive_assignments_and_zero_quantities_are_not_billed)
{
    Fx f;
    one_plan(&f, "2024-06-01", "2024-07-01", "300.00", "2024-06-01", NULL);
    f.cps[0].is_active = false;
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    f.cps[0].is_active = true;
    f.plan_services[0].quantity = 0;
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    fx_fini(&f);
}

Test(fixed, cycles_follow_the_plans_frequency_calendar_aligned)
{
    static const struct {
        Frequency freq;
        const char *from, *to, *start, *rate;
        const char *cycle_start, *cycle_end;
        int days;
        const char *amount;
    } rows[] = {
        /* 2024-06-05 is a Wednesday: the week runs Monday 3rd to Monday 10th. */
        {FREQ_WEEKLY, "2024-06-03", "2024-06-10", "2024-06-05", "70.00", "2024-06-03",
         "2024-06-10", 5, "50.00"},
        {FREQ_BIWEEKLY, "2024-06-03", "2024-06-17", "2024-06-05", "140.00", "2024-06-03",
         "2024-06-17", 12, "120.00"},
        /* Q1 2024 = 91 days; from Feb 10 = 51 days: 900 - round(900 x 40/91). */
        {FREQ_QUARTERLY, "2024-03-01", "2024-04-01", "2024-02-10", "900.00", "2024-01-01",
         "2024-04-01", 51, "504.40"},
        {FREQ_SEMIANNUAL, "2024-06-01", "2024-07-01", "2024-01-01", "600.00", "2024-01-01",
         "2024-07-01", 182, "600.00"},
        /* 2023 has 365 days; from Nov 11 = 51 days. */
        {FREQ_ANNUAL, "2023-12-01", "2024-01-01", "2023-11-11", "3650.00", "2023-01-01",
         "2024-01-01", 51, "510.00"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        one_plan(&f, rows[i].from, rows[i].to, rows[i].rate, rows[i].start, NULL);
        f.plans[0].frequency = rows[i].freq;
        fx_rate_ok(&f);
        cr_assert_eq(f.res.nlines, 1, "row %zu", i);
        const EngineCharge *l = &f.res.lines[0];
        cr_expect_eq(l->period.start, DAY(rows[i].cycle_start), "row %zu", i);
        cr_expect_eq(l->period.end, DAY(rows[i].cycle_end), "row %zu", i);
        cr_expect_eq(l->days_used, rows[i].days, "row %zu", i);
        cr_expect_eq(l->amount, M(rows[i].amount), "row %zu: %lld", i, (long long)l->amount);
        fx_fini(&f);
    }
}

Test(fixed, quarterly_plan_is_not_billed_on_an_invoice_before_its_quarter_ends)
{
    Fx f;
    one_plan(&f, "2024-01-01", "2024-02-01", "900.00", "2024-01-01", NULL);
    f.plans[0].frequency = FREQ_QUARTERLY;
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    fx_fini(&f);
}

Test(fixed, a_stored_anchor_overrides_calendar_alignment)
{
    Fx f;
    one_plan(&f, "2024-06-15", "2024-07-15", "300.00", "2024-06-15", NULL);
    f.cps[0].has_anchor = true;
    f.cps[0].anchor = DAY("2024-01-15");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].period.start, DAY("2024-06-15"));
    cr_expect_eq(f.res.lines[0].period.end, DAY("2024-07-15"));
    cr_expect_eq(f.res.lines[0].amount, M("300.00"));
    fx_fini(&f);
}

/* Two plans, an upgrade on March 16: Basic (300) to March 15, Pro (600) from
 * March 16. */
static void upgrade(Fx *f, const char *from, const char *to, EngineTiming timing)
{
    fx_init(f, from, to);
    fx_service(f, "s-basic", "Basic Support", ENGINE_SERVICE_FIXED, "300.00");
    fx_service(f, "s-pro", "Pro Support", ENGINE_SERVICE_FIXED, "600.00");
    fx_plan(f, "p-basic", "Basic", FREQ_MONTHLY, ENGINE_PLAN_FIXED)->timing = timing;
    fx_plan(f, "p-pro", "Pro", FREQ_MONTHLY, ENGINE_PLAN_FIXED)->timing = timing;
    fx_plan_service(f, "p-basic", "s-basic", 1);
    fx_plan_service(f, "p-pro", "s-pro", 1);
    fx_assign(f, "cp-old", "p-basic", "2024-01-01", "2024-03-15");
    fx_assign(f, "cp-new", "p-pro", "2024-03-16", NULL);
}

Test(proration, upgrade_mid_cycle_in_arrears_bills_each_plan_for_its_days)
{
    Fx f;
    upgrade(&f, "2024-03-01", "2024-04-01", ENGINE_ARREARS);
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-03-01");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 2);
    cr_expect_eq(f.res.lines[0].amount, M("145.16")); /* 300 x 15/31 */
    cr_expect_eq(f.res.lines[1].amount, M("309.68")); /* 600 x 16/31 */
    cr_expect_eq(f.res.subtotal, M("454.84"));
    fx_fini(&f);
}

/* Issue 5 rule: "Upgrades mid-cycle bill the difference for the remaining
 * days; the old plan's unused days are credited." */
Test(proration, upgrade_mid_cycle_credits_old_plans_unused_days_and_bills_the_difference)
{
    Fx f;
    upgrade(&f, "2024-04-01", "2024-05-01", ENGINE_ADVANCE);
    /* March was billed in advance on March 1: Basic, 300.00 for the month. */
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-04-01");
    fx_prior(&f, "cp-old", "s-basic", NULL, PER("2024-03-01", "2024-04-01"), M("300.00"));
    fx_rate_ok(&f);
    const EngineCharge *credit = fx_line(&f, ENGINE_CHARGE_ADJUSTMENT, 0);
    cr_assert_not_null(credit);
    cr_expect_eq(credit->amount, M("-154.84")); /* 16 unused days of 31 */
    cr_expect_eq(credit->days_used, 15);
    cr_expect_eq(credit->prior_amount_base, M("300.00"));
    const EngineCharge *march = fx_line(&f, ENGINE_CHARGE_FIXED, 0);
    const EngineCharge *april = fx_line(&f, ENGINE_CHARGE_FIXED, 1);
    cr_assert(march && april);
    cr_expect_eq(march->period.start, DAY("2024-03-01"));
    cr_expect_eq(march->amount, M("309.68")); /* Pro for the 16 remaining days */
    cr_expect_eq(april->amount, M("600.00"));
    /* The difference for the remaining days: (600 - 300) x 16/31. */
    cr_expect_eq(march->amount + credit->amount, M("154.84"));
    /* March costs exactly what billing it in arrears would have. */
    cr_expect_eq(M("300.00") + credit->amount + march->amount, M("454.84"));
    fx_fini(&f);
}

Test(proration, downgrade_mid_cycle_is_a_net_credit)
{
    Fx f;
    upgrade(&f, "2024-04-01", "2024-05-01", ENGINE_ADVANCE);
    /* Reverse the roles: Pro until March 15, then Basic. */
    f.cps[0].plan_id = "p-pro";
    f.cps[1].plan_id = "p-basic";
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-04-01");
    fx_prior(&f, "cp-old", "s-pro", NULL, PER("2024-03-01", "2024-04-01"), M("600.00"));
    fx_rate_ok(&f);
    const EngineCharge *credit = fx_line(&f, ENGINE_CHARGE_ADJUSTMENT, 0);
    const EngineCharge *march = fx_line(&f, ENGINE_CHARGE_FIXED, 0);
    cr_assert(credit && march);
    cr_expect_eq(credit->amount, M("-309.68"));
    cr_expect_eq(march->amount, M("154.84"));
    cr_expect_lt(credit->amount + march->amount, 0);
    fx_fini(&f);
}

Test(proration, an_unchanged_cycle_billed_before_yields_no_adjustment)
{
    Fx f;
    one_plan(&f, "2024-04-01", "2024-05-01", "300.00", "2024-01-01", NULL);
    f.plans[0].timing = ENGINE_ADVANCE;
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-05-01");
    fx_prior(&f, "cp-1", "s-support", NULL, PER("2024-03-01", "2024-04-01"), M("300.00"));
    fx_prior(&f, "cp-1", "s-support", NULL, PER("2024-04-01", "2024-05-01"), M("300.00"));
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    fx_fini(&f);
}

Test(proration, earlier_adjustments_count_as_billed)
{
    /* March: 300 billed, then -154.84 credited; nothing changed since. */
    Fx f;
    upgrade(&f, "2024-05-01", "2024-06-01", ENGINE_ADVANCE);
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-04-01");
    f.cps[1].has_charged_through = true;
    f.cps[1].charged_through = DAY("2024-06-01");
    fx_prior(&f, "cp-old", "s-basic", NULL, PER("2024-03-01", "2024-04-01"), M("300.00"));
    fx_prior(&f, "cp-old", "s-basic", NULL, PER("2024-03-01", "2024-04-01"), M("-154.84"));
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    fx_fini(&f);
}

Test(proration, a_cycle_billed_before_is_never_billed_again_only_adjusted)
{
    /* Inconsistent input (no charged-through date although March was
     * invoiced): the prior line wins and nothing is billed twice. */
    Fx f;
    one_plan(&f, "2024-03-01", "2024-04-01", "300.00", "2024-03-01", NULL);
    fx_prior(&f, "cp-1", "s-support", NULL, PER("2024-03-01", "2024-04-01"), M("300.00"));
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    fx_fini(&f);
}

Test(proration, a_deleted_assignment_credits_everything_billed_for_the_cycle)
{
    Fx f;
    one_plan(&f, "2024-04-01", "2024-05-01", "300.00", "2024-03-01", NULL);
    f.cps[0].id = "cp-other";
    fx_prior(&f, "cp-gone", "s-support", NULL, PER("2024-03-01", "2024-04-01"), M("300.00"));
    f.cps[0].is_active = false;
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].kind, ENGINE_CHARGE_ADJUSTMENT);
    cr_expect_eq(f.res.lines[0].amount, M("-300.00"));
    fx_fini(&f);
}
