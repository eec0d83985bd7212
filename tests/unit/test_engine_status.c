/* tests/unit/test_engine_status.c — suspension and cancellation
 * (domain/engine_status.c and its use by every charge): suspended days are
 * not charged, cancellation is final, reactivation resumes billing from that
 * day, scopes (customer, plan, service), status-change rules, and credits
 * for a suspension recorded after an advance invoice. The seed's
 * "Cancellation and Suspension Handling Tests" are named as such. */
#include "engine_fixture.h"

static void gold(Fx *f, const char *from, const char *to)
{
    fx_init(f, from, to);
    fx_service(f, "s-support", "Managed Support", ENGINE_SERVICE_FIXED, "300.00");
    fx_service(f, "s-consult", "Consulting", ENGINE_SERVICE_TIME, "100.00");
    fx_plan(f, "p-gold", "Gold", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan_service(f, "p-gold", "s-support", 1);
    fx_plan_service(f, "p-gold", "s-consult", 0);
    fx_assign(f, "cp-1", "p-gold", "2024-01-01", NULL);
    f->cps[0].has_charged_through = true;
    f->cps[0].charged_through = DAY(from);
}

/* Seed: "Confirm that services marked as suspended do not generate charges
 * during the suspension period." */
Test(cancellation_and_suspension, suspended_services_generate_no_charges_during_the_suspension)
{
    Fx f;
    gold(&f, "2024-06-01", "2024-07-01");
    fx_status(&f, "p-gold", "s-support", ENGINE_STATUS_SUSPENDED, "2024-06-11", "unpaid invoice");
    fx_status(&f, "p-gold", "s-support", ENGINE_STATUS_ACTIVE, "2024-06-21", "paid");
    fx_status(&f, "p-gold", "s-consult", ENGINE_STATUS_SUSPENDED, "2024-06-11", "unpaid invoice");
    fx_time(&f, "te-1", "s-consult", "2024-06-15", 60);
    fx_time(&f, "te-2", "s-consult", "2024-06-05", 60);
    fx_rate_ok(&f);
    const EngineCharge *l = fx_line(&f, ENGINE_CHARGE_FIXED, 0);
    cr_assert_not_null(l);
    cr_expect_eq(l->days_used, 20);
    cr_expect_eq(l->amount, M("200.00")); /* 10 days suspended of 30 */
    cr_expect_eq(f.res.time[0].outcome, ENGINE_OUT_SUSPENDED);
    cr_expect_eq(f.res.time[1].outcome, ENGINE_OUT_BILLED);
    fx_fini(&f);
}

/* Seed: "Test that cancelled services are no longer billed and are removed
 * from active client plans." */
Test(cancellation_and_suspension, cancelled_services_are_no_longer_billed)
{
    Fx f;
    gold(&f, "2024-06-01", "2024-07-01");
    fx_status(&f, "p-gold", NULL, ENGINE_STATUS_CANCELLED, "2024-06-16", "customer left");
    fx_status(&f, "p-gold", NULL, ENGINE_STATUS_ACTIVE, "2024-06-20", "mistake?");
    fx_time(&f, "te-1", "s-consult", "2024-06-25", 60);
    fx_rate_ok(&f);
    const EngineCharge *l = fx_line(&f, ENGINE_CHARGE_FIXED, 0);
    cr_assert_not_null(l);
    cr_expect_eq(l->amount, M("150.00")); /* June 1..15; the later "active" does not undo it */
    cr_expect_eq(f.res.time[0].outcome, ENGINE_OUT_CANCELLED);
    fx_fini(&f);

    gold(&f, "2024-07-01", "2024-08-01");
    fx_status(&f, "p-gold", NULL, ENGINE_STATUS_CANCELLED, "2024-06-16", "customer left");
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0); /* never again */
    fx_fini(&f);
}

/* Seed: "Ensure that reactivating a suspended service resumes billing correctly." */
Test(cancellation_and_suspension, reactivating_a_suspended_service_resumes_billing_from_that_day)
{
    Fx f;
    gold(&f, "2024-06-01", "2024-07-01");
    fx_status(&f, "p-gold", "s-support", ENGINE_STATUS_SUSPENDED, "2024-05-20", "paused");
    fx_status(&f, "p-gold", "s-support", ENGINE_STATUS_ACTIVE, "2024-06-11", "resumed");
    fx_rate_ok(&f);
    const EngineCharge *l = fx_line(&f, ENGINE_CHARGE_FIXED, 0);
    cr_assert_not_null(l);
    cr_expect_eq(l->days_span.start, DAY("2024-06-11"));
    cr_expect_eq(l->amount, M("200.00"));
    fx_fini(&f);
}

/* Seed: "Validate that status changes are recorded with the correct date and reason." */
Test(cancellation_and_suspension, status_changes_are_recorded_with_date_and_reason)
{
    static const struct {
        EngineStatusKind from;
        const char *from_date;
        EngineStatusKind to;
        const char *to_date, *reason;
        int rc;
        const char *field;
    } rows[] = {
        {ENGINE_STATUS_ACTIVE, "2024-01-01", ENGINE_STATUS_SUSPENDED, "2024-06-11", "unpaid", 0, NULL},
        {ENGINE_STATUS_SUSPENDED, "2024-06-11", ENGINE_STATUS_ACTIVE, "2024-06-21", "paid", 0, NULL},
        {ENGINE_STATUS_SUSPENDED, "2024-06-11", ENGINE_STATUS_CANCELLED, "2024-06-11", "gone", 0, NULL},
        {ENGINE_STATUS_ACTIVE, "2024-01-01", ENGINE_STATUS_CANCELLED, "2024-06-11", NULL,
         -ERR_REQUIRED, "reason"},
        {ENGINE_STATUS_ACTIVE, "2024-01-01", ENGINE_STATUS_SUSPENDED, "2024-06-11", "",
         -ERR_REQUIRED, "reason"},
        {ENGINE_STATUS_CANCELLED, "2024-06-11", ENGINE_STATUS_ACTIVE, "2024-07-01", "back",
         -ERR_STATE, "status"},
        {ENGINE_STATUS_SUSPENDED, "2024-06-11", ENGINE_STATUS_SUSPENDED, "2024-06-12", "again",
         -ERR_STATE, "status"},
        {ENGINE_STATUS_SUSPENDED, "2024-06-11", ENGINE_STATUS_ACTIVE, "2024-06-10", "early",
         -ERR_INVALID, "status_date"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Error e = {0};
        int rc = engine_status_change_check(rows[i].from, DAY(rows[i].from_date), rows[i].to,
                                            DAY(rows[i].to_date), rows[i].reason, &e);
        cr_expect_eq(rc, rows[i].rc, "row %zu", i);
        if (rows[i].field)
            cr_expect_str_eq(e.field, rows[i].field, "row %zu", i);
    }
}

Test(cancellation_and_suspension, status_scopes_customer_plan_and_service)
{
    static const struct {
        const char *plan, *service;
        EngineStatusKind on_support, on_other_plan;
    } rows[] = {
        {NULL, NULL, ENGINE_STATUS_SUSPENDED, ENGINE_STATUS_SUSPENDED},         /* customer */
        {"p-gold", NULL, ENGINE_STATUS_SUSPENDED, ENGINE_STATUS_ACTIVE},        /* plan */
        {NULL, "s-support", ENGINE_STATUS_SUSPENDED, ENGINE_STATUS_SUSPENDED},  /* service anywhere */
        {"p-gold", "s-support", ENGINE_STATUS_SUSPENDED, ENGINE_STATUS_ACTIVE}, /* service in plan */
        {"p-other", NULL, ENGINE_STATUS_ACTIVE, ENGINE_STATUS_SUSPENDED},
        {"p-gold", "s-consult", ENGINE_STATUS_ACTIVE, ENGINE_STATUS_ACTIVE},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        gold(&f, "2024-06-01", "2024-07-01");
        fx_status(&f, rows[i].plan, rows[i].service, ENGINE_STATUS_SUSPENDED, "2024-06-10", "x");
        cr_expect_eq(engine_status_on(&f.in, "p-gold", "s-support", DAY("2024-06-15")),
                     rows[i].on_support, "row %zu", i);
        cr_expect_eq(engine_status_on(&f.in, "p-other", "s-support", DAY("2024-06-15")),
                     rows[i].on_other_plan, "row %zu", i);
        cr_expect_eq(engine_status_on(&f.in, "p-gold", "s-support", DAY("2024-06-09")),
                     ENGINE_STATUS_ACTIVE, "row %zu: before the status date", i);
        fx_fini(&f);
    }
    /* Another customer's rows never apply. */
    Fx f;
    gold(&f, "2024-06-01", "2024-07-01");
    fx_status(&f, NULL, NULL, ENGINE_STATUS_CANCELLED, "2024-06-10", "x")->customer_id = "cust-2";
    cr_expect_eq(engine_status_on(&f.in, "p-gold", "s-support", DAY("2024-06-15")),
                 ENGINE_STATUS_ACTIVE);
    fx_fini(&f);
}

Test(cancellation_and_suspension, a_suspension_recorded_after_an_advance_invoice_is_credited)
{
    Fx f;
    gold(&f, "2024-07-01", "2024-08-01");
    f.plans[0].timing = ENGINE_ADVANCE;
    f.cps[0].charged_through = DAY("2024-08-01");
    fx_prior(&f, "cp-1", "s-support", NULL, PER("2024-06-01", "2024-07-01"), M("300.00"));
    fx_prior(&f, "cp-1", "s-support", NULL, PER("2024-07-01", "2024-08-01"), M("300.00"));
    fx_status(&f, "p-gold", "s-support", ENGINE_STATUS_SUSPENDED, "2024-06-11", "unpaid");
    fx_status(&f, "p-gold", "s-support", ENGINE_STATUS_ACTIVE, "2024-06-21", "paid");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].kind, ENGINE_CHARGE_ADJUSTMENT);
    cr_expect_eq(f.res.lines[0].amount, M("-100.00"));
    cr_expect_eq(f.res.lines[0].days_used, 20);
    fx_fini(&f);
}
