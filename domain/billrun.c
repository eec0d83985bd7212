/* domain/billrun.c — POST /api/v1/billing/preview, POST /api/v1/billing/runs,
 * `remit bill-run --date D` and the daily job "bill_run": the database read
 * (billing_load.c), engine_rate (engine.h), then the write through the
 * invoicing module (invoice_issue: the draft's defaults, each line's tax,
 * totals, the number and the finalized state are its own).
 * Exports billrun_run, billrun_all_tenants, billrun_init.
 *
 * The invoice period of a run on date D is [D - 1 month, D) and the invoice
 * is dated D: every cycle whose (exclusive) end is on or before D is billed.
 * The preview of [start, end) runs the same read and the same engine and
 * answers what a run on `end` would write, changing nothing.
 *
 * Engine lines keep their computed amount (a prorated fee is not quantity x
 * rate): the line is stored is_rated with amount = the engine's net (after
 * discounts), and invoicing computes the tax on it at the engine's rate.
 * After finalization the invoice's total is compared with the engine's: a
 * difference is an internal error and the customer's transaction rolls back.
 *
 * Concurrency notes: a run takes its customers in chunks of BILLRUN_CHUNK
 * (keyset on customer_id) and bills each chunk in its own transaction — the
 * API (an Endpoint with own_tx), the daily job (own_tx) and `remit bill-run`
 * alike — so other writers, of this tenant and on SQLite of every tenant,
 * wait for a chunk (~0.5 s), never for a whole run. The run's billing_runs
 * row is inserted by the first chunk's transaction and finished by the last
 * one's: a run that fails before anything commits leaves nothing; one that
 * stops later keeps its committed chunks, marks its row failed, and answers
 * the error with what stands (a rerun bills the rest, nothing twice). Each
 * customer is a savepoint: one that fails rolls back alone. A chunk
 * first takes the audit chain's head, then locks its customers (FOR NO KEY
 * UPDATE on PostgreSQL; SQLite's single writer serialises), then reads them
 * (one query per table): head before rows, the order the ledger's writers
 * keep too (audit_lock). A write that locks a customer before the head (an
 * assignment's holdings check) can deadlock with it; PostgreSQL then fails
 * one side with 409, "retry". Unique keys make double billing impossible even
 * without the lock: billed_cycles (assignment, fee, cycle), and for a time entry
 * or usage record its own billed_at (marked by an UPDATE guarded by billed_at IS
 * NULL whose count is checked). A run that loses a race gets ERR_CONFLICT for
 * that customer, rolls it back and counts it as skipped; a crash (kill -9)
 * loses only the open chunk's transaction, which the rerun bills, so no
 * customer is billed twice or skipped.
 */
#include "domain/billrun.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"
#include "core/tz.h"
#include "domain/billing_load.h"
#include "domain/document.h"
#include "domain/domain.h"
#include "domain/invoice.h"
#include "domain/jobs.h"
#include "domain/ledger.h"
#include "model/audit.h"
#include "model/codec.h"
#include "model/crud.h"

static const char *money_s(Ctx *ctx, int64_t v, const Currency *c)
{
    char buf[48];
    money_format(buf, sizeof buf, v, c);
    return arena_strdup(ctx->arena, buf);
}

static const char *dec_s(Ctx *ctx, Dec d)
{
    char buf[64];
    dec_format_trim(buf, sizeof buf, d);
    return arena_strdup(ctx->arena, buf);
}

static const char *date_s(Ctx *ctx, Date d)
{
    char buf[11];
    date_format(buf, d);
    return arena_strdup(ctx->arena, buf);
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static bool consumed(EngineOutcome o)
{
    return o == ENGINE_OUT_BILLED || o == ENGINE_OUT_IN_BUCKET || o == ENGINE_OUT_INCLUDED;
}

/* The calculation trace of one line, as stored on the invoice line and shown by the preview. */
static json_t *line_trace(Ctx *ctx, const EngineCharge *l, const Currency *cur)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(engine_charge_kind_name(l->kind)));
    json_object_set_new(o, "plan_id", jstr(l->plan_id));
    json_object_set_new(o, "plan_name", jstr(l->plan_name));
    json_object_set_new(o, "customer_billing_plan_id", jstr(l->customer_plan_id));
    json_object_set_new(o, "service_id", jstr(l->service_id));
    json_object_set_new(o, "bundle_id", jstr(l->bundle_id));
    json_object_set_new(o, "user_id", jstr(l->user_id));
    json_object_set_new(o, "period_start", jstr(period_is_empty(l->period) ? NULL : date_s(ctx, l->period.start)));
    json_object_set_new(o, "period_end", jstr(period_is_empty(l->period) ? NULL : date_s(ctx, l->period.end)));
    json_object_set_new(o, "days_used", json_integer(l->days_used));
    json_object_set_new(o, "days_in_period", json_integer(l->days_in_period));
    json_object_set_new(o, "rate_source", jstr(engine_rate_source_name(l->rate_source)));
    json_object_set_new(o, "rate", json_string(dec_s(ctx, l->rate)));
    json_object_set_new(o, "quantity", json_string(dec_s(ctx, l->quantity)));
    json_object_set_new(o, "minutes", json_integer(l->minutes));
    json_object_set_new(o, "sources", json_integer(l->nsources));
    json_object_set_new(o, "late", json_boolean(l->late));
    json_object_set_new(o, "amount_base", json_integer(l->amount_base));
    json_object_set_new(o, "gross_amount", json_string(money_s(ctx, l->amount, cur)));
    json_t *ds = json_array();
    for (int i = 0; i < l->ndiscounts; i++) {
        const EngineDiscountApplied *d = &l->discounts[i];
        json_t *x = json_object();
        json_object_set_new(x, "discount_id", jstr(d->discount_id));
        json_object_set_new(x, "name", jstr(d->name));
        json_object_set_new(x, "scope", json_string(engine_scope_name(d->scope)));
        json_object_set_new(x, "type", json_string(engine_discount_type_name(d->type)));
        json_object_set_new(x, "value", json_string(dec_s(ctx, d->value)));
        json_object_set_new(x, "amount", json_string(money_s(ctx, d->amount, cur)));
        json_array_append_new(ds, x);
    }
    json_object_set_new(o, "discounts", ds);
    json_object_set_new(o, "tax_rate_id", jstr(l->tax_rate_id));
    json_object_set_new(o, "tax_kind", json_string(engine_tax_kind_name(l->tax_kind)));
    json_object_set_new(o, "tax_rate", json_string(dec_s(ctx, l->tax_rate)));
    json_object_set_new(o, "note", jstr(l->note));
    json_object_set_new(o, "explain", jstr(l->explain));
    return o;
}

/* What the preview answers: the invoice a run would make, each line with its trace. */
static json_t *result_json(Ctx *ctx, const BillingData *bd, const EngineResult *res)
{
    const Currency *cur = res->currency;
    json_t *o = json_object();
    json_object_set_new(o, "customer_id", json_string(bd->customer.id));
    json_object_set_new(o, "period_start", json_string(date_s(ctx, bd->in.period.start)));
    json_object_set_new(o, "period_end", json_string(date_s(ctx, bd->in.period.end)));
    json_object_set_new(o, "invoice_date", json_string(date_s(ctx, bd->invoice_date)));
    json_object_set_new(o, "currency", json_string(cur->code));
    json_object_set_new(o, "exchange_rate", json_string(dec_s(ctx, res->exchange_rate_to_base)));
    json_t *lines = json_array();
    for (size_t i = 0; i < res->nlines; i++) {
        const EngineCharge *l = &res->lines[i];
        json_t *x = json_object();
        json_object_set_new(x, "description", jstr(l->description));
        json_object_set_new(x, "service_id", jstr(l->service_id));
        json_object_set_new(x, "charge_kind", json_string(engine_charge_kind_name(l->kind)));
        json_object_set_new(x, "quantity", json_string(dec_s(ctx, l->quantity)));
        json_object_set_new(x, "rate", json_string(dec_s(ctx, l->rate)));
        json_object_set_new(x, "gross_amount", json_string(money_s(ctx, l->amount, cur)));
        json_object_set_new(x, "discount_amount", json_string(money_s(ctx, l->discount, cur)));
        json_object_set_new(x, "amount", json_string(money_s(ctx, l->net, cur)));
        json_object_set_new(x, "tax_rate", json_string(dec_s(ctx, l->tax_rate)));
        json_object_set_new(x, "tax_amount", json_string(money_s(ctx, l->tax, cur)));
        json_object_set_new(x, "total", json_string(money_s(ctx, l->total, cur)));
        json_object_set_new(x, "calculation", line_trace(ctx, l, cur));
        json_array_append_new(lines, x);
    }
    json_object_set_new(o, "lines", lines);
    int64_t taxable = res->subtotal - res->discount_total;
    json_object_set_new(o, "gross_total", json_string(money_s(ctx, res->subtotal, cur)));
    json_object_set_new(o, "discount_total", json_string(money_s(ctx, res->discount_total, cur)));
    json_object_set_new(o, "subtotal", json_string(money_s(ctx, taxable, cur)));
    json_object_set_new(o, "tax_total", json_string(money_s(ctx, res->tax_total, cur)));
    json_object_set_new(o, "total", json_string(money_s(ctx, res->total, cur)));
    json_object_set_new(o, "credits_applied", json_string(money_s(ctx, res->credits_applied, cur)));
    json_object_set_new(o, "balance_due", json_string(money_s(ctx, res->total - res->credits_applied, cur)));
    json_t *w = json_array();
    for (size_t i = 0; i < res->nwarnings; i++)
        json_array_append_new(w, json_string(res->warnings[i]));
    json_object_set_new(o, "warnings", w);
    json_t *ap = json_array();
    for (size_t i = 0; i < res->napprovals; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "discount_id", jstr(res->approvals[i].discount_id));
        json_object_set_new(x, "name", jstr(res->approvals[i].name));
        json_object_set_new(x, "reason", jstr(res->approvals[i].reason));
        json_array_append_new(ap, x);
    }
    json_object_set_new(o, "awaiting_approval", ap);
    int pending = 0;
    for (size_t i = 0; i < bd->in.ntime_entries; i++)
        pending += res->time[i].outcome == ENGINE_OUT_PENDING_APPROVAL;
    for (size_t i = 0; i < bd->in.nusage; i++)
        pending += res->usage[i].outcome == ENGINE_OUT_PENDING_APPROVAL;
    json_object_set_new(o, "records_awaiting_approval", json_integer(pending));
    return o;
}

static int rate(Ctx *ctx, const char *customer_id, Period p, BillingData *bd, EngineResult *res, Error *err)
{
    int rc = billing_load(ctx, customer_id, p, bd, err);
    if (rc == 0)
        rc = engine_rate(res, &bd->in, ctx->arena, err);
    return rc < 0 ? rc : ledger_bill(ctx, bd, res, err);   /* adjustments as lines, the credit it takes */
}

/* ---- the preview ---- */

static int parse_date_field(Date *out, json_t *body, const char *field, Error *err)
{
    json_t *v = json_object_get(body, field);
    if (!v || json_is_null(v))
        return err_set(err, ERR_REQUIRED, field, "%s is required", field);
    if (!json_is_string(v))
        return err_set(err, ERR_INVALID, field, "%s must be a date (YYYY-MM-DD)", field);
    return date_parse(out, json_string_value(v), json_string_length(v), field, err);
}

static int check_keys(json_t *body, const char *const *allowed, Error *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) {
        bool ok = false;
        for (int i = 0; allowed[i]; i++)
            ok = ok || strcmp(k, allowed[i]) == 0;
        if (!ok)
            return err_set(err, ERR_UNKNOWN_FIELD, k, "unknown field %s", k);
    }
    return 0;
}

static int preview(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    static const char *const keys[] = {"customer_id", "period_start", "period_end", NULL};
    Period p;
    int rc = check_keys(in->body, keys, err);
    json_t *cid = json_object_get(in->body, "customer_id");
    if (rc == 0 && (!cid || json_is_null(cid)))
        rc = err_set(err, ERR_REQUIRED, "customer_id", "customer_id is required");
    if (rc == 0 && (!json_is_string(cid) || !uuid_valid(json_string_value(cid), json_string_length(cid))))
        rc = err_set(err, ERR_INVALID, "customer_id", "customer_id must be a UUID");
    if (rc == 0)
        rc = parse_date_field(&p.start, in->body, "period_start", err);
    if (rc == 0)
        rc = parse_date_field(&p.end, in->body, "period_end", err);
    if (rc == 0 && p.end <= p.start)
        rc = err_set(err, ERR_INVALID, "period_end", "period_end must be after period_start (the period is [start, end))");
    if (rc < 0)
        return rc;
    BillingData bd;
    EngineResult res;
    rc = rate(ctx, json_string_value(cid), p, &bd, &res, err);
    if (rc < 0)
        return rc;
    out->json = result_json(ctx, &bd, &res);
    return 0;
}

/* ---- the write ---- */

static int exec(Ctx *ctx, const char *sql, const Value *p, int n, int64_t *changes, Error *err)
{
    return store_exec(ctx->conn, sql, p, n, changes, err);
}

/* An engine line as an invoice line row (invoice_issue prepares and inserts it). */
static int line_row(Ctx *ctx, Row *line, const EngineCharge *l, int i, const Currency *cur, Error *err)
{
    int rc = row_init(line, ctx, registry_find("invoice_line_items"));
    if (rc < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    int64_t q = 0, r = 0, t = 0;
    Dec qty = dec_is_negative(l->quantity) ? dec_neg(l->quantity) : l->quantity;
    Dec rt = dec_is_negative(l->rate) ? dec_neg(l->rate) : l->rate;
    if (dec_to_scaled(&q, qty, 6, NULL) < 0 || dec_is_zero(qty))
        q = 1000000;
    if (dec_to_scaled(&r, rt, 6, NULL) < 0)
        r = 0;
    rc = dec_to_scaled(&t, l->tax_rate, 4, err);
    if (rc < 0)
        return rc;
    row_set(line, "service_id", val_text(l->service_id));
    row_set_text(ctx, line, "description", l->description ? l->description : engine_charge_kind_name(l->kind));
    row_set_int(line, "quantity", q);
    row_set(line, "unit", val_text(l->unit));
    row_set_int(line, "rate", r);
    row_set_int(line, "tax_rate", t);
    row_set_int(line, "sort_order", i + 1);
    row_set(line, "is_rated", val_bool(true));
    row_set_int(line, "amount", l->net);
    row_set(line, "customer_billing_plan_id", val_text(l->customer_plan_id));
    row_set(line, "billing_plan_id", val_text(l->plan_id));
    row_set(line, "bundle_id", val_text(l->bundle_id));
    row_set_text(ctx, line, "charge_kind", engine_charge_kind_name(l->kind));
    row_set(line, "period_start", period_is_empty(l->period) ? val_null() : val_text(date_s(ctx, l->period.start)));
    row_set(line, "period_end", period_is_empty(l->period) ? val_null() : val_text(date_s(ctx, l->period.end)));
    row_set_int(line, "gross_amount", l->amount);
    row_set_int(line, "discount_amount", l->discount);
    row_set_int(line, "amount_base", l->amount_base);
    row_set(line, "transaction_id", val_text(l->transaction_id));
    json_t *trace = line_trace(ctx, l, cur);
    char *s = json_dumps(trace, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(trace);
    if (!s)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    row_set_text(ctx, line, "calculation", s);
    free(s);
    return 0;
}

/* The invoice of the engine's result, issued (numbered, finalized) in one step by the invoicing
 * module; its totals must be the engine's. */
static int make_invoice(Ctx *ctx, const BillingData *bd, const EngineResult *res, const char *run_id,
                        const char **invoice_id, Error *err)
{
    const Currency *cur = res->currency;
    Row inv;
    if (row_init(&inv, ctx, registry_find("invoices")) < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    row_set_text(ctx, &inv, "customer_id", bd->customer.id);
    row_set_text(ctx, &inv, "invoice_date", date_s(ctx, bd->invoice_date));
    row_set_text(ctx, &inv, "currency", cur->code);
    row_set_int(&inv, "exchange_rate", bd->exchange_rate_scaled);
    row_set(&inv, "is_tax_inclusive", val_bool(false));
    row_set_text(ctx, &inv, "billing_period_start", date_s(ctx, bd->in.period.start));
    row_set_text(ctx, &inv, "billing_period_end", date_s(ctx, bd->in.period.end));
    row_set(&inv, "billing_run_id", val_text(run_id));
    row_set_int(&inv, "discount_total", res->discount_total);
    Row *lines = ARENA_ARRAY(ctx->arena, Row, res->nlines + 1);
    if (!lines)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < res->nlines; i++)
        rc = line_row(ctx, &lines[i], &res->lines[i], (int)i, cur, err);
    if (rc == 0)
        rc = invoice_issue(ctx, &bd->cs, &bd->ci, &inv, lines, (int)res->nlines, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < res->nlines; i++)
        if (row_int(&lines[i], "amount") != res->lines[i].net)
            return err_set(err, ERR_INTERNAL, NULL, "an invoice line's amount differs from the rating engine's");
    if (row_int(&inv, "total") != res->total || row_int(&inv, "tax_total") != res->tax_total)
        return err_set(err, ERR_INTERNAL, NULL, "the invoice's totals differ from the rating engine's (%s vs %s)",
                       money_s(ctx, row_int(&inv, "total"), cur), money_s(ctx, res->total, cur));
    *invoice_id = row_text(&inv, "id");
    return 0;
}

/* Marks records billed in batches: one UPDATE of the records per batch of up to MARK_BATCH ids,
 * guarded by billed_at IS NULL and its count checked, so a record is billed once — a record that
 * a concurrent run billed first is not counted (on PostgreSQL the UPDATE waits for that run's row
 * lock and re-reads the row) and this customer's savepoint rolls back with ERR_CONFLICT. A batch
 * is split into powers of two, so each statement has one of a few shapes, prepared once. */
enum { MARK_BATCH = 64 };

static int mark_batch(Ctx *ctx, const char *type, const char *table, const char *const *ids, size_t n,
                      const char *inv, const char *now, Error *err)
{
    /* UPDATE <table> SET ... WHERE tenant_id = $1 AND billed_at IS NULL AND id IN ($4, $5, ...) */
    char sql[4096];
    Value q[2 + MARK_BATCH];
    q[0] = val_text(inv);
    q[1] = val_text(now);
    int len = snprintf(sql, sizeof sql,
                       "UPDATE %s SET invoice_id = $2, billed_at = $3, updated_at = $3, version = version + 1"
                       " WHERE tenant_id = $1 AND billed_at IS NULL AND id IN (", table);
    for (size_t i = 0; i < n; i++) {
        q[2 + i] = val_text(ids[i]);
        len += snprintf(sql + len, sizeof sql - (size_t)len, "%s$%zu", i ? ", " : "", 4 + i);
    }
    snprintf(sql + len, sizeof sql - (size_t)len, ")");
    int64_t changed = 0;
    int rc = exec(ctx, sql, q, (int)(2 + n), &changed, err);
    if (rc == 0 && changed != (int64_t)n)
        rc = err_set(err, ERR_CONFLICT, NULL, "a %s was billed by another run", type);
    return rc;
}

static int mark_all(Ctx *ctx, const char *type, const char *table, const char *const *ids, size_t n,
                    const char *inv, const char *now, Error *err)
{
    int rc = 0;
    for (size_t at = 0; rc == 0 && at < n;) {
        size_t k = MARK_BATCH;
        while (k > n - at)
            k /= 2;
        rc = mark_batch(ctx, type, table, ids + at, k, inv, now, err);
        at += k;
    }
    return rc;
}

static int mark_records(Ctx *ctx, const char *type, const char *table, size_t n, const EngineSourceResult *out,
                        const char *const *ids, const char *invoice_id, const char *now, Error *err)
{
    /* consumed records: those on a line of the invoice, and those consumed without a line (counted
     * in a bucket under its allowance, included in a fixed fee) */
    const char **on = ARENA_ARRAY(ctx->arena, const char *, n + 1), **off = ARENA_ARRAY(ctx->arena, const char *, n + 1);
    if (!on || !off)
        return engine_oom(err);
    size_t non = 0, noff = 0;
    for (size_t i = 0; i < n; i++)
        if (consumed(out[i].outcome)) {
            if (out[i].line >= 0 && invoice_id)
                on[non++] = ids[i];
            else
                off[noff++] = ids[i];
        }
    int rc = mark_all(ctx, type, table, on, non, invoice_id, now, err);
    return rc < 0 ? rc : mark_all(ctx, type, table, off, noff, NULL, now, err);
}

static int write_result(Ctx *ctx, const BillingData *bd, const EngineResult *res, const char *run_id,
                        const char **invoice_id, Error *err)
{
    const EngineInput *in = &bd->in;
    char now[40];
    ts_format(now, sizeof now, ctx->now ? ctx->now : clock_now());
    const char *inv = NULL;
    int rc = 0;
    if (res->nlines > 0)
        rc = make_invoice(ctx, bd, res, run_id, &inv, err);
    /* each fixed or bundle fee cycle once */
    for (size_t i = 0; rc == 0 && i < res->nlines; i++) {
        const EngineCharge *l = &res->lines[i];
        if (l->kind != ENGINE_CHARGE_FIXED && l->kind != ENGINE_CHARGE_BUNDLE)
            continue;
        char id[UUID_STR_LEN + 1];
        uuid_v7_str(id);
        const char *key = l->kind == ENGINE_CHARGE_BUNDLE ? arena_printf(ctx->arena, "bundle:%s", l->bundle_id)
                                                          : l->service_id;
        Value p[6] = {val_text(id), val_text(l->customer_plan_id), val_text(key),
                      val_text(date_s(ctx, l->period.start)), val_text(inv), val_text(now)};
        rc = exec(ctx,
                  "INSERT INTO billed_cycles (tenant_id, id, customer_billing_plan_id, charge_key, period_start,"
                  " invoice_id, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
                  p, 6, NULL, err);
    }
    if (rc == 0) {
        const char **ids = ARENA_ARRAY(ctx->arena, const char *, in->ntime_entries + 1);
        for (size_t i = 0; i < in->ntime_entries; i++)
            ids[i] = in->time_entries[i].id;
        rc = mark_records(ctx, "time_entry", "time_entries", in->ntime_entries, res->time, ids, inv, now, err);
    }
    if (rc == 0) {
        const char **ids = ARENA_ARRAY(ctx->arena, const char *, in->nusage + 1);
        for (size_t i = 0; i < in->nusage; i++)
            ids[i] = in->usage[i].id;
        rc = mark_records(ctx, "usage", "usage_records", in->nusage, res->usage, ids, inv, now, err);
    }
    for (size_t i = 0; rc == 0 && i < res->nbuckets; i++) {
        const EngineBucketResult *b = &res->buckets[i];
        int64_t hu = 0, ho = 0, hr = 0;
        dec_to_scaled(&hu, engine_hours(b->used_minutes), 6, NULL);
        dec_to_scaled(&ho, engine_hours(b->overage_minutes), 6, NULL);
        dec_to_scaled(&hr, engine_hours(b->rollover_in_minutes), 6, NULL);
        char id[UUID_STR_LEN + 1];
        uuid_v7_str(id);
        Value p[16] = {val_text(id), val_text(b->bucket_plan_id), val_text(bd->customer.id),
                       val_text(b->customer_plan_id), val_text(date_s(ctx, b->period.start)),
                       val_text(date_s(ctx, b->period.end)), val_int(hu), val_int(ho), val_int(hr),
                       val_int(b->used_minutes), val_int(b->overage_minutes), val_int(b->allowance_minutes),
                       val_int(b->rollover_in_minutes), val_int(b->rollover_out_minutes), val_text(inv),
                       val_text(now)};
        rc = exec(ctx,
                  "INSERT INTO bucket_usage (tenant_id, id, bucket_plan_id, customer_id, customer_billing_plan_id,"
                  " period_start, period_end, hours_used, overage_hours, rolled_over_hours, used_minutes,"
                  " overage_minutes, allowance_minutes, rollover_in_minutes, rollover_out_minutes, invoice_id,"
                  " version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
                  " $13, $14, $15, $16, 1, $17, $17)"
                  " ON CONFLICT (tenant_id, customer_billing_plan_id, period_start) DO UPDATE SET"
                  " hours_used = excluded.hours_used, overage_hours = excluded.overage_hours,"
                  " rolled_over_hours = excluded.rolled_over_hours, used_minutes = excluded.used_minutes,"
                  " overage_minutes = excluded.overage_minutes, allowance_minutes = excluded.allowance_minutes,"
                  " rollover_in_minutes = excluded.rollover_in_minutes,"
                  " rollover_out_minutes = excluded.rollover_out_minutes,"
                  " invoice_id = COALESCE(excluded.invoice_id, bucket_usage.invoice_id),"
                  " version = bucket_usage.version + 1, updated_at = excluded.updated_at",
                  p, 16, NULL, err);
    }
    for (size_t i = 0; rc == 0 && i < res->ncharged_through; i++) {
        const EngineChargedThrough *c = &res->charged_through[i];
        Value p[3] = {val_text(date_s(ctx, c->charged_through)), val_text(now), val_text(c->customer_plan_id)};
        rc = exec(ctx,
                  "UPDATE customer_billing_plans SET charged_through = $2, updated_at = $3, version = version + 1"
                  " WHERE tenant_id = $1 AND id = $4",
                  p, 3, NULL, err);
    }
    if (rc == 0 && invoice_id)
        *invoice_id = inv;
    return rc;
}

/* Locks the customers [first, last] for the rest of the transaction (PostgreSQL, FOR NO KEY UPDATE;
 * SQLite's writer lock already serialises), so that two runs never bill one customer at once. */
static int lock_customers(Ctx *ctx, const char *first, const char *last, Error *err)
{
    if (!*store_for_update(ctx->conn))
        return 0;
    Value p[2] = {val_text(first), val_text(last)};
    Rows r;
    int rc = store_query(ctx->conn, &r, "SELECT id FROM customers WHERE tenant_id = $1 AND id >= $2 AND id <= $3"
                                        " ORDER BY id FOR UPDATE", p, 2, err);
    if (rc < 0)
        return rc;
    while (rows_next(&r))
        ;
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

/* Rates and writes one customer of a chunk read by billing_chunk_load. */
static int bill_from_chunk(Ctx *ctx, const BillingChunk *ch, const char *customer_id, const char *run_id,
                           const char **invoice_id, Error *err)
{
    BillingData bd;
    EngineResult res;
    int rc = billing_chunk_customer(ctx, ch, customer_id, &bd, err);
    if (rc == 0)
        rc = engine_rate(&res, &bd.in, ctx->arena, err);
    if (rc == 0)
        rc = ledger_bill(ctx, &bd, &res, err);   /* adjustments as lines, the credit it takes */
    return rc < 0 ? rc : write_result(ctx, &bd, &res, run_id, invoice_id, err);
}

/* ---- the run ---- */

/* The run's billing_runs row: made with the run's first transaction, finished with its last, so a
 * run that fails before anything commits leaves no row. */
static int run_insert(Ctx *ctx, Conn *c, const char *run_id, Date date, Error *err)
{
    char now[40];
    ts_format(now, sizeof now, clock_now());
    Value p[4] = {val_text(run_id), val_text(date_s(ctx, date)), val_text("running"), val_text(now)};
    return store_exec(c,
                      "INSERT INTO billing_runs (tenant_id, id, run_date, status, customers_billed, invoices_created,"
                      " customers_failed, started_at, version, created_at, updated_at)"
                      " VALUES ($1, $2, $3, $4, 0, 0, 0, $5, 1, $5, $5)",
                      p, 4, NULL, err);
}

/* errors: NULL, or why the run stopped (a JSON list of {"error"}). */
static int run_finish(Conn *c, const char *run_id, const BillRunStats *st, const char *status, const char *errors,
                      Error *err)
{
    char now[40];
    ts_format(now, sizeof now, clock_now());
    Value p[7] = {val_text(status), val_int(st->customers), val_int(st->invoiced), val_int(st->failed),
                  val_text(now), val_text(run_id), val_text(errors)};
    return store_exec(c,
                      "UPDATE billing_runs SET status = $2, customers_billed = $3, invoices_created = $4,"
                      " customers_failed = $5, finished_at = $6, errors = COALESCE($8, errors), updated_at = $6,"
                      " version = version + 1 WHERE tenant_id = $1 AND id = $7",
                      p, 7, NULL, err);
}

/* A run that stopped after some chunks committed: their invoices stand (each customer whole), the
 * row says the run failed and why, and the error says so; running it again bills the rest. */
static int run_stopped(Ctx *ctx, Conn *c, const char *run_id, const BillRunStats *st, json_t *errs, Error *err)
{
    json_array_append_new(errs, json_pack("{s:s, s:s}", "code", err_name(err->code), "message", err->message));
    char *errors = json_dumps(errs, JSON_COMPACT);
    Ctx tx = *ctx;
    tx.conn = c;
    Error e;
    if (store_begin(c, &tx, true, &e) == 0) {
        if (run_finish(c, run_id, st, "failed", errors, &e) == 0)
            store_commit(c, &e);
        else
            store_rollback(c);
    }
    free(errors);
    err_detail(err, "the run stopped after %d customer(s); their %d invoice(s) stand", st->customers, st->invoiced);
    err_hint(err, "run it again: it bills the rest and nothing twice");
    return -err->code;
}

/* A failed customer's entry in the run's errors (at most BILLRUN_ERRORS of them are kept; the run's
 * customers_failed counts them all): who, and the error a clerk would get billing it alone. */
#define BILLRUN_ERRORS 100
static void note_failure(json_t *errs, const char *customer_id, const Error *e)
{
    if (json_array_size(errs) >= BILLRUN_ERRORS)
        return;
    json_t *o = json_pack("{s:s, s:s, s:s}", "customer_id", customer_id, "code", err_name(e->code), "message",
                          e->message);
    if (o && e->field[0])
        json_object_set_new(o, "field", json_string(e->field));
    json_array_append_new(errs, o);
}

/* The next chunk of customers to bill: up to BILLRUN_CHUNK ids after `after` ("" at the start),
 * in the database's order, of the customers holding an assignment started before the date —
 * deleted ones too: what was billed in advance for a deleted assignment is credited by the next
 * run (docs/billing-rules.md section 6), which has to visit its customer — and of those with an
 * adjustment dated before it not billed yet (a customer without a plan is invoiced for it; manual
 * entries are few, found by the (source_type, source_id) key). */
#define CHUNK_CUSTOMERS(after)                                                                                    \
    "SELECT customer_id FROM customer_billing_plans WHERE tenant_id = $1"                                         \
    " AND start_date < $2" after                                                                                  \
    " UNION SELECT customer_id FROM transactions WHERE tenant_id = $1 AND source_type = 'manual'"                  \
    " AND transaction_type = 'adjustment' AND unapplied_amount > 0 AND transaction_date < $2" after               \
    " ORDER BY 1 LIMIT $3"
static int next_chunk(Ctx *ctx, Conn *c, Date date, const char *after, char **ids, size_t *n, Error *err)
{
    *n = 0;
    Rows r;
    Value p[3] = {val_text(date_s(ctx, date)), val_int(BILLRUN_CHUNK), val_text(after)};
    int rc = *after ? store_query(c, &r, CHUNK_CUSTOMERS(" AND customer_id > $4"), p, 3, err)
                    : store_query(c, &r, CHUNK_CUSTOMERS(""), p, 2, err);
    if (rc < 0)
        return rc;
    while (rows_next(&r) && *n < BILLRUN_CHUNK) {
        Value v = rows_get(&r, 0);
        ids[(*n)++] = arena_strndup(ctx->arena, v.s, v.len);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

int billrun_run(Ctx *ctx, Date date, BillRunStats *st, const char **run_id_out, Error *err)
{
    memset(st, 0, sizeof *st);
    /* One transaction per chunk of customers on ctx's connection (or one of its own), each customer
     * in a savepoint inside it, so other writers wait for a chunk, never for the run. */
    if (ctx->conn && store_in_tx(ctx->conn))
        return err_set(err, ERR_INTERNAL, NULL, "a bill run commits its own transactions; it was called inside one");
    bool own_conn = !ctx->conn;
    Conn *c = ctx->conn;
    int rc = own_conn ? store_acquire(ctx->store, &c, err) : 0;
    if (rc < 0)
        return rc;
    char run_id[UUID_STR_LEN + 1];
    uuid_v7_str(run_id);
    if (run_id_out)
        *run_id_out = arena_strdup(ctx->arena, run_id);
    Period period = {date_add_months(date, -1), date};
    char after[UUID_STR_LEN + 8] = "";
    bool first = true;
    json_t *errs = json_array();   /* the failed customers of the committed chunks and the open one */
    for (bool more = rc == 0; more && rc == 0;) {
        /* the chunk: its ids, its rows and its transaction; memory is freed chunk by chunk */
        Arena ca;
        arena_init(&ca, 0);
        Ctx cx = *ctx;
        cx.arena = &ca;
        cx.conn = c;
        cx.now = clock_now();
        char **ids = ARENA_ARRAY(&ca, char *, BILLRUN_CHUNK);
        size_t n = 0;
        rc = ids ? 0 : engine_oom(err);
        if (rc == 0)
            rc = store_begin(c, &cx, true, err);
        if (rc == 0 && first)
            rc = run_insert(&cx, c, run_id, date, err);
        if (rc == 0)
            rc = next_chunk(&cx, c, date, after, ids, &n, err);
        more = n == BILLRUN_CHUNK;
        BillingChunk *ch = ARENA_NEW(&ca, BillingChunk);
        if (rc == 0 && n > 0 && !ch)
            rc = engine_oom(err);
        /* the audit chain's head, locked and read once and written once per chunk, taken before
         * the customers' rows: the lock order of every writer that takes both (domain/ledger.c,
         * audit_lock). The customers are locked FOR NO KEY UPDATE, which a time entry or usage
         * record being written (holding its customer's key-share lock, then waiting for the head)
         * does not block. */
        AuditHead head;
        memset(&head, 0, sizeof head);
        if (rc == 0 && n > 0 && (rc = audit_head_load(&cx, &head, err)) == 0)
            cx.audit_head = &head;
        if (rc == 0 && n > 0)
            rc = lock_customers(&cx, ids[0], ids[n - 1], err);
        if (rc == 0 && n > 0)
            rc = billing_chunk_load(&cx, ids[0], ids[n - 1], period, ch, err);
        BillRunStats cst = {0};
        size_t kept = json_array_size(errs);   /* this chunk's failures follow; dropped if it rolls back */
        for (size_t i = 0; rc == 0 && i < n; i++) {
            Arena a;
            arena_init(&a, 0);
            Ctx tx = cx;
            tx.arena = &a;
            tx.now = clock_now();
            Error e;
            err_clear(&e);
            const char *inv = NULL;
            int64_t seq = head.seq;
            char hash[65];
            memcpy(hash, head.hash, sizeof hash);
            int r2 = store_exec_script(c, "SAVEPOINT billrun_customer", &e);
            if (r2 == 0)
                r2 = bill_from_chunk(&tx, ch, ids[i], run_id, &inv, &e);
            Error e2;
            int r3 = store_exec_script(c, r2 == 0 ? "RELEASE SAVEPOINT billrun_customer"
                                                  : "ROLLBACK TO SAVEPOINT billrun_customer;"
                                                    " RELEASE SAVEPOINT billrun_customer",
                                       &e2);
            if (r3 < 0)
                rc = err_set(err, -r3, NULL, "%s", e2.message);
            if (r2 < 0) {   /* the customer's audit rows are gone with its savepoint */
                head.seq = seq;
                memcpy(head.hash, hash, sizeof hash);
            }
            cst.customers++;
            if (r2 == 0 && inv)
                cst.invoiced++;
            else if (r2 == 0)
                cst.skipped++;
            else if (r2 == -ERR_CONFLICT) {
                cst.skipped++;
                log_event(LOG_INFO, ctx->request_id, "bill run: customer skipped", "customer_id", ids[i], "why",
                          e.message, NULL);
            } else {
                cst.failed++;
                note_failure(errs, ids[i], &e);
                log_event(LOG_ERROR, ctx->request_id, "bill run: customer failed", "customer_id", ids[i], "error",
                          e.message, NULL);
            }
            arena_free(&a);
        }
        if (rc == 0 && cx.audit_head)
            rc = audit_head_store(&cx, &head, err);
        BillRunStats sum = {st->customers + cst.customers, st->invoiced + cst.invoiced,
                            st->skipped + cst.skipped, st->failed + cst.failed};
        if (rc == 0 && !more) {   /* the last chunk finishes the run's row in its transaction */
            char *errors = json_array_size(errs) ? json_dumps(errs, JSON_COMPACT) : NULL;
            rc = run_finish(c, run_id, &sum, sum.failed ? "failed" : "completed", errors, err);
            free(errors);
        }
        if (rc == 0)
            rc = store_commit(c, err);
        else if (store_in_tx(c))
            store_rollback(c);
        if (rc == 0) {
            *st = sum;
            first = false;
        } else
            while (json_array_size(errs) > kept)
                json_array_remove(errs, json_array_size(errs) - 1);
        if (n > 0)
            snprintf(after, sizeof after, "%s", ids[n - 1]);
        arena_free(&ca);
    }
    if (rc < 0 && !first)
        rc = run_stopped(ctx, c, run_id, st, errs, err);
    json_decref(errs);
    if (own_conn)
        store_release(c);
    return rc;
}

int billrun_all_tenants(Store *s, Date date, BillRunStats *total, Error *err)
{
    memset(total, 0, sizeof *total);
    Conn *c = NULL;
    int rc = store_acquire(s, &c, err);
    if (rc < 0)
        return rc;
    Arena a;
    arena_init(&a, 0);
    char **ids = NULL, **cur = NULL, **zones = NULL;
    size_t n = 0, cap = 0, n2 = 0, cap2 = 0, n3 = 0, cap3 = 0;
    rc = store_begin(c, NULL, false, err);
    Rows r;
    if (rc == 0)
        rc = store_query_global(c, &r, "SELECT id, base_currency, timezone FROM tenants ORDER BY id", NULL, 0, err);
    if (rc == 0) {
        while (rows_next(&r)) {
            Value v0 = rows_get(&r, 0), v1 = rows_get(&r, 1), v2 = rows_get(&r, 2);
            if (engine_push(&a, (void **)&ids, &n, &cap, sizeof *ids) &&
                engine_push(&a, (void **)&cur, &n2, &cap2, sizeof *cur) &&
                engine_push(&a, (void **)&zones, &n3, &cap3, sizeof *zones)) {
                ids[n - 1] = arena_strndup(&a, v0.s, v0.len);
                cur[n2 - 1] = v1.kind == V_TEXT ? arena_strndup(&a, v1.s, v1.len) : NULL;
                zones[n3 - 1] = v2.kind == V_TEXT ? arena_strndup(&a, v2.s, v2.len) : "UTC";
            }
        }
        rc = rows_error(&r, err);
        rows_close(&r);
    }
    if (store_in_tx(c))
        store_rollback(c);
    store_release(c);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        Ctx ctx;
        memset(&ctx, 0, sizeof ctx);
        ctx.arena = &a;
        ctx.store = s;
        ctx.now = clock_now();
        ctx.request_id = "bill-run";
        ctx.user_email = "system";
        ctx.role_name = "system";
        ctx.role = ROLE_ADMIN;
        ctx.currency = cur[i];
        ctx.timezone = zones[i];
        snprintf(ctx.tenant_id, sizeof ctx.tenant_id, "%s", ids[i]);
        BillRunStats st;
        rc = billrun_run(&ctx, date, &st, NULL, err);
        total->customers += st.customers;
        total->invoiced += st.invoiced;
        total->skipped += st.skipped;
        total->failed += st.failed;
    }
    arena_free(&a);
    return rc;
}

static int runs_endpoint(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    static const char *const keys[] = {"date", NULL};
    Date d;
    int rc = check_keys(in->body, keys, err);
    if (rc == 0)
        rc = parse_date_field(&d, in->body, "date", err);
    if (rc < 0)
        return rc;
    BillRunStats st;
    const char *run_id = NULL;
    rc = billrun_run(ctx, d, &st, &run_id, err);
    if (rc < 0)
        return rc;
    out->json = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i}", "id", run_id, "run_date", date_s(ctx, d), "customers",
                          st.customers, "invoices_created", st.invoiced, "skipped", st.skipped, "customers_failed",
                          st.failed);
    out->status = 201;
    return 0;
}

/* The daily job: today's run for the tenant (claimed once per tenant-local day by domain/jobs.c),
 * committed chunk by chunk; a run that fails is retried by the next minute's scheduler, and bills
 * only what the failed one left. */
static int daily_run(Ctx *ctx, Date today, Error *err)
{
    BillRunStats st;
    return billrun_run(ctx, today, &st, NULL, err);
}

static const DailyJob bill_job = {.name = "bill_run", .run = daily_run, .own_tx = true};

static const Endpoint preview_ep = {
    .method = "POST", .path = "billing/preview", .write = false, .role = ROLE_USER,
    .run = preview,
    .doc = "The invoice a bill run would make for a customer and period [period_start, period_end), with every line's calculation; changes nothing",
};

static const Endpoint runs_ep = {
    .method = "POST", .path = "billing/runs", .write = false, .role = ROLE_MANAGER,
    .permission = "billing_runs.write",   /* a custom role runs bills only when it lists this */
    .run = runs_endpoint,
    .doc = "Bills every customer whose cycles end on or before date, each customer whole, committed a chunk of"
           " customers at a time; idempotent (a run that stopped is finished by running it again)",
    .own_tx = true,
};

void billrun_init(void)
{
    registry_add_endpoint(&preview_ep);
    registry_add_endpoint(&runs_ep);
    jobs_add_daily(&bill_job);
}
