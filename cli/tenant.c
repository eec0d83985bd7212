/* cli/tenant.c — the operator's commands for tenants:
 *   remit tenant list
 *   remit tenant activate SLUG --plan starter|growth|enterprise [--months N]
 *   remit tenant suspend SLUG | remit tenant resume SLUG
 * Exports cmd_tenant. A paid plan is the operator's (or a payment provider's)
 * decision, never the tenant's own, so it is not an API endpoint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "domain/domain.h"
#include "domain/billrun.h"
#include "domain/jobs.h"

static int usage(void)
{
    fprintf(stderr, "usage: remit tenant list\n"
                    "       remit tenant activate SLUG --plan starter|growth|enterprise [--months N]\n"
                    "       remit tenant suspend SLUG | remit tenant resume SLUG\n");
    return 2;
}

static int find(Conn *c, const char *slug, char id[40], Error *e)
{
    Rows r;
    Value p[1] = {val_text(slug)};
    int rc = store_query_global(c, &r, "SELECT id FROM tenants WHERE slug = $1", p, 1, e);
    if (rc < 0)
        return rc;
    bool found = rows_next(&r);
    if (found) {
        Value v = rows_get(&r, 0);
        snprintf(id, 40, "%.*s", (int)v.len, v.s);
    }
    rows_close(&r);
    return found ? 0 : err_set(e, ERR_NOT_FOUND, NULL, "no tenant %s", slug);
}

int cmd_tenant(const CliOpts *o)
{
    if (o->nrest < 1)
        return usage();
    const char *verb = o->rest[0];
    const char *slug = o->nrest > 1 ? o->rest[1] : NULL;
    const char *plan = NULL;
    int months = 1;
    for (int i = 2; i < o->nrest; i++) {
        if (strcmp(o->rest[i], "--plan") == 0 && i + 1 < o->nrest)
            plan = o->rest[++i];
        else if (strcmp(o->rest[i], "--months") == 0 && i + 1 < o->nrest)
            months = (int)strtol(o->rest[++i], NULL, 10);
        else
            return usage();
    }
    bool list = strcmp(verb, "list") == 0;
    if (!list && !slug)
        return usage();
    Store *s = NULL;
    if (cli_open(o, &s, 2) < 0)
        return 1;
    Conn *c = NULL;
    Error e;
    err_clear(&e);
    Arena arena;
    arena_init(&arena, 0);
    Ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &arena;
    ctx.now = clock_now();
    ctx.request_id = "cli";
    ctx.user_email = "operator";
    ctx.role_name = "operator";
    int rc = store_acquire(s, &c, &e);
    ctx.conn = c;
    if (rc == 0 && list) {
        rc = store_begin(c, NULL, false, &e);
        Rows r;
        if (rc == 0)
            rc = store_query_global(c, &r, "SELECT slug, name, subscription_status, trial_end_date, subscription_end_date"
                                           " FROM tenants ORDER BY slug", NULL, 0, &e);
        if (rc == 0) {
            printf("%-24s %-32s %-10s %s\n", "SLUG", "NAME", "STATUS", "UNTIL");
            while (rows_next(&r)) {
                Value a = rows_get(&r, 0), b = rows_get(&r, 1), st = rows_get(&r, 2), te = rows_get(&r, 3),
                      se = rows_get(&r, 4);
                Value until = se.kind == V_TEXT ? se : te;
                printf("%-24.*s %-32.*s %-10.*s %.*s\n", (int)a.len, a.s, (int)b.len, b.s, (int)st.len, st.s,
                       until.kind == V_TEXT ? 10 : 1, until.kind == V_TEXT ? until.s : "-");
            }
            rows_close(&r);
        }
        store_rollback(c);
    } else if (rc == 0) {
        rc = store_begin(c, NULL, false, &e);
        if (rc == 0)
            rc = find(c, slug, ctx.tenant_id, &e);
        store_rollback(c);
        if (rc == 0)
            rc = store_begin(c, &ctx, true, &e);
        if (rc == 0) {
            if (strcmp(verb, "activate") == 0) {
                rc = plan ? subscription_activate(&ctx, plan, months, &e)
                          : err_set(&e, ERR_REQUIRED, "plan", "--plan is required");
            } else if (strcmp(verb, "suspend") == 0 || strcmp(verb, "resume") == 0) {
                Value p[2] = {val_text(strcmp(verb, "suspend") == 0 ? "suspended" : "active"), val_text(ctx.tenant_id)};
                rc = store_exec_global(c, "UPDATE tenants SET subscription_status = $1 WHERE id = $2", p, 2, NULL, &e);
            } else {
                rc = err_set(&e, ERR_INVALID, NULL, "unknown tenant command %s", verb);
            }
            if (rc == 0)
                rc = store_commit(c, &e);
            else
                store_rollback(c);
        }
        if (rc == 0)
            printf("tenant %s: %s done\n", slug, verb);
    }
    if (c)
        store_release(c);
    arena_free(&arena);
    store_close(s);
    if (rc < 0) {
        fprintf(stderr, "remit: %s\n", e.message);
        return 1;
    }
    return 0;
}

/* remit jobs run: the daily jobs that are due now, for every tenant. */
int cmd_jobs(const CliOpts *o)
{
    if (o->nrest < 1 || strcmp(o->rest[0], "run") != 0) {
        fprintf(stderr, "usage: remit jobs run\n");
        return 2;
    }
    Store *s = NULL;
    if (cli_open(o, &s, 2) < 0)
        return 1;
    Error e;
    err_clear(&e);
    int ran = 0;
    int rc = jobs_run_due(s, NULL, &ran, &e);
    store_close(s);
    printf("jobs: %d run(s)\n", ran);
    if (rc < 0) {
        fprintf(stderr, "remit: %s\n", e.message);
        return 1;
    }
    return 0;
}

/* remit bill-run --date YYYY-MM-DD: the bill run of every tenant for that date (domain/billrun.c),
 * one transaction per customer; safe to rerun after a crash or while another run is going. */
int cmd_bill_run(const CliOpts *o)
{
    const char *ds = NULL;
    for (int i = 0; i + 1 < o->nrest; i++)
        if (strcmp(o->rest[i], "--date") == 0)
            ds = o->rest[i + 1];
    Date d;
    if (!ds || date_parse(&d, ds, strlen(ds), "date", NULL) < 0) {
        fprintf(stderr, "usage: remit bill-run --date YYYY-MM-DD\n");
        return 2;
    }
    Store *s = NULL;
    if (cli_open(o, &s, 2) < 0)
        return 1;
    Error e;
    err_clear(&e);
    BillRunStats st;
    int rc = billrun_all_tenants(s, d, &st, &e);
    store_close(s);
    printf("bill-run %s: %d customer(s), %d invoice(s), %d skipped, %d failed\n", ds, st.customers, st.invoiced,
           st.skipped, st.failed);
    if (rc < 0) {
        fprintf(stderr, "remit: %s\n", e.message);
        return 1;
    }
    return st.failed ? 1 : 0;
}
