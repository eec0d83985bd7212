/* tests/unit/test_engine_plan.c — several plans per customer
 * (domain/engine_plan.c): each plan with its own frequency, the documented
 * precedence when two active plans cover the same service or category,
 * category-restricted assignments, calendar anchors, and the refusal of
 * overlapping bucket plans at assignment. */
#include <stdio.h>

#include "engine_fixture.h"

Test(plans, several_plans_bill_each_on_its_own_frequency)
{
    Fx f;
    fx_init(&f, "2024-01-01", "2024-02-01");
    fx_service(&f, "s-help", "Helpdesk", ENGINE_SERVICE_FIXED, "100.00");
    fx_service(&f, "s-audit", "Security audit", ENGINE_SERVICE_FIXED, "900.00");
    fx_plan(&f, "p-month", "Monthly care", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan(&f, "p-quarter", "Quarterly audit", FREQ_QUARTERLY, ENGINE_PLAN_FIXED);
    fx_plan_service(&f, "p-month", "s-help", 1);
    fx_plan_service(&f, "p-quarter", "s-audit", 1);
    fx_assign(&f, "cp-m", "p-month", "2024-01-01", NULL);
    fx_assign(&f, "cp-q", "p-quarter", "2024-01-01", NULL);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1); /* January: the monthly plan only */
    cr_expect_str_eq(f.res.lines[0].plan_id, "p-month");

    f.in.period = PER("2024-03-01", "2024-04-01");
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-03-01");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 2); /* March: the month and the quarter */
    cr_expect_eq(fx_sum_base(&f, -1), M("1000.00"));
    cr_expect_eq(f.res.lines[1].period.start, DAY("2024-01-01"));
    fx_fini(&f);
}

/* Two plans that both hold Managed Support (Fixed) and Consulting (Time). */
static void overlap(Fx *f)
{
    fx_init(f, "2024-06-01", "2024-07-01");
    fx_service(f, "s-support", "Managed Support", ENGINE_SERVICE_FIXED, "300.00")->category_id = "cat-help";
    fx_service(f, "s-consult", "Consulting", ENGINE_SERVICE_TIME, "100.00")->category_id = "cat-help";
    fx_plan(f, "p-a", "Plan A", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan(f, "p-b", "Plan B", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan_service(f, "p-a", "s-support", 1);
    fx_plan_service(f, "p-a", "s-consult", 0);
    fx_plan_service(f, "p-b", "s-support", 1);
    fx_plan_service(f, "p-b", "s-consult", 0);
    fx_assign(f, "cp-a", "p-a", "2024-01-01", NULL);
    fx_assign(f, "cp-b", "p-b", "2024-01-01", NULL);
}

Test(plans, precedence_decides_which_plan_bills_a_service_both_cover)
{
    enum { NONE, CATEGORY, CUSTOM, BUCKET, LATER, BUNDLE };
    static const struct {
        int b_has;          /* what plan B has over plan A */
        const char *service;
        const char *winner;
    } rows[] = {
        {NONE, "s-support", "cp-a"},     /* equal: the smaller assignment id */
        {CATEGORY, "s-support", "cp-b"}, /* restricted to the service's category */
        {CUSTOM, "s-support", "cp-b"},   /* custom plan */
        {LATER, "s-support", "cp-b"},    /* the newer agreement */
        {BUCKET, "s-consult", "cp-b"},   /* prepaid hours first, for Time */
        {BUCKET, "s-support", "cp-a"},   /* ... but not for a Fixed service */
        {BUNDLE, "s-support", "cp-b"},   /* a bundle covers its services */
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        overlap(&f);
        switch (rows[i].b_has) {
        case CATEGORY: f.cps[1].service_category = "cat-help"; break;
        case CUSTOM: f.plans[1].is_custom = true; break;
        case LATER: f.cps[1].start_date = DAY("2024-03-01"); break;
        case BUCKET:
            f.plans[1].type = ENGINE_PLAN_BUCKET;
            fx_bucket(&f, "b-1", "p-b", "10", FREQ_MONTHLY, "150.00", false);
            break;
        case BUNDLE:
            fx_bundle(&f, "bd-1", "Care pack", "250.00");
            f.plan_services[2].bundle_id = "bd-1";
            break;
        }
        const EngineCustomerPlan *w =
            engine_plan_winner(&f.in, engine_find_service(&f.in, rows[i].service), DAY("2024-06-15"));
        cr_assert_not_null(w, "row %zu", i);
        cr_expect_str_eq(w->id, rows[i].winner, "row %zu", i);
        fx_fini(&f);
    }
}

Test(plans, precedence_ranks_category_over_bucket_over_custom_over_newer)
{
    Fx f;
    overlap(&f);
    /* A: custom and newer; B: restricted to the category. B wins on rank 2. */
    f.plans[0].is_custom = true;
    f.cps[0].start_date = DAY("2024-05-01");
    f.cps[1].service_category = "cat-help";
    const EngineService *s = engine_find_service(&f.in, "s-consult");
    cr_expect_str_eq(engine_plan_winner(&f.in, s, DAY("2024-06-15"))->id, "cp-b");
    /* Without the category, A's custom beats B's bucket? No: bucket is rank 3. */
    f.cps[1].service_category = NULL;
    f.plans[1].type = ENGINE_PLAN_BUCKET;
    fx_bucket(&f, "b-1", "p-b", "10", FREQ_MONTHLY, "150.00", false);
    cr_expect_str_eq(engine_plan_winner(&f.in, s, DAY("2024-06-15"))->id, "cp-b");
    /* Custom beats newer. */
    f.plans[1].type = ENGINE_PLAN_FIXED;
    f.cps[1].start_date = DAY("2024-06-01");
    cr_expect_str_eq(engine_plan_winner(&f.in, s, DAY("2024-06-15"))->id, "cp-a");
    fx_fini(&f);
}

Test(plans, a_fixed_service_in_two_active_plans_is_billed_once_per_day)
{
    Fx f;
    overlap(&f);
    f.plans[1].is_custom = true;
    fx_custom_rate(&f.plan_services[2], "240.00");
    f.cps[1].start_date = DAY("2024-06-16"); /* B takes over on the 16th */
    f.cps[0].has_charged_through = f.cps[1].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-06-01");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 2);
    cr_expect_str_eq(f.res.lines[0].customer_plan_id, "cp-a");
    cr_expect_eq(f.res.lines[0].days_used, 15);
    cr_expect_eq(f.res.lines[0].amount, M("150.00"));
    cr_expect_str_eq(f.res.lines[1].customer_plan_id, "cp-b");
    cr_expect_eq(f.res.lines[1].days_used, 15);
    cr_expect_eq(f.res.lines[1].amount, M("120.00"));
    fx_fini(&f);
}

Test(plans, a_category_restricted_assignment_covers_only_that_category)
{
    Fx f;
    fx_init(&f, "2024-06-01", "2024-07-01");
    fx_service(&f, "s-help", "Helpdesk", ENGINE_SERVICE_FIXED, "100.00")->category_id = "cat-help";
    fx_service(&f, "s-fw", "Firewall", ENGINE_SERVICE_FIXED, "50.00")->category_id = "cat-net";
    fx_plan(&f, "p-all", "Everything", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan_service(&f, "p-all", "s-help", 1);
    fx_plan_service(&f, "p-all", "s-fw", 1);
    fx_assign(&f, "cp-1", "p-all", "2024-06-01", NULL)->service_category = "cat-net";
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_str_eq(f.res.lines[0].service_id, "s-fw");
    fx_fini(&f);
}

Test(plans, default_anchors_align_cycles_to_the_calendar)
{
    static const struct {
        Frequency f;
        const char *start, *anchor;
    } rows[] = {
        {FREQ_WEEKLY, "2024-06-05", "2024-06-03"},    {FREQ_WEEKLY, "2024-06-03", "2024-06-03"},
        {FREQ_WEEKLY, "2024-06-09", "2024-06-03"},    {FREQ_BIWEEKLY, "2024-06-05", "2024-06-03"},
        {FREQ_MONTHLY, "2024-06-11", "2024-06-01"},   {FREQ_QUARTERLY, "2024-02-10", "2024-01-01"},
        {FREQ_QUARTERLY, "2024-12-31", "2024-10-01"}, {FREQ_SEMIANNUAL, "2024-06-30", "2024-01-01"},
        {FREQ_SEMIANNUAL, "2024-07-01", "2024-07-01"}, {FREQ_ANNUAL, "2024-11-11", "2024-01-01"},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_eq(engine_default_anchor(rows[i].f, DAY(rows[i].start)), DAY(rows[i].anchor),
                     "row %zu", i);
}

/* Issue 5 rule: "overlapping bucket plans are refused at assignment". */
Test(plans, overlapping_bucket_plans_are_refused_at_assignment)
{
    static const struct {
        const char *plan, *start, *end;
        int rc;
    } rows[] = {
        {"p-bucket2", "2024-06-01", NULL, -ERR_CONFLICT},        /* same service, overlapping */
        {"p-bucket2", "2023-01-01", "2023-12-31", 0},            /* ends before the other starts */
        {"p-bucket3", "2024-06-01", NULL, 0},                    /* no common service */
        {"p-hourly", "2024-06-01", NULL, 0},                     /* not a bucket plan */
        {"p-bucket2", "2024-06-01", "2024-05-01", -ERR_INVALID}, /* ends before it starts */
        {"p-none", "2024-06-01", NULL, -ERR_INVALID},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        fx_init(&f, "2024-06-01", "2024-07-01");
        fx_service(&f, "s-consult", "Consulting", ENGINE_SERVICE_TIME, "100.00");
        fx_service(&f, "s-train", "Training", ENGINE_SERVICE_TIME, "80.00");
        fx_plan(&f, "p-bucket1", "Retainer", FREQ_MONTHLY, ENGINE_PLAN_BUCKET);
        fx_plan(&f, "p-bucket2", "Retainer XL", FREQ_MONTHLY, ENGINE_PLAN_BUCKET);
        fx_plan(&f, "p-bucket3", "Training hours", FREQ_MONTHLY, ENGINE_PLAN_BUCKET);
        fx_plan(&f, "p-hourly", "Hourly", FREQ_MONTHLY, ENGINE_PLAN_TIME_BASED);
        fx_plan_service(&f, "p-bucket1", "s-consult", 0);
        fx_plan_service(&f, "p-bucket2", "s-consult", 0);
        fx_plan_service(&f, "p-bucket3", "s-train", 0);
        fx_plan_service(&f, "p-hourly", "s-consult", 0);
        fx_assign(&f, "cp-1", "p-bucket1", "2024-01-01", NULL);
        EngineCustomerPlan cand = {.id = "cp-new", .customer_id = "cust-1", .plan_id = rows[i].plan,
                                   .start_date = DAY(rows[i].start), .is_active = true};
        if (rows[i].end) {
            cand.has_end_date = true;
            cand.end_date = DAY(rows[i].end);
        }
        Error e = {0};
        cr_expect_eq(engine_check_assignment(&f.in, &cand, &e), rows[i].rc, "row %zu: %s", i,
                     e.message);
        if (rows[i].rc == -ERR_CONFLICT) {
            cr_expect_str_eq(e.field, "plan_id");
            cr_expect(strstr(e.message, "Retainer") != NULL, "%s", e.message);
        }
        fx_fini(&f);
    }
}

Test(plans, an_assignment_naming_an_unknown_plan_is_refused_by_the_engine)
{
    Fx f;
    fx_init(&f, "2024-06-01", "2024-07-01");
    fx_assign(&f, "cp-1", "p-missing", "2024-06-01", NULL);
    cr_expect_eq(fx_rate(&f), -ERR_INVALID);
    cr_expect_str_eq(f.err.field, "customer_plans[0].plan_id");
    fx_fini(&f);

    fx_init(&f, "2024-06-01", "2024-07-01");
    fx_plan(&f, "p-b", "Retainer", FREQ_MONTHLY, ENGINE_PLAN_BUCKET);
    fx_assign(&f, "cp-1", "p-b", "2024-06-01", NULL);
    cr_expect_eq(fx_rate(&f), -ERR_INVALID); /* a bucket plan without its bucket */
    fx_fini(&f);
}

static uint64_t lcg = 7;
static uint64_t rnd(uint64_t n)
{
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (lcg >> 33) % n;
}

Test(plans, the_cached_winner_agrees_with_the_precedence_rules_on_random_assignments)
{
    static const char *const cp_ids[] = {"cp-0", "cp-1", "cp-2", "cp-3", "cp-4"};
    static const char *const plan_ids[] = {"p-0", "p-1", "p-2", "p-3"};
    static const char *const svc_ids[] = {"s-fixed", "s-time", "s-usage"};
    for (int iter = 0; iter < 300; iter++) {
        Fx f;
        fx_init(&f, "2024-06-01", "2024-07-01");
        fx_service(&f, "s-fixed", "F", ENGINE_SERVICE_FIXED, "1")->category_id = "c-a";
        fx_service(&f, "s-time", "T", ENGINE_SERVICE_TIME, "1")->category_id = rnd(2) ? "c-a" : "c-b";
        fx_service(&f, "s-usage", "U", ENGINE_SERVICE_USAGE, "1")->category_id = "c-b";
        for (int p = 0; p < 4; p++) {
            EnginePlan *pl = fx_plan(&f, plan_ids[p], plan_ids[p], FREQ_MONTHLY,
                                     rnd(3) == 0 ? ENGINE_PLAN_BUCKET : ENGINE_PLAN_FIXED);
            pl->is_custom = rnd(2);
            for (int s = 0; s < 3; s++)
                if (rnd(3))
                    fx_plan_service(&f, plan_ids[p], svc_ids[s], 1)->bundle_id = rnd(4) ? NULL : "b";
        }
        int ncp = 1 + (int)rnd(5);
        for (int c = 0; c < ncp; c++) {
            EngineCustomerPlan *cp = fx_assign(&f, cp_ids[c], plan_ids[rnd(4)], "2024-06-01", NULL);
            cp->start_date = DAY("2024-05-20") + (Date)rnd(30);
            cp->is_active = rnd(8) != 0;
            if (rnd(2)) {
                cp->has_end_date = true;
                cp->end_date = cp->start_date + (Date)rnd(30);
            }
            if (rnd(3) == 0)
                cp->service_category = rnd(2) ? "c-a" : "c-b";
        }
        Arena a;
        arena_init(&a, 0);
        EngineWinners w;
        EngineServiceIndex idx;
        cr_assert_eq(engine_winners_init(&w, &f.in, &a, NULL), 0);
        cr_assert_eq(engine_service_index_init(&idx, &f.in, &a, NULL), 0);
        for (int s = 0; s < 3; s++) {
            char copy[16];
            snprintf(copy, sizeof copy, "%s", svc_ids[s]); /* a distinct pointer, as from a row */
            const EngineService *svc = engine_service_index_find(&idx, copy);
            cr_assert_eq(svc, engine_find_service(&f.in, svc_ids[s]));
            for (Date d = DAY("2024-05-15"); d < DAY("2024-07-15"); d++) {
                EngineWinner got;
                cr_assert_eq(engine_winner(&got, &w, &f.in, svc, d, &a, NULL), 0);
                const EngineCustomerPlan *want = engine_plan_winner(&f.in, svc, d);
                cr_assert_eq(got.cp, want, "iteration %d service %s", iter, svc_ids[s]);
                if (want) {
                    cr_assert_eq(got.plan, engine_find_plan(&f.in, want->plan_id));
                    cr_assert_eq(got.ps, engine_find_plan_service(&f.in, want->plan_id, svc->id));
                }
            }
        }
        cr_expect_null(engine_service_index_find(&idx, "s-none"));
        cr_expect_null(engine_service_index_find(&idx, NULL));
        arena_free(&a);
        fx_fini(&f);
    }
}

Test(plans, the_cycle_memo_returns_what_engine_cycle_returns)
{
    EngineCustomerPlan a = {.id = "a", .start_date = DAY("2024-01-11"), .is_active = true};
    EngineCustomerPlan b = {.id = "b", .start_date = DAY("2024-01-11"), .is_active = true,
                            .has_anchor = true, .anchor = DAY("2024-01-15")};
    EngineCycleMemo m = {0};
    for (int i = 0; i < 2000; i++) {
        const EngineCustomerPlan *cp = rnd(2) ? &a : &b;
        Frequency fr = (Frequency)rnd(6);
        Date d = DAY("2024-01-11") + (Date)rnd(800);
        Period got = engine_cycle_memo(&m, cp, fr, d), want = engine_cycle(cp, fr, d);
        cr_assert(got.start == want.start && got.end == want.end, "iteration %d", i);
    }
}
