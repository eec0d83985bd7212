/* domain/billrun.h — the preview and the bill run: the database read
 * (billing_load.c), the pure engine (engine.h), and the write through the
 * invoicing module (invoices, lines, numbering, tax, totals).
 */
#ifndef REMIT_DOMAIN_BILLRUN_H
#define REMIT_DOMAIN_BILLRUN_H

#include <jansson.h>

#include "core/date.h"
#include "store/store.h"

/* Customers read, rated and written together: one query per table reads the chunk's rows, and a
 * chunk commits in one transaction (each customer in a savepoint of it). */
#define BILLRUN_CHUNK 200

typedef struct BillRunStats {
    int customers;          /* customers looked at */
    int invoiced;           /* invoices made */
    int skipped;            /* nothing due, or billed by a concurrent run (unique key) */
    int failed;             /* customers whose transaction failed (their error is logged) */
} BillRunStats;

/* The whole run for ctx's tenant (ctx->tenant_id, ctx->store): one transaction per chunk of
 * BILLRUN_CHUNK customers on ctx->conn, which must be outside a transaction (or on a connection of
 * its own when ctx->conn is NULL), so a crash loses at most the chunk being billed, and a rerun
 * continues. Each customer in a savepoint: one that fails rolls back alone. Records a billing_runs
 * row, made by the first chunk's transaction and finished by the last one's; a run that stops
 * after a chunk committed marks it failed and says so in err's detail. */
int billrun_run(Ctx *ctx, Date date, BillRunStats *stats, const char **run_id, Error *err);

/* Every tenant (the CLI: remit bill-run --date D). */
int billrun_all_tenants(Store *s, Date date, BillRunStats *stats, Error *err);

void billrun_init(void);

#endif
