/* domain/jobs.h — daily jobs: run once per tenant per day, in the tenant's time zone.
 *
 * A module registers a job (mark overdue invoices, expire trials and
 * contracts, run due bill runs, send reminders) with jobs_add_daily(). The
 * scheduler inside `remit serve` (and `remit jobs run`) runs each job for each
 * tenant once per tenant-local date: the run is claimed by a unique row in
 * job_runs inserted in the SAME transaction as the job's work, so a job that
 * fails leaves no claim and is retried, two processes never run it twice, and
 * a crash mid-job changes nothing.
 */
#ifndef REMIT_DOMAIN_JOBS_H
#define REMIT_DOMAIN_JOBS_H

#include "core/date.h"
#include "store/store.h"

typedef struct DailyJob {
    const char *name;
    /* Runs in the tenant's write transaction (ctx->conn), for the tenant-local date `today`. */
    int (*run)(Ctx *ctx, Date today, Error *err);
    /* Long work committed in parts (the bill run): the claim commits first and run gets ctx->conn
     * outside a transaction; when it fails, the claim is withdrawn so the next pass retries it. */
    bool own_tx;
} DailyJob;

void jobs_add_daily(const DailyJob *job);
/* Runs every job not yet run for each tenant's today (as of clock_now(), or `as_of` if nonzero). */
int  jobs_run_due(Store *s, const char *only_tenant, int *ran, Error *err);
int  jobs_start(Store *s, int interval_ms);
void jobs_stop(void);

#endif
