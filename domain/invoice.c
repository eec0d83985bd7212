/* domain/invoice.c — invoices and their lines: drafts, totals, finalization,
 * cancellation, balances and the overdue rule; see invoice.h.
 * Exports invoice_derive_status, invoice_open, invoice_adjust,
 * invoice_mark_overdue, invoice_on_finalize, invoice_init (which registers the daily job
 * "mark_overdue_invoices" with domain/jobs.c).
 *
 * Defaults on a draft: the invoice date is today in the tenant's time zone;
 * currency, GSTIN and place of supply come from the customer; the due date is
 * the invoice date plus the invoice's payment terms, else the customer's
 * (which a new customer takes from its client type); the exchange rate is 1
 * for the base currency, else the latest exchange_rates row on or before the
 * invoice date. Totals are always the server's: every change to a draft or
 * its lines recomputes them from the lines (domain/document.c).
 *
 * Finalizing posts the invoice's charge to the ledger (domain/ledger.c) and,
 * for a bill run's invoice, bills its ledger adjustments and takes the
 * customer's account credit; cancelling posts the reversal.
 *
 * Concurrency notes: finalize, cancel and every balance change read the
 * invoice FOR UPDATE first (PostgreSQL; SQLite's writer lock serialises), so
 * two allocations to one invoice queue and the second sees the first's
 * balance. Finalize takes its number last (domain/numbering.c) to hold the
 * counter lock as briefly as possible.
 */
#include "domain/invoice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/id.h"
#include "core/money.h"
#include "domain/company.h"
#include "domain/document.h"
#include "domain/domain.h"
#include "domain/gst.h"
#include "domain/jobs.h"
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

static Date row_date(const Row *r, const char *field, Date dflt)
{
    const char *s = row_text(r, field);
    Date d;
    if (s && date_parse(&d, s, strlen(s), field, NULL) == 0)
        return d;
    return dflt;
}

static void set_date(Ctx *ctx, Row *r, const char *field, Date d)
{
    char buf[11];
    date_format(buf, d);
    row_set_text(ctx, r, field, buf);
}

static void set_now(Ctx *ctx, Row *r, const char *field)
{
    char ts[40];
    ts_format(ts, sizeof ts, ctx->now);
    row_set_text(ctx, r, field, ts);
}

bool invoice_open(const Row *inv)
{
    return status_is(inv, "pending") || status_is(inv, "partially_paid") || status_is(inv, "overdue");
}

const char *invoice_derive_status(const Row *inv, Date today)
{
    if (status_is(inv, "draft") || status_is(inv, "cancelled"))
        return row_text(inv, "status");
    int64_t total = row_int(inv, "total"), paid = row_int(inv, "paid_amount"), cred = row_int(inv, "credits_applied");
    int64_t due = total - paid - cred;
    if (due <= 0)
        return "paid";
    if (row_date(inv, "due_date", today) < today)
        return "overdue";
    if (paid + cred > 0)
        return "partially_paid";
    return "pending";
}

/* ---- create and update a draft ---- */

/* The due date: given, else the invoice date plus the invoice's payment terms, else the customer's.
 * An invoice always has one (the aging and the overdue rule read it): a due date given as null,
 * or cleared on a draft, is the terms' date again, as when it is not given. */
static int due_date(Ctx *ctx, Row *row, const Row *old, const CustomerInfo *ci, Date today, Error *err)
{
    Date date = row_date(row, "invoice_date", today);
    if (row_is_null(row, "due_date") ||
        (!is_set(row, "due_date") &&
         (!old || is_set(row, "invoice_date") || is_set(row, "payment_terms_days") || is_set(row, "customer_id")))) {
        int64_t terms = row_is_null(row, "payment_terms_days") ? ci->payment_terms : row_int(row, "payment_terms_days");
        set_date(ctx, row, "due_date", date_add_days(date, (int)terms));
    }
    if (row_date(row, "due_date", date) < date)
        return err_set(err, ERR_INVALID, "due_date", "due_date must not be before invoice_date");
    return 0;
}

static int invoice_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    if (old && !status_is(old, "draft")) {
        int rc = err_set(err, ERR_STATE, NULL, "only draft invoices can be changed; this one is %s",
                         row_text(old, "status"));
        err_hint(err, "correct a finalized invoice with a credit note");
        return rc;
    }
    CompanySettings cs;
    CustomerInfo ci;
    int rc = company_settings_load(ctx, &cs, err);
    if (rc == 0)
        rc = doc_header_defaults(ctx, &DOC_INVOICE, &cs, row, old, &ci, err);
    if (rc < 0)
        return rc;
    rc = due_date(ctx, row, old, &ci, cs.today, err);
    if (rc < 0)
        return rc;
    if (!old && row_is_null(row, "id")) {   /* the lines need the id before the insert */
        char id[UUID_STR_LEN + 1];
        uuid_v7_str(id);
        row_set_text(ctx, row, "id", id);
    }
    DocContext dc;
    rc = doc_context(ctx, &DOC_INVOICE, &cs, row, &dc, err);
    if (rc < 0)
        return rc;
    DocLines *d = row->extra;
    if (d) {
        rc = doc_lines_decode(ctx, &DOC_INVOICE, &dc, row, d, err);
        if (rc == 0)
            rc = doc_compute(ctx, &DOC_INVOICE, &dc, row, d, NULL, err);
    } else if (!old) {
        DocLines none = {0};
        rc = doc_compute(ctx, &DOC_INVOICE, &dc, row, &none, NULL, err);
    } else {
        rc = doc_compute(ctx, &DOC_INVOICE, &dc, row, NULL, NULL, err);
    }
    if (rc < 0)
        return rc;
    row_set(row, "paid_amount", val_int(0));
    row_set(row, "credits_applied", val_int(0));
    row_set(row, "balance_due", val_int(0));
    return 0;
}

static int invoice_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    DocLines *d = row->extra;
    if (!d)
        return 0;
    int rc = old ? doc_lines_delete_all(ctx, &DOC_INVOICE, row_text(row, "id"), err) : 0;
    return rc < 0 ? rc : doc_lines_insert(ctx, &DOC_INVOICE, d, err);
}

static int invoice_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    if (!status_is(old, "draft")) {
        int rc = err_set(err, ERR_STATE, NULL, "only draft invoices can be deleted; this one is %s",
                         row_text(old, "status"));
        err_hint(err, "cancel it with POST /api/v1/invoices/{id}/cancel; its number stays used");
        return rc;
    }
    return 0;
}

/* Lines are embedded; a pending or partially paid invoice past its due date reads as overdue even
 * before the daily job has marked it. */
static int invoice_decorate(Ctx *ctx, const Table *t, const Row *row, json_t *obj, Error *err)
{
    if ((status_is(row, "pending") || status_is(row, "partially_paid")) &&
        row_date(row, "due_date", INT32_MAX) < company_today(ctx))
        json_object_set_new(obj, "status", json_string("overdue"));
    json_object_set_new(obj, "lines", doc_lines_json(ctx, &DOC_INVOICE, row_text(row, "id")));
    return 0;
}

/* ---- lines as a sub-resource ---- */

static int line_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    return doc_line_before_write(ctx, &DOC_INVOICE, row, old, err);
}

static int line_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    return doc_refresh_totals(ctx, &DOC_INVOICE, row_text(row, "invoice_id"), NULL, err);
}

static int line_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    return doc_refresh_totals(ctx, &DOC_INVOICE, row_text(old, "invoice_id"), row_text(old, "id"), err);
}

/* ---- actions ---- */

static int reply_row(Ctx *ctx, const Row *row, ActionResult *out)
{
    out->json = codec_to_json(ctx, row);
    return out->json ? 0 : err_set(NULL, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int finalize(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    Row row;
    int rc = invoice_finalize(ctx, in->id, &row, err);
    return rc < 0 ? rc : reply_row(ctx, &row, out);
}

static InvoiceFinalized on_finalize[4];
static int non_finalize;

void invoice_on_finalize(InvoiceFinalized fn)
{
    if (non_finalize < (int)(sizeof on_finalize / sizeof on_finalize[0]))
        on_finalize[non_finalize++] = fn;
}

/* What finalizing sets, the number last (its counter stays locked to the commit): the terms, the
 * number, who and when, the balance and the status. */
static int finalized_fields(Ctx *ctx, const CompanySettings *cs, Row *row, Date date, Error *err)
{
    if (row_is_null(row, "terms_and_conditions") && cs->invoice_terms)
        row_set_text(ctx, row, "terms_and_conditions", cs->invoice_terms);
    DocNumber num;
    int rc = numbering_next(ctx, "invoice", date, cs->fy_start_month, &num, err);
    if (rc < 0)
        return rc;
    row_set_text(ctx, row, "invoice_number", num.number);
    row_set_text(ctx, row, "financial_year", num.fy);
    row_set_int(row, "sequence_number", num.seq);
    set_now(ctx, row, "finalized_at");
    row_set(row, "finalized_by", ctx->user_id[0] ? val_text(arena_strdup(ctx->arena, ctx->user_id)) : val_null());
    row_set(row, "balance_due", row_get(row, "total"));
    row_set_text(ctx, row, "status", "pending");
    row_set_text(ctx, row, "status", invoice_derive_status(row, cs->today));
    return 0;
}

int invoice_issue(Ctx *ctx, const CompanySettings *cs, const CustomerInfo *ci, Row *row, Row *lines, int n,
                  Error *err)
{
    const Table *t = registry_find("invoices"), *lt = registry_find("invoice_line_items");
    if (n <= 0)
        return err_set(err, ERR_INVALID, "lines", "an invoice needs at least one line to be finalized");
    /* the draft: what creating it would set */
    int rc = codec_apply_defaults(ctx, t, row, err);
    if (rc == 0)
        rc = doc_header_apply(ctx, &DOC_INVOICE, cs, ci, row, NULL, err);
    if (rc == 0)
        rc = due_date(ctx, row, NULL, ci, cs->today, err);
    if (rc < 0)
        return rc;
    if (row_is_null(row, "id")) {
        char id[UUID_STR_LEN + 1];
        uuid_v7_str(id);
        row_set_text(ctx, row, "id", id);
    }
    /* finalizing it: the snapshot first (it may set the place of supply the tax depends on) */
    rc = doc_snapshot(ctx, cs, ci, row, err);
    DocContext dc;
    if (rc == 0)
        rc = doc_context_of(&DOC_INVOICE, cs, ci, row, &dc, err);
    for (int i = 0; rc == 0 && i < n; i++) {
        Row *line = &lines[i];
        row_set_text(ctx, line, "invoice_id", row_text(row, "id"));
        row_set_text(ctx, line, "currency", dc.cur->code);
        if (!is_set(line, "sort_order"))
            row_set_int(line, "sort_order", (int64_t)i + 1);
        rc = codec_apply_defaults(ctx, lt, line, err);
        if (rc == 0)
            rc = doc_line_prepare(ctx, &DOC_INVOICE, &dc, line, NULL, err);
    }
    DocLines d = {.rows = lines, .n = n};
    if (rc == 0)
        rc = doc_compute(ctx, &DOC_INVOICE, &dc, row, &d, NULL, err);
    if (rc < 0)
        return rc;
    row_set(row, "paid_amount", val_int(0));
    row_set(row, "credits_applied", val_int(0));
    rc = finalized_fields(ctx, cs, row, dc.date, err);
    /* one row each, each audited */
    if (rc == 0)
        rc = crud_insert_row(ctx, t, row, err);
    for (int i = 0; rc == 0 && i < n; i++)
        rc = crud_insert_row(ctx, lt, &lines[i], err);
    /* then what invoice_finalize does after its write: the ledger (the charge, the adjustments
     * it bills, the account credit it takes, which changes the row), then the observers (the
     * "invoice issued" mail) with the row as it is after the credit */
    if (rc == 0)
        rc = ledger_document_event(ctx, LEDGER_INVOICE_ISSUED, row, err);
    char *id = rc == 0 ? arena_strdup(ctx->arena, row_text(row, "id")) : NULL;
    if (rc == 0)
        rc = crud_get(ctx, t, id, false, row, err);
    for (int i = 0; rc == 0 && i < non_finalize; i++)
        rc = on_finalize[i](ctx, row, err);
    return rc;
}

int invoice_finalize(Ctx *ctx, const char *id, Row *out, Error *err)
{
    Row old, row;
    CompanySettings cs;
    CustomerInfo ci;
    DocContext dc;
    const Table *t = registry_find("invoices");
    int rc = crud_get(ctx, t, id, true, &old, err);
    if (rc < 0)
        return rc;
    if (!status_is(&old, "draft"))
        return err_set(err, ERR_STATE, NULL, "only a draft can be finalized; this invoice is %s (%s)",
                       row_text(&old, "status"), row_text(&old, "invoice_number") ?: "no number");
    rc = company_settings_load(ctx, &cs, err);
    if (rc == 0)
        rc = doc_customer(ctx, row_text(&old, "customer_id"), &ci, err);
    if (rc < 0)
        return rc;
    row_copy(ctx, &row, &old);
    rc = doc_snapshot(ctx, &cs, &ci, &row, err);
    if (rc == 0)   /* a draft stored without a due date (before the rule) gets the terms' date */
        rc = due_date(ctx, &row, &old, &ci, cs.today, err);
    if (rc < 0)
        return rc;
    Date date = row_date(&row, "invoice_date", cs.today);
    if (row_is_null(&row, "exchange_rate")) {
        int64_t rate = 0;
        rc = doc_exchange_rate(ctx, row_text(&row, "currency"), cs.base_currency, date, "exchange_rate", &rate, err);
        if (rc < 0)
            return rc;
        row_set(&row, "exchange_rate", val_int(rate));
    }
    rc = doc_context(ctx, &DOC_INVOICE, &cs, &row, &dc, err);
    if (rc == 0)
        rc = doc_compute(ctx, &DOC_INVOICE, &dc, &row, NULL, NULL, err);
    if (rc < 0)
        return rc;
    int64_t nlines = 0;
    Value p[1] = {val_text(id)};
    rc = store_query_int(ctx->conn, &nlines, "SELECT COUNT(*) FROM invoice_line_items WHERE tenant_id = $1 AND invoice_id = $2",
                         p, 1, err);
    if (rc < 0)
        return rc;
    if (nlines == 0)
        return err_set(err, ERR_INVALID, "lines", "an invoice needs at least one line to be finalized");
    rc = finalized_fields(ctx, &cs, &row, date, err);
    if (rc == 0)
        rc = crud_update_row_as(ctx, t, &row, &old, "finalize", err);
    if (rc == 0)   /* the charge, the adjustments it bills, the account credit it takes (changes the row) */
        rc = ledger_document_event(ctx, LEDGER_INVOICE_ISSUED, &row, err);
    if (rc == 0)   /* the observers (the "invoice issued" mail) see the balance after the credit */
        rc = crud_get(ctx, t, id, false, &row, err);
    for (int i = 0; rc == 0 && i < non_finalize; i++)
        rc = on_finalize[i](ctx, &row, err);
    if (rc == 0)
        *out = row;
    return rc;
}

static const char *reason_arg(const ActionIn *in, Error *err, int *rc)
{
    json_t *r = in->body ? json_object_get(in->body, "reason") : NULL;
    const char *key;
    json_t *v;
    *rc = 0;
    if (in->body)
        json_object_foreach(in->body, key, v) {
            if (strcmp(key, "reason") != 0) {
                *rc = err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not an input of this action (only reason)", key);
                return NULL;
            }
        }
    if (!json_is_string(r) || json_string_length(r) == 0) {
        *rc = err_set(err, r ? ERR_TYPE : ERR_REQUIRED, "reason", "reason is required: say why");
        return NULL;
    }
    if (json_string_length(r) > 1000) {
        *rc = err_set(err, ERR_RANGE, "reason", "reason is longer than 1000 characters");
        return NULL;
    }
    return json_string_value(r);
}

static int cancel(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    int rc;
    const char *reason = reason_arg(in, err, &rc);
    if (!reason)
        return rc;
    Row old, row;
    rc = crud_get(ctx, t, in->id, true, &old, err);
    if (rc < 0)
        return rc;
    if (status_is(&old, "cancelled"))
        return err_set(err, ERR_STATE, NULL, "the invoice is already cancelled");
    if (row_int(&old, "paid_amount") > 0 || row_int(&old, "credits_applied") > 0) {
        rc = err_set(err, ERR_STATE, NULL, "the invoice has payments or credits applied; it cannot be cancelled");
        err_hint(err, "delete its receipt allocations and credit note applications first, or issue a credit note");
        return rc;
    }
    /* An issued credit note reverses (part of) the invoice: with the invoice cancelled too, the
     * same amount would be reversed twice and the note's credit could be refunded or applied
     * elsewhere. The note is cancelled first (which its own rules allow while nothing of it is
     * applied), then the invoice. */
    Value p[1] = {val_text(in->id)};
    Rows r;
    rc = store_query(ctx->conn, &r,
                     "SELECT credit_note_number FROM credit_notes WHERE tenant_id = $1 AND invoice_id = $2"
                     " AND status IN ('issued', 'applied') ORDER BY credit_note_number",
                     p, 1, err);
    if (rc < 0)
        return rc;
    char names[160] = "";
    size_t len = 0;
    int64_t notes = 0;
    while (rows_next(&r)) {
        Value v = rows_get(&r, 0);
        notes++;
        if (len < sizeof names) {
            int w = snprintf(names + len, sizeof names - len, "%s%.*s", len ? ", " : "",
                             v.kind == V_TEXT ? (int)v.len : 0, v.kind == V_TEXT ? v.s : "");
            if (w > 0)
                len += (size_t)w;
        }
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    if (notes > 0) {
        rc = err_set(err, ERR_STATE, NULL,
                     "the invoice has %lld issued credit note%s (%s); it cannot be cancelled while %s stand%s",
                     (long long)notes, notes == 1 ? "" : "s", names, notes == 1 ? "it" : "they",
                     notes == 1 ? "s" : "");
        err_hint(err, "cancel its credit notes first (POST /api/v1/credit_notes/{id}/cancel; delete their applications before)");
        return rc;
    }
    row_copy(ctx, &row, &old);
    row_set_text(ctx, &row, "status", "cancelled");
    row_set_text(ctx, &row, "cancellation_reason", reason);
    set_now(ctx, &row, "cancelled_at");
    row_set(&row, "cancelled_by", ctx->user_id[0] ? val_text(arena_strdup(ctx->arena, ctx->user_id)) : val_null());
    row_set(&row, "balance_due", val_int(0));
    rc = crud_update_row_as(ctx, t, &row, &old, "cancel", err);
    if (rc == 0)
        rc = ledger_document_event(ctx, LEDGER_INVOICE_CANCELLED, &row, err);
    return rc < 0 ? rc : reply_row(ctx, &row, out);
}

static int pdf(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    return print_document(ctx, "invoices", in->id, out, err);
}

static int mark_overdue(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    int n = 0;
    int rc = invoice_mark_overdue(ctx, company_today(ctx), &n, err);
    if (rc < 0)
        return rc;
    out->json = json_pack("{s:i}", "marked", n);
    return 0;
}

/* ---- balances ---- */

int invoice_adjust(Ctx *ctx, const char *invoice_id, int64_t d_paid, int64_t d_credit, const char *action,
                   const char *field, const char *payment_date, Error *err)
{
    const Table *t = registry_find("invoices");
    Row old, row;
    int rc = crud_get(ctx, t, invoice_id, true, &old, err);
    if (rc < 0)
        return rc == -ERR_NOT_FOUND ? err_set(err, ERR_REFERENCE, "invoice_id",
                                              "invoice_id does not refer to an existing row of invoices")
                                    : rc;
    if ((d_paid > 0 || d_credit > 0) && !invoice_open(&old))
        return err_set(err, ERR_STATE, field, "the invoice is %s: money can only be applied to a finalized invoice that is not paid or cancelled",
                       row_text(&old, "status"));
    int64_t paid, cred, due;
    if ((rc = money_add(&paid, row_int(&old, "paid_amount"), d_paid, err)) < 0 ||
        (rc = money_add(&cred, row_int(&old, "credits_applied"), d_credit, err)) < 0)
        return rc;
    due = row_int(&old, "total") - paid - cred;
    if (paid < 0 || cred < 0)
        return err_set(err, ERR_INTERNAL, NULL, "invoice %s would have negative payments", invoice_id);
    if (due < 0 && !status_is(&old, "cancelled")) {
        const Currency *c = currency_find(row_text(&old, "currency"));
        char bal[MONEY_FORMAT_MAX];
        money_format(bal, sizeof bal, row_int(&old, "balance_due"), c);
        return err_set(err, ERR_INVALID, field, "%s exceeds the invoice's balance due of %s", field, bal);
    }
    row_copy(ctx, &row, &old);
    row_set(&row, "paid_amount", val_int(paid));
    row_set(&row, "credits_applied", val_int(cred));
    row_set(&row, "balance_due", val_int(status_is(&old, "cancelled") ? 0 : due));
    if (d_paid > 0 && payment_date)
        row_set_text(ctx, &row, "last_payment_date", payment_date);
    row_set_text(ctx, &row, "status", invoice_derive_status(&row, company_today(ctx)));
    return crud_update_row_as(ctx, t, &row, &old, action, err);
}

/* ---- overdue ---- */

/* Walks the candidates in id order, 500 at a time (keyset: each is visited once), each batch in an
 * arena of its own so that a tenant with a hundred thousand invoices falling due does not grow the
 * caller's arena without bound. */
int invoice_mark_overdue(Ctx *ctx, Date today, int *count, Error *err)
{
    enum { BATCH = 500 };
    typedef struct { char s[UUID_STR_LEN + 1]; } Id;
    *count = 0;
    char ds[11], after[UUID_STR_LEN + 1] = "00000000-0000-0000-0000-000000000000";
    date_format(ds, today);
    const Table *t = registry_find("invoices");
    Arena *outer = ctx->arena;
    int rc = 0;
    for (bool more = true; more && rc == 0;) {
        Arena batch;
        arena_init(&batch, 0);
        ctx->arena = &batch;
        Id *ids = ARENA_ARRAY(&batch, Id, BATCH);
        int n = 0;
        Value p[3] = {val_text(ds), val_text(after), val_int(BATCH)};
        Rows r;
        rc = ids ? store_query(ctx->conn, &r,
                               "SELECT id FROM invoices WHERE tenant_id = $1 AND status IN ('pending', 'partially_paid')"
                               " AND due_date < $2 AND id > $3 ORDER BY id LIMIT $4",
                               p, 3, err)
                 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        if (rc == 0) {
            while (rows_next(&r)) {
                Value v = rows_get(&r, 0);
                snprintf(ids[n++].s, UUID_STR_LEN + 1, "%.*s", (int)v.len, v.s);
            }
            rc = rows_error(&r, err);
            rows_close(&r);
        }
        for (int i = 0; i < n && rc == 0; i++) {
            Row old, row;
            rc = crud_get(ctx, t, ids[i].s, true, &old, err);
            if (rc < 0)
                break;
            row_copy(ctx, &row, &old);
            if (!row.v)
                rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
            const char *st = rc == 0 ? invoice_derive_status(&row, today) : NULL;
            if (!st || strcmp(st, row_text(&old, "status")) == 0)
                continue;
            row_set_text(ctx, &row, "status", st);
            rc = crud_update_row_as(ctx, t, &row, &old, strcmp(st, "overdue") == 0 ? "overdue" : "status", err);
            if (rc == 0 && strcmp(st, "overdue") == 0)
                (*count)++;
        }
        more = n == BATCH;
        if (n > 0)
            memcpy(after, ids[n - 1].s, sizeof after);
        ctx->arena = outer;
        arena_free(&batch);
    }
    return rc;
}

static int overdue_job_run(Ctx *ctx, Date today, Error *err)
{
    int n = 0;
    int rc = invoice_mark_overdue(ctx, today, &n, err);
    if (rc == 0 && n > 0)
        log_printf(LOG_INFO, ctx->request_id, "%d invoice(s) of tenant %s marked overdue", n, ctx->tenant_id);
    return rc;
}

static const DailyJob overdue_job = {.name = "mark_overdue_invoices", .run = overdue_job_run};

static const Hooks invoice_hooks = {
    .before_write = invoice_before_write,
    .after_write = invoice_after_write,
    .before_delete = invoice_before_delete,
    .extra_input = doc_take_lines,
    .decorate = invoice_decorate,
};

static const Hooks line_hooks = {
    .before_write = line_before_write,
    .after_write = line_after_write,
    .before_delete = line_before_delete,
};

static const Action finalize_action = {
    .verb = "finalize", .method = "POST", .write = true, .run = finalize,
    .doc = "Assigns the next number of the series for the financial year and issues the invoice (draft -> pending)",
};
static const Action cancel_action = {
    .verb = "cancel", .method = "POST", .write = true, .run = cancel,
    .doc = "Cancels an invoice with nothing paid or credited, with a reason ({\"reason\"}); its number stays used",
};
static const Action pdf_action = {
    .verb = "pdf", .method = "GET", .run = pdf, .doc = "The invoice as an A4 PDF tax invoice",
};
static const Action overdue_action = {
    .verb = "mark_overdue", .method = "POST", .collection = true, .write = true, .role = ROLE_ADMIN, .run = mark_overdue,
    .doc = "Runs the daily overdue job for this tenant now: pending and partially paid invoices past due become overdue",
};

void invoice_init(void)
{
    table_set_hooks("invoices", &invoice_hooks);
    table_set_hooks("invoice_line_items", &line_hooks);
    table_add_action("invoices", &finalize_action);
    table_add_action("invoices", &cancel_action);
    table_add_action("invoices", &pdf_action);
    table_add_action("invoices", &overdue_action);
    jobs_add_daily(&overdue_job);
}
