/* model/tenancy.c — tenants, users, sessions and idempotency keys.
 * Declares the tables only (RESOURCE); the rules live in domain/auth.c.
 *
 * tenants is a global (reference) table: every tenant table points at it.
 * users, sessions and idempotency_keys are tenant tables. Seeds merged here:
 * multi-tenant-gst-billing.md (tenants, users, sessions), erp-modules.md
 * (User: lockout fields; UserSession), crm-jobs-invoicing.md (users profile
 * fields, user_sessions), msp-flexible-billing.md (users.rate).
 */
#include "model/registry.h"

static const char *const subscription_statuses[] = {"trial", "active", "expired", "cancelled", "suspended", NULL};
static const char *const user_roles[] = {"admin", "manager", "user", NULL};

static const Field tenant_fields[] = {
    F_TEXT("name", 255, REQUIRED | SORT, .doc = "Organisation name"),
    F_TEXT("slug", 100, REQUIRED | UNIQUE | IMMUTABLE, .doc = "URL-safe unique identifier, used at sign-in"),
    F_EMAIL("email", REQUIRED, .doc = "Primary contact email"),
    F_TEXT("domain", 255, 0),
    F_ENUM("subscription_status", subscription_statuses, READONLY, .def = "trial"),
    F_TS("trial_start_date", READONLY),
    F_TS("trial_end_date", READONLY),
    F_BOOL("is_trial_used", READONLY, .def = "false"),
    F_TS("converted_to_paid_at", READONLY),
    F_TS("subscription_start_date", READONLY),
    F_TS("subscription_end_date", READONLY),
    F_INT("current_invoice_count", READONLY, .def = "0"),
    F_INT("current_customer_count", READONLY, .def = "0"),
    F_INT("current_user_count", READONLY, .def = "0"),
    F_BOOL("is_active", 0, .def = "true"),
    F_TEXT("base_currency", 3, IMMUTABLE, .def = "INR", .doc = "ISO 4217 code of the books' currency"),
    F_TEXT("timezone", 64, 0, .def = "Asia/Kolkata", .doc = "IANA time zone for 'today' and billing periods"),
    F_ENUM("rounding", ((const char *const[]){"half_up", "half_even", NULL}), 0, .def = "half_up",
           .doc = "How line amounts and taxes are rounded to the currency's minor unit"),
    F_JSON("settings", 0),
};

RESOURCE(tenants) {
    .name = "tenants",
    .doc = "Organisations using Remit (a reference table shared by all tenants)",
    .fields = tenant_fields,
    .nfields = COUNT(tenant_fields),
    .global = true,
    .internal = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
};

static const Field user_fields[] = {
    F_EMAIL("email", REQUIRED | UNIQUE_TENANT | FILTER | SORT | SEARCH),
    F_TEXT("password_hash", 255, SECRET | READONLY, .doc = "argon2id"),
    F_TEXT("first_name", 100, FILTER | SORT | SEARCH),
    F_TEXT("last_name", 100, FILTER | SORT | SEARCH),
    F_TEXT("phone", 30, 0),
    F_TEXT("position", 100, 0),
    F_TEXT("avatar_url", 500, 0),
    F_ENUM("role", user_roles, FILTER, .def = "user", .doc = "Built-in role: admin, manager or user"),
    F_REF("role_id", "roles", FILTER, .doc = "A custom role; when set, its permissions replace the built-in role's"),
    F_BOOL("email_verified", READONLY, .def = "false"),
    F_TS("email_verified_at", READONLY),
    F_BOOL("is_active", FILTER, .def = "true"),
    F_TS("last_login_at", READONLY),
    F_TEXT("last_login_ip", 45, READONLY),
    F_INT("failed_login_attempts", READONLY | SECRET, .def = "0"),
    F_TS("locked_until", READONLY),
    F_TEXT("timezone", 64, 0),
    F_TEXT("language", 16, 0),
    F_DEC("hourly_rate", 6, NONNEG, .doc = "The user's billing rate (time entries billed at the user's rate)"),
};

RESOURCE(users) {
    .name = "users",
    .doc = "People who sign in to a tenant",
    .fields = user_fields,
    .nfields = COUNT(user_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_ADMIN,
    .default_order = "email",
};

static const Field session_fields[] = {
    F_REF("user_id", "users", REQUIRED | FILTER | CASCADE),
    F_TEXT("refresh_token_hash", 64, SECRET | READONLY, .doc = "SHA-256 of the current refresh token"),
    F_TEXT("previous_token_hash", 64, SECRET | READONLY, .doc = "SHA-256 of the rotated-out refresh token"),
    F_TS("expires_at", READONLY),
    F_TS("last_activity_at", READONLY),
    F_TEXT("ip_address", 45, READONLY),
    F_TEXT("user_agent", 512, READONLY),
    F_BOOL("is_active", READONLY | FILTER, .def = "true"),
    F_TS("revoked_at", READONLY),
    F_TEXT("revoked_reason", 100, READONLY),
};

RESOURCE(sessions) {
    .name = "sessions",
    .doc = "Sign-in sessions: one refresh token each, rotated on use",
    .fields = session_fields,
    .nfields = COUNT(session_fields),
    .internal = true,
    .read = ROLE_USER, .write = ROLE_USER,
};

static const Field idem_fields[] = {
    F_TEXT("idempotency_key", 255, REQUIRED | UNIQUE_TENANT),
    F_TEXT("method", 10, REQUIRED),
    F_TEXT("path", 1000, REQUIRED),
    F_TEXT("request_hash", 64, REQUIRED),
    F_INT("status", 0, .def = "0"),
    F_TEXT("response", 0, 0),
    F_TEXT("content_type", 100, 0),
    F_JSON("response_headers", 0, .doc = "Location, ETag and Content-Disposition of the response, replayed with it"),
};

RESOURCE(idempotency_keys) {
    .name = "idempotency_keys",
    .doc = "Responses of POST requests sent with an Idempotency-Key",
    .fields = idem_fields,
    .nfields = COUNT(idem_fields),
    .internal = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
};

static const Field attempt_fields[] = {
    F_EMAIL("email", REQUIRED | FILTER, .doc = "The email given (known or not)"),
    F_REF("user_id", "users", FILTER, .doc = "The user, when the email is one"),
    F_BOOL("success", FILTER, .def = "false"),
    F_TEXT("reason", 50, FILTER, .doc = "ok, wrong_password, unknown_email, locked, inactive"),
    F_TEXT("ip_address", 45, FILTER),
    F_TEXT("user_agent", 512, 0),
};

RESOURCE(login_attempts) {
    .name = "login_attempts",
    .doc = "Every sign-in attempt to a tenant, successful or not",
    .fields = attempt_fields,
    .nfields = COUNT(attempt_fields),
    .no_create = true, .no_update = true, .no_delete = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
};
