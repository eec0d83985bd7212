/* tests/unit/test_billing_tables.c — which billing tables keep an audit trail (msp-flexible-billing.md
 * "Detailed Audit Trail Tests"): every table of model/billing.c that people write is audited; the
 * rows a bill run derives are not (the run's invoice is, under the action bill_run). The audited
 * list is the one tests/scenario/billing_audit.c writes through the API, table by table. */
#include <criterion/criterion.h>

#include "model/registry.h"

static void setup(void)
{
    Error e;
    cr_assert_eq(registry_init(&e), 0, "registry_init: %s", e.message);
}

TestSuite(audit_trail, .init = setup);

Test(audit_trail, all_changes_to_billing_related_data_are_logged_except_the_rows_a_bill_run_derives)
{
    static const char *const audited[] = {
        "billing_plans", "service_bundles", "bundle_services", "plan_services", "customer_billing_plans",
        "time_entries",  "usage_records",   "bucket_plans",    "discounts",     "plan_discounts",
        "service_dependencies", "service_status", "approvals", "transactions", "notification_preferences",
    };
    static const char *const derived[] = {"bucket_usage", "notifications", "billing_runs", "billed_cycles"};
    for (size_t i = 0; i < sizeof audited / sizeof audited[0]; i++) {
        const Table *t = registry_find(audited[i]);
        cr_assert_not_null(t, "%s is declared", audited[i]);
        cr_expect(t->res->audited, "%s must be audited", audited[i]);
    }
    for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++) {
        const Table *t = registry_find(derived[i]);
        cr_assert_not_null(t, "%s is declared", derived[i]);
        cr_expect(!t->res->audited, "%s is derived by bill runs; it is not audited row by row", derived[i]);
        cr_expect(t->res->no_create || t->res->internal, "%s is never written through the API", derived[i]);
    }
    const Table *al = registry_find("audit_logs");
    cr_assert(al->res->no_create && al->res->no_update && al->res->no_delete, "audit_logs has no write route");
}
