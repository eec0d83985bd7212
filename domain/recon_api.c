/* domain/recon_api.c — reconciliation's endpoints that are not one row's CRUD.
 * Exports recon_api_init.
 *
 *   GET  /api/v1/reconciliation/settings        the tenant's rules (defaults until set)
 *   POST /api/v1/reconciliation/settings        change some of them (admin)
 *   POST /api/v1/reconciliation/match           match the whole tenant now (manager)
 *   POST /api/v1/reconciliation/daily           run the daily job's work now (admin)
 *   GET  /api/v1/contracts/{id}/schedule        expected vs billed vs paid per period
 *   GET  /api/v1/reports/discrepancies          open alerts by type and level, open results
 *   GET  /api/v1/reports/leakage                expected but never invoiced, per customer
 * The unlinked queue is GET /api/v1/billing_records?link_status=unlinked.
 */
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "core/money.h"
#include "domain/domain.h"
#include "domain/reconcile.h"
#include "model/codec.h"
#include "model/crud.h"

static int load_settings_row(Ctx *ctx, const Table *t, Row *row, bool *found, Error *err)
{
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT %s FROM reconciliation_settings WHERE tenant_id = $1", t->select_list);
    Rows r;
    int rc = store_query(ctx->conn, &r, sql, NULL, 0, err);
    if (rc < 0)
        return rc;
    *found = rows_next(&r);
    if (*found)
        rc = codec_from_rows(ctx, t, &r, row);
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

static json_t *settings_json(Ctx *ctx, const Row *row)
{
    json_t *o = codec_to_json(ctx, row);
    if (o) {
        json_object_del(o, "id");
        json_object_del(o, "version");
        json_object_del(o, "created_by");
        json_object_del(o, "created_at");
    }
    return o;
}

static int get_settings(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    const Table *t = registry_find("reconciliation_settings");
    Row row;
    bool found = false;
    int rc = load_settings_row(ctx, t, &row, &found, err);
    if (rc == 0 && !found) {
        rc = row_init(&row, ctx, t);
        if (rc == 0)
            rc = codec_apply_defaults(ctx, t, &row, err);
    }
    if (rc < 0)
        return rc;
    out->json = settings_json(ctx, &row);
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int set_settings(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    const Table *t = registry_find("reconciliation_settings");
    Row row;
    bool found = false;
    int rc = load_settings_row(ctx, t, &row, &found, err);
    if (rc < 0)
        return rc;
    Row saved;
    if (found)
        rc = crud_update(ctx, t, row_text(&row, "id"), in->body, -1, NULL, &saved, err);
    else
        rc = crud_create(ctx, t, in->body, NULL, &saved, err);
    if (rc < 0)
        return rc;
    out->json = settings_json(ctx, &saved);
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int no_input(const ActionIn *in, Error *err)
{
    if (in->body && json_object_size(in->body) > 0)
        return err_set(err, ERR_UNKNOWN_FIELD, NULL, "this endpoint takes no input");
    return 0;
}

static int match_tenant(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    ReconSettings s;
    ReconStats st = {0};
    int rc = no_input(in, err);
    if (rc == 0)
        rc = recon_settings_load(ctx, &s, err);
    if (rc == 0)
        rc = recon_match_tenant(ctx, &s, &st, NULL, NULL, err);
    if (rc < 0)
        return rc;
    out->json = json_pack("{s:o}", "stats", recon_stats_json(&st));
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int run_daily(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    ReconStats st = {0};
    int rc = no_input(in, err);
    if (rc == 0)
        rc = recon_daily(ctx, &st, NULL, NULL, err);
    if (rc < 0)
        return rc;
    out->json = json_pack("{s:o}", "stats", recon_stats_json(&st));
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int act_schedule(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    Row c;
    int rc = crud_get(ctx, t, in->id, false, &c, err);
    if (rc < 0)
        return rc;
    ReconSettings s;
    rc = recon_settings_load(ctx, &s, err);
    if (rc == 0)
        rc = recon_contract_report(ctx, &s, in->id, &out->json, err);
    return rc;
}

static int64_t as_int(Value v)
{
    return v.kind == V_TEXT ? strtoll(v.s, NULL, 10) : v.i;
}

static int discrepancies(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    const char *contract = action_arg(in, "contract_id");
    if (contract && !uuid_valid(contract, strlen(contract)))
        return err_set(err, ERR_BAD_QUERY, "contract_id", "contract_id must be a UUID");
    Value p[2] = {val_bool(false), contract ? val_text(contract) : val_null()};
    int np = contract ? 2 : 1;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT alert_type, alert_level, COUNT(*), MIN(created_at) FROM alerts WHERE tenant_id = $1"
             " AND is_resolved = $2%s GROUP BY alert_type, alert_level ORDER BY alert_type, alert_level",
             contract ? " AND contract_id = $3" : "");
    Rows r;
    int rc = store_query(ctx->conn, &r, sql, p, np, err);
    if (rc < 0)
        return rc;
    json_t *by = json_array();
    int64_t total = 0;
    while (rows_next(&r)) {
        Value ty = rows_get(&r, 0), lv = rows_get(&r, 1), oldest = rows_get(&r, 3);
        int64_t n = as_int(rows_get(&r, 2));
        total += n;
        json_array_append_new(by, json_pack("{s:s%, s:s%, s:I, s:s%}", "alert_type", ty.s, ty.len, "alert_level",
                                            lv.s, lv.len, "count", (json_int_t)n, "oldest_at", oldest.s,
                                            oldest.len));
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    snprintf(sql, sizeof sql,
             "SELECT matching_status, currency, COUNT(*), SUM(amount_difference) FROM matching_results"
             " WHERE tenant_id = $1 AND is_resolved = $2%s GROUP BY matching_status, currency"
             " ORDER BY matching_status, currency",
             contract ? " AND contract_id = $3" : "");
    json_t *results = json_array();
    if (rc == 0)
        rc = store_query(ctx->conn, &r, sql, p, np, err);
    if (rc == 0) {
        while (rows_next(&r)) {
            Value st = rows_get(&r, 0), cur = rows_get(&r, 1);
            char code[4] = "";
            if (cur.kind == V_TEXT && cur.len == 3)
                memcpy(code, cur.s, 3);
            const Currency *c = currency_find(code);
            char m[MONEY_FORMAT_MAX] = "";
            if (c)
                money_format(m, sizeof m, as_int(rows_get(&r, 3)), c);
            json_array_append_new(results, json_pack("{s:s%, s:s, s:I, s:s}", "matching_status", st.s, st.len,
                                                     "currency", code, "count", (json_int_t)as_int(rows_get(&r, 2)),
                                                     "amount_difference", m));
        }
        rc = rows_error(&r, err);
        rows_close(&r);
    }
    if (rc < 0) {
        json_decref(by);
        json_decref(results);
        return rc;
    }
    out->json = json_pack("{s:I, s:o, s:o}", "open_alerts", (json_int_t)total, "by_type_and_level", by,
                          "open_results", results);
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int leakage(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    ReconSettings s;
    int rc = recon_settings_load(ctx, &s, err);
    if (rc == 0)
        rc = recon_leakage(ctx, &s, &out->json, err);
    return rc;
}

static const Endpoint endpoints[] = {
    {.method = "GET", .path = "reconciliation/settings", .role = ROLE_USER, .run = get_settings,
     .doc = "The tenant's reconciliation rules"},
    {.method = "POST", .path = "reconciliation/settings", .write = true, .role = ROLE_ADMIN, .run = set_settings,
     .doc = "Change reconciliation rules (tolerance, alert levels, expiry notice, default assignee)"},
    {.method = "POST", .path = "reconciliation/match", .write = true, .role = ROLE_MANAGER, .run = match_tenant,
     .doc = "Match every contract and the unlinked queue now; answers what changed"},
    {.method = "POST", .path = "reconciliation/daily", .write = true, .role = ROLE_ADMIN, .run = run_daily,
     .doc = "Run the reconciliation daily job's work now (expiry, alerts, linking, matching, file sweep)"},
    {.method = "GET", .path = "reports/discrepancies", .role = ROLE_USER, .run = discrepancies,
     .doc = "Open discrepancies by type and level (?contract_id= for one contract)"},
    {.method = "GET", .path = "reports/leakage", .role = ROLE_USER, .run = leakage,
     .doc = "Per customer: expected to date, invoiced, and expected but never invoiced"},
};

static const Action schedule_action = {
    .verb = "schedule", .method = "GET", .run = act_schedule,
    .doc = "The contract's expected schedule with what was billed and paid per period: expected, billed and"
           " unbilled before tax; billed_with_tax, paid and outstanding tax included",
};

void recon_api_init(void)
{
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++)
        registry_add_endpoint(&endpoints[i]);
    table_add_action("contracts", &schedule_action);
}
