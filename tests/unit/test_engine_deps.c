/* tests/unit/test_engine_deps.c — service dependencies and bundles
 * (domain/engine_deps.c, domain/engine_bundle.c): prerequisites come with a
 * service, go with it when nothing else needs them, a set lacking some is
 * refused naming them, and a bundle is billed at its price, not the sum of
 * its services. The seed's "Service Dependencies and Bundling Tests" are
 * named as such. */
#include "engine_fixture.h"

/* Backup needs Monitoring; Monitoring and Antivirus need the Agent. */
static const EngineDependency deps[] = {
    {"s-backup", "s-monitor"},
    {"s-monitor", "s-agent"},
    {"s-av", "s-agent"},
};
static const EngineService names[] = {
    {.id = "s-backup", .name = "Backup"},
    {.id = "s-monitor", .name = "Monitoring"},
    {.id = "s-agent", .name = "Agent"},
    {.id = "s-av", .name = "Antivirus"},
};

static bool holds(const EngineHeldService *v, size_t n, const char *id, bool auto_added)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].service_id, id) == 0)
            return v[i].auto_added == auto_added;
    return false;
}

/* Seed: "Verify that dependent services are automatically added when a
 * primary service is selected." */
Test(dependencies_and_bundles, dependent_services_are_added_automatically_with_the_primary)
{
    EngineHeldService out[8];
    size_t n;
    cr_assert_eq(engine_deps_add(out, &n, N(out), NULL, 0, "s-backup", deps, N(deps), NULL), 0);
    cr_expect_eq(n, 3);
    cr_expect(holds(out, n, "s-backup", false));
    cr_expect(holds(out, n, "s-monitor", true));
    cr_expect(holds(out, n, "s-agent", true)); /* transitively */

    /* Adding a held prerequisite makes it chosen; nothing is duplicated. */
    EngineHeldService again[8];
    size_t m;
    cr_assert_eq(engine_deps_add(again, &m, N(again), out, n, "s-monitor", deps, N(deps), NULL), 0);
    cr_expect_eq(m, 3);
    cr_expect(holds(again, m, "s-monitor", false));
    cr_expect_eq(engine_deps_add(again, &m, 2, out, n, "s-av", deps, N(deps), NULL), -ERR_RANGE);
}

/* Seed: "Ensure that removing a service also removes its dependent services if applicable." */
Test(dependencies_and_bundles, removing_a_service_removes_the_prerequisites_only_it_needed)
{
    const EngineHeldService held[] = {
        {"s-backup", false}, {"s-monitor", true}, {"s-agent", true}, {"s-av", false}};
    EngineHeldService out[8];
    size_t n;
    cr_assert_eq(engine_deps_remove(out, &n, N(out), held, N(held), "s-backup", deps, N(deps),
                                    names, N(names), NULL),
                 0);
    cr_expect_eq(n, 2);
    cr_expect(holds(out, n, "s-agent", true)); /* Antivirus still needs it */
    cr_expect(holds(out, n, "s-av", false));
    cr_expect_str_eq(out[0].service_id, "s-agent"); /* the held order is kept */

    /* Remove Antivirus too: the Agent goes as well. */
    EngineHeldService out2[8];
    size_t m;
    cr_assert_eq(engine_deps_remove(out2, &m, N(out2), out, n, "s-av", deps, N(deps), names,
                                    N(names), NULL),
                 0);
    cr_expect_eq(m, 0);

    /* A prerequisite the customer chose stays. */
    const EngineHeldService chosen[] = {{"s-backup", false}, {"s-monitor", false}, {"s-agent", true}};
    cr_assert_eq(engine_deps_remove(out, &n, N(out), chosen, N(chosen), "s-backup", deps, N(deps),
                                    names, N(names), NULL),
                 0);
    cr_expect_eq(n, 2);
    cr_expect(holds(out, n, "s-monitor", false));
    cr_expect(holds(out, n, "s-agent", true));
}

Test(dependencies_and_bundles, a_service_another_one_needs_cannot_be_removed)
{
    const EngineHeldService held[] = {{"s-backup", false}, {"s-monitor", false}, {"s-agent", true}};
    EngineHeldService out[8];
    size_t n;
    Error e = {0};
    cr_expect_eq(engine_deps_remove(out, &n, N(out), held, N(held), "s-monitor", deps, N(deps),
                                    names, N(names), &e),
                 -ERR_CONFLICT);
    cr_expect_str_eq(e.message, "Monitoring is required by Backup");
    cr_expect_str_eq(e.field, "service_id");
    cr_expect_eq(engine_deps_remove(out, &n, N(out), held, N(held), "s-nope", deps, N(deps), names,
                                    N(names), &e),
                 -ERR_NOT_FOUND);
}

/* Seed: "Check that clients cannot subscribe to services without required dependencies." */
Test(dependencies_and_bundles, clients_cannot_hold_services_without_their_prerequisites)
{
    static const struct {
        const char *ids[4];
        size_t n;
        int rc;
        const char *message;
    } rows[] = {
        {{"s-backup"}, 1, -ERR_INVALID, "missing prerequisites: Backup requires Monitoring"},
        {{"s-backup", "s-monitor"}, 2, -ERR_INVALID, "missing prerequisites: Monitoring requires Agent"},
        {{"s-backup", "s-av"}, 2, -ERR_INVALID,
         "missing prerequisites: Backup requires Monitoring; Antivirus requires Agent"},
        {{"s-av", "s-agent"}, 2, 0, NULL},
        {{"s-backup", "s-monitor", "s-agent"}, 3, 0, NULL},
        {{NULL}, 0, 0, NULL},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Error e = {0};
        cr_expect_eq(engine_deps_check(rows[i].ids, rows[i].n, deps, N(deps), names, N(names), &e),
                     rows[i].rc, "row %zu", i);
        if (rows[i].message) {
            cr_expect_str_eq(e.message, rows[i].message, "row %zu", i);
            cr_expect_str_eq(e.field, "services");
        }
    }
}

Test(dependencies_and_bundles, dependency_cycles_do_not_loop)
{
    const EngineDependency cyc[] = {{"a", "b"}, {"b", "c"}, {"c", "a"}};
    EngineHeldService out[8], out2[8];
    size_t n, m;
    cr_assert_eq(engine_deps_add(out, &n, N(out), NULL, 0, "a", cyc, N(cyc), NULL), 0);
    cr_expect_eq(n, 3);
    const char *ids[] = {"a", "b", "c"};
    cr_expect_eq(engine_deps_check(ids, 3, cyc, N(cyc), NULL, 0, NULL), 0);
    cr_assert_eq(engine_deps_remove(out2, &m, N(out2), out, n, "a", cyc, N(cyc), NULL, 0, NULL), 0);
    cr_expect_eq(m, 0);
}

/* A security bundle: Antivirus 30 + Firewall 50 + Backup 40 = 120, sold at 99. */
static void security(Fx *f, const char *start)
{
    fx_init(f, "2024-06-01", "2024-07-01");
    fx_service(f, "s-av", "Antivirus", ENGINE_SERVICE_FIXED, "30.00");
    fx_service(f, "s-fw", "Firewall", ENGINE_SERVICE_FIXED, "50.00");
    fx_service(f, "s-backup", "Backup", ENGINE_SERVICE_FIXED, "40.00");
    fx_service(f, "s-restore", "Restore work", ENGINE_SERVICE_TIME, "100.00");
    fx_bundle(f, "bd-sec", "Security pack", "99.00");
    fx_plan(f, "p-sec", "Secure", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan_service(f, "p-sec", "s-av", 1)->bundle_id = "bd-sec";
    fx_plan_service(f, "p-sec", "s-fw", 1)->bundle_id = "bd-sec";
    fx_plan_service(f, "p-sec", "s-backup", 1)->bundle_id = "bd-sec";
    fx_plan_service(f, "p-sec", "s-restore", 0)->bundle_id = "bd-sec";
    fx_assign(f, "cp-1", "p-sec", start, NULL);
}

/* Seed: "Test that service bundles are billed at the bundled price, not
 * individual service prices." */
Test(dependencies_and_bundles, bundles_are_billed_at_the_bundle_price_not_the_sum)
{
    Fx f;
    security(&f, "2024-06-01");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    const EngineCharge *l = &f.res.lines[0];
    cr_expect_eq(l->kind, ENGINE_CHARGE_BUNDLE);
    cr_expect_str_eq(l->bundle_id, "bd-sec");
    cr_expect_eq(l->rate_source, ENGINE_RATE_BUNDLE);
    cr_expect_eq(l->amount, M("99.00"));
    cr_expect(strstr(l->explain, "covers Antivirus, Firewall, Backup, Restore work (their fixed "
                                 "fees separately: 120.00 per cycle)") != NULL,
              "%s", l->explain);
    fx_fini(&f);
}

Test(dependencies_and_bundles, a_bundle_is_prorated_like_a_fixed_fee)
{
    Fx f;
    security(&f, "2024-06-11");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].amount, M("66.00")); /* 99 x 20/30 */
    cr_expect_eq(f.res.lines[0].days_used, 20);
    fx_fini(&f);
}

Test(dependencies_and_bundles, time_on_a_bundled_time_service_is_still_metered)
{
    Fx f;
    security(&f, "2024-06-01");
    fx_time(&f, "te-1", "s-restore", "2024-06-12", 90);
    fx_rate_ok(&f);
    cr_expect_eq(fx_count(&f, ENGINE_CHARGE_BUNDLE), 1);
    const EngineCharge *t = fx_line(&f, ENGINE_CHARGE_TIME, 0);
    cr_assert_not_null(t);
    cr_expect_eq(t->amount, M("150.00"));
    fx_fini(&f);
}

Test(dependencies_and_bundles, a_bundled_service_is_not_billed_again_by_another_plan)
{
    Fx f;
    security(&f, "2024-06-01");
    fx_plan(&f, "p-basic", "Basic", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan_service(&f, "p-basic", "s-av", 1);
    fx_service(&f, "s-mail", "Mail", ENGINE_SERVICE_FIXED, "10.00");
    fx_plan_service(&f, "p-basic", "s-mail", 1);
    fx_assign(&f, "cp-2", "p-basic", "2024-06-01", NULL);
    fx_rate_ok(&f);
    cr_expect_eq(fx_count(&f, ENGINE_CHARGE_BUNDLE), 1);
    cr_assert_eq(fx_count(&f, ENGINE_CHARGE_FIXED), 1);
    cr_expect_str_eq(fx_line(&f, ENGINE_CHARGE_FIXED, 0)->service_id, "s-mail");
    fx_fini(&f);
}

Test(dependencies_and_bundles, a_plan_level_suspension_stops_the_bundle)
{
    Fx f;
    security(&f, "2024-06-01");
    fx_status(&f, "p-sec", NULL, ENGINE_STATUS_SUSPENDED, "2024-06-16", "unpaid");
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_eq(f.res.lines[0].amount, M("49.50"));
    fx_fini(&f);
}
