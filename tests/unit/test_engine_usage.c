/* tests/unit/test_engine_usage.c — Usage services (domain/engine_usage.c):
 * quantity x rate with prices of 6+ decimals, graduated and volume tiers,
 * package pricing, usage summed per cycle before pricing, late records
 * priced at the margin, and approval of large usage. */
#include "engine_fixture.h"

/* Usage plan "Cloud" (monthly) holding Storage (Usage, default 0.10/GB). */
static EnginePlanService *metered(Fx *f)
{
    fx_init(f, "2024-06-01", "2024-07-01");
    fx_service(f, "s-storage", "Storage", ENGINE_SERVICE_USAGE, "0.10")->unit = "GB";
    fx_plan(f, "p-cloud", "Cloud", FREQ_MONTHLY, ENGINE_PLAN_USAGE_BASED);
    EnginePlanService *ps = fx_plan_service(f, "p-cloud", "s-storage", 0);
    fx_assign(f, "cp-1", "p-cloud", "2024-01-01", NULL);
    return ps;
}

/* [0, 1000] at 0.10; (1000, 5000] at 0.08 plus 5.00 once reached; above at 0.05. */
static void three_tiers(Fx *f, EnginePlanService *ps, EnginePricing model)
{
    ps->pricing = model;
    fx_tier(f, ps, "1000", "0.10", "0");
    fx_tier(f, ps, "5000", "0.08", "5.00");
    fx_tier(f, ps, NULL, "0.05", "0");
}

static int64_t price(const EnginePlanService *ps, const char *qty, const char *rate)
{
    int64_t v;
    Error e;
    cr_assert_eq(engine_usage_price(&v, NULL, D(qty), ps, D(rate), CUR("USD"), ROUND_HALF_UP, &e), 0,
                 "%s: %s", qty, e.message);
    return v;
}

Test(usage, quantity_times_rate_with_six_decimal_prices)
{
    Fx f;
    EnginePlanService *ps = metered(&f);
    fx_custom_rate(ps, "0.000015");
    fx_usage(&f, "u-1", "s-storage", "2024-06-10", "1234567");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].kind, ENGINE_CHARGE_USAGE);
    cr_expect_eq(f.res.lines[0].amount, M("18.52")); /* 18.518505 rounded once */
    cr_expect_eq(f.res.lines[0].rate_source, ENGINE_RATE_CUSTOM);
    cr_expect_str_eq(f.res.lines[0].unit, "GB");
    fx_fini(&f);
}

Test(usage, records_are_summed_per_cycle_before_pricing)
{
    Fx f;
    EnginePlanService *ps = metered(&f);
    three_tiers(&f, ps, ENGINE_PRICE_GRADUATED);
    fx_usage(&f, "u-1", "s-storage", "2024-06-10", "600");
    fx_usage(&f, "u-2", "s-storage", "2024-06-20", "600");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect(dec_cmp(f.res.lines[0].quantity, D("1200")) == 0);
    cr_expect_eq(f.res.lines[0].amount, M("121.00")); /* 100 + 200 x 0.08 + 5, not 2 x 60 */
    cr_expect_eq(f.res.lines[0].nsources, 2);
    cr_expect_eq(f.res.usage[0].line, 0);
    cr_expect_eq(f.res.usage[1].line, 0);
    fx_fini(&f);
}

Test(usage, graduated_tiers_price_each_tiers_units_at_its_rate)
{
    Fx f;
    EnginePlanService *ps = metered(&f);
    three_tiers(&f, ps, ENGINE_PRICE_GRADUATED);
    static const struct {
        const char *qty, *amount;
    } rows[] = {
        {"0", "0.00"},       {"1", "0.10"},       {"500", "50.00"},     {"1000", "100.00"},
        {"1000.5", "105.04"}, {"1001", "105.08"}, {"5000", "425.00"},   {"5001", "425.05"},
        {"6000", "475.00"},  {"0.001", "0.00"},  {"1000000", "50175.00"},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_eq(price(ps, rows[i].qty, "0"), M(rows[i].amount), "qty %s", rows[i].qty);
    fx_fini(&f);
}

Test(usage, volume_tiers_price_every_unit_at_the_tier_reached)
{
    Fx f;
    EnginePlanService *ps = metered(&f);
    three_tiers(&f, ps, ENGINE_PRICE_VOLUME);
    static const struct {
        const char *qty, *amount;
    } rows[] = {
        {"0", "0.00"},      {"500", "50.00"},   {"1000", "100.00"}, {"1001", "85.08"},
        {"5000", "405.00"}, {"5001", "250.05"}, {"6000", "300.00"},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_eq(price(ps, rows[i].qty, "0"), M(rows[i].amount), "qty %s", rows[i].qty);
    fx_fini(&f);
}

Test(usage, package_pricing_rounds_packages_up)
{
    Fx f;
    EnginePlanService *ps = metered(&f);
    ps->pricing = ENGINE_PRICE_PACKAGE;
    ps->package_size = D("1000");
    static const struct {
        const char *qty, *amount, *packages;
    } rows[] = {
        {"0", "0.00", "0"},      {"1", "5.00", "1"},      {"999.5", "5.00", "1"},
        {"1000", "5.00", "1"},   {"1001", "10.00", "2"},  {"2001", "15.00", "3"},
        {"1000000", "5000.00", "1000"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v;
        Dec pk;
        cr_assert_eq(engine_usage_price(&v, &pk, D(rows[i].qty), ps, D("5.00"), CUR("USD"),
                                        ROUND_HALF_UP, NULL),
                     0);
        cr_expect_eq(v, M(rows[i].amount), "qty %s", rows[i].qty);
        cr_expect(dec_cmp(pk, D(rows[i].packages)) == 0, "qty %s", rows[i].qty);
    }
    ps->package_size = D("0.5");
    cr_expect_eq(price(ps, "1.2", "1.00"), M("3.00"));
    fx_fini(&f);
}

Test(usage, a_package_line_explains_the_packages)
{
    Fx f;
    EnginePlanService *ps = metered(&f);
    ps->pricing = ENGINE_PRICE_PACKAGE;
    ps->package_size = D("1000");
    fx_custom_rate(ps, "5.00");
    fx_usage(&f, "u-1", "s-storage", "2024-06-10", "2001");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].amount, M("15.00"));
    cr_expect(strstr(f.res.lines[0].explain, "3 packages of 1000") != NULL, "%s",
              f.res.lines[0].explain);
    fx_fini(&f);
}

Test(usage, late_records_are_priced_at_the_margin_of_what_was_billed)
{
    Fx f;
    EnginePlanService *ps = metered(&f);
    three_tiers(&f, ps, ENGINE_PRICE_GRADUATED);
    /* May: 900 GB billed (90.00) on the May invoice; 200 GB arrive late. */
    f.prior_usage[f.in.nprior_usage++] = (EnginePriorUsage){
        .customer_plan_id = "cp-1", .service_id = "s-storage",
        .cycle = PER("2024-05-01", "2024-06-01"), .quantity = D("900"), .amount_base = M("90.00")};
    fx_usage(&f, "u-1", "s-storage", "2024-05-30", "200");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect(f.res.lines[0].late);
    cr_expect_eq(f.res.lines[0].amount, M("23.00")); /* price(1100) 113.00 - 90.00 */
    fx_fini(&f);
}

/* Seed, approval workflows: "large usage reports" wait for approval. */
Test(approvals, usage_above_the_threshold_waits_for_approval)
{
    static const struct {
        const char *qty;
        EngineApproval approval;
        EngineOutcome outcome;
    } rows[] = {
        {"10000", ENGINE_APPROVAL_NONE, ENGINE_OUT_BILLED},
        {"10000.5", ENGINE_APPROVAL_NONE, ENGINE_OUT_PENDING_APPROVAL},
        {"20000", ENGINE_APPROVAL_APPROVED, ENGINE_OUT_BILLED},
        {"20000", ENGINE_APPROVAL_REJECTED, ENGINE_OUT_REJECTED},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Fx f;
        metered(&f);
        f.settings.has_usage_approval = true;
        f.settings.usage_approval_quantity = D("10000");
        fx_usage(&f, "u-1", "s-storage", "2024-06-10", rows[i].qty)->approval = rows[i].approval;
        fx_rate_ok(&f);
        cr_expect_eq(f.res.usage[0].outcome, rows[i].outcome, "row %zu", i);
        cr_expect_eq(f.res.nlines, rows[i].outcome == ENGINE_OUT_BILLED ? 1u : 0u, "row %zu", i);
        fx_fini(&f);
    }
}

Test(usage, pricing_definitions_are_validated)
{
    static const struct {
        EnginePricing model;
        int ntiers;
        const char *b1, *b2;
        bool last_unbounded;
        const char *rate, *size;
        int rc;
    } rows[] = {
        {ENGINE_PRICE_GRADUATED, 0, NULL, NULL, true, "1", NULL, -ERR_REQUIRED},
        {ENGINE_PRICE_VOLUME, 2, "100", "200", false, "1", NULL, -ERR_INVALID},
        {ENGINE_PRICE_GRADUATED, 2, "0", NULL, true, "1", NULL, -ERR_INVALID},
        {ENGINE_PRICE_GRADUATED, 2, "100", NULL, true, "-1", NULL, -ERR_RANGE},
        {ENGINE_PRICE_GRADUATED, 2, "100", NULL, true, "1", NULL, 0},
        {ENGINE_PRICE_PACKAGE, 0, NULL, NULL, true, "1", "0", -ERR_RANGE},
        {ENGINE_PRICE_PACKAGE, 0, NULL, NULL, true, "1", "1000", 0},
        {ENGINE_PRICE_PER_UNIT, 0, NULL, NULL, true, "1", NULL, 0},
    };
    for (size_t i = 0; i < N(rows); i++) {
        EngineTier tiers[2] = {
            {.unbounded = rows[i].ntiers == 1 && rows[i].last_unbounded, .unit_rate = D(rows[i].rate)},
            {.unbounded = rows[i].last_unbounded, .unit_rate = D("1")},
        };
        if (rows[i].b1)
            tiers[0].up_to = D(rows[i].b1);
        if (rows[i].b2)
            tiers[1].up_to = D(rows[i].b2);
        EnginePlanService ps = {.pricing = rows[i].model, .tiers = rows[i].ntiers ? tiers : NULL,
                                .ntiers = (size_t)rows[i].ntiers};
        if (rows[i].size)
            ps.package_size = D(rows[i].size);
        cr_expect_eq(engine_pricing_validate(&ps, NULL), rows[i].rc, "row %zu", i);
    }
    EngineTier down[3] = {{.up_to = D("100")}, {.up_to = D("50")}, {.unbounded = true}};
    EnginePlanService ps = {.pricing = ENGINE_PRICE_GRADUATED, .tiers = down, .ntiers = 3};
    Error e;
    cr_expect_eq(engine_pricing_validate(&ps, &e), -ERR_INVALID);
    cr_expect_str_eq(e.field, "tiers[1].up_to");
}

Test(usage, negative_quantities_are_refused_naming_the_record)
{
    Fx f;
    metered(&f);
    fx_usage(&f, "u-1", "s-storage", "2024-06-10", "-5");
    cr_expect_eq(fx_rate(&f), -ERR_RANGE);
    cr_expect_str_eq(f.err.field, "usage[0].quantity");
    fx_fini(&f);
}

Test(usage, usage_on_a_time_service_is_included_not_metered)
{
    Fx f;
    metered(&f);
    fx_service(&f, "s-consult", "Consulting", ENGINE_SERVICE_TIME, "100.00");
    fx_plan_service(&f, "p-cloud", "s-consult", 0);
    fx_usage(&f, "u-1", "s-consult", "2024-06-10", "3");
    fx_rate_ok(&f);
    cr_expect_eq(f.res.nlines, 0);
    cr_expect_eq(f.res.usage[0].outcome, ENGINE_OUT_INCLUDED);
    fx_fini(&f);
}
