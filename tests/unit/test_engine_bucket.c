/* tests/unit/test_engine_bucket.c — bucket of hours plans
 * (domain/engine_bucket.c): overage beyond allowance + rollover, rollover for
 * one period only, idle periods, prorated allowances, late entries and
 * bucket periods shorter than the invoice. */
#include "engine_fixture.h"

/* Bucket plan "Retainer" (monthly): 10 h per month, overage 150.00/h. */
static EngineBucketPlan *retainer(Fx *f, const char *from, const char *to, bool rollover)
{
    fx_init(f, from, to);
    fx_service(f, "s-consult", "Consulting", ENGINE_SERVICE_TIME, "120.00");
    fx_plan(f, "p-ret", "Retainer", FREQ_MONTHLY, ENGINE_PLAN_BUCKET);
    fx_plan_service(f, "p-ret", "s-consult", 0);
    fx_assign(f, "cp-1", "p-ret", "2024-01-01", NULL);
    return fx_bucket(f, "b-1", "p-ret", "10", FREQ_MONTHLY, "150.00", rollover);
}

static EngineBucketUsage *stored(Fx *f, const char *start, const char *end, int64_t allowance,
                                 int64_t roll_in, int64_t used, int64_t overage, int64_t roll_out)
{
    EngineBucketUsage *u = &f->bucket_usage[f->in.nbucket_usage++];
    *u = (EngineBucketUsage){.bucket_plan_id = "b-1", .customer_id = "cust-1",
                             .customer_plan_id = "cp-1", .period = PER(start, end),
                             .allowance_minutes = allowance, .rollover_in_minutes = roll_in,
                             .used_minutes = used, .overage_minutes = overage,
                             .rollover_out_minutes = roll_out};
    return u;
}

/* Issue 5 acceptance: "10 h allowance, 12.5 h used, overage 150.00/h -> 375.00
 * overage". */
Test(buckets, allowance_10h_used_12_5h_at_150_bills_375_overage)
{
    Fx f;
    retainer(&f, "2024-06-01", "2024-07-01", false);
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-06-01");
    fx_time(&f, "te-1", "s-consult", "2024-06-03", 300);
    fx_time(&f, "te-2", "s-consult", "2024-06-12", 270);
    fx_time(&f, "te-3", "s-consult", "2024-06-20", 180);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    const EngineCharge *l = &f.res.lines[0];
    cr_expect_eq(l->kind, ENGINE_CHARGE_BUCKET_OVERAGE);
    cr_expect_eq(l->rate_source, ENGINE_RATE_OVERAGE);
    cr_expect(dec_cmp(l->quantity, D("2.5")) == 0);
    cr_expect_eq(l->amount, M("375.00"));
    cr_assert_eq(f.res.nbuckets, 1);
    const EngineBucketResult *b = &f.res.buckets[0];
    cr_expect_eq(b->allowance_minutes, 600);
    cr_expect_eq(b->used_minutes, 750);
    cr_expect_eq(b->overage_minutes, 150);
    cr_expect_eq(b->line, 0);
    cr_expect_not(b->update);
    for (int i = 0; i < 3; i++) {
        cr_expect_eq(f.res.time[i].outcome, ENGINE_OUT_IN_BUCKET);
        cr_expect_eq(f.res.time[i].line, 0);
    }
    fx_fini(&f);
}

/* The overage extends the plan's hours: it is of the plan's Time service, so it is taxed at
 * that service's category rate (and reported under it), not left untaxed. */
Test(taxation, bucket_overage_is_taxed_at_the_rate_of_the_hours_it_extends)
{
    Fx f;
    retainer(&f, "2024-06-01", "2024-07-01", false);
    f.services[0].tax_category = "it-services";
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-06-01");
    fx_tax(&f, "tx-general", NULL, "5", "2024-01-01", NULL);
    fx_tax(&f, "tx-it", NULL, "18", "2024-01-01", NULL)->tax_category = "it-services";
    fx_time(&f, "te-1", "s-consult", "2024-06-03", 750);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    const EngineCharge *l = &f.res.lines[0];
    cr_expect_eq(l->kind, ENGINE_CHARGE_BUCKET_OVERAGE);
    cr_expect_str_eq(l->service_id, "s-consult");
    cr_expect_eq(l->amount, M("375.00"));
    cr_expect_str_eq(l->tax_rate_id, "tx-it");
    cr_expect_eq(l->tax, M("67.50"));
    fx_fini(&f);
}

Test(buckets, bucket_period_arithmetic_uses_rollover_first_and_carries_one_period)
{
    static const struct {
        int64_t allowance, roll_in, used;
        bool rollover;
        int64_t overage, roll_out;
    } rows[] = {
        {600, 0, 750, false, 150, 0},   /* the acceptance example */
        {600, 0, 420, true, 0, 180},    /* 3 h unused carry on */
        {600, 0, 420, false, 0, 0},     /* unless the plan does not allow it */
        {600, 180, 750, true, 0, 30},   /* 12.5 h against 10 + 3 */
        {600, 180, 0, true, 0, 600},    /* the 3 h expire; only this period's 10 carry */
        {600, 180, 800, true, 20, 0},
        {600, 180, 100, true, 0, 600},  /* rollover used first */
        {0, 0, 90, true, 90, 0},
        {600, 0, 600, true, 0, 0},
    };
    for (size_t i = 0; i < N(rows); i++) {
        EngineBucketResult b = {0};
        engine_bucket_period(&b, rows[i].allowance, rows[i].roll_in, rows[i].used, rows[i].rollover);
        cr_expect_eq(b.overage_minutes, rows[i].overage, "row %zu", i);
        cr_expect_eq(b.rollover_out_minutes, rows[i].roll_out, "row %zu", i);
        /* overage = max(0, used - (allowance + rollover)) */
        int64_t o = rows[i].used - rows[i].allowance - rows[i].roll_in;
        cr_expect_eq(b.overage_minutes, o > 0 ? o : 0, "row %zu", i);
    }
}

/* Issue 5 acceptance: "with rollover, 3 unused hours carry into the next
 * period only". */
Test(buckets, with_rollover_3_unused_hours_carry_into_the_next_period_only)
{
    /* June: 7 h used of 10 -> 3 h carry into July. */
    Fx f;
    retainer(&f, "2024-06-01", "2024-07-01", true);
    f.cps[0].has_charged_through = true;   /* invoiced through May: June is the first open period */
    f.cps[0].charged_through = DAY("2024-06-01");
    fx_time(&f, "te-1", "s-consult", "2024-06-03", 420);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nbuckets, 1); /* the periods ending in this invoice's period */
    const EngineBucketResult june = f.res.buckets[0];
    cr_expect_eq(june.period.start, DAY("2024-06-01"));
    cr_expect_eq(june.rollover_out_minutes, 180);
    fx_fini(&f);

    /* July: 12.5 h used against 10 + 3: no overage; 0.5 h of July's own left. */
    retainer(&f, "2024-07-01", "2024-08-01", true);
    stored(&f, "2024-06-01", "2024-07-01", 600, 600, 420, 0, june.rollover_out_minutes);
    fx_time(&f, "te-2", "s-consult", "2024-07-10", 750);
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    cr_assert_eq(f.res.nbuckets, 1);
    cr_expect_eq(f.res.buckets[0].rollover_in_minutes, 180);
    cr_expect_eq(f.res.buckets[0].overage_minutes, 0);
    cr_expect_eq(f.res.buckets[0].rollover_out_minutes, 30);
    fx_fini(&f);

    /* August, idle July instead: June's 3 h do not reach August. */
    retainer(&f, "2024-08-01", "2024-09-01", true);
    stored(&f, "2024-07-01", "2024-08-01", 600, 180, 0, 0, 600);
    fx_time(&f, "te-3", "s-consult", "2024-08-10", 960); /* 16 h */
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nbuckets, 1);
    cr_expect_eq(f.res.buckets[0].rollover_in_minutes, 600); /* July's own 10 h, not 13 */
    cr_expect_eq(f.res.buckets[0].overage_minutes, 0);
    fx_fini(&f);
}

/* QA (billing #1): one run catching up on January to March must bill what three monthly runs
 * would. January: 7 h of 10 (3 h carry into February); February idle (its own 10 h carry into
 * March); March: 25 h against 10 + 10 -> 5 h over, 750.00 — not 15 h because February was left
 * out of the run for having no time. */
Test(buckets, a_catch_up_run_passes_an_idle_months_unused_hours_on)
{
    Fx f;
    retainer(&f, "2024-03-01", "2024-04-01", true);
    fx_time(&f, "te-1", "s-consult", "2024-01-10", 420);
    fx_time(&f, "te-2", "s-consult", "2024-03-10", 1500);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nbuckets, 3, "January, the idle February, March");
    cr_expect_eq(f.res.buckets[0].period.start, DAY("2024-01-01"));
    cr_expect_eq(f.res.buckets[0].rollover_out_minutes, 180);
    cr_expect_eq(f.res.buckets[1].period.start, DAY("2024-02-01"));
    cr_expect_eq(f.res.buckets[1].used_minutes, 0);
    cr_expect_eq(f.res.buckets[1].rollover_in_minutes, 180);
    cr_expect_eq(f.res.buckets[1].rollover_out_minutes, 600);
    cr_expect_eq(f.res.buckets[2].rollover_in_minutes, 600);
    cr_expect_eq(f.res.buckets[2].overage_minutes, 300);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].amount, M("750.00"));
    fx_fini(&f);

    /* with January's row stored: the run starts after it, not at the assignment's start */
    retainer(&f, "2024-03-01", "2024-04-01", true);
    stored(&f, "2024-01-01", "2024-02-01", 600, 0, 420, 0, 180);
    fx_time(&f, "te-2", "s-consult", "2024-03-10", 1500);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nbuckets, 2, "the idle February, March");
    cr_expect_eq(f.res.buckets[1].overage_minutes, 300);
    fx_fini(&f);
}

Test(buckets, without_rollover_unused_hours_are_lost)
{
    Fx f;
    retainer(&f, "2024-07-01", "2024-08-01", false);
    stored(&f, "2024-06-01", "2024-07-01", 600, 0, 0, 0, 600); /* a stale carry is ignored */
    fx_time(&f, "te-1", "s-consult", "2024-07-10", 660);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nbuckets, 1);
    cr_expect_eq(f.res.buckets[0].rollover_in_minutes, 0);
    cr_expect_eq(f.res.buckets[0].overage_minutes, 60);
    cr_expect_eq(f.res.lines[0].amount, M("150.00"));
    fx_fini(&f);
}

Test(buckets, an_idle_period_still_writes_its_bucket_usage_row)
{
    Fx f;
    retainer(&f, "2024-06-01", "2024-07-01", true);
    stored(&f, "2024-05-01", "2024-06-01", 600, 0, 600, 0, 0);
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    cr_assert_eq(f.res.nbuckets, 1);
    cr_expect_eq(f.res.buckets[0].used_minutes, 0);
    cr_expect_eq(f.res.buckets[0].rollover_out_minutes, 600);
    cr_expect_eq(f.res.buckets[0].line, -1);
    fx_fini(&f);
}

Test(buckets, the_full_allowance_is_available_from_the_first_day_unless_the_bucket_prorates_it)
{
    static const struct {
        const char *start;
        bool prorate, no_proration;
        int64_t allowance;
    } rows[] = {
        {"2024-06-16", false, false, 600}, /* default: all 10 h, as Alga PSA */
        {"2024-06-30", false, false, 600},
        {"2024-06-16", true, false, 300},  /* prorated: 15 of 30 days */
        {"2024-06-11", true, false, 400},
        {"2024-06-30", true, false, 20},
        {"2024-06-16", true, true, 600},   /* a plan that never prorates */
        {"2024-07-01", true, false, -1},   /* not active in June: no row */
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        retainer(&f, "2024-06-01", "2024-07-01", false)->prorate_allowance = rows[i].prorate;
        f.cps[0].start_date = DAY(rows[i].start);
        f.plans[0].no_proration = rows[i].no_proration;
        fx_rate_ok(&f);
        if (rows[i].allowance < 0) {
            cr_expect_eq(f.res.nbuckets, 0, "row %zu", i);
        } else {
            cr_assert_eq(f.res.nbuckets, 1, "row %zu", i);
            cr_expect_eq(f.res.buckets[0].allowance_minutes, rows[i].allowance, "row %zu", i);
        }
        fx_fini(&f);
    }
}

Test(buckets, late_entries_update_the_closed_period_and_bill_only_the_extra_overage)
{
    Fx f;
    retainer(&f, "2024-07-01", "2024-08-01", false);
    stored(&f, "2024-06-01", "2024-07-01", 600, 0, 700, 100, 0); /* 100 min billed in June */
    fx_time(&f, "te-late", "s-consult", "2024-06-28", 50);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nbuckets, 2);
    const EngineBucketResult *june = &f.res.buckets[0];
    cr_expect(june->update);
    cr_expect_eq(june->used_minutes, 750);
    cr_expect_eq(june->overage_minutes, 150);
    cr_expect_eq(june->overage_billed_minutes, 50);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].amount, M("125.00"));
    cr_expect(f.res.lines[0].late);
    cr_expect_eq(f.res.time[0].line, 0);
    cr_expect_not(f.res.buckets[1].update); /* July, idle */
    fx_fini(&f);
}

Test(buckets, weekly_bucket_periods_inside_a_monthly_invoice_chain_their_rollover)
{
    Fx f;
    EngineBucketPlan *b = retainer(&f, "2024-06-03", "2024-07-01", true);
    b->total_hours = D("5");
    b->billing_period = FREQ_WEEKLY;
    f.cps[0].start_date = DAY("2024-06-03"); /* a Monday */
    fx_time(&f, "w1", "s-consult", "2024-06-04", 180);
    fx_time(&f, "w2", "s-consult", "2024-06-11", 360);
    fx_time(&f, "w4", "s-consult", "2024-06-25", 660);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nbuckets, 4);
    static const int64_t roll_in[] = {0, 120, 60, 300}, overage[] = {0, 0, 0, 60};
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(f.res.buckets[i].rollover_in_minutes, roll_in[i], "week %d", i + 1);
        cr_expect_eq(f.res.buckets[i].overage_minutes, overage[i], "week %d", i + 1);
    }
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].amount, M("150.00"));
    cr_expect_eq(f.res.lines[0].period.start, DAY("2024-06-24"));
    fx_fini(&f);
}

Test(buckets, bucket_overage_line_explains_allowance_rollover_and_use)
{
    Fx f;
    retainer(&f, "2024-06-01", "2024-07-01", false);
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-06-01");
    stored(&f, "2024-05-01", "2024-06-01", 600, 0, 600, 0, 0);
    fx_time(&f, "te-1", "s-consult", "2024-06-03", 750);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    const char *x = f.res.lines[0].explain;
    cr_expect(strstr(x, "allowance 10 h + rollover 0 h, used 12.5 h, overage 2.5 h") != NULL, "%s", x);
    cr_expect(strstr(x, "rate 150 USD from the bucket's overage rate") != NULL, "%s", x);
    fx_fini(&f);
}
