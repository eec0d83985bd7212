/* domain/ledger.c — the transactions ledger: what each event posts, the
 * credits, refunds and adjustments entered by hand, account credit applied to
 * invoices, the adjustments a bill run bills, the customer's balance, and the
 * back-fill of the ledger from the documents of an existing database.
 * Exports ledger_document_event, ledger_bill, ledger_init.
 *
 * Rules (docs/billing-rules.md "The ledger", with a worked example):
 *  - Every event that changes what a customer owes posts one row, in the
 *    event's own transaction, keyed (source_type, source_id) so that it is
 *    posted once: an issued invoice a charge (+ total), its cancellation a
 *    charge (- total); a receipt a payment (- amount), its bounce or
 *    cancellation a payment (+ amount); an issued credit note a credit
 *    (- total credit), its cancellation a credit (+). Allocations and
 *    applications move money between documents and post nothing. Dates are
 *    the documents' dates; a reversal is dated the tenant-local day it
 *    happened (never before the document), as on the statement.
 *  - By hand (POST /api/v1/transactions, managers): a credit (negative) is
 *    account credit; a refund (positive) pays the customer's credit back out
 *    and uses it up — account credit first, then credit notes not applied,
 *    then money of cleared receipts not allocated, oldest first — so the same
 *    money can never be refunded and applied; an adjustment (either sign, with
 *    a description) is billed as an invoice line by the next bill run.
 *  - The balance is the sum of every row but adjustments (they reach the
 *    balance through the invoice that bills them): invoices - receipts -
 *    credits + refunds, equal to the statement's closing balance.
 *  - Account credit (manual credits, and invoices whose total is negative) is
 *    applied to invoices by transaction_applications, with the rule every
 *    application of money follows (doc_application_check): a bill run's
 *    invoice takes it when issued, oldest credit first, never more than it is
 *    due; other invoices by POST /api/v1/transaction_applications.
 *
 * Concurrency notes: the rows that change (an adjustment billed, a credit
 * applied or refunded, a credit note or receipt refunded) are read FOR UPDATE
 * and re-checked before they are written under their version, so a rerun or
 * a concurrent run never applies one twice (SQLite's single writer serialises
 * anyway). Lock order: a request that changes ledger rows takes the tenant's
 * audit chain head first (audit_lock), then the rows — the order of the API
 * bill run, which holds the head while it bills customer after customer — so
 * the two queue on PostgreSQL instead of deadlocking. No customer lock: the
 * run holds the head while it locks customers, and the row locks suffice.
 */
#include "domain/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"
#include "core/money.h"
#include "core/tz.h"
#include "domain/company.h"
#include "domain/document.h"
#include "domain/domain.h"
#include "domain/invoice.h"
#include "domain/tx.h"
#include "model/codec.h"
#include "model/audit.h"
#include "model/crud.h"
#include "model/migrate.h"

/* ---- small helpers ---- */

static const char *money_text(Ctx *ctx, int64_t v, const char *code)
{
    char buf[MONEY_FORMAT_MAX];
    money_format(buf, sizeof buf, v, currency_find(code));
    return arena_strdup(ctx->arena, buf);
}

static const char *date_text(Ctx *ctx, Date d)
{
    char buf[11];
    date_format(buf, d);
    return arena_strdup(ctx->arena, buf);
}

static bool text_date(const char *s, Date *out)
{
    return s && date_parse(out, s, strlen(s), "date", NULL) == 0;
}

/* SUM() is an integer on SQLite and a numeric (text) on PostgreSQL. */
static int64_t sum_value(Value v)
{
    return v.kind == V_TEXT ? strtoll(v.s, NULL, 10) : v.i;
}

static const char *text_at(Ctx *ctx, Rows *r, int i)
{
    Value v = rows_get(r, i);
    return v.kind == V_TEXT ? arena_strndup(ctx->arena, v.s, v.len) : NULL;
}

static bool is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

/* At most n bytes of s, cut at a UTF-8 character boundary. */
static const char *clip(Ctx *ctx, const char *s, size_t n)
{
    size_t len = strlen(s);
    if (len <= n)
        return s;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return arena_strndup(ctx->arena, s, n);
}

/* ---- what each document event posts ---- */

typedef struct EventDef {
    const char *source;        /* transactions.source_type */
    const char *type;          /* transactions.transaction_type */
    int sign;                  /* +1: the customer owes more */
    const char *amount, *number, *date;   /* the document's columns */
    const char *reversed_at;   /* the timestamp that dates a reversal; NULL for the document itself */
    const char *reason;        /* the reversal's reason column */
    const char *invoice;       /* the column naming the invoice concerned */
    const char *what, *verb;   /* "Receipt" ... "bounced" */
} EventDef;

static const EventDef events[] = {
    [LEDGER_INVOICE_ISSUED] = {"invoice", "charge", 1, "total", "invoice_number", "invoice_date", NULL, NULL, "id",
                               "Invoice", NULL},
    [LEDGER_INVOICE_CANCELLED] = {"invoice_cancellation", "charge", -1, "total", "invoice_number", "invoice_date",
                                  "cancelled_at", "cancellation_reason", "id", "Invoice", "cancelled"},
    [LEDGER_RECEIPT_RECORDED] = {"receipt", "payment", -1, "amount", "receipt_number", "receipt_date", NULL, NULL,
                                 "invoice_id", "Receipt", NULL},
    [LEDGER_RECEIPT_BOUNCED] = {"receipt_bounce", "payment", 1, "amount", "receipt_number", "receipt_date",
                                "bounced_at", "bounce_reason", "invoice_id", "Receipt", "bounced"},
    [LEDGER_RECEIPT_CANCELLED] = {"receipt_cancellation", "payment", 1, "amount", "receipt_number", "receipt_date",
                                  "cancelled_at", "cancellation_reason", "invoice_id", "Receipt", "cancelled"},
    [LEDGER_CREDIT_NOTE_ISSUED] = {"credit_note", "credit", -1, "total_credit", "credit_note_number",
                                   "credit_note_date", NULL, NULL, "invoice_id", "Credit note", NULL},
    [LEDGER_CREDIT_NOTE_CANCELLED] = {"credit_note_cancellation", "credit", 1, "total_credit", "credit_note_number",
                                      "credit_note_date", "cancelled_at", "cancellation_reason", "invoice_id",
                                      "Credit note", "cancelled"},
};

/* The row an event posted for a document, if any. */
static int find_entry(Ctx *ctx, const char *source, const char *doc_id, bool lock, Row *out, bool *found, Error *err)
{
    const Table *t = registry_find("transactions");
    char sql[1200];
    snprintf(sql, sizeof sql, "%s WHERE tenant_id = $1 AND source_type = $2 AND source_id = $3%s", t->sql_select,
             lock ? store_for_update(ctx->conn) : "");
    Value p[2] = {val_text(source), val_text(doc_id)};
    Rows r;
    int rc = store_query(ctx->conn, &r, sql, p, 2, err);
    if (rc < 0)
        return rc;
    *found = rows_next(&r);
    if (*found)
        rc = codec_from_rows(ctx, t, &r, out);
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

static int post(Ctx *ctx, LedgerEvent ev, const Row *doc, bool if_missing, Error *err)
{
    const EventDef *e = &events[ev];
    const Table *t = registry_find("transactions");
    const char *doc_id = row_text(doc, "id");
    const char *number = row_text(doc, e->number);
    if (!number)   /* never issued (a draft cancelled): it never changed what the customer owes */
        return 0;
    if (if_missing) {
        Row had;
        bool found = false;
        int rc = find_entry(ctx, e->source, doc_id, false, &had, &found, err);
        if (rc < 0 || found)
            return rc;
    }
    int64_t amount = row_int(doc, e->amount);
    if (e->sign < 0 && __builtin_mul_overflow(amount, -1, &amount))
        return err_set(err, ERR_OVERFLOW, e->amount, "%s is too large", e->amount);
    Date date;
    if (!text_date(row_text(doc, e->date), &date))
        date = company_today(ctx);
    Date back;
    if (e->reversed_at && company_local_date(ctx, row_text(doc, e->reversed_at), &back) && back > date)
        date = back;
    const char *reason = e->reason ? row_text(doc, e->reason) : NULL;
    const char *desc = arena_printf(ctx->arena, "%s %s%s%s%s%s", e->what, number, e->verb ? " " : "",
                                    e->verb ? e->verb : "", reason ? ": " : "", reason ? reason : "");
    if (!desc)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    Row r;
    int rc = row_init(&r, ctx, t);
    if (rc < 0)
        return rc;
    row_set_text(ctx, &r, "customer_id", row_text(doc, "customer_id"));
    row_set(&r, "invoice_id", val_text(row_text(doc, e->invoice)));
    row_set_text(ctx, &r, "transaction_type", e->type);
    row_set_text(ctx, &r, "currency", row_text(doc, "currency"));
    row_set_int(&r, "amount", amount);
    row_set_text(ctx, &r, "transaction_date", date_text(ctx, date));
    row_set_text(ctx, &r, "description", clip(ctx, desc, 1000));
    row_set_text(ctx, &r, "source_type", e->source);
    row_set_text(ctx, &r, "source_id", doc_id);
    /* an invoice whose total is negative (a bill run that only credits unused days) is account credit */
    row_set_int(&r, "unapplied_amount", ev == LEDGER_INVOICE_ISSUED && amount < 0 ? -amount : 0);
    return crud_insert_row(ctx, t, &r, err);
}

/* Cancelling an invoice whose negative total is account credit takes that credit back, whole. */
static int withdraw_credit(Ctx *ctx, const Row *inv, Error *err)
{
    Row old, row;
    bool found = false;
    int rc = find_entry(ctx, "invoice", row_text(inv, "id"), true, &old, &found, err);
    if (rc < 0 || !found || row_int(&old, "amount") >= 0)
        return rc;
    if (row_int(&old, "unapplied_amount") != -row_int(&old, "amount")) {
        rc = err_set(err, ERR_STATE, NULL,
                     "the invoice's total is negative and %s of that credit was applied or refunded; it cannot be "
                     "cancelled",
                     money_text(ctx, -row_int(&old, "amount") - row_int(&old, "unapplied_amount"),
                                row_text(&old, "currency")));
        err_hint(err, "delete its transaction_applications first");
        return rc;
    }
    row_copy(ctx, &row, &old);
    row_set_int(&row, "unapplied_amount", 0);
    return crud_update_row_as(ctx, registry_find("transactions"), &row, &old, "withdraw", err);
}

/* Cancelling an invoice releases the adjustments it billed: they wait for the next bill run again
 * (the cancelled invoice no longer charges them, and an adjustment is billed once, by an invoice
 * that stands). */
static int release_adjustments(Ctx *ctx, const Row *inv, Error *err)
{
    const Table *t = registry_find("transactions");
    Value p[1] = {val_text(row_text(inv, "id"))};
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT id FROM transactions WHERE tenant_id = $1 AND applied_invoice_id = $2"
                         " AND transaction_type = 'adjustment' ORDER BY id",
                         p, 1, err);
    if (rc < 0)
        return rc;
    const char **ids = NULL;
    size_t n = 0, cap = 0;
    while (rows_next(&r)) {
        const char **id = engine_push(ctx->arena, (void **)&ids, &n, &cap, sizeof *ids);
        if (!id)
            break;
        *id = text_at(ctx, &r, 0);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        Row old, row;
        rc = crud_get(ctx, t, ids[i], true, &old, err);
        if (rc < 0)
            break;
        int64_t amount = row_int(&old, "amount");
        row_copy(ctx, &row, &old);
        row_set(&row, "applied_invoice_id", val_null());
        row_set_int(&row, "unapplied_amount", amount < 0 ? -amount : amount);
        rc = crud_update_row_as(ctx, t, &row, &old, "release", err);
    }
    return rc;
}

typedef struct RatedLine {
    const char *txn_id;        /* the ledger adjustment the line bills, or NULL */
    int64_t amount;
} RatedLine;

/* The rated lines of an invoice (a bill run made it when there are any), in print order. */
static int rated_lines(Ctx *ctx, const char *inv_id, RatedLine **out, size_t *n, Error *err)
{
    Value p[1] = {val_text(inv_id)};
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT transaction_id, amount FROM invoice_line_items WHERE tenant_id = $1 AND invoice_id = $2"
                         " AND is_rated ORDER BY sort_order, id",
                         p, 1, err);
    if (rc < 0)
        return rc;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while (rows_next(&r)) {
        RatedLine *l = engine_push(ctx->arena, (void **)out, n, &cap, sizeof **out);
        if (!l)
            break;
        l->txn_id = text_at(ctx, &r, 0);
        l->amount = rows_get(&r, 1).i;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

/* The ledger adjustments an issued invoice bills (its lines that name one): each billed once. */
static int bill_adjustments(Ctx *ctx, const Row *inv, const RatedLine *v, size_t n, Error *err)
{
    const char *inv_id = row_text(inv, "id");
    const Table *t = registry_find("transactions");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!v[i].txn_id)
            continue;
        Row old, row;
        rc = crud_get(ctx, t, v[i].txn_id, true, &old, err);
        if (rc < 0)
            break;
        if (!is(row_text(&old, "transaction_type"), "adjustment") ||
            !is(row_text(&old, "customer_id"), row_text(inv, "customer_id")) || row_int(&old, "amount") != v[i].amount)
            return err_set(err, ERR_INTERNAL, NULL, "an invoice line names ledger transaction %s, which it does not bill",
                           v[i].txn_id);
        if (!row_is_null(&old, "applied_invoice_id") || row_int(&old, "unapplied_amount") == 0)
            return err_set(err, ERR_CONFLICT, NULL, "the adjustment %s was billed already (invoice %s)", v[i].txn_id,
                           row_text(&old, "applied_invoice_id") ?: "?");
        row_copy(ctx, &row, &old);
        row_set_text(ctx, &row, "applied_invoice_id", inv_id);
        row_set_int(&row, "unapplied_amount", 0);
        rc = crud_update_row_as(ctx, t, &row, &old, "bill", err);
    }
    return rc;
}

/* Creates one application through the table's own hooks (the rule of POST /transaction_applications). */
static int apply_credit(Ctx *ctx, const char *txn_id, const char *inv_id, int64_t amount, const char *currency,
                        Error *err)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "transaction_id", txn_id, "invoice_id", inv_id, "amount_applied",
                          money_text(ctx, amount, currency));
    if (!o)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    Row out;
    int rc = crud_create(ctx, registry_find("transaction_applications"), o, NULL, &out, err);
    json_decref(o);
    return rc;
}

#define CREDITS_WHERE                                                                                               \
    " WHERE tenant_id = $1 AND customer_id = $2 AND currency = $3 AND transaction_type <> 'adjustment'"             \
    " AND unapplied_amount > 0"

/* A bill run's invoice takes the customer's account credit when issued (inv: as just written). */
static int take_credits(Ctx *ctx, const Row *inv, Error *err)
{
    if (!invoice_open(inv) || row_int(inv, "balance_due") <= 0)
        return 0;
    const char *inv_id = row_text(inv, "id");
    const char *cur = row_text(inv, "currency");
    Value q[2] = {val_text(row_text(inv, "customer_id")), val_text(cur)};
    Rows r;
    int rc = store_query(ctx->conn, &r,
                     "SELECT id, unapplied_amount FROM transactions" CREDITS_WHERE " ORDER BY transaction_date, id", q, 2,
                     err);
    if (rc < 0)
        return rc;
    typedef struct { const char *id; int64_t left; } Credit;
    Credit *v = NULL;
    size_t n = 0, cap = 0;
    while (rows_next(&r)) {
        Credit *c = engine_push(ctx->arena, (void **)&v, &n, &cap, sizeof *v);
        if (!c)
            break;
        c->id = text_at(ctx, &r, 0);
        c->left = rows_get(&r, 1).i;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    int64_t due = row_int(inv, "balance_due");
    for (size_t i = 0; rc == 0 && i < n && due > 0; i++) {
        int64_t amt = v[i].left < due ? v[i].left : due;
        rc = apply_credit(ctx, v[i].id, inv_id, amt, cur, err);
        due -= amt;
    }
    return rc;
}

int ledger_document_event(Ctx *ctx, LedgerEvent ev, const Row *doc, Error *err)
{
    int rc = ev == LEDGER_INVOICE_CANCELLED ? withdraw_credit(ctx, doc, err) : 0;
    if (rc == 0 && ev == LEDGER_INVOICE_CANCELLED)
        rc = release_adjustments(ctx, doc, err);
    if (rc == 0)
        rc = post(ctx, ev, doc, false, err);
    if (rc < 0 || ev != LEDGER_INVOICE_ISSUED)
        return rc;
    RatedLine *lines = NULL;
    size_t n = 0;
    rc = rated_lines(ctx, row_text(doc, "id"), &lines, &n, err);
    if (rc == 0)
        rc = bill_adjustments(ctx, doc, lines, n, err);
    if (rc == 0 && n > 0)   /* rated lines: a bill run made it */
        rc = take_credits(ctx, doc, err);
    return rc;
}

int ledger_document_corrected(Ctx *ctx, LedgerEvent ev, const Row *doc, Error *err)
{
    const EventDef *e = &events[ev];
    Row old, row;
    bool found = false;
    int rc = find_entry(ctx, e->source, row_text(doc, "id"), true, &old, &found, err);
    if (rc < 0)
        return rc;
    if (!found)   /* a document that never posted: nothing to correct */
        return 0;
    int64_t amount = e->sign * row_int(doc, e->amount);
    const char *date = row_text(doc, e->date);
    if (amount == row_int(&old, "amount") && is(date, row_text(&old, "transaction_date")))
        return 0;
    row_copy(ctx, &row, &old);
    row_set_int(&row, "amount", amount);
    if (date)
        row_set_text(ctx, &row, "transaction_date", date);
    return crud_update_row_as(ctx, registry_find("transactions"), &row, &old, "correct", err);
}

/* ---- the bill run: adjustments become lines, credits are announced ---- */

/* The input with the services the adjustments name that the loader did not need (an adjustment's
 * line is taxed as its service's lines: the engine finds the service in the input). */
static int with_services(Ctx *ctx, const EngineInput *base, const char *const *ids, size_t n, EngineInput *out,
                         Error *err)
{
    *out = *base;
    EngineService *v = NULL;
    size_t nv = 0, cap = 0;
    for (size_t i = 0; i < base->nservices; i++) {
        EngineService *s = engine_push(ctx->arena, (void **)&v, &nv, &cap, sizeof *v);
        if (!s)
            return engine_oom(err);
        *s = base->services[i];
    }
    for (size_t i = 0; i < n; i++) {
        bool have = !ids[i];
        for (size_t k = 0; !have && k < nv; k++)
            have = is(v[k].id, ids[i]);
        if (have)
            continue;
        Value p[1] = {val_text(ids[i])};
        Rows r;
        int rc = store_query(ctx->conn, &r,
                             "SELECT id, name, unit_of_measure, tax_category, is_taxable, tax_rate FROM services"
                             " WHERE tenant_id = $1 AND id = $2",
                             p, 1, err);
        if (rc < 0)
            return rc;
        if (rows_next(&r)) {
            EngineService *s = engine_push(ctx->arena, (void **)&v, &nv, &cap, sizeof *v);
            if (!s) {
                rows_close(&r);
                return engine_oom(err);
            }
            s->id = text_at(ctx, &r, 0);
            s->name = text_at(ctx, &r, 1);
            s->type = ENGINE_SERVICE_FIXED;
            s->unit = text_at(ctx, &r, 2);
            s->tax_category = text_at(ctx, &r, 3);
            s->is_tax_exempt = rows_get(&r, 4).i == 0;
            s->has_tax_rate = rows_get(&r, 5).kind != V_NULL;
            s->tax_rate = s->has_tax_rate ? dec_from_scaled(rows_get(&r, 5).i, 4) : dec_from_int(0);
        }
        rc = rows_error(&r, err);
        rows_close(&r);
        if (rc < 0)
            return rc;
    }
    out->services = v;
    out->nservices = nv;
    return 0;
}

int ledger_bill(Ctx *ctx, const BillingData *bd, EngineResult *res, Error *err)
{
    const Currency *cur = res->currency;
    EngineInput with;
    const EngineInput *in = &with;
    char day[11];
    date_format(day, bd->invoice_date);
    Value p[3] = {val_text(bd->customer.id), val_text(cur->code), val_text(day)};
    Rows r;
    /* one read: the adjustments not billed dated before the invoice (oldest first) and the account
     * credit left */
    int rc = store_query(ctx->conn, &r,
                         "SELECT id, amount, description, service_id, transaction_type, unapplied_amount FROM transactions"
                         " WHERE tenant_id = $1 AND customer_id = $2 AND currency = $3 AND unapplied_amount > 0"
                         " AND (transaction_type <> 'adjustment' OR transaction_date < $4)"
                         " ORDER BY transaction_date, id",
                         p, 3, err);
    if (rc < 0)
        return rc;
    typedef struct { const char *id, *text, *service; int64_t amount; } Pending;
    Pending *v = NULL;
    size_t n = 0, cap = 0;
    int64_t credit = 0;
    while (rows_next(&r)) {
        Value type = rows_get(&r, 4);
        if (!(type.kind == V_TEXT && type.len == 10 && memcmp(type.s, "adjustment", 10) == 0)) {
            credit += rows_get(&r, 5).i;
            continue;
        }
        Pending *x = engine_push(ctx->arena, (void **)&v, &n, &cap, sizeof *v);
        if (!x)
            break;
        x->id = text_at(ctx, &r, 0);
        x->amount = rows_get(&r, 1).i;
        x->text = text_at(ctx, &r, 2);
        x->service = text_at(ctx, &r, 3);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    const char **svc_ids = ARENA_ARRAY(ctx->arena, const char *, n + 1);
    if (!svc_ids)
        return engine_oom(err);
    for (size_t i = 0; i < n; i++)
        svc_ids[i] = v[i].service;
    if (rc == 0)
        rc = with_services(ctx, &bd->in, svc_ids, n, &with, err);
    size_t first = res->nlines;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        EngineCharge *l = engine_push(ctx->arena, (void **)&res->lines, &res->nlines, &res->caplines, sizeof *l);
        if (!l)
            return engine_oom(err);
        l->kind = ENGINE_CHARGE_ACCOUNT;
        l->transaction_id = v[i].id;
        l->note = v[i].text;
        const EngineService *svc = v[i].service ? engine_find_service(in, v[i].service) : NULL;
        if (svc) {   /* taxed as that service's lines: its tax category, its exemption */
            l->service_id = svc->id;
            l->service_name = svc->name;
            l->unit = svc->unit;
        }
        l->rate_source = ENGINE_RATE_ENTERED;
        l->quantity = dec_from_int(1);
        l->rate = dec_from_scaled(v[i].amount < 0 ? -v[i].amount : v[i].amount, cur->exponent);
        l->amount = l->net = l->total = v[i].amount;
        rc = engine_to_base(&l->amount_base, v[i].amount, cur, in->settings->base, res->exchange_rate_to_base,
                            in->settings->rounding, err);
        /* taxed like every line (engine_tax_charges is a function of each line's net) */
        if (rc == 0)
            rc = engine_tax_charges(res, in, ctx->arena, err);
        if (rc == 0)
            rc = engine_totals(res, ctx->arena, err);
        if (rc == 0 && v[i].amount < 0 && res->total < 0) {   /* too big for this invoice: it waits */
            res->nlines--;
            rc = engine_totals(res, ctx->arena, err);
        }
    }
    for (size_t i = first; rc == 0 && i < res->nlines; i++)
        rc = engine_explain(&res->lines[i], res, in, ctx->arena, err);
    if (rc < 0)
        return rc;
    int64_t due = res->total > 0 ? res->total : 0;
    res->credits_applied = credit < due ? credit : due;
    return 0;
}

/* ---- entries by hand: credits, refunds, adjustments ---- */

typedef struct Source {
    const char *kind;          /* "transaction", "credit_note", "receipt" */
    const char *id, *number;
    int64_t available;
} Source;

/* What a refund can pay out, oldest first within each kind, each row locked. */
static int refund_sources(Ctx *ctx, const char *cust, const char *cur, Source **out, size_t *nout, int64_t *total,
                          Error *err)
{
    static const struct { const char *kind, *sql; } q[] = {
        {"transaction", "SELECT id, NULL, unapplied_amount FROM transactions" CREDITS_WHERE " ORDER BY transaction_date, id"},
        {"credit_note", "SELECT id, credit_note_number, balance_remaining FROM credit_notes WHERE tenant_id = $1"
                        " AND customer_id = $2 AND currency = $3 AND status = 'issued' AND balance_remaining > 0"
                        " ORDER BY credit_note_date, id"},
        {"receipt", "SELECT id, receipt_number, unallocated_amount FROM receipts WHERE tenant_id = $1"
                    " AND customer_id = $2 AND currency = $3 AND status = 'cleared' AND unallocated_amount > 0"
                    " ORDER BY receipt_date, id"},
    };
    size_t n = 0, cap = 0;
    *total = 0;
    *out = NULL;
    for (size_t k = 0; k < sizeof q / sizeof q[0]; k++) {
        char sql[600];
        snprintf(sql, sizeof sql, "%s%s", q[k].sql, store_for_update(ctx->conn));
        Value p[2] = {val_text(cust), val_text(cur)};
        Rows r;
        int rc = store_query(ctx->conn, &r, sql, p, 2, err);
        if (rc < 0)
            return rc;
        while (rows_next(&r)) {
            Source *s = engine_push(ctx->arena, (void **)out, &n, &cap, sizeof **out);
            if (!s)
                break;
            s->kind = q[k].kind;
            s->id = text_at(ctx, &r, 0);
            s->number = text_at(ctx, &r, 1);
            s->available = rows_get(&r, 2).i;
            *total += s->available;
        }
        rc = rows_error(&r, err);
        rows_close(&r);
        if (rc < 0)
            return rc;
    }
    *nout = n;
    return 0;
}

/* Uses up `take` of one source, under its row lock and version. */
static int draw(Ctx *ctx, const Source *s, int64_t take, Error *err)
{
    const char *table = is(s->kind, "transaction") ? "transactions" : is(s->kind, "credit_note") ? "credit_notes"
                                                                                                 : "receipts";
    const Table *t = registry_find(table);
    Row old, row;
    int rc = crud_get(ctx, t, s->id, true, &old, err);
    if (rc < 0)
        return rc;
    row_copy(ctx, &row, &old);
    const char *field = is(s->kind, "transaction") ? "unapplied_amount"
                        : is(s->kind, "credit_note") ? "balance_remaining" : "unallocated_amount";
    int64_t left = row_int(&old, field) - take;
    if (left < 0)
        return err_set(err, ERR_CONFLICT, NULL, "the %s changed while the refund was recorded; retry", s->kind);
    row_set_int(&row, field, left);
    if (is(s->kind, "credit_note"))
        row_set_text(ctx, &row, "status", left == 0 ? "applied" : "issued");
    if (is(s->kind, "receipt"))
        row_set_int(&row, "refunded_amount", row_int(&old, "refunded_amount") + take);
    return crud_update_row_as(ctx, t, &row, &old, "refund", err);
}

static int refund_draw(Ctx *ctx, Row *row, const char *cust, const char *cur, int64_t amount, Error *err)
{
    Source *src = NULL;
    size_t n = 0;
    int64_t avail = 0;
    int rc = refund_sources(ctx, cust, cur, &src, &n, &avail, err);
    if (rc < 0)
        return rc;
    if (amount > avail) {
        rc = err_set(err, ERR_INVALID, "amount",
                     "the refund of %s exceeds what the customer can be refunded in %s: %s", money_text(ctx, amount, cur),
                     cur, money_text(ctx, avail, cur));
        err_hint(err, "a refund pays back account credit, credit notes not applied and cleared receipt money not "
                      "allocated");
        return rc;
    }
    json_t *used = json_array();
    int64_t left = amount;
    for (size_t i = 0; rc == 0 && i < n && left > 0; i++) {
        int64_t take = src[i].available < left ? src[i].available : left;
        rc = draw(ctx, &src[i], take, err);
        json_array_append_new(used, json_pack("{s:s, s:s, s:s?, s:s}", "source", src[i].kind, "id", src[i].id,
                                              "number", src[i].number, "amount", money_text(ctx, take, cur)));
        left -= take;
    }
    char *s = rc == 0 ? json_dumps(used, JSON_COMPACT) : NULL;
    json_decref(used);
    if (rc < 0)
        return rc;
    if (!s)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    row_set_text(ctx, row, "sources", s);
    free(s);
    return 0;
}

static int txn_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    if (old)   /* the table is append-only: the generic API refuses updates; domain code never asks */
        return err_set(err, ERR_STATE, NULL, "ledger transactions are never changed");
    int rc = crud_check_refs(ctx, t, row, err);   /* references before rules */
    if (rc < 0)
        return rc;
    const char *type = row_text(row, "transaction_type");
    if (is(type, "charge") || is(type, "payment"))
        return err_set(err, ERR_INVALID, "transaction_type",
                       "%s entries are written by invoices, receipts and credit notes; enter a credit, a refund or an "
                       "adjustment",
                       type);
    const char *cust = row_text(row, "customer_id");
    CompanySettings cs;
    CustomerInfo ci;
    rc = audit_lock(ctx, err);   /* the head before any row: the bill run's order */
    if (rc == 0)
        rc = company_settings_load(ctx, &cs, err);
    if (rc == 0)
        rc = doc_customer(ctx, cust, &ci, err);
    if (rc < 0)
        return rc;
    const char *ccur = ci.currency ? ci.currency : cs.base_currency;
    int64_t amount = row_int(row, "amount");
    if (row_is_null(row, "currency")) {
        /* the amount was decoded in the tenant's currency: restate it in the customer's */
        rc = doc_money_restate(&amount, ctx->currency ? ctx->currency : "INR", ccur, "amount", err);
        if (rc < 0)
            return rc;
        row_set_text(ctx, row, "currency", ccur);
        row_set_int(row, "amount", amount);
    } else if (!is(row_text(row, "currency"), ccur)) {
        return err_set(err, ERR_INVALID, "currency", "a ledger entry is in the customer's currency, %s", ccur);
    }
    if (amount == 0)
        return err_set(err, ERR_RANGE, "amount", "amount must not be zero");
    if (is(type, "credit") && amount > 0)
        return err_set(err, ERR_RANGE, "amount",
                       "a credit lowers what the customer owes: its amount is negative (\"-%s\")",
                       money_text(ctx, amount, ccur));
    if (is(type, "refund") && amount < 0)
        return err_set(err, ERR_RANGE, "amount",
                       "a refund pays money back, so the customer's balance rises: its amount is positive (\"%s\")",
                       money_text(ctx, -amount, ccur));
    const char *desc = row_text(row, "description");
    if (is(type, "adjustment") && (!desc || !desc[strspn(desc, " \t\r\n")]))
        return err_set(err, ERR_REQUIRED, "description", "an adjustment needs a description: it is the invoice line's text");
    if (row_is_null(row, "transaction_date"))
        row_set_text(ctx, row, "transaction_date", date_text(ctx, cs.today));
    const char *inv_id = row_text(row, "invoice_id");
    if (inv_id) {
        Row inv;
        rc = crud_get(ctx, registry_find("invoices"), inv_id, false, &inv, err);
        if (rc == -ERR_NOT_FOUND)
            return err_set(err, ERR_REFERENCE, "invoice_id", "invoice_id does not refer to an existing row of invoices");
        if (rc < 0)
            return rc;
        if (!is(row_text(&inv, "customer_id"), cust))
            return err_set(err, ERR_INVALID, "invoice_id", "the invoice belongs to another customer");
    }
    if (!row_is_null(row, "service_id") && !is(type, "adjustment"))
        return err_set(err, ERR_INVALID, "service_id", "service_id names the service an adjustment corrects; a %s has none",
                       type);
    row_set_text(ctx, row, "source_type", "manual");
    row_set(row, "source_id", val_null());
    row_set(row, "applied_invoice_id", val_null());
    row_set_int(row, "unapplied_amount", is(type, "credit") ? -amount : is(type, "adjustment") ? (amount < 0 ? -amount : amount) : 0);
    row_set(row, "sources", val_null());
    return is(type, "refund") ? refund_draw(ctx, row, cust, ccur, amount, err) : 0;
}

/* ---- account credit applied to invoices ---- */

static int app_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    (void)t;
    (void)old;
    Row txn, inv;
    int rc = crud_get(ctx, registry_find("transactions"), row_text(row, "transaction_id"), false, &txn, err);
    if (rc == -ERR_NOT_FOUND)
        return err_set(err, ERR_REFERENCE, "transaction_id",
                       "transaction_id does not refer to an existing row of transactions");
    if (rc == 0)
        rc = audit_lock(ctx, err);   /* the head before the credit and the invoice: the bill run's order */
    if (rc == 0)
        rc = crud_get(ctx, registry_find("transactions"), row_text(row, "transaction_id"), true, &txn, err);
    if (rc < 0)
        return rc;
    rc = crud_get(ctx, registry_find("invoices"), row_text(row, "invoice_id"), true, &inv, err);
    if (rc == -ERR_NOT_FOUND)
        return err_set(err, ERR_REFERENCE, "invoice_id", "invoice_id does not refer to an existing row of invoices");
    if (rc < 0)
        return rc;
    if (is(row_text(&txn, "transaction_type"), "adjustment") || row_int(&txn, "amount") >= 0)
        return err_set(err, ERR_INVALID, "transaction_id",
                       "only account credit is applied to invoices (a credit, or an invoice whose total is negative); "
                       "this is a %s of %s",
                       row_text(&txn, "transaction_type"), money_text(ctx, row_int(&txn, "amount"), row_text(&txn, "currency")));
    static const DocApplication rule = {"account credit", "a credit can only be applied", "amount_applied",
                                        "unapplied_amount", "the credit's unapplied amount"};
    int64_t amt;
    const char *cur;
    rc = doc_application_check(ctx, &rule, row, &txn, &inv, &amt, &cur, err);
    if (rc < 0)
        return rc;
    row_set_int(row, "amount_applied", amt);
    row_set_text(ctx, row, "currency", cur);
    row_set_text(ctx, row, "applied_date", date_text(ctx, company_today(ctx)));
    return 0;
}

/* Moves `amt` (signed) of a credit to (+) or back from (-) invoices; applied_invoice_id names the
 * invoice of its latest application still standing. */
static int credit_move(Ctx *ctx, const char *txn_id, int64_t amt, const char *except_app, const char *action,
                       Error *err)
{
    const Table *t = registry_find("transactions");
    Row old, row;
    int rc = crud_get(ctx, t, txn_id, true, &old, err);
    if (rc < 0)
        return rc;
    int64_t left = row_int(&old, "unapplied_amount") - amt;
    if (left < 0 || left > -row_int(&old, "amount"))
        return err_set(err, ERR_INTERNAL, NULL, "account credit %s would be over-applied", txn_id);
    Value p[2] = {val_text(txn_id), val_text(except_app)};
    Rows r;
    rc = store_query(ctx->conn, &r,
                     except_app ? "SELECT invoice_id FROM transaction_applications WHERE tenant_id = $1"
                                  " AND transaction_id = $2 AND id <> $3 ORDER BY id DESC LIMIT 1"
                                : "SELECT invoice_id FROM transaction_applications WHERE tenant_id = $1"
                                  " AND transaction_id = $2 ORDER BY id DESC LIMIT 1",
                     p, except_app ? 2 : 1, err);
    if (rc < 0)
        return rc;
    const char *last = rows_next(&r) ? text_at(ctx, &r, 0) : NULL;
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    row_copy(ctx, &row, &old);
    row_set_int(&row, "unapplied_amount", left);
    row_set(&row, "applied_invoice_id", val_text(last));
    return crud_update_row_as(ctx, t, &row, &old, action, err);
}

static int app_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    (void)t;
    (void)old;
    int64_t amt = row_int(row, "amount_applied");
    int rc = credit_move(ctx, row_text(row, "transaction_id"), amt, NULL, "apply", err);
    return rc < 0 ? rc
                  : invoice_adjust(ctx, row_text(row, "invoice_id"), 0, amt, "apply_account_credit", "amount_applied",
                                   NULL, err);
}

static int app_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    (void)t;
    int64_t amt = row_int(old, "amount_applied");
    int rc = audit_lock(ctx, err);   /* the head before the credit and the invoice: the bill run's order */
    if (rc == 0)
        rc = credit_move(ctx, row_text(old, "transaction_id"), -amt, row_text(old, "id"), "unapply", err);
    return rc < 0 ? rc
                  : invoice_adjust(ctx, row_text(old, "invoice_id"), 0, -amt, "unapply_account_credit",
                                   "amount_applied", NULL, err);
}

/* ---- GET /api/v1/customers/{id}/balance ---- */

typedef struct Balance {
    const char *currency;
    int64_t balance, charges, payments, credits, refunds, adjustments_unbilled, account_credit;
    int64_t open_invoices, credit_notes, receipts;
    int64_t count;
    const char *last_date;
} Balance;

static Balance *balance_of(Ctx *ctx, Balance **v, size_t *n, size_t *cap, const char *cur)
{
    for (size_t i = 0; i < *n; i++)
        if (is((*v)[i].currency, cur))
            return &(*v)[i];
    Balance *b = engine_push(ctx->arena, (void **)v, n, cap, sizeof **v);
    if (b)
        b->currency = cur;
    return b;
}

static int cmp_balance(const void *a, const void *b)
{
    return strcmp(((const Balance *)a)->currency, ((const Balance *)b)->currency);
}

static int balance_endpoint(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    const char *cust_id = in->params[0];
    Row cust;
    int rc = crud_get(ctx, registry_find("customers"), cust_id, false, &cust, err);
    if (rc < 0)
        return rc;
    CompanySettings cs;
    rc = company_settings_load(ctx, &cs, err);
    if (rc < 0)
        return rc;
    const char *ccur = row_text(&cust, "currency") ? row_text(&cust, "currency") : cs.base_currency;
    Balance *v = NULL;
    size_t n = 0, cap = 0;
    if (!balance_of(ctx, &v, &n, &cap, ccur))
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    /* one aggregate per source: the ledger by type, then what is open and unapplied */
    static const char *const sql[] = {
        "SELECT currency, transaction_type, SUM(amount), COUNT(*), MAX(transaction_date),"
        " SUM(CASE WHEN transaction_type = 'adjustment' THEN 0 ELSE unapplied_amount END),"
        " SUM(CASE WHEN transaction_type <> 'adjustment' THEN 0 WHEN amount < 0 THEN -unapplied_amount"
        " ELSE unapplied_amount END)"
        " FROM transactions WHERE tenant_id = $1 AND customer_id = $2 GROUP BY currency, transaction_type",
        "SELECT currency, SUM(balance_due) FROM invoices WHERE tenant_id = $1 AND customer_id = $2"
        " AND status IN ('pending', 'partially_paid', 'overdue') GROUP BY currency",
        "SELECT currency, SUM(balance_remaining) FROM credit_notes WHERE tenant_id = $1 AND customer_id = $2"
        " AND status = 'issued' GROUP BY currency",
        "SELECT currency, SUM(unallocated_amount) FROM receipts WHERE tenant_id = $1 AND customer_id = $2"
        " AND status IN ('pending', 'cleared') GROUP BY currency",
    };
    for (size_t q = 0; q < sizeof sql / sizeof sql[0]; q++) {
        Value p[1] = {val_text(cust_id)};
        Rows r;
        rc = store_query(ctx->conn, &r, sql[q], p, 1, err);
        if (rc < 0)
            return rc;
        while (rc == 0 && rows_next(&r)) {
            Balance *b = balance_of(ctx, &v, &n, &cap, text_at(ctx, &r, 0));
            if (!b) {
                rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
                break;
            }
            if (q == 0) {
                const char *type = text_at(ctx, &r, 1);
                int64_t sum = sum_value(rows_get(&r, 2));
                const char *last = text_at(ctx, &r, 4);
                b->count += rows_get(&r, 3).i;
                if (last && (!b->last_date || strcmp(last, b->last_date) > 0))
                    b->last_date = last;
                b->account_credit += sum_value(rows_get(&r, 5));
                b->adjustments_unbilled += sum_value(rows_get(&r, 6));
                if (!is(type, "adjustment"))
                    b->balance += sum;
                int64_t *slot = is(type, "charge") ? &b->charges : is(type, "payment") ? &b->payments
                              : is(type, "credit") ? &b->credits : is(type, "refund") ? &b->refunds : NULL;
                if (slot)
                    *slot += sum;
            } else {
                int64_t sum = sum_value(rows_get(&r, 1));
                *(q == 1 ? &b->open_invoices : q == 2 ? &b->credit_notes : &b->receipts) += sum;
            }
        }
        if (rc == 0)
            rc = rows_error(&r, err);
        rows_close(&r);
        if (rc < 0)
            return rc;
    }
    qsort(v, n, sizeof *v, cmp_balance);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const Balance *b = &v[i];
        const char *c = b->currency;
        int64_t unapplied = b->account_credit + b->credit_notes + b->receipts;
        json_t *o = json_object();
        json_object_set_new(o, "currency", json_string(c));
        json_object_set_new(o, "balance", json_string(money_text(ctx, b->balance, c)));
        json_object_set_new(o, "charges", json_string(money_text(ctx, b->charges, c)));
        json_object_set_new(o, "payments", json_string(money_text(ctx, b->payments, c)));
        json_object_set_new(o, "credits", json_string(money_text(ctx, b->credits, c)));
        json_object_set_new(o, "refunds", json_string(money_text(ctx, b->refunds, c)));
        json_object_set_new(o, "open_invoices", json_string(money_text(ctx, b->open_invoices, c)));
        json_object_set_new(o, "unapplied_credits", json_string(money_text(ctx, unapplied, c)));
        json_object_set_new(o, "account_credit", json_string(money_text(ctx, b->account_credit, c)));
        json_object_set_new(o, "unbilled_adjustments", json_string(money_text(ctx, b->adjustments_unbilled, c)));
        json_object_set_new(o, "transactions", json_integer(b->count));
        json_object_set_new(o, "last_transaction_date", b->last_date ? json_string(b->last_date) : json_null());
        json_array_append_new(arr, o);
    }
    out->json = json_pack("{s:s, s:s?, s:s?, s:s, s:o}", "customer_id", cust_id, "customer_code",
                          row_text(&cust, "code"), "customer_name", row_text(&cust, "name"), "currency", ccur,
                          "balances", arr);
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

/* ---- the back-fill of an existing database (migration data step d0001) ---- */

typedef struct DocSpec {
    const char *table, *number;
    LedgerEvent issued;
    struct { const char *status; LedgerEvent ev; } rev[2];
} DocSpec;

static const DocSpec doc_specs[] = {
    {"invoices", "invoice_number", LEDGER_INVOICE_ISSUED, {{"cancelled", LEDGER_INVOICE_CANCELLED}, {NULL, 0}}},
    {"receipts", "receipt_number", LEDGER_RECEIPT_RECORDED,
     {{"bounced", LEDGER_RECEIPT_BOUNCED}, {"cancelled", LEDGER_RECEIPT_CANCELLED}}},
    {"credit_notes", "credit_note_number", LEDGER_CREDIT_NOTE_ISSUED,
     {{"cancelled", LEDGER_CREDIT_NOTE_CANCELLED}, {NULL, 0}}},
};

typedef struct Batch {
    const DocSpec *spec;
    char after[UUID_STR_LEN + 1];   /* the last id seen (keyset: each document is visited once) */
    int seen;
} Batch;

enum { BACKFILL_BATCH = 200 };

/* One batch of one kind of a tenant's documents (tx_run: its own transaction), each locked while
 * its rows are posted if missing, so a back-fill beside live writes or another back-fill posts each
 * event once. Answers 1 when there may be more. */
static int backfill_batch(Ctx *ctx, void *arg, Error *err)
{
    Batch *b = arg;
    const DocSpec *d = b->spec;
    const Table *t = registry_find(d->table);
    char sql[2048];
    snprintf(sql, sizeof sql, "%s WHERE tenant_id = $1 AND %s IS NOT NULL AND id > $2 ORDER BY id LIMIT $3%s",
             t->sql_select, d->number, store_for_update(ctx->conn));
    Value p[2] = {val_text(b->after), val_int(BACKFILL_BATCH)};
    Rows r;
    Row *rows = ARENA_ARRAY(ctx->arena, Row, BACKFILL_BATCH);
    int n = 0;
    int rc = rows ? store_query(ctx->conn, &r, sql, p, 2, err) : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc < 0)
        return rc;
    while (rc == 0 && n < BACKFILL_BATCH && rows_next(&r))
        rc = codec_from_rows(ctx, t, &r, &rows[n++]);
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    for (int i = 0; rc == 0 && i < n; i++) {
        rc = post(ctx, d->issued, &rows[i], true, err);
        for (int k = 0; rc == 0 && k < 2 && d->rev[k].status; k++) {
            if (!is(row_text(&rows[i], "status"), d->rev[k].status))
                continue;
            if (d->rev[k].ev == LEDGER_INVOICE_CANCELLED)
                rc = withdraw_credit(ctx, &rows[i], err);
            if (rc == 0)
                rc = post(ctx, d->rev[k].ev, &rows[i], true, err);
        }
    }
    if (rc < 0)
        return rc;
    if (n > 0)
        snprintf(b->after, sizeof b->after, "%s", row_text(&rows[n - 1], "id"));
    b->seen = n;
    return n == BACKFILL_BATCH;
}

static int backfill(Store *s, Error *err)
{
    Conn *c = NULL;
    int rc = store_acquire(s, &c, err);
    if (rc < 0)
        return rc;
    Arena a;
    arena_init(&a, 0);
    typedef struct { const char *id, *currency, *zone; } Tenant;
    Tenant *tv = NULL;
    size_t nt = 0, capt = 0;
    Rows r;
    rc = store_begin(c, NULL, false, err);
    if (rc == 0)
        rc = store_query_global(c, &r, "SELECT id, base_currency, timezone FROM tenants ORDER BY id", NULL, 0, err);
    if (rc == 0) {
        while (rows_next(&r)) {
            Tenant *x = engine_push(&a, (void **)&tv, &nt, &capt, sizeof *tv);
            if (!x)
                break;
            Value v0 = rows_get(&r, 0), v1 = rows_get(&r, 1), v2 = rows_get(&r, 2);
            x->id = arena_strndup(&a, v0.s, v0.len);
            x->currency = v1.kind == V_TEXT ? arena_strndup(&a, v1.s, v1.len) : NULL;
            x->zone = v2.kind == V_TEXT ? arena_strndup(&a, v2.s, v2.len) : "UTC";
        }
        rc = rows_error(&r, err);
        rows_close(&r);
    }
    if (store_in_tx(c))
        store_rollback(c);
    store_release(c);   /* each batch takes a connection of its own (tx_run) */
    long checked = 0;
    for (size_t i = 0; rc == 0 && i < nt; i++) {
        for (size_t k = 0; rc == 0 && k < sizeof doc_specs / sizeof doc_specs[0]; k++) {
            Batch b = {.spec = &doc_specs[k], .after = "00000000-0000-0000-0000-000000000000"};
            for (int more = 1; rc == 0 && more > 0;) {
                Arena batch;
                arena_init(&batch, 0);
                Ctx ctx = {.arena = &batch, .store = s, .now = clock_now(), .request_id = "migrate",
                           .user_email = "system", .role_name = "system", .role = ROLE_ADMIN,
                           .currency = tv[i].currency, .timezone = tv[i].zone};
                more = tx_run(&ctx, tv[i].id, true, backfill_batch, &b, err);
                if (more < 0)
                    rc = more;
                checked += b.seen;
                arena_free(&batch);
            }
        }
    }
    arena_free(&a);
    if (rc == 0)
        log_printf(LOG_INFO, NULL, "ledger back-fill: %ld document(s) of %zu tenant(s) checked", checked, nt);
    return rc;
}

/* ---- wiring ---- */

static const Hooks txn_hooks = {
    .before_write = txn_before_write,
};

static const Hooks app_hooks = {
    .before_write = app_before_write,
    .after_write = app_after_write,
    .before_delete = app_before_delete,
};

static const Endpoint balance_ep = {
    .method = "GET", .path = "customers/{id}/balance", .role = ROLE_USER, .permission = "transactions.read",
    .run = balance_endpoint,
    .doc = "The customer's balance from the ledger, per currency: balance (= the statement's closing balance), "
           "charges, payments, credits, refunds, open invoices, unapplied credits, account credit, unbilled "
           "adjustments",
};

static const MigrateDataStep backfill_step = {
    .version = "d0001",
    .description = "the transactions ledger back-filled from the issued invoices, receipts and credit notes",
    .run = backfill,
};

void ledger_init(void)
{
    table_set_hooks("transactions", &txn_hooks);
    table_set_hooks("transaction_applications", &app_hooks);
    registry_add_endpoint(&balance_ep);
    migrate_add_data_step(&backfill_step);
}
