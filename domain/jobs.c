/* domain/jobs.c — the daily job scheduler; see jobs.h.
 * Exports jobs_add_daily, jobs_run_due, jobs_start, jobs_stop.
 *
 * Concurrency notes: the claim is INSERT ... ON CONFLICT DO NOTHING on
 * job_runs (tenant_id, job, run_date) inside the job's transaction; a second
 * process blocks on that key until the first commits, then finds the claim and
 * skips (PostgreSQL), or is serialised by the writer lock (SQLite). A job that
 * commits in parts (own_tx: the bill run) commits the claim first, then runs;
 * if it fails, the claim is deleted and the next pass retries. A process
 * killed in the middle leaves a claim without finished_at: that day's job is
 * not retried, and the next day's (the bill run bills everything due by its
 * date) finishes the work.
 */
#include "domain/jobs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"
#include "core/tz.h"
#include "domain/domain.h"
#include "model/registry.h"

static const Field run_fields[] = {
    F_TEXT("job", 100, REQUIRED | FILTER | SORT),
    F_DATE("run_date", REQUIRED | FILTER | SORT, .doc = "The tenant-local date the job ran for"),
    F_TS("finished_at", 0),
};

RESOURCE(job_runs) {
    .name = "job_runs",
    .doc = "Which daily job ran for which date (one row each: the claim)",
    .fields = run_fields,
    .nfields = COUNT(run_fields),
    .no_create = true, .no_update = true, .no_delete = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
    .uniques = (const char *const[]){"job,run_date", NULL},
    .default_order = "-run_date",
};

static const DailyJob *jobs[32];
static int njobs;

void jobs_add_daily(const DailyJob *job)
{
    if (njobs < (int)(sizeof jobs / sizeof jobs[0]))
        jobs[njobs++] = job;
}

/* A job that commits in parts failed: its claim goes, so the next pass runs it again (best effort:
 * if this fails too, the claim stays and the next day's run does the work). */
static void withdraw_claim(Conn *c, const Ctx *ctx, const char *claim_id)
{
    Error e;
    Value p[1] = {val_text(claim_id)};
    if (store_begin(c, ctx, true, &e) == 0 &&
        store_exec(c, "DELETE FROM job_runs WHERE tenant_id = $1 AND id = $2", p, 1, NULL, &e) == 0)
        store_commit(c, &e);
    if (store_in_tx(c))
        store_rollback(c);
}

static int run_one(Store *s, const char *tenant, const char *zone, const DailyJob *job, int *ran, Error *err)
{
    Conn *c = NULL;
    int rc = store_acquire(s, &c, err);
    if (rc < 0)
        return rc;
    Arena arena;
    arena_init(&arena, 0);
    Ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &arena;
    ctx.conn = c;
    ctx.store = s;
    ctx.now = clock_now();
    ctx.request_id = job->name;
    ctx.user_email = "system";
    ctx.role_name = "system";
    ctx.role = ROLE_ADMIN;
    ctx.timezone = zone;
    snprintf(ctx.tenant_id, sizeof ctx.tenant_id, "%s", tenant);
    Date today;
    tz_date(&today, zone, ctx.now);
    char day[11], id[40], ts[40];
    date_format(day, today);
    uuid_v7_str(id);
    ts_format(ts, sizeof ts, ctx.now);
    rc = store_begin(c, &ctx, true, err);
    int64_t claimed = 0;
    if (rc == 0) {
        /* the tenant's currency for money formatting in the job */
        Rows r;
        Value t[1] = {val_text(tenant)};
        if (store_query_global(c, &r, "SELECT base_currency FROM tenants WHERE id = $1", t, 1, err) == 0) {
            if (rows_next(&r)) {
                Value v = rows_get(&r, 0);
                ctx.currency = arena_strndup(&arena, v.s, v.len);
            }
            rows_close(&r);
        }
        Value p[4] = {val_text(id), val_text(job->name), val_text(day), val_text(ts)};
        rc = store_exec(c,
                        "INSERT INTO job_runs (tenant_id, id, job, run_date, version, created_at, updated_at)"
                        " VALUES ($1, $2, $3, $4, 1, $5, $5) ON CONFLICT (tenant_id, job, run_date) DO NOTHING",
                        p, 4, &claimed, err);
    }
    if (rc == 0 && claimed == 1) {
        if (job->own_tx) {   /* the claim commits first: another process skips the job from now on */
            rc = store_commit(c, err);
            if (rc == 0)
                rc = job->run(&ctx, today, err);
            if (store_in_tx(c))
                store_rollback(c);
            if (rc < 0)
                withdraw_claim(c, &ctx, id);
            else
                rc = store_begin(c, &ctx, true, err);   /* finished_at, below */
        } else {
            rc = job->run(&ctx, today, err);
        }
        if (rc == 0) {
            Value p[2] = {val_text(ts), val_text(id)};
            rc = store_exec(c, "UPDATE job_runs SET finished_at = $2 WHERE tenant_id = $1 AND id = $3", p, 2, NULL, err);
        }
    }
    if (rc == 0 && store_in_tx(c))
        rc = store_commit(c, err);
    else if (store_in_tx(c))
        store_rollback(c);
    if (rc == 0 && claimed == 1)
        (*ran)++;
    if (rc < 0)
        log_event(LOG_ERROR, NULL, "daily job failed", "job", job->name, "tenant_id", tenant, "error", err->message, NULL);
    store_release(c);
    arena_free(&arena);
    return rc;
}

int jobs_run_due(Store *s, const char *only_tenant, int *ran, Error *err)
{
    *ran = 0;
    Conn *c = NULL;
    int rc = store_acquire(s, &c, err);
    if (rc < 0)
        return rc;
    /* The tenant list is a reference table: a global read. */
    int cap = 64, n = 0;
    char (*ids)[40] = malloc((size_t)cap * 40);
    char (*zones)[64] = malloc((size_t)cap * 64);
    rc = (ids && zones) ? store_begin(c, NULL, false, err) : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc == 0) {
        Rows r;
        Value p[1] = {val_text(only_tenant ? only_tenant : "")};
        rc = store_query_global(c, &r,
                                only_tenant ? "SELECT id, timezone FROM tenants WHERE is_active = true AND CAST(id AS TEXT) = $1"
                                            : "SELECT id, timezone FROM tenants WHERE is_active = true ORDER BY id",
                                only_tenant ? p : NULL, only_tenant ? 1 : 0, err);
        while (rc == 0 && rows_next(&r)) {
            if (n == cap) {
                cap *= 2;
                void *a = realloc(ids, (size_t)cap * 40), *b = realloc(zones, (size_t)cap * 64);
                if (a)
                    ids = a;
                if (b)
                    zones = b;
                if (!a || !b) {
                    rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
                    break;
                }
            }
            Value id = rows_get(&r, 0), tz = rows_get(&r, 1);
            snprintf(ids[n], 40, "%.*s", (int)id.len, id.s);
            snprintf(zones[n], 64, "%.*s", tz.kind == V_TEXT ? (int)tz.len : 3, tz.kind == V_TEXT ? tz.s : "UTC");
            n++;
        }
        if (rc == 0)
            rc = rows_error(&r, err);
        rows_close(&r);
        store_rollback(c);
    }
    store_release(c);
    int failures = 0;
    for (int i = 0; rc == 0 && i < n; i++)
        for (int j = 0; j < njobs; j++)
            if (run_one(s, ids[i], zones[i], jobs[j], ran, err) < 0)
                failures++;
    free(ids);
    free(zones);
    if (rc == 0 && failures)
        rc = err_set(err, ERR_INTERNAL, NULL, "%d daily job run(s) failed; see the log", failures);
    return rc;
}

static pthread_t worker;
static volatile int running;
static Store *worker_store;
static int worker_interval;

static void *loop(void *arg)
{
    (void)arg;
    while (running) {
        Error e;
        int ran = 0;
        if (jobs_run_due(worker_store, NULL, &ran, &e) < 0)
            log_event(LOG_WARN, NULL, "daily jobs", "error", e.message, NULL);
        for (int i = 0; running && i < worker_interval / 50; i++)
            usleep(50000);
    }
    return NULL;
}

int jobs_start(Store *s, int interval_ms)
{
    worker_store = s;
    worker_interval = interval_ms > 0 ? interval_ms : 60000;
    running = 1;
    return pthread_create(&worker, NULL, loop, NULL) == 0 ? 0 : -1;
}

void jobs_stop(void)
{
    if (!running)
        return;
    running = 0;
    pthread_join(worker, NULL);
}
