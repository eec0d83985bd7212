/* cli/reconcile.c — `remit reconcile --tenant SLUG|ID [--date YYYY-MM-DD] [--daily] [--full]`:
 * matches every contract and the unlinked queue of one tenant now, outside
 * any request (large tenants, after changing the tolerance, benchmarks);
 * --daily runs the whole daily job's work instead (expiry, alerts, linking,
 * matching, file sweep). --date matches "as of" that date (the clock is
 * moved for this process only). --full ignores the per-contract digests and
 * compares every stored result and alert (after a change of the matching code,
 * or to check). Prints what changed and how long it took.
 * Exports cmd_reconcile.
 *
 * Transactions: the work is committed every CHECKPOINT_CHUNKS chunks of
 * contracts (domain/reconcile.c), so a run over millions of records holds the
 * writer lock in a few long transactions rather than one, and a crash loses
 * at most the chunks since the last commit (re-running redoes exactly those:
 * matching is idempotent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/date.h"
#include "domain/reconcile.h"

#define CHECKPOINT_CHUNKS 20

static int usage(void)
{
    fprintf(stderr, "usage: remit reconcile --tenant SLUG|ID [--date YYYY-MM-DD] [--daily] [--full]\n");
    return 2;
}

typedef struct Checkpoint {
    Ctx *ctx;
    int chunks;
    int commits;
} Checkpoint;

static int checkpoint(Ctx *ctx, void *arg, Error *err)
{
    Checkpoint *cp = arg;
    if (++cp->chunks % CHECKPOINT_CHUNKS != 0)
        return 0;
    int rc = store_commit(ctx->conn, err);
    if (rc == 0)
        rc = store_begin(ctx->conn, ctx, true, err);
    if (rc == 0)
        cp->commits++;
    return rc;
}

static int find_tenant(Conn *c, const char *key, char id[40], char zone[64], char currency[4], Error *e)
{
    Rows r;
    Value p[1] = {val_text(key)};
    int rc = store_query_global(c, &r,
                                "SELECT id, timezone, base_currency FROM tenants"
                                " WHERE slug = $1 OR CAST(id AS TEXT) = $1",
                                p, 1, e);
    if (rc < 0)
        return rc;
    bool found = rows_next(&r);
    if (found) {
        Value a = rows_get(&r, 0), b = rows_get(&r, 1), cu = rows_get(&r, 2);
        snprintf(id, 40, "%.*s", (int)a.len, a.s);
        snprintf(zone, 64, "%.*s", b.kind == V_TEXT ? (int)b.len : 3, b.kind == V_TEXT ? b.s : "UTC");
        snprintf(currency, 4, "%.*s", cu.kind == V_TEXT ? (int)cu.len : 3, cu.kind == V_TEXT ? cu.s : "INR");
    }
    rows_close(&r);
    return found ? 0 : err_set(e, ERR_NOT_FOUND, NULL, "no tenant %s", key);
}

int cmd_reconcile(const CliOpts *o)
{
    const char *tenant = NULL, *date = NULL;
    bool daily = false, full = false;
    for (int i = 0; i < o->nrest; i++) {
        if (strcmp(o->rest[i], "--tenant") == 0 && i + 1 < o->nrest)
            tenant = o->rest[++i];
        else if (strcmp(o->rest[i], "--date") == 0 && i + 1 < o->nrest)
            date = o->rest[++i];
        else if (strcmp(o->rest[i], "--daily") == 0)
            daily = true;
        else if (strcmp(o->rest[i], "--full") == 0)
            full = true;
        else
            return usage();
    }
    if (!tenant)
        return usage();
    Error e;
    err_clear(&e);
    if (date) {
        Date d;
        if (date_parse(&d, date, strlen(date), "--date", &e) < 0) {
            fprintf(stderr, "remit: %s\n", e.message);
            return 2;
        }
        /* noon UTC of that date: the same civil date in every zone from UTC-11 to UTC+11 */
        clock_set_offset(ts_from_date(d) + 12 * 3600 * TS_PER_SECOND - (clock_now() - clock_get_offset()));
    }
    Store *s = NULL;
    if (cli_open(o, &s, 2) < 0)
        return 1;
    Conn *c = NULL;
    int rc = store_acquire(s, &c, &e);
    Arena arena;
    arena_init(&arena, 0);
    Ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &arena;
    ctx.conn = c;
    ctx.store = s;
    ctx.data_dir = o->data_dir;
    ctx.request_id = "reconcile";
    ctx.user_email = "system";
    ctx.role_name = "system";
    ctx.role = ROLE_ADMIN;
    char zone[64] = "UTC", currency[4] = "INR";
    if (rc == 0 && (rc = store_begin(c, NULL, false, &e)) == 0) {
        rc = find_tenant(c, tenant, ctx.tenant_id, zone, currency, &e);
        store_rollback(c);
    }
    ctx.timezone = zone;
    ctx.currency = currency;
    ctx.now = clock_now();
    ReconStats st = {0};
    Checkpoint cp = {.ctx = &ctx};
    int64_t t0 = clock_mono_us();
    /* a bulk run on SQLite: a page cache that holds the indexes being written (256 MiB, this
     * connection only) saves re-reading them from the file; the memory is returned at exit */
    if (rc == 0 && store_dialect(s) == DIALECT_SQLITE)
        rc = store_exec_script(c, "PRAGMA cache_size = -262144", &e);
    if (rc == 0)
        rc = store_begin(c, &ctx, true, &e);
    if (rc == 0) {
        if (daily) {
            rc = recon_daily(&ctx, &st, checkpoint, &cp, &e);
        } else {
            ReconSettings set;
            rc = recon_settings_load(&ctx, &set, &e);
            set.full = full;
            if (rc == 0)
                rc = recon_match_tenant(&ctx, &set, &st, checkpoint, &cp, &e);
        }
        if (rc == 0)
            rc = store_commit(c, &e);
        else
            store_rollback(c);
        if (rc == 0)
            cp.commits++;
    }
    int64_t us = clock_mono_us() - t0;
    if (rc < 0) {
        fprintf(stderr, "remit: reconcile: %s%s%s\n", e.message, e.detail[0] ? ": " : "", e.detail);
    } else {
        json_t *j = recon_stats_json(&st);
        json_object_set_new(j, "elapsed_ms", json_integer(us / 1000));
        json_object_set_new(j, "commits", json_integer(cp.commits));
        char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        printf("%s\n", text ? text : "{}");
        free(text);
        json_decref(j);
    }
    if (c)
        store_release(c);
    arena_free(&arena);
    store_close(s);
    return rc < 0 ? 1 : 0;
}
