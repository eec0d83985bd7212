/* model/reconciliation.c — what matching produces and the tenant's rules for it:
 * matching_results, alerts, reconciliation_settings.
 * Declares the tables only; domain/reconcile.c writes results and alerts,
 * domain/alerts.c and domain/recon_settings.c serve the actions.
 *
 * matching_results and alerts are written by matching only (no generic
 * create, update or delete); users act on them through actions (accept a
 * result, read or resolve an alert), which are audited. A result's and an
 * alert's identity across runs is their key (result_key, alert_key), so
 * re-running matching updates or leaves them, never duplicates them.
 */
#include "model/registry.h"

static const char *const match_statuses[] = {"matched", "partial", "mismatched", "unmatched", NULL};
static const char *const resolutions[] = {"accepted", "corrected", "no_longer_applies", NULL};
static const char *const levels[] = {"info", "warning", "critical", NULL};
static const char *const rule_levels[] = {"none", "info", "warning", "critical", NULL};
static const char *const alert_types[] = {"amount_mismatch", "outside_period", "duplicate_period", "missing_period",
                                          "over_budget", "tax_mismatch", "due_date_beyond_terms", "unlinked_record",
                                          "contract_expiry", NULL};

static const Field result_fields[] = {
    F_REF("contract_id", "contracts", READONLY | FILTER),
    F_REF("billing_record_id", "billing_records", READONLY | FILTER, .doc = "None for a missing period"),
    F_TEXT("result_key", 120, INTERNAL | UNIQUE_TENANT, .doc = "r:<record id> or m:<contract id>:<period start>"),
    F_ENUM("matching_status", match_statuses, READONLY | FILTER),
    F_JSON("discrepancy_details", READONLY, .doc = "The discrepancies found: a list of {kind, ...} objects"),
    F_TEXT("currency", 3, READONLY),
    F_MONEY("expected_amount", "currency", READONLY),
    F_MONEY("billed_amount", "currency", READONLY),
    F_MONEY("amount_difference", "currency", READONLY, .doc = "billed - expected"),
    F_DATE("period_start", READONLY, .doc = "The scheduled period the record was matched against"),
    F_DATE("period_end", READONLY, .doc = "The first day after that period: computed periods are half-open [start, end)"),
    F_BOOL("is_resolved", READONLY | FILTER, .doc = "A matched result needs nothing and counts as resolved"),
    F_ENUM("resolution", resolutions, READONLY | FILTER),
    F_TEXT("resolution_note", 2000, READONLY),
    F_REF("resolved_by", "users", READONLY),
    F_TS("resolved_at", READONLY),
    F_TEXT("fingerprint", 16, INTERNAL, .doc = "Hash of what matching found, to write only what changed"),
    F_TS("matched_at", READONLY, .doc = "When matching last changed the result"),
};

RESOURCE(matching_results) {
    .name = "matching_results",
    .doc = "Each billing record matched against its contract (and each missing period), with its discrepancies",
    .fields = result_fields,
    .nfields = COUNT(result_fields),
    .no_create = true, .no_update = true, .no_delete = true,
    .read = ROLE_USER, .write = ROLE_USER,
    /* a million rows a run may write: only the indexes queries use (key, contract, record, id);
     * see domain/README.md, reconciliation, for the measured cost of each */
    .unindexed = (const char *const[]){"created_by", "created_at", "resolved_by", NULL},
};

static const Field alert_fields[] = {
    F_REF("contract_id", "contracts", READONLY | FILTER),
    F_REF("billing_record_id", "billing_records", READONLY | FILTER),
    F_REF("matching_result_id", "matching_results", READONLY | FILTER),
    F_TEXT("alert_key", 160, INTERNAL | UNIQUE_TENANT),
    F_ENUM("alert_type", alert_types, READONLY | FILTER | SORT, .doc = "The discrepancy kind, or contract_expiry"),
    F_ENUM("alert_level", levels, READONLY | FILTER | SORT, .doc = "From the tenant's reconciliation settings"),
    F_TEXT("alert_title", 255, READONLY | SEARCH),
    F_TEXT("alert_message", 4000, READONLY | SEARCH),
    F_JSON("details", READONLY, .doc = "The discrepancy, machine-readable"),
    F_BOOL("is_read", READONLY | FILTER),
    F_TS("read_at", READONLY),
    F_REF("read_by", "users", READONLY),
    F_BOOL("is_resolved", READONLY | FILTER),
    F_TEXT("resolution_note", 2000, READONLY),
    F_REF("resolved_by", "users", READONLY),
    F_TS("resolved_at", READONLY),
    F_REF("assigned_to", "users", FILTER, .doc = "The contract's owner, else the default assignee; may be changed"),
    F_TEXT("fingerprint", 16, INTERNAL),
};

RESOURCE(alerts) {
    .name = "alerts",
    .doc = "Discrepancies and expiring contracts that need someone: read, then resolved with a note",
    .fields = alert_fields,
    .nfields = COUNT(alert_fields),
    .no_create = true, .no_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_USER,
    .unindexed = (const char *const[]){"created_by", "created_at", "read_by", "resolved_by", NULL},
};

static const Field settings_fields[] = {
    F_TEXT("scope", 10, INTERNAL | UNIQUE_TENANT, .def = "tenant", .doc = "One row per tenant"),
    F_DEC("amount_tolerance_percent", 4, NONNEG, .def = "0",
          .doc = "A bill within this percentage of the expected amount matches"),
    F_DEC("amount_tolerance_amount", 3, NONNEG, .def = "0",
          .doc = "... or within this amount, in the contract's currency units; the larger tolerance applies"),
    F_INT("expiry_notice_days", 0, .def = "30", .min = 0, .max = 3650,
          .doc = "An active contract raises an expiry alert this many days before its end date"),
    F_REF("default_assignee_id", "users", 0, .doc = "Alerts of contracts without an owner go to this user"),
    F_ENUM("level_amount_mismatch", rule_levels, 0, .def = "warning"),
    F_ENUM("level_outside_period", rule_levels, 0, .def = "warning"),
    F_ENUM("level_duplicate_period", rule_levels, 0, .def = "critical"),
    F_ENUM("level_missing_period", rule_levels, 0, .def = "warning"),
    F_ENUM("level_over_budget", rule_levels, 0, .def = "critical"),
    F_ENUM("level_tax_mismatch", rule_levels, 0, .def = "warning"),
    F_ENUM("level_due_date_beyond_terms", rule_levels, 0, .def = "info"),
    F_ENUM("level_unlinked_record", rule_levels, 0, .def = "info"),
    F_ENUM("level_contract_expiry", rule_levels, 0, .def = "info"),
};

RESOURCE(reconciliation_settings) {
    .name = "reconciliation_settings",
    .doc = "The tenant's reconciliation rules: tolerance, alert levels (none = no alert), expiry notice, assignee",
    .fields = settings_fields,
    .nfields = COUNT(settings_fields),
    .internal = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_ADMIN,
};

static const Field state_fields[] = {
    F_REF("contract_id", "contracts", REQUIRED | UNIQUE_TENANT),
    F_TEXT("digest", 16, REQUIRED, .doc = "Hash of what matching wanted for the contract when it last wrote"),
};

RESOURCE(matching_state) {
    .name = "matching_state",
    .doc = "Per contract, a digest of what matching last wanted: an unchanged contract is not re-read row by row",
    .fields = state_fields,
    .nfields = COUNT(state_fields),
    .internal = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
    .unindexed = (const char *const[]){"created_by", "created_at", NULL},
};
