/* domain/recon_settings.c — the tenant's reconciliation rules as matching
 * uses them, "today", and a run's statistics as JSON. Exports
 * recon_settings_load, recon_today, recon_level_name, recon_stats_json.
 *
 * The defaults are the declared defaults of reconciliation_settings
 * (model/reconciliation.c), so a tenant that never set anything gets exactly
 * what GET /reconciliation/settings shows.
 */
#include "domain/reconcile.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/tz.h"
#include "model/registry.h"

static const char *const level_names[] = {NULL, "info", "warning", "critical"};

const char *recon_level_name(int level)
{
    return (level >= 1 && level <= 3) ? level_names[level] : NULL;
}

static int level_parse(const char *s)
{
    for (int i = 1; i <= 3; i++)
        if (s && strcmp(s, level_names[i]) == 0)
            return i;
    return 0;
}

Date recon_today(const Ctx *ctx)
{
    Date d;
    tz_date(&d, ctx->timezone ? ctx->timezone : "UTC", ctx->now);
    return d;
}

int recon_settings_load(Ctx *ctx, ReconSettings *out, Error *err)
{
    memset(out, 0, sizeof *out);
    out->tolerance_percent = dec_make(0, 4);
    out->tolerance_amount = dec_make(0, 3);
    out->expiry_notice_days = 30;
    out->rounding = ROUND_HALF_UP;
    out->today = recon_today(ctx);
    const Table *t = registry_find("reconciliation_settings");
    char col[64];
    for (int k = 0; k < RK__COUNT; k++) {   /* the declared defaults */
        snprintf(col, sizeof col, "level_%s", recon_kind_name((ReconKind)k));
        int c = table_col(t, col);
        out->level[k] = c >= 0 ? level_parse(t->fields[c].def) : 0;
    }
    Buf sql;
    buf_init(&sql, 4096);
    buf_puts(&sql, "SELECT amount_tolerance_percent, amount_tolerance_amount, expiry_notice_days, default_assignee_id");
    for (int k = 0; k < RK__COUNT; k++)
        buf_printf(&sql, ", level_%s", recon_kind_name((ReconKind)k));
    buf_puts(&sql, " FROM reconciliation_settings WHERE tenant_id = $1");
    Rows r;
    int rc = store_query(ctx->conn, &r, buf_cstr(&sql), NULL, 0, err);
    buf_free(&sql);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        out->tolerance_percent = dec_from_scaled(rows_get(&r, 0).i, 4);
        out->tolerance_amount = dec_from_scaled(rows_get(&r, 1).i, 3);
        out->expiry_notice_days = (int)rows_get(&r, 2).i;
        Value a = rows_get(&r, 3);
        if (a.kind == V_TEXT)
            snprintf(out->default_assignee, sizeof out->default_assignee, "%.*s", (int)a.len, a.s);
        for (int k = 0; k < RK__COUNT; k++) {
            Value v = rows_get(&r, 4 + k);
            char buf[16] = "";
            if (v.kind == V_TEXT)
                snprintf(buf, sizeof buf, "%.*s", (int)v.len, v.s);
            out->level[k] = level_parse(buf);
        }
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    Value p[1] = {val_text(ctx->tenant_id)};
    rc = store_query_global(ctx->conn, &r, "SELECT rounding FROM tenants WHERE id = $1", p, 1, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        Value v = rows_get(&r, 0);
        if (v.kind == V_TEXT && v.len == 9 && memcmp(v.s, "half_even", 9) == 0)
            out->rounding = ROUND_HALF_EVEN;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

json_t *recon_stats_json(const ReconStats *st)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                     "contracts", (json_int_t)st->contracts, "records", (json_int_t)st->records,
                     "unlinked", (json_int_t)st->unlinked, "results_created", (json_int_t)st->results_created,
                     "results_updated", (json_int_t)st->results_updated,
                     "results_unchanged", (json_int_t)st->results_unchanged,
                     "results_closed", (json_int_t)st->results_closed, "alerts_raised", (json_int_t)st->alerts_raised,
                     "alerts_reopened", (json_int_t)st->alerts_reopened,
                     "alerts_resolved", (json_int_t)st->alerts_resolved, "mails_queued", (json_int_t)st->mails_queued,
                     "missing_periods", (json_int_t)st->missing_periods,
                     "contracts_expired", (json_int_t)st->contracts_expired,
                     "expiry_alerts", (json_int_t)st->expiry_alerts, "records_linked", (json_int_t)st->records_linked,
                     "files_removed", (json_int_t)st->files_removed);
}

