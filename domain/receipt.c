/* domain/receipt.c — receipts (money received) and their allocations to
 * invoices. Exports receipt_init.
 *
 * Rules:
 *  - A receipt is numbered on creation (gapless per financial year, series
 *    "receipt") and starts pending or cleared; clear, bounce and cancel
 *    actions move it on: pending -> cleared; pending/cleared -> bounced or
 *    cancelled (with a reason). Receipts are never deleted (their numbers
 *    stay used).
 *  - An allocation applies part of a receipt to an invoice of the same
 *    customer and currency that is finalized and not paid or cancelled. The
 *    allocations of a receipt never add up to more than its amount, and an
 *    allocation is never more than the invoice's balance due (422 naming
 *    allocated_amount, nothing changed).
 *  - Money not allocated is the customer's credit (unallocated_amount) and
 *    can be allocated later (POST /receipt_allocations, or auto_allocate:
 *    oldest due invoices first).
 *  - A bounced or cancelled receipt releases its allocations: each is marked
 *    released, each invoice gets the money back on its balance and returns to
 *    pending, partially_paid or overdue — every step an audit row.
 *  - Deleting an active allocation gives the money back to the receipt.
 *  - The ledger (domain/ledger.c): a receipt posts a payment when recorded
 *    (restated when its amount or date is edited) and the reversal when it
 *    bounces or is cancelled. A refund may pay back a cleared receipt's
 *    unallocated money (refunded_amount; unallocated = amount - allocated -
 *    refunded); a receipt with refunded money can no longer bounce or be
 *    cancelled (409): that money has left.
 *  - A receipt created with invoice_id (the CRM/ERP payment of one invoice) is
 *    allocated to it at once, up to its balance; one created with
 *    "allocations": [{invoice_id, amount}] is allocated as listed.
 *
 * Concurrency notes: an allocation locks the receipt, then the invoice (FOR
 * UPDATE on PostgreSQL), before checking amounts; bouncing locks the receipt,
 * then each invoice. Everything that locks both takes the receipt first, so
 * concurrent allocations queue instead of deadlocking, and each sees the
 * amounts the previous one committed.
 */
#include <stdio.h>
#include <string.h>

#include "core/id.h"
#include "core/money.h"
#include "domain/company.h"
#include "domain/document.h"
#include "domain/domain.h"
#include "domain/invoice.h"
#include "domain/ledger.h"
#include "domain/numbering.h"
#include "domain/print.h"
#include "model/codec.h"
#include "model/crud.h"

static bool is_set(const Row *row, const char *field)
{
    int c = table_col(row->t, field);
    return c >= 0 && row->set[c];
}

static bool status_is(const Row *r, const char *s)
{
    const char *st = row_text(r, "status");
    return st && strcmp(st, s) == 0;
}

static void set_now(Ctx *ctx, Row *r, const char *field)
{
    char ts[40];
    ts_format(ts, sizeof ts, ctx->now);
    row_set_text(ctx, r, field, ts);
}

static const char *fmt_money(Ctx *ctx, int64_t v, const char *code)
{
    char buf[MONEY_FORMAT_MAX];
    money_format(buf, sizeof buf, v, currency_find(code));
    return arena_strdup(ctx->arena, buf);
}

/* ---- receipts ---- */

typedef struct ReceiptInput {
    json_t *allocations;
} ReceiptInput;

static int receipt_extra(Ctx *ctx, const Table *t, Row *row, const char *key, json_t *value, Error *err)
{
    if (strcmp(key, "allocations") != 0)
        return 0;
    if (!json_is_array(value))
        return err_set(err, ERR_TYPE, "allocations", "allocations must be an array of {invoice_id, amount}");
    size_t i;
    json_t *v;
    json_array_foreach(value, i, v) {
        if (!json_is_object(v))
            return err_set(err, ERR_TYPE, "allocations", "allocations[%zu] must be an object", i);
    }
    ReceiptInput *in = ARENA_NEW(ctx->arena, ReceiptInput);
    if (!in)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    in->allocations = value;
    row->extra = in;
    return 1;
}

/* A receipt's number was taken in the financial year of its date (billing-rules.md "Numbers") and
 * cannot change: a new date must stay in that year. Moving the money to another year is a cancel
 * and a new receipt. */
static int receipt_date_keeps_year(Ctx *ctx, const Row *row, const Row *old, Error *err)
{
    if (!is_set(row, "receipt_date"))
        return 0;
    const char *ds = row_text(row, "receipt_date");
    if (!ds)
        return err_set(err, ERR_REQUIRED, "receipt_date", "receipt_date cannot be cleared");
    const char *fy_old = row_text(old, "financial_year");
    if (!fy_old)
        return 0;
    CompanySettings cs;
    int rc = company_settings_load(ctx, &cs, err);
    if (rc < 0)
        return rc;
    Date date;
    rc = date_parse(&date, ds, strlen(ds), "receipt_date", err);
    if (rc < 0)
        return rc;
    char fy[8];
    fy_label(fy, fy_start_year(date, cs.fy_start_month));
    if (strcmp(fy, fy_old) == 0)
        return 0;
    rc = err_set(err, ERR_INVALID, "receipt_date",
                 "receipt_date %s is in financial year %s; the receipt %s is numbered in %s and must stay in it", ds,
                 fy, row_text(old, "receipt_number") ?: "", fy_old);
    err_hint(err, "cancel the receipt and record a new one dated in %s", fy);
    return rc;
}

static int receipt_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    int rc;
    if (old) {
        if (!status_is(old, "pending") && !status_is(old, "cleared"))
            return err_set(err, ERR_STATE, NULL, "a %s receipt cannot be changed", row_text(old, "status"));
        if (row_int(row, "amount") <= 0)
            return err_set(err, ERR_RANGE, "amount", "amount must be greater than 0");
        int64_t used = row_int(old, "allocated_amount") + row_int(old, "refunded_amount");
        if (row_int(row, "amount") < used)
            return err_set(err, ERR_INVALID, "amount", "amount cannot be less than the %s already allocated%s",
                           fmt_money(ctx, used, row_text(old, "currency")),
                           row_int(old, "refunded_amount") ? " or refunded" : "");
        row_set(row, "unallocated_amount", val_int(row_int(row, "amount") - used));
        if (row->extra)
            return err_set(err, ERR_UNKNOWN_FIELD, "allocations", "allocations can only be given when creating a receipt");
        return receipt_date_keeps_year(ctx, row, old, err);
    }
    CompanySettings cs;
    CustomerInfo ci;
    rc = company_settings_load(ctx, &cs, err);
    if (rc == 0)
        rc = doc_customer(ctx, row_text(row, "customer_id"), &ci, err);
    if (rc < 0)
        return rc;
    const char *st = row_text(row, "status");
    if (st && strcmp(st, "pending") != 0 && strcmp(st, "cleared") != 0)
        return err_set(err, ERR_INVALID, "status", "a new receipt is pending or cleared");
    if (!is_set(row, "currency")) {
        /* money fields were decoded in the tenant's currency: restate them in the customer's */
        const char *cur = ci.currency ? ci.currency : cs.base_currency;
        const char *decoded = ctx->currency ? ctx->currency : "INR";
        int64_t amt = row_int(row, "amount"), fee = row_int(row, "processing_fee");
        rc = doc_money_restate(&amt, decoded, cur, "amount", err);
        if (rc == 0 && !row_is_null(row, "processing_fee"))
            rc = doc_money_restate(&fee, decoded, cur, "processing_fee", err);
        if (rc < 0)
            return rc;
        row_set_text(ctx, row, "currency", cur);
        row_set(row, "amount", val_int(amt));
        if (!row_is_null(row, "processing_fee"))
            row_set(row, "processing_fee", val_int(fee));
    }
    const char *cur = row_text(row, "currency");
    if (!currency_find(cur))
        return err_set(err, ERR_INVALID, "currency", "currency must be an ISO 4217 code such as \"INR\" or \"USD\"");
    if (row_int(row, "amount") <= 0)
        return err_set(err, ERR_RANGE, "amount", "amount must be greater than 0");
    if (!row_text(row, "receipt_date")) {
        char d[11];
        date_format(d, cs.today);
        row_set_text(ctx, row, "receipt_date", d);
    }
    const char *ds = row_text(row, "receipt_date");
    Date date;
    date_parse(&date, ds, strlen(ds), "receipt_date", NULL);
    if (row_is_null(row, "exchange_rate")) {
        int64_t rate = 0;
        rc = doc_exchange_rate(ctx, cur, cs.base_currency, date, "exchange_rate", &rate, err);
        if (rc < 0)
            return rc;
        row_set(row, "exchange_rate", val_int(rate));
    }
    if (row->extra && row_text(row, "invoice_id"))
        return err_set(err, ERR_INVALID, "allocations", "give invoice_id or allocations, not both");
    if (st && strcmp(st, "cleared") == 0)
        set_now(ctx, row, "cleared_at");
    row_set(row, "allocated_amount", val_int(0));
    row_set(row, "refunded_amount", val_int(0));
    row_set(row, "unallocated_amount", row_get(row, "amount"));
    DocNumber num;
    rc = numbering_next(ctx, "receipt", date, cs.fy_start_month, &num, err);
    if (rc < 0)
        return rc;
    row_set_text(ctx, row, "receipt_number", num.number);
    row_set_text(ctx, row, "financial_year", num.fy);
    row_set_int(row, "sequence_number", num.seq);
    return 0;
}

/* Creates one allocation through the table's own hooks (the same rules as POST /receipt_allocations). */
static int allocate(Ctx *ctx, const char *receipt_id, const char *invoice_id, const char *amount, const char *field,
                    Error *err)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "receipt_id", receipt_id, "invoice_id", invoice_id, "allocated_amount",
                          amount);
    if (!o)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    Row out;
    int rc = crud_create(ctx, registry_find("receipt_allocations"), o, NULL, &out, err);
    json_decref(o);
    if (rc < 0 && field && err) {
        char f[256];
        snprintf(f, sizeof f, "%s%s%s", field, err->field[0] ? "." : "", err->field);
        size_t n = strlen(f) < sizeof err->field ? strlen(f) : sizeof err->field - 1;
        memcpy(err->field, f, n);
        err->field[n] = '\0';
    }
    return rc;
}

static int receipt_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    if (old)   /* a corrected amount or date corrects the receipt's ledger row */
        return ledger_document_corrected(ctx, LEDGER_RECEIPT_RECORDED, row, err);
    int rc = ledger_document_event(ctx, LEDGER_RECEIPT_RECORDED, row, err);
    if (rc < 0)
        return rc;
    const char *id = row_text(row, "id");
    const char *cur = row_text(row, "currency");
    const char *inv = row_text(row, "invoice_id");
    if (inv) {
        Row invoice;
        rc = crud_get(ctx, registry_find("invoices"), inv, false, &invoice, err);
        if (rc < 0)
            return rc == -ERR_NOT_FOUND ? err_set(err, ERR_REFERENCE, "invoice_id",
                                                  "invoice_id does not refer to an existing row of invoices")
                                        : rc;
        int64_t amt = row_int(row, "amount"), bal = row_int(&invoice, "balance_due");
        if (invoice_open(&invoice) && bal < amt)
            amt = bal;
        return allocate(ctx, id, inv, fmt_money(ctx, amt, cur), "invoice_id", err);
    }
    ReceiptInput *in = row->extra;
    if (!in)
        return 0;
    size_t i;
    json_t *a;
    json_array_foreach(in->allocations, i, a) {
        char field[40];
        snprintf(field, sizeof field, "allocations[%zu]", i);
        const char *key;
        json_t *v;
        json_object_foreach(a, key, v) {
            if (strcmp(key, "invoice_id") != 0 && strcmp(key, "amount") != 0)
                return err_set(err, ERR_UNKNOWN_FIELD, field, "%s.%s is not an allocation field (invoice_id, amount)",
                               field, key);
        }
        json_t *ji = json_object_get(a, "invoice_id"), *ja = json_object_get(a, "amount");
        if (!json_is_string(ji) || !json_is_string(ja))
            return err_set(err, ERR_REQUIRED, field, "%s needs invoice_id and amount (a decimal string)", field);
        rc = allocate(ctx, id, json_string_value(ji), json_string_value(ja), field, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- allocations ---- */

static int alloc_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    Row receipt, inv;
    int rc = crud_get(ctx, registry_find("receipts"), row_text(row, "receipt_id"), true, &receipt, err);
    if (rc == -ERR_NOT_FOUND)
        return err_set(err, ERR_REFERENCE, "receipt_id", "receipt_id does not refer to an existing row of receipts");
    if (rc < 0)
        return rc;
    rc = crud_get(ctx, registry_find("invoices"), row_text(row, "invoice_id"), true, &inv, err);
    if (rc == -ERR_NOT_FOUND)   /* references before states */
        return err_set(err, ERR_REFERENCE, "invoice_id", "invoice_id does not refer to an existing row of invoices");
    if (rc < 0)
        return rc;
    if (!status_is(&receipt, "pending") && !status_is(&receipt, "cleared"))
        return err_set(err, ERR_STATE, "receipt_id", "the receipt is %s: its money cannot be allocated",
                       row_text(&receipt, "status"));
    static const DocApplication rule = {"receipt", "money can only be allocated", "allocated_amount",
                                        "unallocated_amount", "the receipt's unallocated amount"};
    int64_t amt;
    const char *cur;
    rc = doc_application_check(ctx, &rule, row, &receipt, &inv, &amt, &cur, err);
    if (rc < 0)
        return rc;
    row_set(row, "allocated_amount", val_int(amt));
    row_set_text(ctx, row, "currency", cur);
    char d[11];
    date_format(d, company_today(ctx));
    row_set_text(ctx, row, "allocation_date", d);
    row_set_text(ctx, row, "status", "active");
    return 0;
}

/* Moves amt (signed) between a receipt's allocated and unallocated amounts. */
static int receipt_move(Ctx *ctx, const char *receipt_id, int64_t amt, const char *action, Error *err)
{
    const Table *t = registry_find("receipts");
    Row old, row;
    int rc = crud_get(ctx, t, receipt_id, true, &old, err);
    if (rc < 0)
        return rc;
    row_copy(ctx, &row, &old);
    int64_t alloc = row_int(&old, "allocated_amount") + amt, refunded = row_int(&old, "refunded_amount");
    if (alloc < 0 || alloc + refunded > row_int(&old, "amount"))
        return err_set(err, ERR_INTERNAL, NULL, "receipt %s would be over- or under-allocated", receipt_id);
    row_set(&row, "allocated_amount", val_int(alloc));
    bool live = status_is(&old, "pending") || status_is(&old, "cleared");
    row_set(&row, "unallocated_amount", val_int(live ? row_int(&old, "amount") - alloc - refunded : 0));
    return crud_update_row_as(ctx, t, &row, &old, action, err);
}

static int alloc_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    int64_t amt = row_int(row, "allocated_amount");
    Row receipt;
    int rc = receipt_move(ctx, row_text(row, "receipt_id"), amt, "allocate", err);
    if (rc == 0)
        rc = crud_get(ctx, registry_find("receipts"), row_text(row, "receipt_id"), false, &receipt, err);
    if (rc == 0)
        rc = invoice_adjust(ctx, row_text(row, "invoice_id"), amt, 0, "allocate", "allocated_amount",
                            row_text(&receipt, "receipt_date"), err);
    return rc;
}

static int alloc_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    if (!status_is(old, "active"))
        return err_set(err, ERR_STATE, NULL, "the allocation was released when its receipt was %s",
                       row_text(old, "release_reason") ?: "bounced or cancelled");
    int64_t amt = row_int(old, "allocated_amount");
    int rc = receipt_move(ctx, row_text(old, "receipt_id"), -amt, "unallocate", err);
    if (rc == 0)
        rc = invoice_adjust(ctx, row_text(old, "invoice_id"), -amt, 0, "unallocate", "allocated_amount", NULL, err);
    return rc;
}

/* ---- actions ---- */

static int reply_row(Ctx *ctx, const Row *row, ActionResult *out)
{
    out->json = codec_to_json(ctx, row);
    return out->json ? 0 : err_set(NULL, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int only_keys(const ActionIn *in, const char *const *keys, Error *err)
{
    const char *key;
    json_t *v;
    if (!in->body)
        return 0;
    json_object_foreach(in->body, key, v) {
        bool ok = false;
        for (const char *const *k = keys; *k; k++)
            ok |= strcmp(*k, key) == 0;
        if (!ok)
            return err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not an input of this action", key);
    }
    return 0;
}

static int clear_action(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    static const char *const keys[] = {NULL};
    Row old, row;
    int rc = only_keys(in, keys, err);
    if (rc == 0)
        rc = crud_get(ctx, t, in->id, true, &old, err);
    if (rc < 0)
        return rc;
    if (!status_is(&old, "pending"))
        return err_set(err, ERR_STATE, NULL, "only a pending receipt can be cleared; this one is %s",
                       row_text(&old, "status"));
    row_copy(ctx, &row, &old);
    row_set_text(ctx, &row, "status", "cleared");
    set_now(ctx, &row, "cleared_at");
    rc = crud_update_row_as(ctx, t, &row, &old, "clear", err);
    return rc < 0 ? rc : reply_row(ctx, &row, out);
}

/* Bounce or cancel: releases every active allocation, then closes the receipt. */
static int release(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, const char *status,
                   const char *at_field, const char *reason_field, Error *err)
{
    static const char *const keys[] = {"reason", NULL};
    int rc = only_keys(in, keys, err);
    if (rc < 0)
        return rc;
    json_t *jr = in->body ? json_object_get(in->body, "reason") : NULL;
    if (!json_is_string(jr) || json_string_length(jr) == 0)
        return err_set(err, jr ? ERR_TYPE : ERR_REQUIRED, "reason", "reason is required: say why");
    if (json_string_length(jr) > 1000)
        return err_set(err, ERR_RANGE, "reason", "reason is longer than 1000 characters");
    Row old, row;
    rc = crud_get(ctx, t, in->id, true, &old, err);
    if (rc < 0)
        return rc;
    if (!status_is(&old, "pending") && !status_is(&old, "cleared"))
        return err_set(err, ERR_STATE, NULL, "the receipt is already %s", row_text(&old, "status"));
    if (row_int(&old, "refunded_amount") > 0) {
        rc = err_set(err, ERR_STATE, NULL, "%s of this receipt was refunded to the customer; it cannot be %s",
                     fmt_money(ctx, row_int(&old, "refunded_amount"), row_text(&old, "currency")), status);
        err_hint(err, "record what the customer owes back as a ledger adjustment instead");
        return rc;
    }
    const Table *at = registry_find("receipt_allocations");
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM receipt_allocations WHERE tenant_id = $1 AND receipt_id = $2 AND status = 'active'"
             " ORDER BY id",
             at->select_list);
    Value p[1] = {val_text(in->id)};
    Rows r;
    rc = store_query(ctx->conn, &r, sql, p, 1, err);
    if (rc < 0)
        return rc;
    int cap = 16, n = 0;
    Row *allocs = ARENA_ARRAY(ctx->arena, Row, cap);
    while (rc == 0 && allocs && rows_next(&r)) {
        if (n == cap) {
            allocs = arena_realloc(ctx->arena, allocs, sizeof(Row) * (size_t)cap, sizeof(Row) * (size_t)cap * 2);
            cap *= 2;
            if (!allocs)
                break;
        }
        rc = codec_from_rows(ctx, at, &r, &allocs[n++]);
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    if (rc == 0 && !allocs)
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    const char *why = strcmp(status, "bounced") == 0 ? "receipt bounced" : "receipt cancelled";
    for (int i = 0; rc == 0 && i < n; i++) {
        Row upd;
        row_copy(ctx, &upd, &allocs[i]);
        row_set_text(ctx, &upd, "status", "released");
        set_now(ctx, &upd, "released_at");
        row_set_text(ctx, &upd, "release_reason", why);
        rc = crud_update_row_as(ctx, at, &upd, &allocs[i], "release", err);
        if (rc == 0)
            rc = invoice_adjust(ctx, row_text(&upd, "invoice_id"), -row_int(&upd, "allocated_amount"), 0,
                                strcmp(status, "bounced") == 0 ? "receipt_bounced" : "receipt_cancelled",
                                "allocated_amount", NULL, err);
    }
    if (rc < 0)
        return rc;
    row_copy(ctx, &row, &old);
    row_set_text(ctx, &row, "status", status);
    set_now(ctx, &row, at_field);
    row_set_text(ctx, &row, reason_field, json_string_value(jr));
    row_set(&row, "allocated_amount", val_int(0));
    row_set(&row, "unallocated_amount", val_int(0));
    rc = crud_update_row_as(ctx, t, &row, &old, strcmp(status, "bounced") == 0 ? "bounce" : "cancel", err);
    if (rc == 0)
        rc = ledger_document_event(ctx, strcmp(status, "bounced") == 0 ? LEDGER_RECEIPT_BOUNCED : LEDGER_RECEIPT_CANCELLED,
                                   &row, err);
    return rc < 0 ? rc : reply_row(ctx, &row, out);
}

static int bounce_action(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    return release(ctx, t, in, out, "bounced", "bounced_at", "bounce_reason", err);
}

static int cancel_action(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    return release(ctx, t, in, out, "cancelled", "cancelled_at", "cancellation_reason", err);
}

/* Allocates the receipt's unallocated money to the customer's open invoices, oldest due first. */
static int auto_allocate_action(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    static const char *const keys[] = {NULL};
    Row rec;
    int rc = only_keys(in, keys, err);
    if (rc == 0)
        rc = crud_get(ctx, t, in->id, true, &rec, err);
    if (rc < 0)
        return rc;
    if (!status_is(&rec, "pending") && !status_is(&rec, "cleared"))
        return err_set(err, ERR_STATE, NULL, "the receipt is %s: its money cannot be allocated", row_text(&rec, "status"));
    const char *cur = row_text(&rec, "currency");
    Value p[2] = {val_text(row_text(&rec, "customer_id")), val_text(cur)};
    Rows r;
    rc = store_query(ctx->conn, &r,
                     "SELECT id, balance_due FROM invoices WHERE tenant_id = $1 AND customer_id = $2 AND currency = $3"
                     " AND status IN ('pending', 'partially_paid', 'overdue') AND balance_due > 0"
                     " ORDER BY due_date, invoice_date, sequence_number LIMIT 500",
                     p, 2, err);
    if (rc < 0)
        return rc;
    typedef struct { char id[UUID_STR_LEN + 1]; int64_t bal; } Open;
    Open *open = ARENA_ARRAY(ctx->arena, Open, 500);
    int n = 0;
    while (open && rows_next(&r)) {
        Value v = rows_get(&r, 0);
        snprintf(open[n].id, sizeof open[n].id, "%.*s", (int)v.len, v.s);
        open[n].bal = rows_get(&r, 1).i;
        n++;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc == 0 && !open)
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    int64_t left = row_int(&rec, "unallocated_amount");
    int made = 0;
    for (int i = 0; rc == 0 && i < n && left > 0; i++) {
        int64_t amt = open[i].bal < left ? open[i].bal : left;
        rc = allocate(ctx, in->id, open[i].id, fmt_money(ctx, amt, cur), NULL, err);
        left -= amt;
        made++;
    }
    if (rc < 0)
        return rc;
    rc = crud_get(ctx, t, in->id, false, &rec, err);
    if (rc < 0)
        return rc;
    json_t *o = codec_to_json(ctx, &rec);
    json_object_set_new(o, "allocations_made", json_integer(made));
    out->json = o;
    return 0;
}

static int pdf_action(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    return print_document(ctx, "receipts", in->id, out, err);
}

static const Hooks receipt_hooks = {
    .before_write = receipt_before_write,
    .after_write = receipt_after_write,
    .extra_input = receipt_extra,
};

static const Hooks alloc_hooks = {
    .before_write = alloc_before_write,
    .after_write = alloc_after_write,
    .before_delete = alloc_before_delete,
};

static const Action clear_def = {.verb = "clear", .method = "POST", .write = true, .run = clear_action,
                                 .doc = "The money arrived: pending -> cleared"};
static const Action bounce_def = {.verb = "bounce", .method = "POST", .write = true, .run = bounce_action,
                                  .doc = "The payment bounced ({\"reason\"}): its allocations are released and the invoices owe again"};
static const Action cancel_def = {.verb = "cancel", .method = "POST", .write = true, .run = cancel_action,
                                  .doc = "Cancels the receipt ({\"reason\"}): its allocations are released; its number stays used"};
static const Action auto_def = {.verb = "auto_allocate", .method = "POST", .write = true, .run = auto_allocate_action,
                                .doc = "Allocates the unallocated money to the customer's open invoices, oldest due first"};
static const Action pdf_def = {.verb = "pdf", .method = "GET", .run = pdf_action, .doc = "The receipt as an A4 PDF"};

void receipt_init(void)
{
    table_set_hooks("receipts", &receipt_hooks);
    table_set_hooks("receipt_allocations", &alloc_hooks);
    table_add_action("receipts", &clear_def);
    table_add_action("receipts", &bounce_def);
    table_add_action("receipts", &cancel_def);
    table_add_action("receipts", &auto_def);
    table_add_action("receipts", &pdf_def);
}
