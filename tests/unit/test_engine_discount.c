/* tests/unit/test_engine_discount.c — discounts and promotions
 * (domain/engine_discount.c): percentage and fixed, on a service, a plan or
 * the whole invoice, only inside their date range (prorated by days), the
 * customer's own discount over the plan's default, never below zero, scope
 * order, approval thresholds, credits and foreign currencies. The seed's
 * "Discounts and Promotions Tests" are named as such. */
#include "engine_fixture.h"

/* Gold (monthly) with Managed Support 300.00 and Backup 100.00, all June. */
static void gold(Fx *f)
{
    fx_init(f, "2024-06-01", "2024-07-01");
    fx_service(f, "s-support", "Managed Support", ENGINE_SERVICE_FIXED, "300.00");
    fx_service(f, "s-backup", "Backup", ENGINE_SERVICE_FIXED, "100.00");
    fx_plan(f, "p-gold", "Gold", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan_service(f, "p-gold", "s-support", 1);
    fx_plan_service(f, "p-gold", "s-backup", 1);
    fx_assign(f, "cp-1", "p-gold", "2024-06-01", NULL);
}

static int64_t line_discount(const Fx *f, const char *service)
{
    for (size_t i = 0; i < f->res.nlines; i++)
        if (engine_id_eq(f->res.lines[i].service_id, service))
            return f->res.lines[i].discount;
    cr_assert_fail("no line for %s", service);
    return 0;
}

/* Seed: "Verify that percentage discounts are correctly applied to invoice totals." */
Test(discounts, percentage_discounts_are_applied_to_invoice_totals)
{
    Fx f;
    gold(&f);
    fx_discount(&f, "d-10", "Ten percent", ENGINE_DISCOUNT_PERCENTAGE, "10", NULL, NULL);
    fx_link(&f, "d-10", NULL, "cust-1", NULL);
    fx_rate_ok(&f);
    cr_expect_eq(f.res.subtotal, M("400.00"));
    cr_expect_eq(f.res.discount_total, M("40.00"));
    cr_expect_eq(f.res.total, M("360.00"));
    cr_expect_eq(line_discount(&f, "s-support"), M("30.00"));
    cr_expect_eq(line_discount(&f, "s-backup"), M("10.00"));
    cr_expect_eq(f.res.lines[0].discounts[0].scope, ENGINE_SCOPE_INVOICE);
    fx_fini(&f);
}

Test(discounts, an_invoice_percentage_is_computed_on_the_total_once_and_spread_exactly)
{
    Fx f;
    gold(&f);
    f.services[0].default_rate = D("100.01");
    f.services[1].default_rate = D("200.02");
    fx_service(&f, "s-mail", "Mail", ENGINE_SERVICE_FIXED, "0.05");
    fx_plan_service(&f, "p-gold", "s-mail", 1);
    fx_discount(&f, "d-10", "Ten percent", ENGINE_DISCOUNT_PERCENTAGE, "10", NULL, NULL);
    fx_link(&f, "d-10", NULL, "cust-1", NULL);
    fx_rate_ok(&f);
    /* 10% of 300.08 = 30.008 -> 30.01, once; per-line rounding would give
     * 10.00 + 20.00 + 0.01 (0.005 up) = 30.01 here, but the total rule holds
     * whatever the lines. */
    cr_expect_eq(f.res.discount_total, M("30.01"));
    int64_t sum = 0;
    for (size_t i = 0; i < f.res.nlines; i++) {
        cr_expect_leq(f.res.lines[i].discount, f.res.lines[i].amount);
        sum += f.res.lines[i].discount;
    }
    cr_expect_eq(sum, M("30.01"));
    fx_fini(&f);
}

/* Seed: "Test fixed amount discounts on specific services or plans." */
Test(discounts, fixed_amount_discounts_on_specific_services_or_plans)
{
    Fx f;
    gold(&f);
    fx_discount(&f, "d-svc", "Backup promo", ENGINE_DISCOUNT_FIXED, "50.00", NULL, NULL);
    fx_link(&f, "d-svc", "p-gold", NULL, "s-backup");
    fx_rate_ok(&f);
    cr_expect_eq(line_discount(&f, "s-backup"), M("50.00"));
    cr_expect_eq(line_discount(&f, "s-support"), 0);
    cr_expect_eq(f.res.lines[1].discounts[0].scope, ENGINE_SCOPE_SERVICE);
    fx_fini(&f);

    gold(&f);
    fx_discount(&f, "d-plan", "Gold promo", ENGINE_DISCOUNT_FIXED, "40.00", NULL, NULL);
    fx_link(&f, "d-plan", "p-gold", NULL, NULL);
    fx_rate_ok(&f);
    cr_expect_eq(f.res.discount_total, M("40.00"));
    cr_expect_eq(line_discount(&f, "s-support"), M("30.00")); /* spread 3:1 */
    cr_expect_eq(line_discount(&f, "s-backup"), M("10.00"));
    cr_expect_eq(f.res.lines[0].discounts[0].scope, ENGINE_SCOPE_PLAN);
    fx_fini(&f);
}

/* Seed: "Ensure time-bound discounts are only applied within their valid date range." */
Test(discounts, time_bound_discounts_apply_only_within_their_date_range)
{
    static const struct {
        const char *start, *end;
        const char *support, *backup;
        int days_in_force;
    } rows[] = {
        {NULL, NULL, "30.00", "10.00", 30},
        {"2024-06-01", "2024-06-30", "30.00", "10.00", 30},
        {"2024-06-01", "2024-06-15", "15.00", "5.00", 15}, /* half of June */
        {"2024-06-21", NULL, "10.00", "3.33", 10},
        {"2024-05-01", "2024-05-31", "0.00", "0.00", 0},   /* over before June */
        {"2024-07-01", NULL, "0.00", "0.00", 0},           /* not started */
        {"2024-06-30", "2024-06-30", "1.00", "0.33", 1},   /* one day */
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        gold(&f);
        fx_discount(&f, "d-10", "Summer", ENGINE_DISCOUNT_PERCENTAGE, "10", rows[i].start,
                    rows[i].end);
        fx_link(&f, "d-10", "p-gold", NULL, NULL);
        fx_rate_ok(&f);
        cr_expect_eq(line_discount(&f, "s-support"), M(rows[i].support), "row %zu: %lld", i,
                     (long long)line_discount(&f, "s-support"));
        cr_expect_eq(line_discount(&f, "s-backup"), M(rows[i].backup), "row %zu", i);
        if (rows[i].days_in_force)
            cr_expect_eq(f.res.lines[0].discounts[0].days_in_force, rows[i].days_in_force, "row %zu",
                         i);
        else
            cr_expect_eq(f.res.lines[0].ndiscounts, 0, "row %zu", i);
        fx_fini(&f);
    }
}

/* Seed: "Check that discounts associated with specific clients override
 * default plan discounts." */
Test(discounts, client_specific_discounts_override_default_plan_discounts)
{
    static const struct {
        const char *who;       /* the customer-specific link's company_id */
        const char *ends;      /* its discount's end date */
        const char *expected;  /* total discount */
    } rows[] = {
        {"cust-1", NULL, "80.00"},         /* 20% of the customer's own; 10% default dropped */
        {"cust-2", NULL, "40.00"},         /* another customer's: the default applies */
        {"cust-1", "2024-05-31", "40.00"}, /* expired: the default applies again */
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        gold(&f);
        fx_discount(&f, "d-default", "Gold default", ENGINE_DISCOUNT_PERCENTAGE, "10", NULL, NULL);
        fx_discount(&f, "d-own", "Loyal customer", ENGINE_DISCOUNT_PERCENTAGE, "20", NULL,
                    rows[i].ends);
        fx_link(&f, "d-default", "p-gold", NULL, NULL);
        fx_link(&f, "d-own", "p-gold", rows[i].who, NULL);
        fx_rate_ok(&f);
        cr_expect_eq(f.res.discount_total, M(rows[i].expected), "row %zu", i);
        fx_fini(&f);
    }
}

Test(discounts, discounts_never_take_a_line_or_the_invoice_below_zero)
{
    Fx f;
    gold(&f);
    fx_discount(&f, "d-big", "Too big", ENGINE_DISCOUNT_FIXED, "500.00", NULL, NULL);
    fx_link(&f, "d-big", "p-gold", NULL, "s-backup");
    fx_discount(&f, "d-huge", "Huger", ENGINE_DISCOUNT_FIXED, "1000.00", NULL, NULL);
    fx_link(&f, "d-huge", NULL, "cust-1", NULL);
    fx_discount(&f, "d-all", "Everything", ENGINE_DISCOUNT_PERCENTAGE, "100", NULL, NULL);
    fx_link(&f, "d-all", "p-gold", NULL, "s-support");
    fx_rate_ok(&f);
    for (size_t i = 0; i < f.res.nlines; i++) {
        cr_expect_eq(f.res.lines[i].net, 0, "line %zu", i);
        cr_expect_eq(f.res.lines[i].discount, f.res.lines[i].amount, "line %zu", i);
    }
    cr_expect_eq(f.res.total, 0);
    fx_fini(&f);
}

Test(discounts, scopes_apply_in_order_service_then_plan_then_invoice_each_on_what_is_left)
{
    Fx f;
    gold(&f);
    fx_discount(&f, "d-inv", "Invoice 10%", ENGINE_DISCOUNT_PERCENTAGE, "10", NULL, NULL);
    fx_discount(&f, "d-plan", "Plan 20 off", ENGINE_DISCOUNT_FIXED, "20.00", NULL, NULL);
    fx_discount(&f, "d-svc", "Support 10%", ENGINE_DISCOUNT_PERCENTAGE, "10", NULL, NULL);
    /* Listed in reverse on purpose: the order comes from the scope. */
    fx_link(&f, "d-inv", NULL, "cust-1", NULL);
    fx_link(&f, "d-plan", "p-gold", NULL, NULL);
    fx_link(&f, "d-svc", "p-gold", NULL, "s-support");
    fx_rate_ok(&f);
    /* support: 30.00 (10% of 300), then 14.59 of the 20 (weights 270:100),
     * then 25.54 of the 35.00 invoice discount (10% of 350.00 left). */
    const EngineCharge *s = &f.res.lines[0], *b = &f.res.lines[1];
    cr_assert_eq(s->ndiscounts, 3);
    cr_expect_str_eq(s->discounts[0].discount_id, "d-svc");
    cr_expect_str_eq(s->discounts[1].discount_id, "d-plan");
    cr_expect_str_eq(s->discounts[2].discount_id, "d-inv");
    cr_expect_eq(s->discounts[0].amount, M("30.00"));
    cr_expect_eq(s->discounts[1].amount, M("14.59"));
    cr_expect_eq(s->discounts[2].amount, M("25.54"));
    cr_expect_eq(b->discounts[0].amount, M("5.41"));
    cr_expect_eq(b->discounts[1].amount, M("9.46"));
    cr_expect_eq(f.res.discount_total, M("85.00"));
    cr_expect_eq(f.res.total, M("315.00"));
    fx_fini(&f);
}

/* Seed, approval workflows: "Test that discounts over a certain value require
 * managerial approval." */
Test(approvals, discounts_over_a_certain_value_require_managerial_approval)
{
    static const struct {
        EngineDiscountType type;
        const char *value;
        EngineApproval approval;
        bool applied;
    } rows[] = {
        {ENGINE_DISCOUNT_PERCENTAGE, "20", ENGINE_APPROVAL_NONE, true}, /* at the threshold */
        {ENGINE_DISCOUNT_PERCENTAGE, "25", ENGINE_APPROVAL_NONE, false},
        {ENGINE_DISCOUNT_PERCENTAGE, "25", ENGINE_APPROVAL_PENDING, false},
        {ENGINE_DISCOUNT_PERCENTAGE, "25", ENGINE_APPROVAL_APPROVED, true},
        {ENGINE_DISCOUNT_PERCENTAGE, "25", ENGINE_APPROVAL_REJECTED, false},
        {ENGINE_DISCOUNT_FIXED, "250.00", ENGINE_APPROVAL_NONE, true},
        {ENGINE_DISCOUNT_FIXED, "250.01", ENGINE_APPROVAL_NONE, false},
        {ENGINE_DISCOUNT_FIXED, "300.00", ENGINE_APPROVAL_APPROVED, true},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        gold(&f);
        f.settings.has_discount_approval_percent = true;
        f.settings.discount_approval_percent = D("20");
        f.settings.discount_approval_amount = M("250.00");
        fx_discount(&f, "d-1", "Special", rows[i].type, rows[i].value, NULL, NULL)->approval =
            rows[i].approval;
        fx_link(&f, "d-1", NULL, "cust-1", NULL);
        fx_rate_ok(&f);
        cr_expect_eq(f.res.discount_total != 0, rows[i].applied, "row %zu", i);
        cr_expect_eq(f.res.napprovals, rows[i].applied ? 0u : 1u, "row %zu", i);
        if (!rows[i].applied) {
            cr_expect_str_eq(f.res.approvals[0].discount_id, "d-1");
            cr_expect_not_null(f.res.approvals[0].reason);
        }
        fx_fini(&f);
    }
    EngineSettings s = {.base = CUR("USD"), .has_discount_approval_percent = true,
                        .discount_approval_percent = D("20")};
    EngineDiscount d = {.type = ENGINE_DISCOUNT_PERCENTAGE, .value = D("20.0001")};
    cr_expect(engine_discount_needs_approval(&d, &s));
}

Test(discounts, inactive_discounts_are_ignored)
{
    Fx f;
    gold(&f);
    fx_discount(&f, "d-10", "Off", ENGINE_DISCOUNT_PERCENTAGE, "10", NULL, NULL)->is_active = false;
    fx_link(&f, "d-10", "p-gold", NULL, NULL);
    fx_rate_ok(&f);
    cr_expect_eq(f.res.discount_total, 0);
    fx_fini(&f);
}

Test(discounts, out_of_range_values_are_refused_naming_the_discount)
{
    static const struct {
        EngineDiscountType type;
        const char *value;
    } rows[] = {{ENGINE_DISCOUNT_PERCENTAGE, "100.01"},
                {ENGINE_DISCOUNT_PERCENTAGE, "-1"},
                {ENGINE_DISCOUNT_FIXED, "-0.01"}};
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        gold(&f);
        fx_discount(&f, "d-1", "Bad", rows[i].type, rows[i].value, NULL, NULL);
        fx_link(&f, "d-1", "p-gold", NULL, NULL);
        cr_expect_eq(fx_rate(&f), -ERR_RANGE, "row %zu", i);
        cr_expect_str_eq(f.err.field, "discounts[0].value", "row %zu", i);
        fx_fini(&f);
    }
    Fx f;
    gold(&f);
    fx_link(&f, "d-missing", "p-gold", NULL, NULL);
    cr_expect_eq(fx_rate(&f), -ERR_INVALID);
    cr_expect_str_eq(f.err.field, "plan_discounts[0].discount_id");
    fx_fini(&f);
}

Test(discounts, a_credit_for_unused_days_carries_the_plans_percentage_discount)
{
    Fx f;
    gold(&f);
    f.in.period = PER("2024-07-01", "2024-08-01");
    f.plans[0].timing = ENGINE_ADVANCE;
    f.cps[0].has_end_date = true;
    f.cps[0].end_date = DAY("2024-06-15");
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-07-01");
    fx_prior(&f, "cp-1", "s-support", NULL, PER("2024-06-01", "2024-07-01"), M("300.00"));
    fx_discount(&f, "d-10", "Gold 10%", ENGINE_DISCOUNT_PERCENTAGE, "10", NULL, NULL);
    fx_link(&f, "d-10", "p-gold", NULL, NULL);
    fx_rate_ok(&f);
    const EngineCharge *c = fx_line(&f, ENGINE_CHARGE_ADJUSTMENT, 0);
    cr_assert_not_null(c);
    cr_expect_eq(c->amount, M("-150.00"));
    cr_expect_eq(c->discount, M("-15.00"));
    cr_expect_eq(c->net, M("-135.00")); /* mirrors the 270.00 net billed for June */
    fx_fini(&f);
}

Test(discounts, fixed_discounts_are_converted_into_the_invoice_currency)
{
    Fx f;
    gold(&f);
    f.customer.currency = CUR("EUR");
    f.customer.exchange_rate_to_base = D("1.25"); /* 1 EUR = 1.25 USD */
    fx_discount(&f, "d-50", "Fifty off", ENGINE_DISCOUNT_FIXED, "50.00", NULL, NULL);
    fx_link(&f, "d-50", "p-gold", NULL, "s-support");
    fx_rate_ok(&f);
    cr_expect_eq(f.res.lines[0].amount, MC("EUR", "240.00"));
    cr_expect_eq(f.res.lines[0].discount, MC("EUR", "40.00"));
    fx_fini(&f);
}
