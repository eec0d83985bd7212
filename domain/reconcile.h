/* domain/reconcile.h — reconciliation's I/O: read contracts and billing
 * records, run the pure matcher (domain/recon.h), write what changed in
 * matching_results and alerts (and the outbox), for one contract, the
 * unlinked queue, or a whole tenant in bulk. Also the tenant's settings and
 * the daily job. Everything runs in the caller's transaction (ctx->conn).
 */
#ifndef REMIT_DOMAIN_RECONCILE_H
#define REMIT_DOMAIN_RECONCILE_H

#include <jansson.h>

#include "domain/recon.h"
#include "store/ctx.h"

/* The tenant's rules (reconciliation_settings, defaults when there is no row),
 * its rounding mode and "today". */
typedef struct ReconSettings {
    Dec tolerance_percent;            /* scale 4 */
    Dec tolerance_amount;             /* scale 3, in units of the contract's currency */
    int expiry_notice_days;
    char default_assignee[40];        /* "" = none */
    int level[RK__COUNT];             /* 0 none, 1 info, 2 warning, 3 critical */
    Rounding rounding;
    Date today;
    bool full;                        /* compare every stored row, ignoring the per-contract digests */
} ReconSettings;

typedef struct ReconStats {
    int64_t contracts, records, unlinked;
    int64_t results_created, results_updated, results_unchanged, results_closed;
    int64_t alerts_raised, alerts_reopened, alerts_resolved, mails_queued;
    int64_t missing_periods;
    int64_t contracts_expired, expiry_alerts, records_linked, files_removed;
} ReconStats;

int  recon_settings_load(Ctx *ctx, ReconSettings *out, Error *err);
/* The tenant's today: the UTC date of ctx->now (time zones: see domain/README.md). */
Date recon_today(const Ctx *ctx);
const char *recon_level_name(int level);   /* "info", "warning", "critical"; NULL for none */

/* Re-matches one contract (all its records, missing periods, alerts). exclude_record, when not
 * NULL, is treated as gone (a record being deleted). */
int  recon_match_contract(Ctx *ctx, const ReconSettings *s, const char *contract_id, const char *exclude_record,
                          ReconStats *st, Error *err);
/* The result and alert of unlinked records: one (record_id) or all (NULL). exclude_record as above. */
int  recon_match_unlinked(Ctx *ctx, const ReconSettings *s, const char *record_id, const char *exclude_record,
                          ReconStats *st, Error *err);
/* Every contract of the tenant, streamed in chunks ordered by contract, then the unlinked queue.
 * checkpoint (may be NULL) is called between chunks (the CLI commits there). */
typedef int (*ReconCheckpoint)(Ctx *ctx, void *arg, Error *err);
int  recon_match_tenant(Ctx *ctx, const ReconSettings *s, ReconStats *st, ReconCheckpoint checkpoint, void *arg,
                        Error *err);
/* Closes the results and alerts of a contract being deleted. */
int  recon_close_contract(Ctx *ctx, const char *contract_id, Error *err);

/* Alerts for active contracts ending within the notice period (one per contract and end date). */
int  recon_expiry_alerts(Ctx *ctx, const ReconSettings *s, ReconStats *st, Error *err);
/* Retries linking the unlinked queue (records a person unlinked stay so); domain/billing_records.c. */
int  billing_records_retry_links(Ctx *ctx, ReconStats *st, Error *err);

/* The daily job for ctx's tenant: expire contracts past their end, raise expiry alerts, retry
 * linking the unlinked queue, match the whole tenant, remove unreferenced files. */
int  recon_daily(Ctx *ctx, ReconStats *st, ReconCheckpoint checkpoint, void *arg, Error *err);

json_t *recon_stats_json(const ReconStats *st);

/* Reports. The per-contract report: the schedule with what was expected, billed and paid per
 * period, cumulatively, each period's status (upcoming, due, billed, partial, over, missing), and
 * the records that fit no period. */
int  recon_contract_report(Ctx *ctx, const ReconSettings *s, const char *contract_id, json_t **out, Error *err);
/* Leakage: for customer contracts, per customer and currency, what was expected to date, what
 * was invoiced against it, and what was expected but never invoiced (periods past their due date,
 * less what was invoiced for them). */
int  recon_leakage(Ctx *ctx, const ReconSettings *s, json_t **out, Error *err);

/* Where "invoiced" comes from for leakage: a source calls fn for every invoiced amount of the
 * contracts with ids in [lo, hi], grouped by contract in id order (then by date). The default
 * source reads Remit's finalized invoices of each customer contract's customer (in its currency,
 * dated within it) and the billing records linked to the contract; a module may set another. */
typedef int (*ReconInvoiceFn)(Ctx *ctx, const char *contract_id, const ReconRecord *invoiced, void *arg);
typedef struct ReconInvoiceSource {
    const char *name;
    int (*each)(Ctx *ctx, const char *lo, const char *hi, ReconInvoiceFn fn, void *arg, Error *err);
} ReconInvoiceSource;
void recon_set_invoice_source(const ReconInvoiceSource *src);   /* NULL restores the default */

/* Deferred matching (CSV import): between begin and end, writes to contracts and billing records
 * note what to re-match instead of matching at once; end matches each contract once. Per thread. */
void recon_defer_begin(void);
bool recon_deferring(void);
void recon_defer_contract(Ctx *ctx, const char *contract_id);
void recon_defer_unlinked(Ctx *ctx, const char *record_id);
int  recon_defer_end(Ctx *ctx, bool run, ReconStats *st, Error *err);

/* Module set-up (domain/reconciliation.c calls them). */
void contracts_init(void);
void billing_records_init(void);
void alerts_init(void);
void recon_files_init(void);
void recon_api_init(void);
void recon_daily_init(void);

#endif
