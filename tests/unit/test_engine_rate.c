/* tests/unit/test_engine_rate.c — the whole calculation (domain/engine.c):
 * one customer with several kinds of charge, discounts, tax and currency,
 * the trace of every line, determinism (the preview is the invoice), the
 * seed's integration tests, and precise errors for bad input. */
#include "engine_fixture.h"

/* Managed Care (monthly), from June 11: support 540.00 USD (custom rate),
 * consulting 108.00 USD/h, storage 0.054 USD/GB; 10% plan discount; the
 * customer pays in EUR (1 EUR = 1.08 USD) with 19% VAT. */
static void care(Fx *f)
{
    fx_init(f, "2024-06-01", "2024-07-01");
    f->customer.currency = CUR("EUR");
    f->customer.exchange_rate_to_base = D("1.08");
    f->customer.tax_region = "DE";
    fx_service(f, "s-support", "Managed Support", ENGINE_SERVICE_FIXED, "600.00");
    fx_service(f, "s-consult", "Consulting", ENGINE_SERVICE_TIME, "108.00");
    fx_service(f, "s-storage", "Storage", ENGINE_SERVICE_USAGE, "0.054")->unit = "GB";
    fx_plan(f, "p-care", "Managed Care", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_custom_rate(fx_plan_service(f, "p-care", "s-support", 1), "540.00");
    fx_plan_service(f, "p-care", "s-consult", 0);
    fx_plan_service(f, "p-care", "s-storage", 0);
    fx_assign(f, "cp-1", "p-care", "2024-06-11", NULL);
    fx_discount(f, "d-care", "Care 10%", ENGINE_DISCOUNT_PERCENTAGE, "10", NULL, NULL);
    fx_link(f, "d-care", "p-care", NULL, NULL);
    fx_tax(f, "t-de", "DE", "19", "2021-01-01", NULL);
    fx_user(f, "u-1", NULL);
    fx_time(f, "te-1", "s-consult", "2024-06-12", 150);
    fx_usage(f, "us-1", "s-storage", "2024-06-20", "1000");
}

/* Seed, integration: "Test the end-to-end process of creating a billing plan
 * with discounts, assigning it to a client, and generating an invoice with
 * taxes and currency conversion." */
Test(integration, plan_with_discounts_assigned_and_invoiced_with_taxes_and_currency_conversion)
{
    Fx f;
    care(&f);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 3);
    static const struct {
        EngineChargeKind kind;
        const char *base, *amount, *discount, *tax, *total;
    } rows[] = {
        {ENGINE_CHARGE_FIXED, "360.00", "333.33", "33.33", "57.00", "357.00"},
        {ENGINE_CHARGE_TIME, "270.00", "250.00", "25.00", "42.75", "267.75"},
        {ENGINE_CHARGE_USAGE, "54.00", "50.00", "5.00", "8.55", "53.55"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        const EngineCharge *l = &f.res.lines[i];
        cr_expect_eq(l->kind, rows[i].kind, "line %zu", i);
        cr_expect_eq(l->amount_base, M(rows[i].base), "line %zu", i);
        cr_expect_eq(l->amount, MC("EUR", rows[i].amount), "line %zu", i);
        cr_expect_eq(l->discount, MC("EUR", rows[i].discount), "line %zu", i);
        cr_expect_eq(l->tax, MC("EUR", rows[i].tax), "line %zu", i);
        cr_expect_eq(l->total, MC("EUR", rows[i].total), "line %zu", i);
    }
    cr_expect_str_eq(f.res.currency->code, "EUR");
    cr_expect_eq(f.res.subtotal, MC("EUR", "633.33"));
    cr_expect_eq(f.res.discount_total, MC("EUR", "63.33"));
    cr_expect_eq(f.res.tax_total, MC("EUR", "108.30"));
    cr_expect_eq(f.res.total, MC("EUR", "678.30"));
    cr_expect_eq(f.res.total, f.res.subtotal - f.res.discount_total + f.res.tax_total);
    cr_assert_eq(f.res.ntaxes, 1);
    cr_expect_eq(f.res.taxes[0].taxable, MC("EUR", "570.00"));
    fx_fini(&f);
}

Test(engine, every_line_carries_a_calculation_trace)
{
    Fx f;
    care(&f);
    fx_rate_ok(&f);
    static const char *const fixed_parts[] = {
        "fixed: plan \"Managed Care\" (assignment cp-1)",
        "service \"Managed Support\"",
        "cycle [2024-06-01, 2024-07-01)",
        "rate 540 USD from the plan's custom rate",
        "quantity 1; days used 20 / days in period 30 (from 2024-06-11, to 2024-07-01 exclusive)",
        "amount 360.00 USD = 333.33 EUR at 1.08 USD per EUR",
        "discount \"Care 10%\" (plan, 10%) -33.33",
        "net 300.00",
        "tax 19% (rate t-de) 57.00",
        "total 357.00 EUR",
    };
    for (size_t i = 0; i < N(fixed_parts); i++)
        cr_expect(strstr(f.res.lines[0].explain, fixed_parts[i]) != NULL, "missing \"%s\" in: %s",
                  fixed_parts[i], f.res.lines[0].explain);
    cr_expect(strstr(f.res.lines[1].explain,
                     "rate 108 USD from the service's default rate; 1 time entry, 150 minutes = 2.5 h") !=
                  NULL,
              "%s", f.res.lines[1].explain);
    cr_expect(strstr(f.res.lines[2].explain, "1 usage record, quantity 1000 GB; per_unit pricing") !=
                  NULL,
              "%s", f.res.lines[2].explain);
    cr_expect_str_eq(f.res.lines[0].description,
                     "Managed Support (Managed Care), 2024-06-11 to 2024-06-30, 20 of 30 days");
    cr_expect_str_eq(f.res.lines[1].description, "Consulting (Managed Care): 2.5 h, 2024-06-01 to 2024-06-30");
    for (size_t i = 0; i < f.res.nlines; i++) {
        cr_expect_not_null(f.res.lines[i].explain);
        cr_expect_not_null(f.res.lines[i].description);
    }
    fx_fini(&f);
}

/* Issue 5 acceptance: "The preview of a customer equals the invoice that the
 * run then makes": the engine is pure, so the same rows give the same bytes. */
Test(engine, the_same_input_gives_the_same_invoice)
{
    Fx f, g;
    care(&f);
    care(&g);
    fx_rate_ok(&f);
    fx_rate_ok(&g);
    cr_assert_eq(f.res.nlines, g.res.nlines);
    for (size_t i = 0; i < f.res.nlines; i++) {
        cr_expect_str_eq(f.res.lines[i].explain, g.res.lines[i].explain);
        cr_expect_str_eq(f.res.lines[i].description, g.res.lines[i].description);
        cr_expect_eq(f.res.lines[i].total, g.res.lines[i].total);
    }
    cr_expect_eq(f.res.total, g.res.total);
    /* Rating again in the same arena state is equally stable. */
    int64_t total = f.res.total;
    fx_rate_ok(&f);
    cr_expect_eq(f.res.total, total);
    fx_fini(&f);
    fx_fini(&g);
}

/* Seed, integration: "Verify that service dependencies and bundles are
 * handled correctly during client onboarding." */
Test(integration, dependencies_and_bundles_are_handled_during_onboarding)
{
    const EngineDependency deps[] = {{"s-backup", "s-monitor"}};
    EngineHeldService held[4];
    size_t n;
    cr_assert_eq(engine_deps_add(held, &n, N(held), NULL, 0, "s-backup", deps, N(deps), NULL), 0);
    cr_assert_eq(n, 2);

    Fx f;
    fx_init(&f, "2024-06-01", "2024-07-01");
    fx_service(&f, "s-backup", "Backup", ENGINE_SERVICE_FIXED, "40.00");
    fx_service(&f, "s-monitor", "Monitoring", ENGINE_SERVICE_FIXED, "25.00");
    fx_service(&f, "s-av", "Antivirus", ENGINE_SERVICE_FIXED, "30.00");
    fx_service(&f, "s-fw", "Firewall", ENGINE_SERVICE_FIXED, "50.00");
    fx_bundle(&f, "bd-sec", "Security pack", "69.00");
    fx_plan(&f, "p-onb", "Onboarded", FREQ_MONTHLY, ENGINE_PLAN_FIXED)->is_custom = true;
    /* The custom plan holds what the closure chose, plus a bundle. */
    const char *ids[4];
    for (size_t i = 0; i < n; i++) {
        fx_plan_service(&f, "p-onb", held[i].service_id, 1);
        ids[i] = held[i].service_id;
    }
    cr_expect_eq(engine_deps_check(ids, n, deps, N(deps), f.services, f.in.nservices, NULL), 0);
    fx_plan_service(&f, "p-onb", "s-av", 1)->bundle_id = "bd-sec";
    fx_plan_service(&f, "p-onb", "s-fw", 1)->bundle_id = "bd-sec";
    fx_assign(&f, "cp-1", "p-onb", "2024-06-01", NULL);
    fx_rate_ok(&f);
    cr_expect_eq(fx_count(&f, ENGINE_CHARGE_FIXED), 2);
    cr_expect_eq(fx_count(&f, ENGINE_CHARGE_BUNDLE), 1);
    cr_expect_eq(f.res.subtotal, M("134.00")); /* 40 + 25 + 69, not 40 + 25 + 30 + 50 */
    fx_fini(&f);
}

/* Seed, integration: "Ensure that cancellations, refunds, and adjustments are
 * accurately reflected in client accounts and financial reports." The engine
 * part: a cancellation after an advance invoice becomes a credit line with
 * its tax reversed, and the totals carry it. */
Test(integration, cancellations_and_adjustments_are_reflected_in_the_invoice)
{
    Fx f;
    fx_init(&f, "2024-07-01", "2024-08-01");
    fx_service(&f, "s-support", "Managed Support", ENGINE_SERVICE_FIXED, "300.00");
    fx_plan(&f, "p-gold", "Gold", FREQ_MONTHLY, ENGINE_PLAN_FIXED)->timing = ENGINE_ADVANCE;
    fx_plan_service(&f, "p-gold", "s-support", 1);
    fx_assign(&f, "cp-1", "p-gold", "2024-01-01", NULL);
    f.cps[0].has_charged_through = true;
    f.cps[0].charged_through = DAY("2024-07-01");
    fx_prior(&f, "cp-1", "s-support", NULL, PER("2024-06-01", "2024-07-01"), M("300.00"));
    fx_status(&f, "p-gold", NULL, ENGINE_STATUS_CANCELLED, "2024-06-21", "moved to competitor");
    fx_tax(&f, "t", NULL, "10", "2020-01-01", NULL);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].kind, ENGINE_CHARGE_ADJUSTMENT);
    cr_expect_eq(f.res.lines[0].amount, M("-100.00"));
    cr_expect_eq(f.res.lines[0].tax, M("-10.00"));
    cr_expect_eq(f.res.total, M("-110.00"));
    cr_expect(strstr(f.res.lines[0].explain, "billed before 300.00 USD") != NULL, "%s",
              f.res.lines[0].explain);
    cr_expect_str_eq(f.res.lines[0].description,
                     "Credit for Managed Support (Gold), 2024-06-01 to 2024-06-30");
    fx_fini(&f);
}

/* Seed, integration: "Test that notifications and approvals are integrated
 * seamlessly into billing workflows." The engine part: what waits for
 * approval stays out of the invoice and is reported; once approved it is billed. */
Test(integration, approvals_are_integrated_into_billing)
{
    Fx f;
    care(&f);
    f.settings.time_approval_minutes = 120;
    f.settings.has_discount_approval_percent = true;
    f.settings.discount_approval_percent = D("5");
    fx_rate_ok(&f);
    cr_expect_eq(f.res.time[0].outcome, ENGINE_OUT_PENDING_APPROVAL);
    cr_expect_eq(fx_count(&f, ENGINE_CHARGE_TIME), 0);
    cr_expect_eq(f.res.discount_total, 0);
    cr_assert_eq(f.res.napprovals, 1);
    cr_expect_str_eq(f.res.approvals[0].reason, "10% exceeds the approval threshold of 5%");

    f.time[0].approval = ENGINE_APPROVAL_APPROVED;
    f.discounts[0].approval = ENGINE_APPROVAL_APPROVED;
    fx_rate_ok(&f);
    cr_expect_eq(f.res.total, MC("EUR", "678.30"));
    cr_expect_eq(f.res.napprovals, 0);
    fx_fini(&f);
}

Test(engine, bad_input_is_refused_naming_the_field)
{
    static const struct {
        int what;
        int rc;
        const char *field;
    } rows[] = {
        {0, -ERR_INVALID, "settings.base"},
        {1, -ERR_INVALID, "customer.currency"},
        {2, -ERR_INVALID, "customer.exchange_rate_to_base"},
        {3, -ERR_INVALID, "period_end"},
        {4, -ERR_INVALID, "customer_plans[0].end_date"},
        {5, -ERR_INVALID, "plan_services[0].service_id"},
        {6, -ERR_INVALID, "plan_services[0].bundle_id"},
        {7, -ERR_REQUIRED, "tiers"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        care(&f);
        switch (rows[i].what) {
        case 0: f.settings.base = NULL; break;
        case 1: f.customer.currency = NULL; break;
        case 2: f.customer.exchange_rate_to_base = D("0"); break;
        case 3: f.in.period.end = f.in.period.start; break;
        case 4:
            f.cps[0].has_end_date = true;
            f.cps[0].end_date = DAY("2024-06-01");
            break;
        case 5: f.plan_services[0].service_id = "s-ghost"; break;
        case 6: f.plan_services[0].bundle_id = "bd-ghost"; break;
        case 7: f.plan_services[2].pricing = ENGINE_PRICE_GRADUATED; break;
        }
        cr_expect_eq(fx_rate(&f), rows[i].rc, "row %zu: %s", i, f.err.message);
        cr_expect_str_eq(f.err.field, rows[i].field, "row %zu", i);
        fx_fini(&f);
    }
}

Test(engine, a_tiny_arena_fails_cleanly_with_unavailable)
{
    Fx f;
    care(&f);
    arena_free(&f.arena);
    arena_init(&f.arena, 256);
    cr_expect_eq(engine_rate(&f.res, &f.in, &f.arena, &f.err), -ERR_UNAVAILABLE);
    fx_fini(&f);
}

Test(engine, enumerations_round_trip_through_their_stored_names)
{
    for (int v = 0; v < 3; v++) {
        EngineServiceType t;
        cr_expect_eq(engine_service_type_parse(&t, engine_service_type_name(v)), 0);
        cr_expect_eq((int)t, v);
    }
    for (int v = 0; v < 4; v++) {
        EnginePlanType t;
        EnginePricing p;
        EngineApproval a;
        cr_expect_eq(engine_plan_type_parse(&t, engine_plan_type_name(v)), 0);
        cr_expect_eq(engine_pricing_parse(&p, engine_pricing_name(v)), 0);
        cr_expect_eq(engine_approval_parse(&a, engine_approval_name(v)), 0);
        cr_expect_eq((int)t + (int)p + (int)a, 3 * v);
    }
    EngineStatusKind s;
    EngineDiscountType d;
    EngineTiming tm;
    cr_expect_eq(engine_status_parse(&s, "suspended"), 0);
    cr_expect_eq(s, ENGINE_STATUS_SUSPENDED);
    cr_expect_eq(engine_discount_type_parse(&d, "fixed"), 0);
    cr_expect_eq(d, ENGINE_DISCOUNT_FIXED);
    cr_expect_eq(engine_timing_parse(&tm, "advance"), 0);
    cr_expect_eq(engine_service_type_parse(&(EngineServiceType){0}, "fixed"), -1); /* exact case */
    cr_expect_eq(engine_plan_type_parse(&(EnginePlanType){0}, NULL), -1);
    cr_expect_null(engine_plan_type_name((EnginePlanType)9));
    cr_expect_str_eq(engine_outcome_name(ENGINE_OUT_PENDING_APPROVAL), "pending_approval");
    cr_expect_str_eq(engine_tax_kind_name(ENGINE_TAX_GST_INTRA), "gst_intra_state");
    cr_expect_str_eq(engine_rate_source_name(ENGINE_RATE_USER), "user_rate");
    cr_expect_str_eq(engine_charge_kind_name(ENGINE_CHARGE_BUCKET_OVERAGE), "bucket_overage");
    cr_expect_str_eq(engine_scope_name(ENGINE_SCOPE_INVOICE), "invoice");
}
