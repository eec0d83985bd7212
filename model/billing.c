/* model/billing.c — the billing engine's tables (msp-flexible-billing.md):
 * billing plans and their services, plan assignments to customers (the
 * seed's company_billing_plans), time entries, usage records, buckets of
 * hours and their usage per period, discounts and their links, service
 * dependencies, bundles, service status history, approvals, the transactions
 * ledger, notification preferences and notifications, bill runs, and the
 * bill run's idempotency key of fee cycles (billed_cycles; a record's own
 * billed_at is its key, guarded by the run's UPDATE).
 * Declares the tables only; the rules live in domain/billing*.c and the
 * arithmetic in the pure engine (domain/engine.h, whose structs map one to
 * one onto these tables: docs/data-model.md "Billing engine").
 *
 * Seed names kept where they are columns; tables renamed where Remit already
 * has the concept: company_billing_plans -> customer_billing_plans (companies
 * are Remit's customers), usage_tracking -> usage_records, client_status ->
 * service_status, service_catalog -> services (model/catalog.c), currencies
 * -> core/money.c's ISO 4217 table + exchange_rates (model/catalog.c).
 */
#include "model/registry.h"

static const char *const plan_types[] = {"fixed", "time-based", "usage-based", "bucket", NULL};
static const char *const frequencies[] = {"weekly",    "bi-weekly",     "monthly", "quarterly",
                                          "semi-annually", "annually", NULL};
static const char *const timings[] = {"arrears", "advance", NULL};
static const char *const pricing_models[] = {"per_unit", "graduated", "volume", "package", NULL};
static const char *const approval_statuses[] = {"none", "pending", "approved", "rejected", NULL};

static const Field plan_fields[] = {
    F_TEXT("plan_name", 255, REQUIRED | UNIQUE_TENANT | FILTER | SORT | SEARCH),
    F_TEXT("description", 4000, 0),
    F_ENUM("billing_frequency", frequencies, REQUIRED | FILTER, .doc = "How often the plan's cycles come"),
    F_BOOL("is_custom", FILTER, .def = "false", .doc = "A plan made for one customer; wins precedence over standard plans"),
    F_ENUM("plan_type", plan_types, REQUIRED | FILTER),
    F_DEC("hourly_rate", 6, NONNEG, .doc = "Remit: the plan's rate for Time services (custom rate > this > service default)"),
    F_BOOL("use_user_rate", 0, .def = "false", .doc = "Remit: Time billed at the user's own hourly_rate when it has one"),
    F_BOOL("no_proration", 0, .def = "false", .doc = "Remit: partial cycles are billed in full"),
    F_ENUM("billing_timing", timings, 0, .def = "arrears",
           .doc = "Remit: fixed fees billed when the cycle ends (arrears) or when it starts (advance)"),
    F_BOOL("is_active", FILTER, .def = "true"),
};

RESOURCE(billing_plans) {
    .name = "billing_plans",
    .doc = "Billing plans: fixed, time-based, usage-based or bucket, with a billing frequency",
    .fields = plan_fields,
    .nfields = COUNT(plan_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "plan_name",
};

static const Field bundle_fields[] = {
    F_TEXT("bundle_name", 255, REQUIRED | UNIQUE_TENANT | FILTER | SORT | SEARCH),
    F_TEXT("bundle_description", 4000, 0),
    F_DEC("bundle_price", 6, REQUIRED | NONNEG, .doc = "Remit: price per cycle of the whole bundle (base currency)"),
    F_BOOL("is_active", FILTER, .def = "true"),
};

RESOURCE(service_bundles) {
    .name = "service_bundles",
    .doc = "Services sold together at one bundle price",
    .fields = bundle_fields,
    .nfields = COUNT(bundle_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "bundle_name",
};

static const Field bundle_service_fields[] = {
    F_REF("bundle_id", "service_bundles", REQUIRED | FILTER | CASCADE | IMMUTABLE),
    F_REF("service_id", "services", REQUIRED | FILTER | IMMUTABLE),
};

RESOURCE(bundle_services) {
    .name = "bundle_services",
    .doc = "The services of a bundle",
    .fields = bundle_service_fields,
    .nfields = COUNT(bundle_service_fields),
    .audited = true,
    .no_update = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .parent = "service_bundles", .parent_field = "bundle_id", .segment = "services",
    .uniques = (const char *const[]){"bundle_id,service_id", NULL},
};

static const Field plan_service_fields[] = {
    F_REF("plan_id", "billing_plans", REQUIRED | FILTER | CASCADE | IMMUTABLE),
    F_REF("service_id", "services", REQUIRED | FILTER | IMMUTABLE),
    F_INT("quantity", NONNEG, .def = "1", .doc = "Units of a Fixed service per cycle"),
    F_DEC("custom_rate", 6, NONNEG, .doc = "Overrides the service's default rate in this plan"),
    F_ENUM("pricing_model", pricing_models, 0, .def = "per_unit", .doc = "Remit: how Usage is priced"),
    F_DEC("package_size", 6, NONNEG, .doc = "Remit: units per package (package pricing)"),
    F_JSON("tiers", 0, .doc = "Remit: graduated/volume tiers [{\"up_to\": \"100\"|null, \"unit_rate\": \"0.10\", \"flat_fee\": \"0\"}]"),
    F_REF("bundle_id", "service_bundles", FILTER, .doc = "Remit: the bundle this service is sold in"),
    F_BOOL("auto_added", FILTER, .def = "false",
           .doc = "Remit: added as another service's prerequisite, and removed with it when nothing else needs it; "
                  "set it to false to keep it"),
};

RESOURCE(plan_services) {
    .name = "plan_services",
    .doc = "The services of a billing plan, with quantity, custom rate and pricing",
    .fields = plan_service_fields,
    .nfields = COUNT(plan_service_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .parent = "billing_plans", .parent_field = "plan_id", .segment = "services",
    .uniques = (const char *const[]){"plan_id,service_id", NULL},
};

static const Field cbp_fields[] = {
    F_REF("customer_id", "customers", REQUIRED | FILTER | IMMUTABLE, .doc = "Seed: company_id"),
    F_REF("plan_id", "billing_plans", REQUIRED | FILTER | IMMUTABLE),
    F_REF("service_category", "service_categories", FILTER,
          .doc = "Only the plan's services of this category are covered (null: all)"),
    F_DATE("start_date", REQUIRED | FILTER | SORT, .doc = "First day covered"),
    F_DATE("end_date", FILTER | SORT, .doc = "Last day covered, inclusive; null = open"),
    F_BOOL("is_active", FILTER, .def = "true"),
    F_DATE("billing_anchor", 0, .doc = "Remit: cycles counted from this date (default: calendar-aligned)"),
    F_DATE("charged_through", READONLY | FILTER,
           .doc = "Remit: fixed fees are billed for the cycles before this date (set by bill runs)"),
};

RESOURCE(customer_billing_plans) {
    .name = "customer_billing_plans",
    .doc = "Plans assigned to customers (seed: company_billing_plans): many per customer, history kept",
    .fields = cbp_fields,
    .nfields = COUNT(cbp_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "-start_date",
    .indexes = (const char *const[]){"customer_id,start_date", NULL},
};

static const Field time_entry_fields[] = {
    F_REF("user_id", "users", FILTER, .doc = "Who worked; the creator when not given"),
    F_REF("customer_id", "customers", REQUIRED | FILTER, .doc = "Remit: the customer billed"),
    F_UUID("ticket_id", FILTER, .doc = "The ticket worked on"),
    F_UUID("job_id", FILTER, .doc = "The job or project worked on"),
    F_REF("service_id", "services", REQUIRED | FILTER),
    F_TS("start_time", REQUIRED | FILTER | SORT),
    F_TS("end_time", 0),
    F_INT("duration", NONNEG, .doc = "Minutes; from start and end when not given"),
    F_DATE("work_date", READONLY | FILTER | SORT, .doc = "start_time's date in the tenant's time zone"),
    F_BOOL("billable", FILTER, .def = "true"),
    F_TEXT("description", 4000, SEARCH),
    F_ENUM("approval_status", approval_statuses, READONLY | FILTER, .def = "none",
           .doc = "pending when longer than the tenant's threshold; billed only when none or approved"),
    F_REF("invoice_id", "invoices", READONLY | FILTER, .doc = "The invoice that billed it"),
    F_TS("billed_at", READONLY),
};

RESOURCE(time_entries) {
    .name = "time_entries",
    .doc = "Time worked, billed by time-based and bucket plans",
    .fields = time_entry_fields,
    .nfields = COUNT(time_entry_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_USER,
    .default_order = "-start_time",
    /* the entries a bill run has yet to bill, by customer: what the run reads, whatever the history */
    .indexes = (const char *const[]){"customer_id,work_date WHERE billed_at IS NULL", NULL},
};

static const Field usage_fields[] = {
    F_REF("customer_id", "customers", REQUIRED | FILTER, .doc = "Seed: company_id"),
    F_REF("service_id", "services", REQUIRED | FILTER),
    F_DATE("usage_date", REQUIRED | FILTER | SORT),
    F_DEC("quantity", 6, REQUIRED | NONNEG),
    F_TEXT("description", 1000, 0),
    F_ENUM("approval_status", approval_statuses, READONLY | FILTER, .def = "none",
           .doc = "pending when above the tenant's threshold; billed only when none or approved"),
    F_REF("invoice_id", "invoices", READONLY | FILTER, .doc = "The invoice that billed it"),
    F_TS("billed_at", READONLY),
};

RESOURCE(usage_records) {
    .name = "usage_records",
    .doc = "Metered usage (seed: usage_tracking), billed by usage-based plans",
    .fields = usage_fields,
    .nfields = COUNT(usage_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_USER,
    .default_order = "-usage_date",
    /* the records a bill run has yet to bill, by customer: what the run reads, whatever the history */
    .indexes = (const char *const[]){"customer_id,usage_date WHERE billed_at IS NULL", NULL},
};

static const Field bucket_plan_fields[] = {
    F_REF("plan_id", "billing_plans", REQUIRED | UNIQUE_TENANT | FILTER | IMMUTABLE),
    F_DEC("total_hours", 2, REQUIRED | NONNEG, .doc = "Hours allowed per period"),
    F_ENUM("billing_period", frequencies, REQUIRED),
    F_DEC("overage_rate", 6, REQUIRED | NONNEG, .doc = "Per hour beyond allowance + rollover"),
    F_BOOL("allow_rollover", 0, .def = "false", .doc = "Remit: unused hours carry into the next period only"),
    F_BOOL("prorate_allowance", 0, .def = "false", .doc = "Remit: a partial period gets a prorated allowance"),
};

RESOURCE(bucket_plans) {
    .name = "bucket_plans",
    .doc = "Buckets of hours (retainers) of a bucket billing plan",
    .fields = bucket_plan_fields,
    .nfields = COUNT(bucket_plan_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
};

static const Field bucket_usage_fields[] = {
    F_REF("bucket_plan_id", "bucket_plans", READONLY | FILTER),
    F_REF("customer_id", "customers", READONLY | FILTER, .doc = "Seed: company_id"),
    F_REF("customer_billing_plan_id", "customer_billing_plans", READONLY | FILTER),
    F_DATE("period_start", READONLY | FILTER | SORT),
    F_DATE("period_end", READONLY | FILTER, .doc = "Exclusive end of the period"),
    F_DEC("hours_used", 6, READONLY),
    F_DEC("overage_hours", 6, READONLY),
    F_DEC("rolled_over_hours", 6, READONLY, .doc = "Carried in from the period before"),
    F_INT("used_minutes", READONLY),
    F_INT("overage_minutes", READONLY),
    F_INT("allowance_minutes", READONLY),
    F_INT("rollover_in_minutes", READONLY),
    F_INT("rollover_out_minutes", READONLY),
    F_REF("invoice_id", "invoices", READONLY | FILTER, .doc = "The invoice that last wrote it"),
};

RESOURCE(bucket_usage) {
    .name = "bucket_usage",
    .doc = "Hours used against each bucket per period, written by bill runs",
    .fields = bucket_usage_fields,
    .nfields = COUNT(bucket_usage_fields),
    .no_create = true, .no_update = true, .no_delete = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "-period_start",
    .uniques = (const char *const[]){"customer_billing_plan_id,period_start", NULL},
};

static const char *const discount_types[] = {"percentage", "fixed", NULL};

static const Field discount_fields[] = {
    F_TEXT("discount_name", 255, REQUIRED | FILTER | SORT | SEARCH),
    F_ENUM("discount_type", discount_types, REQUIRED | FILTER),
    F_DEC("value", 6, REQUIRED | NONNEG, .doc = "Percent (10 = 10%) or an amount in the base currency"),
    F_DATE("start_date", FILTER, .doc = "First day in force"),
    F_DATE("end_date", FILTER, .doc = "Last day in force, inclusive"),
    F_BOOL("is_active", FILTER, .def = "true"),
    F_ENUM("approval_status", approval_statuses, READONLY | FILTER, .def = "none",
           .doc = "pending above the tenant's threshold; applied only when none or approved"),
};

RESOURCE(discounts) {
    .name = "discounts",
    .doc = "Discounts and promotions: percentage or fixed, with dates",
    .fields = discount_fields,
    .nfields = COUNT(discount_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
};

static const Field plan_discount_fields[] = {
    F_REF("discount_id", "discounts", REQUIRED | FILTER | CASCADE | IMMUTABLE),
    F_REF("plan_id", "billing_plans", FILTER | IMMUTABLE, .doc = "null: not tied to a plan"),
    F_REF("customer_id", "customers", FILTER | IMMUTABLE,
          .doc = "Seed: company_id; null: the plan's default; set: overrides the plan's default"),
    F_REF("service_id", "services", FILTER | IMMUTABLE, .doc = "Remit: only that service's lines"),
};

RESOURCE(plan_discounts) {
    .name = "plan_discounts",
    .doc = "Where a discount applies: a plan, a customer, a service, or the whole invoice",
    .fields = plan_discount_fields,
    .nfields = COUNT(plan_discount_fields),
    .audited = true,
    .no_update = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
};

static const Field dependency_fields[] = {
    F_REF("service_id", "services", REQUIRED | FILTER | IMMUTABLE, .doc = "The service that needs ..."),
    F_REF("dependent_service_id", "services", REQUIRED | FILTER | IMMUTABLE, .doc = "... this prerequisite"),
};

RESOURCE(service_dependencies) {
    .name = "service_dependencies",
    .doc = "Prerequisites: a customer cannot hold service_id without dependent_service_id",
    .fields = dependency_fields,
    .nfields = COUNT(dependency_fields),
    .audited = true,
    .no_update = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .uniques = (const char *const[]){"service_id,dependent_service_id", NULL},
};

static const char *const status_kinds[] = {"active", "suspended", "cancelled", NULL};

static const Field status_fields[] = {
    F_REF("customer_id", "customers", REQUIRED | FILTER | IMMUTABLE, .doc = "Seed: company_id"),
    F_REF("plan_id", "billing_plans", FILTER | IMMUTABLE, .doc = "null: every plan"),
    F_REF("service_id", "services", FILTER | IMMUTABLE, .doc = "null: every service"),
    F_ENUM("status", status_kinds, REQUIRED | FILTER | IMMUTABLE),
    F_DATE("status_date", REQUIRED | FILTER | SORT | IMMUTABLE, .doc = "In force from this day"),
    F_TEXT("reason", 1000, IMMUTABLE, .doc = "Required to suspend or cancel"),
};

RESOURCE(service_status) {
    .name = "service_status",
    .doc = "Status history of a customer's plans and services (seed: client_status); rows are never changed",
    .fields = status_fields,
    .nfields = COUNT(status_fields),
    .audited = true,
    .no_update = true, .no_delete = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "-status_date",
};

static const char *const item_types[] = {"time_entry", "usage", "discount", NULL};
static const char *const decision_statuses[] = {"pending", "approved", "rejected", "withdrawn", NULL};

static const Field approval_fields[] = {
    F_ENUM("item_type", item_types, READONLY | FILTER),
    F_UUID("item_id", READONLY | FILTER, .doc = "The time entry, usage record or discount"),
    F_UUID("requested_by", READONLY | FILTER, .doc = "The user whose write made the item wait; cannot approve it"),
    F_UUID("approved_by", READONLY | FILTER, .doc = "The user who decided (approved or rejected)"),
    F_ENUM("status", decision_statuses, READONLY | FILTER, .def = "pending",
           .doc = "pending, approved, rejected; withdrawn when the item no longer needs a decision"),
    F_DATE("request_date", READONLY | FILTER | SORT),
    F_DATE("approval_date", READONLY, .doc = "The day of the decision (tenant's time zone)"),
    F_TEXT("reason", 1000, READONLY, .doc = "Why it waits (the threshold exceeded)"),
    F_TEXT("decision_note", 1000, READONLY, .doc = "The approver's note; required to reject"),
};

RESOURCE(approvals) {
    .name = "approvals",
    .doc = "Items waiting for approval before they are billed: long time entries, large usage, big discounts "
           "(POST .../approve, .../reject; domain/approvals.c)",
    .fields = approval_fields,
    .nfields = COUNT(approval_fields),
    .audited = true,
    .no_create = true, .no_update = true, .no_delete = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "-request_date",
    .uniques = (const char *const[]){"item_type,item_id", NULL},
};

static const char *const txn_types[] = {"charge", "payment", "refund", "credit", "adjustment", NULL};
static const char *const txn_sources[] = {"manual",  "invoice",      "invoice_cancellation",
                                          "receipt", "receipt_bounce", "receipt_cancellation",
                                          "credit_note", "credit_note_cancellation", NULL};

/* The ledger (domain/ledger.c, docs/billing-rules.md "The ledger"): one row per event that
 * changes what a customer owes, written by the event itself in its transaction (source_type,
 * source_id: unique, so an event is never posted twice), or by hand (source_type manual:
 * credit, refund, adjustment). */
static const Field txn_fields[] = {
    F_REF("customer_id", "customers", REQUIRED | FILTER | IMMUTABLE, .doc = "Seed: company_id"),
    F_REF("invoice_id", "invoices", FILTER | IMMUTABLE),
    F_ENUM("transaction_type", txn_types, REQUIRED | FILTER | IMMUTABLE,
           .doc = "By hand: credit (negative), refund (positive), adjustment (either sign); "
                  "charge and payment are written by invoices, receipts and credit notes"),
    F_TEXT("currency", 3, FILTER | IMMUTABLE, .doc = "Seed: currency_code; the customer's when not given"),
    F_MONEY("amount", "currency", REQUIRED | IMMUTABLE,
            .doc = "Positive: the customer owes more (charge, refund, positive adjustment); negative: less"),
    F_DATE("transaction_date", FILTER | SORT | IMMUTABLE, .doc = "Default today"),
    F_TEXT("description", 1000, 0, .doc = "Required for an adjustment: it is the invoice line's text"),
    F_REF("service_id", "services", FILTER | IMMUTABLE,
          .doc = "Remit: the service an adjustment corrects; its line is taxed like that service's lines"),
    F_REF("applied_invoice_id", "invoices", READONLY | FILTER,
          .doc = "The invoice that billed an adjustment, or that took (the last part of) a credit"),
    F_ENUM("source_type", txn_sources, READONLY | FILTER,
           .doc = "Remit: the event that wrote the row (manual: POST /api/v1/transactions)"),
    F_UUID("source_id", READONLY | FILTER, .doc = "Remit: the invoice, receipt or credit note of the event"),
    F_MONEY("unapplied_amount", "currency", READONLY | NONNEG | FILTER, .def = "0",
            .doc = "Remit: what is left to apply of an account credit (a manual credit, an invoice whose total "
                   "is negative), or of an adjustment not billed yet"),
    F_JSON("sources", READONLY, .doc = "Remit: what a refund paid out: [{source, id, number, amount}]"),
};

RESOURCE(transactions) {
    .name = "transactions",
    .doc = "The ledger of every financial event of a customer: charges, payments, refunds, credits, adjustments",
    .fields = txn_fields,
    .nfields = COUNT(txn_fields),
    .audited = true,
    .no_update = true, .no_delete = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "-transaction_date",
    .indexes = (const char *const[]){"customer_id,transaction_date", NULL},
    .uniques = (const char *const[]){"source_type,source_id", NULL},
};

static const Field txn_app_fields[] = {
    F_REF("transaction_id", "transactions", REQUIRED | FILTER | IMMUTABLE,
          .doc = "The account credit applied (a manual credit, or an invoice whose total is negative)"),
    F_REF("invoice_id", "invoices", REQUIRED | FILTER | IMMUTABLE),
    F_TEXT("currency", 3, READONLY),
    F_MONEY("amount_applied", "currency", REQUIRED | NONNEG | IMMUTABLE),
    F_DATE("applied_date", READONLY | FILTER | SORT),
    F_TEXT("notes", 1000, 0),
};

RESOURCE(transaction_applications) {
    .name = "transaction_applications",
    .doc = "Account credit of the ledger applied to an invoice (a bill run's invoice takes it when issued); "
           "deleting one un-applies it",
    .fields = txn_app_fields,
    .nfields = COUNT(txn_app_fields),
    .audited = true,
    .no_update = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
};

static const char *const channels[] = {"email", "none", NULL};

static const Field pref_fields[] = {
    F_REF("customer_id", "customers", REQUIRED | UNIQUE_TENANT | FILTER | IMMUTABLE),
    F_ENUM("channel", channels, 0, .def = "email", .doc = "How the customer is told: email, or none"),
    F_EMAIL("email", 0, .doc = "Where to; the customer's email when not given"),
    F_BOOL("invoice_issued", 0, .def = "true"),
    F_BOOL("payment_reminders", 0, .def = "true"),
    F_BOOL("overage_alerts", 0, .def = "true"),
    F_BOOL("renewal_notices", 0, .def = "true"),
};

RESOURCE(notification_preferences) {
    .name = "notification_preferences",
    .doc = "A customer's notification preferences (one row per customer; defaults when none)",
    .fields = pref_fields,
    .nfields = COUNT(pref_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
};

static const char *const notification_types[] = {"invoice_issued", "payment_reminder", "overage_alert",
                                                 "renewal_notice", NULL};
static const char *const notification_statuses[] = {"queued", "skipped", NULL};

/* One row per notification decided (domain/notify*.c): queued in the outbox (a mail to `recipient`)
 * or skipped (the reason says why: the customer's preference, no address). The unique key
 * (notification_type, subject_id, schedule_key) is what makes each notification once: an invoice is
 * issued once, each scheduled reminder of an invoice (schedule_key "due-3d", "due+0d", ...) once, an
 * overage alert once per bucket period and threshold ("2030-06-01@80%"), a renewal notice once per
 * end date. Writers insert with ON CONFLICT DO NOTHING, so reruns and concurrent jobs add nothing. */
static const Field notification_fields[] = {
    F_REF("customer_id", "customers", READONLY | FILTER, .doc = "Seed: company_id"),
    F_UUID("user_id", READONLY),
    F_ENUM("notification_type", notification_types, READONLY | FILTER),
    F_TEXT("message", 4000, READONLY, .doc = "The mail's subject line"),
    F_DATE("sent_date", READONLY | FILTER | SORT, .doc = "The tenant-local day it was queued or skipped"),
    F_ENUM("status", notification_statuses, READONLY | FILTER, .doc = "queued in the outbox, or skipped by preference"),
    F_UUID("subject_id", READONLY | FILTER,
           .doc = "The invoice (issued, reminders) or the plan assignment (overage alerts, renewal notices)"),
    F_TEXT("schedule_key", 40, READONLY | FILTER, .def = "once",
           .doc = "Remit: which occurrence: once (invoice issued), due-3d / due+0d / due+7d (reminders), "
                  "<period start>@<threshold>% (overage alerts), ends-<end date> (renewal notices)"),
    F_EMAIL("recipient", READONLY | FILTER, .doc = "Remit: the address the mail went to (null when skipped)"),
    F_TEXT("skip_reason", 200, READONLY, .doc = "Remit: why it was skipped"),
    F_TEXT("link_hash", 64, SECRET | READONLY,
           .doc = "Remit: SHA-256 of the preference-link token mailed with it (the token is never stored)"),
};

RESOURCE(notifications) {
    .name = "notifications",
    .doc = "Notifications sent (through the outbox) or skipped by the customer's preference",
    .fields = notification_fields,
    .nfields = COUNT(notification_fields),
    .no_create = true, .no_update = true, .no_delete = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "-sent_date",
    .uniques = (const char *const[]){"notification_type,subject_id,schedule_key", NULL},
};

static const char *const run_statuses[] = {"running", "completed", "failed", NULL};

static const Field run_fields[] = {
    F_DATE("run_date", READONLY | FILTER | SORT, .doc = "Customers whose cycle ends on or before it are billed"),
    F_ENUM("status", run_statuses, READONLY | FILTER),
    F_INT("customers_billed", READONLY, .def = "0"),
    F_INT("invoices_created", READONLY, .def = "0"),
    F_INT("customers_failed", READONLY, .def = "0"),
    F_JSON("errors", READONLY),
    F_TS("started_at", READONLY | SORT),
    F_TS("finished_at", READONLY),
};

RESOURCE(billing_runs) {
    .name = "billing_runs",
    .doc = "Bill runs (POST /api/v1/billing/runs, remit bill-run, the daily job)",
    .fields = run_fields,
    .nfields = COUNT(run_fields),
    .no_create = true, .no_update = true, .no_delete = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "-started_at",
};

/* Idempotency of the bill run: a unique key per (assignment, fee, cycle) and
 * per (record) makes a second insert fail, so two runs (or a rerun after a
 * crash) can never bill the same thing twice; the customer's transaction
 * that loses rolls back whole. */
static const Field billed_cycle_fields[] = {
    F_REF("customer_billing_plan_id", "customer_billing_plans", REQUIRED),
    F_TEXT("charge_key", 80, REQUIRED, .doc = "The service id, bundle:<id>, or adjust:<service or bundle>:<invoice>"),
    F_DATE("period_start", REQUIRED),
    F_REF("invoice_id", "invoices", REQUIRED),
};

RESOURCE(billed_cycles) {
    .name = "billed_cycles",
    .doc = "Each fixed fee cycle billed, once",
    .fields = billed_cycle_fields,
    .nfields = COUNT(billed_cycle_fields),
    .internal = true,
    .uniques = (const char *const[]){"customer_billing_plan_id,charge_key,period_start", NULL},
};
