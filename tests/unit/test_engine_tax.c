/* tests/unit/test_engine_tax.c — tax (domain/engine_tax.c): the rate of the
 * customer's region in force on the period end, per line after discounts,
 * exemptions of customers and services, GST split by place of supply, tax
 * categories, the per-rate summary and the warning for a missing rate. The
 * seed's "Taxation Details Tests" are named as such. */
#include "engine_fixture.h"

/* Managed Support 300.00 and Backup 100.00 in June; rates for three regions. */
static void taxed(Fx *f, const char *region)
{
    fx_init(f, "2024-06-01", "2024-07-01");
    fx_service(f, "s-support", "Managed Support", ENGINE_SERVICE_FIXED, "300.00");
    fx_service(f, "s-backup", "Backup", ENGINE_SERVICE_FIXED, "100.00");
    fx_plan(f, "p-gold", "Gold", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan_service(f, "p-gold", "s-support", 1);
    fx_plan_service(f, "p-gold", "s-backup", 1);
    fx_assign(f, "cp-1", "p-gold", "2024-06-01", NULL);
    fx_tax(f, "t-ka", "KA", "18", "2017-07-01", NULL);
    fx_tax(f, "t-tx", "TX", "8.25", "2020-01-01", NULL);
    fx_tax(f, "t-de", "DE", "19", "2021-01-01", NULL);
    f->customer.tax_region = region;
}

/* Seed: "Validate that the correct tax rate is applied based on the client's region." */
Test(taxation, correct_tax_rate_is_applied_based_on_the_clients_region)
{
    static const struct {
        const char *region, *rate_id, *tax;
    } rows[] = {{"KA", "t-ka", "72.00"}, {"TX", "t-tx", "33.00"}, {"DE", "t-de", "76.00"}};
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        taxed(&f, rows[i].region);
        fx_rate_ok(&f);
        cr_expect_eq(f.res.tax_total, M(rows[i].tax), "%s", rows[i].region);
        cr_expect_str_eq(f.res.lines[0].tax_rate_id, rows[i].rate_id);
        cr_expect_eq(f.res.lines[0].tax_kind, ENGINE_TAX_SIMPLE);
        cr_expect_eq(f.res.total, M("400.00") + M(rows[i].tax));
        fx_fini(&f);
    }
}

/* Seed: "Test tax exemptions for certain clients or services." */
Test(taxation, tax_exemptions_for_certain_clients_or_services)
{
    Fx f;
    taxed(&f, "KA");
    f.customer.is_tax_exempt = true;
    fx_rate_ok(&f);
    cr_expect_eq(f.res.tax_total, 0);
    cr_expect_eq(f.res.lines[0].tax_kind, ENGINE_TAX_EXEMPT_CUSTOMER);
    cr_expect_eq(f.res.lines[1].tax_kind, ENGINE_TAX_EXEMPT_CUSTOMER);
    fx_fini(&f);

    taxed(&f, "KA");
    f.services[1].is_tax_exempt = true; /* Backup */
    fx_rate_ok(&f);
    cr_expect_eq(f.res.lines[0].tax, M("54.00"));
    cr_expect_eq(f.res.lines[1].tax, 0);
    cr_expect_eq(f.res.lines[1].tax_kind, ENGINE_TAX_EXEMPT_SERVICE);
    cr_expect(strstr(f.res.lines[1].explain, "tax exempt (service)") != NULL);
    fx_fini(&f);
}

/* Seed: "Ensure tax calculations are accurate on invoice items." */
Test(taxation, tax_is_computed_per_line_after_discounts_and_rounded_once)
{
    Fx f;
    taxed(&f, "KA");
    f.services[0].default_rate = D("33.33");
    f.plan_services[0].quantity = 3;
    f.in.nplan_services = 1; /* support only */
    fx_rate_ok(&f);
    cr_expect_eq(f.res.subtotal, M("99.99"));
    cr_expect_eq(f.res.tax_total, M("18.00")); /* 17.9982 */
    cr_expect_eq(f.res.total, M("117.99"));
    fx_fini(&f);

    taxed(&f, "KA");
    f.in.nplan_services = 1;
    fx_discount(&f, "d-10", "Ten", ENGINE_DISCOUNT_PERCENTAGE, "10", NULL, NULL);
    fx_link(&f, "d-10", "p-gold", NULL, NULL);
    fx_rate_ok(&f);
    cr_expect_eq(f.res.lines[0].net, M("270.00"));
    cr_expect_eq(f.res.lines[0].tax, M("48.60")); /* on 270, not 300 */
    cr_expect_eq(f.res.total, M("318.60"));
    fx_fini(&f);
}

/* Seed: "Verify that tax rates are correctly updated when tax laws change." */
Test(taxation, tax_rates_are_updated_when_tax_laws_change)
{
    Fx f;
    fx_init(&f, "2024-07-01", "2024-08-01");
    fx_service(&f, "s-consult", "Consulting", ENGINE_SERVICE_TIME, "100.00");
    fx_plan(&f, "p-dev", "Dev", FREQ_MONTHLY, ENGINE_PLAN_TIME_BASED);
    fx_plan_service(&f, "p-dev", "s-consult", 0);
    fx_assign(&f, "cp-1", "p-dev", "2024-01-01", NULL);
    fx_tax(&f, "t-old", "KA", "18", "2017-07-01", "2024-06-30");
    fx_tax(&f, "t-new", "KA", "20", "2024-07-01", NULL);
    f.customer.tax_region = "KA";
    fx_time(&f, "te-june", "s-consult", "2024-06-28", 60); /* late: June's law */
    fx_time(&f, "te-july", "s-consult", "2024-07-02", 60);
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 2);
    cr_expect_str_eq(f.res.lines[0].tax_rate_id, "t-old");
    cr_expect_eq(f.res.lines[0].tax, M("18.00"));
    cr_expect_str_eq(f.res.lines[1].tax_rate_id, "t-new");
    cr_expect_eq(f.res.lines[1].tax, M("20.00"));
    cr_expect_eq(f.res.ntaxes, 2);
    fx_fini(&f);
}

Test(taxation, the_rate_in_force_on_the_period_end_applies)
{
    static const struct {
        const char *on, *id;
    } rows[] = {
        {"2024-06-30", "t-jun"}, /* starts on the last day: in force on the period end */
        {"2024-06-29", "t-jun"},
        {"2024-07-01", "t-may"}, /* starts after the period */
    };
    for (size_t i = 0; i < N(rows); i++) {
        const EngineTaxRate rates[] = {
            {.id = "t-may", .region = "KA", .tax_percentage = D("18"), .start_date = DAY("2024-05-01")},
            {.id = "t-jun", .region = "KA", .tax_percentage = D("12"), .start_date = DAY(rows[i].on)},
        };
        const EngineTaxRate *t = engine_tax_rate_find(rates, 2, "KA", NULL, DAY("2024-06-30"));
        cr_assert_not_null(t);
        cr_expect_str_eq(t->id, rows[i].id, "row %zu", i);
    }
}

Test(taxation, a_region_rate_beats_a_default_and_a_category_rate_beats_a_general_one)
{
    const EngineTaxRate rates[] = {
        {.id = "any", .tax_percentage = D("5"), .start_date = DAY("2020-01-01")},
        {.id = "ka", .region = "KA", .tax_percentage = D("18"), .start_date = DAY("2020-01-01")},
        {.id = "ka-sw", .region = "KA", .tax_category = "software", .tax_percentage = D("12"),
         .start_date = DAY("2020-01-01")},
        {.id = "ended", .region = "MH", .tax_percentage = D("18"), .start_date = DAY("2020-01-01"),
         .has_end_date = true, .end_date = DAY("2023-12-31")},
    };
    static const struct {
        const char *region, *category, *id;
    } rows[] = {
        {"KA", NULL, "ka"},         {"KA", "software", "ka-sw"}, {"KA", "hardware", "ka"},
        {"TN", NULL, "any"},        {NULL, NULL, "any"},        {"MH", NULL, "any"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        const EngineTaxRate *t =
            engine_tax_rate_find(rates, N(rates), rows[i].region, rows[i].category, DAY("2024-06-30"));
        cr_assert_not_null(t, "row %zu", i);
        cr_expect_str_eq(t->id, rows[i].id, "row %zu", i);
    }
    cr_expect_null(engine_tax_rate_find(rates + 1, 1, "TN", NULL, DAY("2024-06-30")));
}

/* Issue 4 acceptance, reused by the engine: "18% on 1000.00 intra-state =
 * CGST 90.00 + SGST 90.00; inter-state = IGST 180.00". */
Test(taxation, gst_splits_into_cgst_and_sgst_intra_state_and_igst_inter_state)
{
    static const struct {
        const char *net, *rate;
        bool intra;
        const char *cgst, *sgst, *igst;
    } rows[] = {
        {"1000.00", "18", true, "90.00", "90.00", "0.00"},
        {"1000.00", "18", false, "0.00", "0.00", "180.00"},
        {"333.33", "18", true, "30.00", "30.00", "0.00"},  /* 29.9997 each */
        {"333.33", "18", false, "0.00", "0.00", "60.00"},
        {"0.05", "18", true, "0.00", "0.00", "0.00"},      /* 0.0045 each */
        {"0.05", "18", false, "0.00", "0.00", "0.01"},
        {"100.00", "5", true, "2.50", "2.50", "0.00"},
        {"99.99", "28", true, "14.00", "14.00", "0.00"},   /* 13.9986 */
        {"-1000.00", "18", true, "-90.00", "-90.00", "0.00"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t c, s, g;
        cr_assert_eq(engine_gst_split(&c, &s, &g, M(rows[i].net), D(rows[i].rate), rows[i].intra,
                                      ROUND_HALF_UP, NULL),
                     0);
        cr_expect_eq(c, M(rows[i].cgst), "row %zu", i);
        cr_expect_eq(s, M(rows[i].sgst), "row %zu", i);
        cr_expect_eq(g, M(rows[i].igst), "row %zu", i);
    }
    cr_expect(engine_gst_intra_state("29", "29"));
    cr_expect_not(engine_gst_intra_state("29", "27"));
    cr_expect(engine_gst_intra_state("29", NULL)); /* unknown place of supply: the seller's */
    cr_expect(engine_gst_intra_state("29", ""));
}

Test(taxation, gst_lines_carry_the_split_and_the_summary_adds_it_up)
{
    static const struct {
        const char *state;
        EngineTaxKind kind;
        const char *cgst, *igst;
    } rows[] = {{"29", ENGINE_TAX_GST_INTRA, "36.00", "0.00"},
                {"27", ENGINE_TAX_GST_INTER, "0.00", "72.00"}};
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        taxed(&f, "KA");
        f.settings.gst = true;
        f.settings.seller_state_code = "29";
        f.customer.state_code = rows[i].state;
        fx_rate_ok(&f);
        cr_expect_eq(f.res.lines[0].tax_kind, rows[i].kind);
        cr_expect_eq(f.res.tax_total, M("72.00"));
        cr_assert_eq(f.res.ntaxes, 1);
        cr_expect_eq(f.res.taxes[0].taxable, M("400.00"));
        cr_expect_eq(f.res.taxes[0].cgst, M(rows[i].cgst));
        cr_expect_eq(f.res.taxes[0].sgst, M(rows[i].cgst));
        cr_expect_eq(f.res.taxes[0].igst, M(rows[i].igst));
        fx_fini(&f);
    }
}

Test(taxation, a_missing_rate_leaves_the_line_untaxed_with_a_warning)
{
    Fx f;
    taxed(&f, "ZZ");
    fx_rate_ok(&f);
    cr_expect_eq(f.res.tax_total, 0);
    cr_expect_eq(f.res.lines[0].tax_kind, ENGINE_TAX_NONE);
    cr_assert_eq(f.res.nwarnings, 1); /* once, not per line */
    cr_expect_str_eq(f.res.warnings[0], "no tax rate in force for region ZZ on 2024-06-30");
    fx_fini(&f);
}

/* A line whose service names no tax category and that no general rate (a tax_rates row without a
 * category) covers is taxed at the service's own rate, else at the tenant's default rate — the
 * rule of invoice lines entered by hand (doc_line_prepare), so a bill run's invoice and a manual
 * one tax the same service alike. A service with a category and no rate of it stays untaxed. */
Test(taxation, a_line_of_no_tax_category_is_taxed_at_the_services_own_rate_else_the_tenants_default)
{
    Fx f;
    taxed(&f, "ZZ");       /* no rate for the region: the rows above do not apply */
    f.in.ntax_rates = 0;
    f.services[0].has_tax_rate = true; /* Managed Support: its own 5% */
    f.services[0].tax_rate = D("5");
    f.settings.default_tax_rate = D("12.5");
    fx_rate_ok(&f);
    cr_expect_eq(f.res.lines[0].tax, M("15.00"));
    cr_expect_str_eq(f.res.lines[0].tax_rate_from, "service");
    cr_expect_eq(f.res.lines[0].tax_kind, ENGINE_TAX_SIMPLE);
    cr_expect(strstr(f.res.lines[0].explain, "tax 5% (the service's own rate) 15.00") != NULL, "%s",
              f.res.lines[0].explain);
    cr_expect_eq(f.res.lines[1].tax, M("12.50")); /* Backup: the tenant's 12.5% */
    cr_expect_str_eq(f.res.lines[1].tax_rate_from, "default");
    cr_expect_null(f.res.lines[1].tax_rate_id);
    cr_expect_eq(f.res.nwarnings, 0);
    fx_fini(&f);

    taxed(&f, "KA");       /* a general rate in force wins over both */
    f.services[0].has_tax_rate = true;
    f.services[0].tax_rate = D("5");
    f.settings.default_tax_rate = D("12.5");
    fx_rate_ok(&f);
    cr_expect_str_eq(f.res.lines[0].tax_rate_id, "t-ka");
    cr_expect_eq(f.res.lines[0].tax, M("54.00"));
    fx_fini(&f);

    taxed(&f, "ZZ");       /* a category without a rate: untaxed, not the defaults */
    f.services[1].tax_category = "luxury";
    f.settings.default_tax_rate = D("12.5");
    fx_rate_ok(&f);
    cr_expect_eq(f.res.lines[0].tax, M("37.50"));
    cr_expect_eq(f.res.lines[1].tax, 0);
    cr_expect_eq(f.res.lines[1].tax_kind, ENGINE_TAX_NONE);
    cr_expect_eq(f.res.nwarnings, 1);
    fx_fini(&f);

    taxed(&f, "ZZ");       /* GST: the default rate is split like any rate */
    f.in.ntax_rates = 0;
    f.settings.gst = true;
    f.settings.seller_state_code = "29";
    f.customer.state_code = "29";
    f.settings.default_tax_rate = D("18");
    fx_rate_ok(&f);
    cr_expect_eq(f.res.lines[0].cgst, M("27.00"));
    cr_expect_eq(f.res.lines[0].sgst, M("27.00"));
    cr_expect_eq(f.res.lines[0].tax_kind, ENGINE_TAX_GST_INTRA);
    fx_fini(&f);
}
