/* model/identity.c — roles, API keys and subscriptions.
 * Declares the tables only; the rules are in domain/permissions.c,
 * domain/apikeys.c and domain/subscription.c.
 *
 * roles: crm-jobs-invoicing.md ROLES + erp-modules.md Role (permissions as a
 * JSON array of codenames such as "invoices.write"); the built-in admin,
 * manager and user are not rows. subscriptions: multi-tenant-gst-billing.md
 * subscriptions, with the plan's limits copied in at activation.
 */
#include "model/registry.h"

static const Field role_fields[] = {
    F_TEXT("name", 100, REQUIRED | UNIQUE_TENANT | FILTER | SORT),
    F_TEXT("description", 1000, 0),
    F_JSON("permissions", REQUIRED, .doc = "Permission codenames granted, e.g. [\"customers.read\"] (GET /api/v1/permissions)"),
    F_BOOL("is_active", FILTER, .def = "true"),
};

RESOURCE(roles) {
    .name = "roles",
    .doc = "Custom roles: a named set of permission codenames",
    .fields = role_fields,
    .nfields = COUNT(role_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
    .default_order = "name",
};

static const char *const builtin_roles[] = {"admin", "manager", "user", NULL};

static const Field key_fields[] = {
    F_TEXT("name", 100, REQUIRED | FILTER | SORT, .doc = "What the key is for"),
    F_ENUM("role", builtin_roles, FILTER, .def = "user", .doc = "Built-in role of the key"),
    F_REF("role_id", "roles", FILTER, .doc = "A custom role; its permissions replace the built-in role's"),
    F_TEXT("prefix", 16, READONLY, .doc = "The key's first characters, to recognise it"),
    F_TEXT("key_hash", 64, SECRET | READONLY),
    F_TS("expires_at", FILTER),
    F_TS("last_used_at", READONLY | SORT),
    F_TS("revoked_at", READONLY),
    F_BOOL("is_active", READONLY | FILTER, .def = "true"),
};

RESOURCE(api_keys) {
    .name = "api_keys",
    .doc = "Keys for machine clients; the secret is shown once, at creation",
    .fields = key_fields,
    .nfields = COUNT(key_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
};

static const char *const plan_types[] = {"trial", "paid", NULL};
static const char *const cycles[] = {"monthly", "yearly", NULL};
static const char *const sub_statuses[] = {"active", "expired", "cancelled", "suspended", NULL};

static const Field sub_fields[] = {
    F_ENUM("plan_type", plan_types, READONLY | FILTER, .def = "trial"),
    F_TEXT("plan_code", 50, READONLY, .doc = "trial, starter, growth or enterprise"),
    F_ENUM("billing_cycle", cycles, READONLY),
    F_MONEY("amount", "currency", READONLY | NONNEG, .def = "0"),
    F_TEXT("currency", 3, READONLY, .def = "INR"),
    F_BOOL("is_trial", READONLY, .def = "true"),
    F_TS("trial_start_date", READONLY),
    F_TS("trial_end_date", READONLY),
    F_INT("trial_days_remaining", READONLY),
    F_ENUM("status", sub_statuses, READONLY | FILTER, .def = "active"),
    F_TS("next_billing_date", READONLY),
    F_TEXT("payment_method", 50, READONLY),
    F_TS("last_payment_date", READONLY),
    F_MONEY("last_payment_amount", "currency", READONLY),
    F_INT("max_invoices", READONLY, .doc = "Plan limit; null = unlimited"),
    F_INT("max_customers", READONLY, .doc = "Plan limit; null = unlimited"),
    F_INT("max_users", READONLY, .doc = "Plan limit; null = unlimited"),
    F_TEXT("notes", 2000, READONLY),
};

RESOURCE(subscriptions) {
    .name = "subscriptions",
    .doc = "The tenant's subscription to Remit (trial or paid) and its limits",
    .fields = sub_fields,
    .nfields = COUNT(sub_fields),
    .audited = true,
    .no_create = true, .no_update = true, .no_delete = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
};
