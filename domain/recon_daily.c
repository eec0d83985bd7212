/* domain/recon_daily.c — reconciliation's daily job (domain/jobs.c runs it
 * once per tenant per tenant-local day). Exports recon_daily and
 * recon_daily_init.
 *
 * In order, in the tenant's transaction:
 *   1. active contracts whose last day (contract_end_date) has passed are expired (audited
 *      like any change). A suspended one is left suspended: expired expects billing, so
 *      expiring it would turn every period of the suspension into a missing period; whoever
 *      resumes it (then the job expires it) or terminates it decides;
 *   2. expiry alerts for active contracts ending within the notice period;
 *   3. the unlinked queue is offered to linking again (new contracts may fit);
 *   4. the whole tenant is matched (missing periods appear as due dates pass);
 *   5. stored files no row refers to any more are removed after a day's grace.
 */
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "domain/filestore.h"
#include "domain/jobs.h"
#include "domain/reconcile.h"
#include "model/crud.h"

static int expire_contracts(Ctx *ctx, const ReconSettings *s, ReconStats *st, Error *err)
{
    const Table *t = registry_find("contracts");
    char today[11];
    date_format(today, s->today);
    Value p[1] = {val_text(today)};
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT id FROM contracts WHERE tenant_id = $1 AND deleted_at IS NULL"
                         " AND contract_status = 'active' AND contract_end_date < $2 ORDER BY id",
                         p, 1, err);
    if (rc < 0)
        return rc;
    int cap = 64, n = 0;
    char (*ids)[UUID_STR_LEN + 1] = malloc(sizeof *ids * (size_t)cap);
    while (ids && rows_next(&r)) {
        if (n == cap) {
            void *more = realloc(ids, sizeof *ids * (size_t)cap * 2);
            if (!more)
                break;
            ids = more;
            cap *= 2;
        }
        Value v = rows_get(&r, 0);
        snprintf(ids[n++], UUID_STR_LEN + 1, "%.*s", (int)v.len, v.s);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (!ids)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    for (int i = 0; i < n && rc == 0; i++) {
        Row old, nw;
        rc = crud_get(ctx, t, ids[i], true, &old, err);
        if (rc < 0)
            break;
        row_copy(ctx, &nw, &old);
        row_set_text(ctx, &nw, "contract_status", "expired");
        rc = crud_update_row(ctx, t, &nw, &old, err);
        if (rc == 0)
            st->contracts_expired++;
    }
    free(ids);
    return rc;
}

int recon_daily(Ctx *ctx, ReconStats *st, ReconCheckpoint checkpoint, void *arg, Error *err)
{
    ReconSettings s;
    int rc = recon_settings_load(ctx, &s, err);
    if (rc == 0)
        rc = expire_contracts(ctx, &s, st, err);
    if (rc == 0)
        rc = recon_expiry_alerts(ctx, &s, st, err);
    if (rc == 0)
        rc = billing_records_retry_links(ctx, st, err);
    if (rc == 0)
        rc = recon_match_tenant(ctx, &s, st, checkpoint, arg, err);
    if (rc == 0)
        rc = filestore_sweep(ctx, FILESTORE_GRACE_US, &st->files_removed, err);
    return rc;
}

static int run_daily(Ctx *ctx, Date today, Error *err)
{
    ReconStats st = {0};
    return recon_daily(ctx, &st, NULL, NULL, err);
}

static const DailyJob daily = {.name = "reconciliation", .run = run_daily};

void recon_daily_init(void)
{
    jobs_add_daily(&daily);
}
