/* tests/unit/test_engine_time.c — Time services (domain/engine_time.c):
 * billable hours x rate, minutes to hours exactly, the rate precedence
 * (custom > plan > service default; the user's rate where the plan says so),
 * and the screening of entries (billable, approval, plan, status, due). */
#include "engine_fixture.h"

/* Hourly plan "Dev" (monthly) holding Consulting (Time, default 120.00). */
static void hourly(Fx *f)
{
    fx_init(f, "2024-06-01", "2024-07-01");
    fx_service(f, "s-consult", "Consulting", ENGINE_SERVICE_TIME, "120.00");
    fx_plan(f, "p-dev", "Dev", FREQ_MONTHLY, ENGINE_PLAN_TIME_BASED);
    fx_plan_service(f, "p-dev", "s-consult", 0);
    fx_assign(f, "cp-1", "p-dev", "2024-01-01", NULL);
    fx_user(f, "u-1", "95.00");
}

Test(time, billable_hours_times_rate)
{
    Fx f;
    hourly(&f);
    fx_time(&f, "te-1", "s-consult", "2024-06-03", 90);
    fx_time(&f, "te-2", "s-consult", "2024-06-04", 150);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    const EngineCharge *l = &f.res.lines[0];
    cr_expect_eq(l->kind, ENGINE_CHARGE_TIME);
    cr_expect_eq(l->minutes, 240);
    cr_expect(dec_cmp(l->quantity, D("4")) == 0);
    cr_expect_eq(l->amount, M("480.00"));
    cr_expect_eq(l->nsources, 2);
    cr_expect_eq(f.res.time[0].outcome, ENGINE_OUT_BILLED);
    cr_expect_eq(f.res.time[0].line, 0);
    cr_expect_eq(f.res.time[1].line, 0);
    fx_fini(&f);
}

Test(time, minutes_become_hours_exactly_and_amounts_come_from_minutes)
{
    static const struct {
        int64_t minutes;
        const char *hours, *rate, *amount;
    } rows[] = {
        {60, "1", "150.00", "150.00"},
        {90, "1.5", "150.00", "225.00"},
        {15, "0.25", "150.00", "37.50"},
        {50, "0.833333", "150.00", "125.00"}, /* 50/60 h has no finite decimal */
        {1, "0.016667", "150.00", "2.50"},
        {7, "0.116667", "100.00", "11.67"},
        {750, "12.5", "150.00", "1875.00"},
        {0, "0", "150.00", "0.00"},
        {20, "0.333333", "0.03", "0.01"}, /* 0.01 exactly */
        {10, "0.166667", "0.03", "0.01"}, /* 0.005 -> 0.01 half-up */
    };
    for (size_t i = 0; i < N(rows); i++) {
        Dec h = engine_hours(rows[i].minutes);
        cr_expect(dec_cmp(h, D(rows[i].hours)) == 0, "row %zu: hours", i);
        int64_t v;
        cr_assert_eq(engine_minutes_amount(&v, rows[i].minutes, D(rows[i].rate), CUR("USD"),
                                           ROUND_HALF_UP, NULL),
                     0);
        cr_expect_eq(v, M(rows[i].amount), "row %zu: %lld", i, (long long)v);
    }
}

Test(time, rate_precedence_custom_over_plan_over_service_default_and_user_rate_when_plan_says_so)
{
    static const struct {
        const char *custom, *plan_rate;
        bool use_user;
        const char *user_rate;
        EngineRateSource source;
        const char *rate;
    } rows[] = {
        {NULL, NULL, false, "95.00", ENGINE_RATE_SERVICE_DEFAULT, "120.00"},
        {NULL, "110.00", false, "95.00", ENGINE_RATE_PLAN, "110.00"},
        {"140.00", "110.00", false, "95.00", ENGINE_RATE_CUSTOM, "140.00"},
        {"140.00", "110.00", true, "95.00", ENGINE_RATE_USER, "95.00"},
        {"140.00", "110.00", true, NULL, ENGINE_RATE_CUSTOM, "140.00"}, /* user has no rate */
        {NULL, NULL, true, NULL, ENGINE_RATE_SERVICE_DEFAULT, "120.00"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        hourly(&f);
        if (rows[i].custom)
            fx_custom_rate(&f.plan_services[0], rows[i].custom);
        if (rows[i].plan_rate) {
            f.plans[0].has_hourly_rate = true;
            f.plans[0].hourly_rate = D(rows[i].plan_rate);
        }
        f.plans[0].use_user_rate = rows[i].use_user;
        f.users[0].has_rate = rows[i].user_rate != NULL;
        if (rows[i].user_rate)
            f.users[0].rate = D(rows[i].user_rate);
        fx_time(&f, "te-1", "s-consult", "2024-06-03", 120);
        fx_rate_ok(&f);
        cr_assert_eq(f.res.nlines, 1, "row %zu", i);
        cr_expect_eq(f.res.lines[0].rate_source, rows[i].source, "row %zu", i);
        cr_expect(dec_cmp(f.res.lines[0].rate, D(rows[i].rate)) == 0, "row %zu", i);
        Dec two = dec_from_int(2);
        int64_t expect;
        cr_assert_eq(money_from_product(&expect, two, D(rows[i].rate), CUR("USD"), ROUND_HALF_UP,
                                        NULL),
                     0);
        cr_expect_eq(f.res.lines[0].amount, expect, "row %zu", i);
        fx_fini(&f);
    }
}

Test(time, entries_at_different_user_rates_make_separate_lines)
{
    Fx f;
    hourly(&f);
    f.plans[0].use_user_rate = true;
    fx_user(&f, "u-2", "200.00");
    fx_time(&f, "te-1", "s-consult", "2024-06-03", 60);
    fx_time(&f, "te-2", "s-consult", "2024-06-03", 60)->user_id = "u-2";
    fx_time(&f, "te-3", "s-consult", "2024-06-04", 30);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 2);
    cr_expect_eq(f.res.lines[0].amount, M("142.50")); /* 1.5 h x 95 */
    cr_expect_str_eq(f.res.lines[0].user_id, "u-1");
    cr_expect_eq(f.res.lines[1].amount, M("200.00"));
    cr_expect_eq(f.res.time[2].line, 0);
    fx_fini(&f);
}

Test(time, non_billable_entries_are_not_billed)
{
    Fx f;
    hourly(&f);
    fx_time(&f, "te-1", "s-consult", "2024-06-03", 60)->billable = false;
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    cr_expect_eq(f.res.time[0].outcome, ENGINE_OUT_NOT_BILLABLE);
    cr_expect_eq(f.res.time[0].line, -1);
    fx_fini(&f);
}

/* Seed, approval workflows: "Validate that time entries exceeding a certain
 * duration require approval before billing." and "Verify that the approval
 * status is correctly updated and affects billing processes." */
Test(approvals, time_entries_exceeding_a_duration_require_approval_before_billing)
{
    static const struct {
        int64_t minutes;
        EngineApproval approval;
        EngineOutcome outcome;
    } rows[] = {
        {480, ENGINE_APPROVAL_NONE, ENGINE_OUT_BILLED},            /* at the threshold */
        {481, ENGINE_APPROVAL_NONE, ENGINE_OUT_PENDING_APPROVAL},  /* over it */
        {481, ENGINE_APPROVAL_PENDING, ENGINE_OUT_PENDING_APPROVAL},
        {481, ENGINE_APPROVAL_APPROVED, ENGINE_OUT_BILLED},
        {481, ENGINE_APPROVAL_REJECTED, ENGINE_OUT_REJECTED},
        {60, ENGINE_APPROVAL_PENDING, ENGINE_OUT_PENDING_APPROVAL}, /* asked for anyway */
        {60, ENGINE_APPROVAL_REJECTED, ENGINE_OUT_REJECTED},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        hourly(&f);
        f.settings.time_approval_minutes = 480;
        fx_time(&f, "te-1", "s-consult", "2024-06-03", rows[i].minutes)->approval = rows[i].approval;
        fx_rate_ok(&f);
        cr_expect_eq(f.res.time[0].outcome, rows[i].outcome, "row %zu: %s", i,
                     engine_outcome_name(f.res.time[0].outcome));
        cr_expect_eq(f.res.nlines, rows[i].outcome == ENGINE_OUT_BILLED ? 1u : 0u, "row %zu", i);
        fx_fini(&f);
    }
}

Test(time, approval_threshold_zero_means_no_approval_needed)
{
    EngineSettings s = {.time_approval_minutes = 0};
    EngineTimeEntry e = {.duration = 100000};
    cr_expect_not(engine_time_needs_approval(&e, &s));
    s.time_approval_minutes = 60;
    cr_expect(engine_time_needs_approval(&e, &s));
}

Test(time, entry_without_a_plan_covering_its_service_is_not_billed)
{
    Fx f;
    hourly(&f);
    fx_service(&f, "s-other", "Training", ENGINE_SERVICE_TIME, "80.00");
    fx_time(&f, "te-1", "s-other", "2024-06-03", 60);
    fx_time(&f, "te-2", "s-consult", "2023-12-31", 60); /* before the assignment */
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    cr_expect_eq(f.res.time[0].outcome, ENGINE_OUT_NO_PLAN);
    cr_expect_eq(f.res.time[1].outcome, ENGINE_OUT_NO_PLAN);
    fx_fini(&f);
}

Test(time, time_on_a_fixed_service_is_included_in_its_fee)
{
    Fx f;
    hourly(&f);
    fx_service(&f, "s-managed", "Managed IT", ENGINE_SERVICE_FIXED, "500.00");
    fx_plan_service(&f, "p-dev", "s-managed", 1);
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-07-01");
    fx_time(&f, "te-1", "s-managed", "2024-06-03", 60);
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    cr_expect_eq(f.res.time[0].outcome, ENGINE_OUT_INCLUDED);
    fx_fini(&f);
}

Test(time, entry_waits_until_its_plans_cycle_has_ended)
{
    Fx f;
    hourly(&f);
    f.plans[0].frequency = FREQ_QUARTERLY;
    fx_time(&f, "te-1", "s-consult", "2024-06-03", 60); /* Q2 ends July 1: due */
    fx_time(&f, "te-2", "s-consult", "2024-07-01", 60); /* Q3: not yet */
    fx_rate_ok(&f);
    cr_expect_eq(f.res.time[0].outcome, ENGINE_OUT_BILLED);
    cr_expect_eq(f.res.time[1].outcome, ENGINE_OUT_NOT_DUE);
    cr_expect_eq(f.res.time[0].cycle.start, DAY("2024-04-01"));
    fx_fini(&f);
}

Test(time, late_entries_of_an_invoiced_cycle_are_billed_now_and_marked_late)
{
    Fx f;
    hourly(&f);
    fx_time(&f, "te-1", "s-consult", "2024-05-28", 60);
    fx_time(&f, "te-2", "s-consult", "2024-06-03", 60);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 2); /* one line per cycle */
    cr_expect(f.res.lines[0].late);
    cr_expect_eq(f.res.lines[0].period.start, DAY("2024-05-01"));
    cr_expect_not(f.res.lines[1].late);
    fx_fini(&f);
}

Test(time, entries_of_another_customer_are_never_billed)
{
    Fx f;
    hourly(&f);
    fx_time(&f, "te-1", "s-consult", "2024-06-03", 60)->customer_id = "cust-2";
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    cr_expect_eq(f.res.time[0].outcome, ENGINE_OUT_OTHER_CUSTOMER);
    fx_fini(&f);
}

Test(time, duration_is_derived_from_start_and_end_when_missing)
{
    static const struct {
        int64_t seconds, minutes;
    } rows[] = {{3600, 60}, {89, 1}, {90, 2}, {29, 0}, {-60, 0}, {5400, 90}};
    for (size_t i = 0; i < N(rows); i++) {
        EngineTimeEntry e = {.duration = -1, .start_time = 1000 * TS_PER_SECOND};
        e.end_time = e.start_time + rows[i].seconds * TS_PER_SECOND;
        cr_expect_eq(engine_entry_minutes(&e), rows[i].minutes, "row %zu", i);
    }
    EngineTimeEntry e = {.duration = 45, .start_time = 0, .end_time = 0};
    cr_expect_eq(engine_entry_minutes(&e), 45);
}

Test(time, an_unknown_service_is_refused_naming_the_entry)
{
    Fx f;
    hourly(&f);
    fx_time(&f, "te-1", "s-nope", "2024-06-03", 60);
    cr_expect_eq(fx_rate(&f), -ERR_INVALID);
    cr_expect_str_eq(f.err.field, "time_entries[0].service_id");
    fx_fini(&f);
}
