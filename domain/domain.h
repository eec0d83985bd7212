/* domain/domain.h — attaching the business rules to the registry. */
#ifndef REMIT_DOMAIN_DOMAIN_H
#define REMIT_DOMAIN_DOMAIN_H

/* Attaches every module's hooks and actions to its tables. Call after registry_init(). */
void domain_init(void);

/* One per module (domain/<module>.c). */
void customers_init(void);
void users_init(void);
void audit_init(void);
void permissions_init(void);
void apikeys_init(void);
void subscription_init(void);
void einvoice_init(void);   /* domain/einvoice_export.c */
void company_init(void);       /* company.c: company profile, GST settings */
void catalog_init(void);       /* catalog.c: services, categories, tax rates, exchange rates */
void numbering_init(void);     /* numbering.c: number series */
void invoice_init(void);       /* invoice.c: invoices and their lines */
void receipt_init(void);       /* receipt.c: receipts and allocations */
void credit_note_init(void);   /* credit_note.c: credit notes, lines, applications */
void statement_init(void);     /* statement.c: customer statement, AR aging */
void csv_import_init(void);    /* csv_import.c: CSV import of customers and services */
void reconciliation_init(void);   /* domain/reconciliation.c */
void billing_init(void);       /* billing.c: time entries, usage records, plan assignments */
void billrun_init(void);       /* billrun.c: billing/preview, billing/runs, the daily bill run */
void ledger_init(void);        /* ledger.c: the transactions ledger, account credit, balances */
void billing_deps_init(void);  /* billing_deps.c: plans closed under prerequisites, add_bundle */
void billing_status_init(void);   /* billing_status.c: suspension, cancellation, customers/{id}/services */
void billing_reports_init(void);  /* billing_reports.c: revenue and bucket usage reports */
void approvals_init(void);     /* approvals.c: approval thresholds, requests and decisions */
void billing_upcoming_init(void);   /* billing_upcoming.c: billing/upcoming, the next bill dates */
void notify_init(void);        /* notify*.c: notifications to customers, their preferences and links */

#include <jansson.h>
#include "store/store.h"
/* domain/permissions.c */
json_t *permissions_list(void);
bool permissions_known(const char *code);
int permissions_load(Ctx *ctx, const char *json_text, size_t len);
/* 403 on `field` unless the caller holds every codename of the JSON array `codes`. */
int permissions_check_held(Ctx *ctx, json_t *codes, const char *field, Error *err);
/* The same for the codenames of the tenant's custom role `role_id`. */
int permissions_check_role(Ctx *ctx, const char *role_id, const char *field, Error *err);
/* domain/apikeys.c: "Bearer rak_..." */
int apikey_decode(const char *token, Ctx *ctx, char key_id[40], Error *err);
int apikey_load(Ctx *ctx, const char *key_id, const char *token, bool *stale, Error *err);
int apikey_touch(Ctx *ctx, const char *key_id, Error *err);
/* domain/subscription.c */
int subscription_start(Ctx *ctx, const char *email, Error *err);
int subscription_check_write(Ctx *ctx, const char *status, const char *trial_end, Error *err);
int subscription_check_limit(Ctx *ctx, const char *table, Error *err);
int subscription_activate(Ctx *ctx, const char *plan_code, int months, Error *err);
/* Identity (issue 3): sessions, mailed tokens, user management, privacy export, settings. */
void sessions_init(void);
void password_init(void);
void verify_init(void);
void export_init(void);
void settings_init(void);

#endif
