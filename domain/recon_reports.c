/* domain/recon_reports.c — reconciliation's reports. Exports
 * recon_contract_report, recon_leakage, recon_set_invoice_source.
 *
 * Both run the pure matcher (domain/match.c) over what is stored, without
 * writing anything: the per-contract report places each record in its period
 * to show expected, billed and paid side by side; leakage places what was
 * invoiced against customer contracts and sums, per customer, what was
 * expected by now and never invoiced. Contracts are read in chunks of
 * CHUNK_CONTRACTS, invoiced amounts by contract range, so memory stays bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/recon_rows.h"

#define CHUNK_CONTRACTS 1000
#define ZERO_UUID "00000000-0000-0000-0000-000000000000"

typedef struct Scratch {
    ReconPeriod sched[RECON_MAX_PERIODS];
    int missing[RECON_MAX_PERIODS];
} Scratch;

static json_t *jmoney(int64_t v, const Currency *cur)
{
    char buf[MONEY_FORMAT_MAX];
    money_format(buf, sizeof buf, v, cur);
    return json_string(buf);
}

static json_t *jdate(Date d)
{
    char buf[11];
    date_format(buf, d);
    return json_string(buf);
}

int recon_contract_report(Ctx *ctx, const ReconSettings *s, const char *contract_id, json_t **out, Error *err)
{
    *out = NULL;
    Arena a;
    arena_init(&a, 0);
    Scratch *run = calloc(1, sizeof *run);
    int rc = run ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    char sql[1024];
    snprintf(sql, sizeof sql, "%s AND id = $2", recon_contract_select);
    Value p[1] = {val_text(contract_id)};
    Rows r;
    ReconContractRow c;
    bool found = false;
    if (rc == 0)
        rc = store_query(ctx->conn, &r, sql, p, 1, err);
    if (rc == 0) {
        found = rows_next(&r);
        if (found)
            rc = recon_row_contract(&a, s, &r, &c);
        if (rc == 0)
            rc = rows_error(&r, err);
        rows_close(&r);
    }
    if (rc == 0 && !found)
        rc = err_set(err, ERR_NOT_FOUND, NULL, "no such contracts");
    if (rc == 0 && !c.ok)
        rc = err_set(err, ERR_INTERNAL, NULL, "the contract's terms cannot be read");
    int n = 0;
    if (rc == 0)
        rc = recon_schedule(run->sched, RECON_MAX_PERIODS, &n, &c.c.terms, s->rounding, err);
    /* its records, with what was paid */
    int cap = 64, nr = 0;
    ReconRecordRow *recs = malloc(sizeof(ReconRecordRow) * (size_t)cap);
    int64_t *paid = malloc(sizeof(int64_t) * (size_t)cap), *gross = malloc(sizeof(int64_t) * (size_t)cap);
    if (rc == 0 && (!recs || !paid || !gross))
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc == 0)
        rc = store_query(ctx->conn, &r,
                         "SELECT contract_id, id, billing_number, billing_date, due_date, period_start, billing_amount,"
                         " tax_amount, paid_amount, total_amount FROM billing_records"
                         " WHERE tenant_id = $1 AND contract_id = $2 AND deleted_at IS NULL"
                         " AND billing_status <> 'cancelled' ORDER BY billing_date, id",
                         p, 1, err);
    if (rc == 0) {
        while (rc == 0 && rows_next(&r)) {
            if (nr == cap) {
                cap *= 2;
                ReconRecordRow *m1 = realloc(recs, sizeof(ReconRecordRow) * (size_t)cap);
                int64_t *m2 = m1 ? realloc(paid, sizeof(int64_t) * (size_t)cap) : NULL;
                int64_t *m3 = m2 ? realloc(gross, sizeof(int64_t) * (size_t)cap) : NULL;
                if (m1)
                    recs = m1;
                if (m2)
                    paid = m2;
                if (m3)
                    gross = m3;
                if (!m1 || !m2 || !m3) {
                    rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
                    break;
                }
            }
            if (recon_row_record(&a, &r, &recs[nr]) == 0) {
                paid[nr] = rows_get(&r, 8).i;
                gross[nr] = rows_get(&r, 9).i;
                nr++;
            }
        }
        if (rc == 0)
            rc = rows_error(&r, err);
        rows_close(&r);
    }
    ReconRecord *in = NULL;
    ReconResult *res = NULL;
    int nmissing = 0;
    if (rc == 0) {
        in = calloc((size_t)nr + 1, sizeof *in);
        res = calloc((size_t)nr + 1, sizeof *res);
        if (!in || !res)
            rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    ReconRules rules = {.tolerance_percent = s->tolerance_percent, .rounding = s->rounding, .today = s->today};
    if (rc == 0)
        rc = money_from_dec(&rules.tolerance_amount, s->tolerance_amount, c.cur, s->rounding, err);
    if (rc == 0) {
        for (int k = 0; k < nr; k++)
            in[k] = recs[k].r;
        rc = recon_match(res, run->missing, &nmissing, &c.c, run->sched, n, in, nr, &rules, err);
    }
    if (rc == 0) {
        json_t *periods = json_array(), *unplaced = json_array();
        /* billed is before tax, like the expected amounts it is compared with; paid is against a
         * bill's total, tax included, so it is compared with billed_with_tax (outstanding) */
        int64_t exp_to_date = 0, billed_to_date = 0, gross_to_date = 0, paid_to_date = 0;
        int64_t unbilled_to_date = 0, total = 0, billed_all = 0, gross_all = 0, paid_all = 0;
        for (int i = 0; i < n; i++) {
            const ReconPeriod *pp = &run->sched[i];
            int64_t billed = 0, gr = 0, pd = 0;
            json_t *ids = json_array();
            for (int k = 0; k < nr; k++)
                if (res[k].period == i) {
                    billed += recs[k].r.billing_amount;
                    gr += gross[k];
                    pd += paid[k];
                    json_array_append_new(ids, json_string(recs[k].number ? recs[k].number : ""));
                }
            int64_t tol = 0;
            recon_tolerance(&tol, pp->expected, &rules, NULL);
            const char *status;
            if (json_array_size(ids) == 0)
                status = pp->billing_date > s->today ? "upcoming"
                         : pp->due_date >= s->today  ? "due"
                         : c.c.expects_billing       ? "missing"
                                                     : "not_expected";
            else
                status = billed < pp->expected - tol ? "partial" : billed > pp->expected + tol ? "over" : "billed";
            total += pp->expected;
            if (pp->billing_date <= s->today) {
                exp_to_date += pp->expected;
                billed_to_date += billed;
                gross_to_date += gr;
                paid_to_date += pd;
                /* per period, as leakage counts it: a period billed twice does not make up for
                 * one never billed */
                if (billed < pp->expected)
                    unbilled_to_date += pp->expected - billed;
            }
            json_array_append_new(
                periods,
                json_pack("{s:i, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o}",
                          "index", i,
                          "period_start", jdate(pp->p.start), "period_end", jdate(pp->p.end), "billing_date",
                          jdate(pp->billing_date), "due_date", jdate(pp->due_date), "prorated", pp->prorated,
                          "expected", jmoney(pp->expected, c.cur), "billed", jmoney(billed, c.cur),
                          "billed_with_tax", jmoney(gr, c.cur), "paid", jmoney(pd, c.cur), "outstanding",
                          jmoney(gr - pd, c.cur), "difference", jmoney(billed - pp->expected, c.cur), "status", status,
                          "billing_numbers", ids, "expected_to_date", jmoney(exp_to_date, c.cur), "billed_to_date",
                          jmoney(billed_to_date, c.cur), "billed_with_tax_to_date", jmoney(gross_to_date, c.cur),
                          "paid_to_date", jmoney(paid_to_date, c.cur)));
        }
        for (int k = 0; k < nr; k++) {
            billed_all += recs[k].r.billing_amount;
            gross_all += gross[k];
            paid_all += paid[k];
            if (res[k].period < 0)
                json_array_append_new(unplaced, json_pack("{s:s, s:s, s:o, s:o}", "billing_record_id", recs[k].id,
                                                          "billing_number", recs[k].number ? recs[k].number : "",
                                                          "billing_date", jdate(recs[k].r.billing_date), "billed",
                                                          jmoney(recs[k].r.billing_amount, c.cur)));
        }
        *out = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:o, s:o}",
                         "contract_id", c.id, "contract_number", c.number, "currency", c.cur->code, "as_of",
                         jdate(s->today), "contract_amount", jmoney(c.c.contract_amount, c.cur), "expected_total",
                         jmoney(total, c.cur), "expected_to_date", jmoney(exp_to_date, c.cur), "billed_total",
                         jmoney(billed_all, c.cur), "billed_to_date", jmoney(billed_to_date, c.cur),
                         "billed_with_tax_total", jmoney(gross_all, c.cur), "billed_with_tax_to_date",
                         jmoney(gross_to_date, c.cur),
                         "paid_total", jmoney(paid_all, c.cur), "paid_to_date", jmoney(paid_to_date, c.cur),
                         "outstanding", jmoney(gross_all - paid_all, c.cur), "unbilled_to_date",
                         jmoney(unbilled_to_date, c.cur),
                         "missing_periods", nmissing, "periods", periods, "unplaced_records", unplaced);
        if (!*out)
            rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    free(in);
    free(res);
    free(recs);
    free(paid);
    free(gross);
    free(run);
    arena_free(&a);
    return rc;
}

/* ---- leakage: expected but never invoiced, per customer ---- */

/* What was invoiced against the customer contracts with ids in [lo, hi], by contract then date:
 * Remit's invoices (finalized: not draft, not cancelled) of the contract's customer in its currency,
 * dated within the contract, at their subtotal (before tax, like the period amounts); and billing
 * records linked to the contract (invoices recorded or imported from elsewhere). Invoices do not
 * name the contract they bill: a customer's invoice counts towards each of the customer's
 * contracts whose period holds its date (see domain/README.md). */
static int invoiced(Ctx *ctx, const char *lo, const char *hi, ReconInvoiceFn fn, void *arg, Error *err)
{
    Value p[2] = {val_text(lo), val_text(hi)};
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT cid, d, ps, amount FROM ("
                         " SELECT b.contract_id AS cid, b.billing_date AS d, b.period_start AS ps,"
                         " b.billing_amount AS amount, b.id AS rid FROM billing_records b"
                         " WHERE b.tenant_id = $1 AND b.deleted_at IS NULL AND b.billing_status <> 'cancelled'"
                         " AND b.contract_id >= $2 AND b.contract_id <= $3"
                         " UNION ALL"
                         " SELECT c.id, i.invoice_date, NULL, i.subtotal, i.id FROM contracts c"
                         " JOIN invoices i ON i.tenant_id = c.tenant_id AND i.customer_id = c.customer_id"
                         " AND i.currency = c.currency"
                         " WHERE c.tenant_id = $1 AND c.deleted_at IS NULL AND c.party_type = 'customer'"
                         " AND c.id >= $2 AND c.id <= $3 AND i.status NOT IN ('draft', 'cancelled')"
                         " AND i.invoice_date >= c.contract_start_date AND i.invoice_date <= c.contract_end_date"
                         ") u ORDER BY cid, d, rid",
                         p, 2, err);
    if (rc < 0)
        return rc;
    while (rc == 0 && rows_next(&r)) {
        char cid[UUID_STR_LEN + 1];
        recon_value_id(cid, rows_get(&r, 0));
        ReconRecord rec = {.billing_amount = rows_get(&r, 3).i};
        if (!recon_value_date(rows_get(&r, 1), &rec.billing_date))
            continue;
        rec.has_period = recon_value_date(rows_get(&r, 2), &rec.period_start);
        rc = fn(ctx, cid, &rec, arg);
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

static const ReconInvoiceSource default_source = {"invoices+billing_records", invoiced};
static const ReconInvoiceSource *invoice_source = &default_source;

void recon_set_invoice_source(const ReconInvoiceSource *src)
{
    invoice_source = src ? src : &default_source;
}

typedef struct Leak {
    const char *customer_id, *currency;
    int64_t expected, invoiced, leakage;
    int contracts, missing;
} Leak;

typedef struct LeakRun {
    ReconContractRow *cs;
    int nc, ci;
    ReconRecord *items;
    int nitems, cap;
    int *owner;     /* the contract index of each item */
} LeakRun;

static int take_item(Ctx *ctx, const char *contract_id, const ReconRecord *rec, void *arg)
{
    LeakRun *lr = arg;
    while (lr->ci < lr->nc && strcmp(lr->cs[lr->ci].id, contract_id) < 0)
        lr->ci++;
    if (lr->ci == lr->nc || strcmp(lr->cs[lr->ci].id, contract_id) != 0)
        return 0;
    if (lr->nitems == lr->cap) {
        int cap = lr->cap ? lr->cap * 2 : 1024;
        ReconRecord *a = realloc(lr->items, sizeof *a * (size_t)cap);
        int *b = a ? realloc(lr->owner, sizeof *b * (size_t)cap) : NULL;
        if (a)
            lr->items = a;
        if (b)
            lr->owner = b;
        if (!a || !b)
            return err_set(NULL, ERR_UNAVAILABLE, NULL, "out of memory");
        lr->cap = cap;
    }
    lr->items[lr->nitems] = *rec;
    lr->owner[lr->nitems++] = lr->ci;
    return 0;
}

int recon_leakage(Ctx *ctx, const ReconSettings *s, json_t **out, Error *err)
{
    *out = NULL;
    Leak *leaks = NULL;
    int nleaks = 0, capl = 0;
    Scratch *run = calloc(1, sizeof *run);
    if (!run)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    Arena keep;   /* customer ids and currencies outlive the chunks */
    arena_init(&keep, 0);
    char after[UUID_STR_LEN + 1] = ZERO_UUID;
    int rc = 0;
    ReconResult *res = NULL;
    int rescap = 0;
    for (;;) {
        Arena a;
        arena_init(&a, 0);
        char sql[1024];
        snprintf(sql, sizeof sql, "%s AND party_type = 'customer' AND id > $2 ORDER BY id LIMIT $3", recon_contract_select);
        Value p[2] = {val_text(after), val_int(CHUNK_CONTRACTS)};
        Rows r;
        ReconContractRow *cs = ARENA_ARRAY(&a, ReconContractRow, CHUNK_CONTRACTS);
        int nc = 0;
        if (rc == 0 && !cs)
            rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        if (rc == 0)
            rc = store_query(ctx->conn, &r, sql, p, 2, err);
        if (rc == 0) {
            while (rc == 0 && rows_next(&r))
                rc = recon_row_contract(&a, s, &r, &cs[nc++]);
            if (rc == 0)
                rc = rows_error(&r, err);
            rows_close(&r);
        }
        LeakRun lr = {.cs = cs, .nc = nc};
        if (rc == 0 && nc > 0)
            rc = invoice_source->each(ctx, cs[0].id, cs[nc - 1].id, take_item, &lr, err);
        for (int i = 0, first = 0; rc == 0 && i < nc; i++) {
            ReconContractRow *c = &cs[i];
            int cnt = 0;
            while (first + cnt < lr.nitems && lr.owner[first + cnt] == i)
                cnt++;
            const ReconRecord *items = lr.items ? lr.items + first : NULL;
            first += cnt;
            if (!c->ok || !c->customer_id)
                continue;
            int n = 0;
            if (recon_schedule(run->sched, RECON_MAX_PERIODS, &n, &c->c.terms, s->rounding, NULL) < 0)
                continue;
            if (cnt > rescap) {
                ReconResult *m = realloc(res, sizeof *m * (size_t)cnt * 2);
                if (!m) {
                    rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
                    break;
                }
                res = m;
                rescap = cnt * 2;
            }
            ReconRules rules = {.tolerance_percent = s->tolerance_percent, .rounding = s->rounding, .today = s->today};
            int nm = 0;
            if (money_from_dec(&rules.tolerance_amount, s->tolerance_amount, c->cur, s->rounding, NULL) < 0 ||
                recon_match(res, run->missing, &nm, &c->c, run->sched, n, items, cnt, &rules, err) < 0)
                continue;
            int64_t expected = 0, invoiced = 0, leak = 0;
            for (int k = 0; k < n; k++) {
                const ReconPeriod *pp = &run->sched[k];
                if (pp->billing_date > s->today)
                    break;
                int64_t billed = 0;
                for (int j = 0; j < cnt; j++)
                    if (res[j].period == k)
                        billed += items[j].billing_amount;
                expected += pp->expected;
                invoiced += billed;
                if (pp->due_date < s->today && c->c.expects_billing && billed < pp->expected)
                    leak += pp->expected - billed;
            }
            Leak *l = NULL;
            for (int k = 0; k < nleaks && !l; k++)
                if (strcmp(leaks[k].customer_id, c->customer_id) == 0 && strcmp(leaks[k].currency, c->cur->code) == 0)
                    l = &leaks[k];
            if (!l) {
                if (nleaks == capl) {
                    capl = capl ? capl * 2 : 64;
                    Leak *m = realloc(leaks, sizeof *m * (size_t)capl);
                    if (!m) {
                        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
                        break;
                    }
                    leaks = m;
                }
                l = &leaks[nleaks++];
                *l = (Leak){.customer_id = arena_strdup(&keep, c->customer_id), .currency = c->cur->code};
            }
            l->contracts++;
            l->missing += nm;
            l->expected += expected;
            l->invoiced += invoiced;
            l->leakage += leak;
        }
        free(lr.items);
        free(lr.owner);
        arena_free(&a);
        if (rc < 0 || nc < CHUNK_CONTRACTS)
            break;
        memcpy(after, cs ? cs[nc - 1].id : ZERO_UUID, sizeof after);
    }
    free(res);
    free(run);
    if (rc == 0) {
        /* largest leakage first */
        for (int i = 1; i < nleaks; i++)
            for (int j = i; j > 0 && leaks[j].leakage > leaks[j - 1].leakage; j--) {
                Leak t = leaks[j];
                leaks[j] = leaks[j - 1];
                leaks[j - 1] = t;
            }
        json_t *data = json_array();
        for (int i = 0; i < nleaks && rc == 0; i++) {
            const Currency *cur = currency_find(leaks[i].currency);
            Value p[1] = {val_text(leaks[i].customer_id)};
            Rows r;
            json_t *name = json_null();
            rc = store_query(ctx->conn, &r, "SELECT name FROM customers WHERE tenant_id = $1 AND id = $2", p, 1, err);
            if (rc == 0) {
                if (rows_next(&r)) {
                    Value v = rows_get(&r, 0);
                    json_decref(name);
                    name = json_stringn(v.s, v.len);
                }
                rows_close(&r);
            }
            json_array_append_new(
                data, json_pack("{s:s, s:o, s:s, s:i, s:o, s:o, s:o, s:i}", "customer_id", leaks[i].customer_id,
                                "customer_name", name, "currency", leaks[i].currency, "contracts", leaks[i].contracts,
                                "expected_to_date", jmoney(leaks[i].expected, cur), "invoiced_to_date",
                                jmoney(leaks[i].invoiced, cur), "leakage", jmoney(leaks[i].leakage, cur),
                                "missing_periods", leaks[i].missing));
        }
        *out = json_pack("{s:o, s:s, s:o}", "as_of", jdate(s->today), "source", invoice_source->name, "data", data);
        if (rc == 0 && !*out)
            rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    free(leaks);
    arena_free(&keep);
    return rc;
}

