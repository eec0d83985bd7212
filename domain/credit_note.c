/* domain/credit_note.c — credit notes, their lines and their applications to
 * invoices. Exports credit_note_init.
 *
 * Rules:
 *  - draft --issue--> issued (numbered: series "credit_note", gapless per
 *    financial year) --applications use it up--> applied; a draft, or an
 *    issued note nothing was applied from, --cancel(reason)--> cancelled.
 *    Only drafts are edited or deleted.
 *  - Linked to an invoice or standalone. A linked note takes the invoice's
 *    currency, place of supply, GSTIN, exchange rate and inclusive flag; the
 *    invoice must be finalized and not cancelled, and belong to the same
 *    customer. A line may name the invoice line it reverses
 *    (invoice_line_item_id): its description, SAC, unit, rate and tax rate are
 *    the line's defaults; a line of a note against an invoice charged at a
 *    single tax rate takes that rate unless it gives one.
 *  - GST is reversed per rate: the note's lines are taxed like invoice lines
 *    (CGST + SGST inside the state, IGST across), so its tax shows per kind and
 *    rate. When issued against an invoice, the notes issued against it may not
 *    credit more taxable value at any rate than the invoice charged at that
 *    rate, nor more than its total (422).
 *  - Applying a note to an invoice (same customer and currency, invoice open)
 *    reduces the invoice's balance; an application is never more than the
 *    invoice's balance due nor the note's balance remaining (422). Deleting an
 *    application un-applies it.
 *  - Issuing posts a credit to the ledger (domain/ledger.c), cancelling an
 *    issued note its reversal; a refund may pay out a note's balance.
 *
 * Concurrency notes: an application locks the credit note, then the invoice;
 * issuing locks the note, then reads the invoice's other notes (their sum is
 * re-read under the note's lock; two notes against one invoice issued at the
 * same moment on PostgreSQL are serialised by locking the invoice row too).
 */
#include <stdio.h>
#include <stdlib.h>
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

static int get_invoice(Ctx *ctx, const char *id, bool lock, Row *inv, Error *err)
{
    int rc = crud_get(ctx, registry_find("invoices"), id, lock, inv, err);
    if (rc == -ERR_NOT_FOUND)
        return err_set(err, ERR_REFERENCE, "invoice_id", "invoice_id does not refer to an existing row of invoices");
    return rc;
}

/* A line naming an invoice line takes that line's description, SAC, unit, rate and tax rate. */
static int line_defaults(Ctx *ctx, const Row *doc, Row *line, Error *err)
{
    const char *lid = row_text(line, "invoice_line_item_id");
    const char *inv = row_text(doc, "invoice_id");
    if (!lid) {
        /* a line of a note against an invoice charged at one rate reverses that rate */
        if (!inv || (is_set(line, "tax_rate") && !row_is_null(line, "tax_rate")) || row_text(line, "service_id"))
            return 0;
        Value p[1] = {val_text(inv)};
        Rows r;
        int rc = store_query(ctx->conn, &r,
                             "SELECT DISTINCT tax_rate FROM invoice_line_items WHERE tenant_id = $1 AND invoice_id = $2",
                             p, 1, err);
        if (rc < 0)
            return rc;
        int n = 0;
        Value rate = val_null();
        while (rows_next(&r))
            if (n++ == 0)
                rate = val_int(rows_get(&r, 0).i);
        rc = rows_error(&r, err);
        rows_close(&r);
        if (rc == 0 && n == 1)
            row_set(line, "tax_rate", rate);
        return rc;
    }
    Row il;
    int rc = crud_get(ctx, registry_find("invoice_line_items"), lid, false, &il, err);
    if (rc == -ERR_NOT_FOUND)
        return err_set(err, ERR_REFERENCE, "invoice_line_item_id",
                       "invoice_line_item_id does not refer to an existing row of invoice_line_items");
    if (rc < 0)
        return rc;
    if (!inv)
        return err_set(err, ERR_INVALID, "invoice_line_item_id", "a standalone credit note cannot reverse an invoice line");
    if (strcmp(row_text(&il, "invoice_id"), inv) != 0)
        return err_set(err, ERR_INVALID, "invoice_line_item_id", "invoice_line_item_id is not a line of the credited invoice");
    static const char *const copy[] = {"description", "sac_code", "unit", "service_id"};
    for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++)
        if (row_is_null(line, copy[i]) && !row_is_null(&il, copy[i]))
            row_set(line, copy[i], row_get(&il, copy[i]));
    if (row_is_null(line, "rate"))
        row_set(line, "rate", row_get(&il, "rate"));
    if (!is_set(line, "tax_rate") || row_is_null(line, "tax_rate"))
        row_set(line, "tax_rate", row_get(&il, "tax_rate"));   /* set: the invoice's rate is explicit here */
    return 0;
}

/* A credit note corrects an invoice already issued: it cannot be dated before it (CGST Act s.34),
 * nor land in a statement period before the charge it reverses. Dates are ISO text. */
static int not_before_invoice(const Row *cn, const Row *inv, Error *err)
{
    const char *cd = row_text(cn, "credit_note_date"), *id = row_text(inv, "invoice_date");
    if (!cd || !id || strcmp(cd, id) >= 0)
        return 0;
    return err_set(err, ERR_INVALID, "credit_note_date",
                   "credit_note_date %s is before the date of the invoice it corrects (%s %s)", cd,
                   row_text(inv, "invoice_number") ?: "invoice", id);
}

static int cn_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    if (old && !status_is(old, "draft"))
        return err_set(err, ERR_STATE, NULL, "only draft credit notes can be changed; this one is %s",
                       row_text(old, "status"));
    CompanySettings cs;
    CustomerInfo ci;
    int rc = company_settings_load(ctx, &cs, err);
    if (rc < 0)
        return rc;
    const char *inv_id = row_text(row, "invoice_id");
    if (inv_id && (!old || is_set(row, "invoice_id"))) {
        Row inv;
        rc = get_invoice(ctx, inv_id, false, &inv, err);
        if (rc < 0)
            return rc;
        if (status_is(&inv, "draft") || status_is(&inv, "cancelled"))
            return err_set(err, ERR_STATE, "invoice_id", "a credit note corrects a finalized invoice; this one is %s",
                           row_text(&inv, "status"));
        if (strcmp(row_text(&inv, "customer_id"), row_text(row, "customer_id")) != 0)
            return err_set(err, ERR_INVALID, "invoice_id", "the invoice belongs to another customer");
        static const char *const inherit[] = {"currency", "place_of_supply", "customer_gst", "exchange_rate",
                                              "is_tax_inclusive"};
        for (size_t i = 0; i < sizeof inherit / sizeof inherit[0]; i++)
            if (!is_set(row, inherit[i]))
                row_set(row, inherit[i], row_get(&inv, inherit[i]));
        if (strcmp(row_text(row, "currency"), row_text(&inv, "currency")) != 0)
            return err_set(err, ERR_INVALID, "currency", "a credit note is in its invoice's currency, %s",
                           row_text(&inv, "currency"));
    }
    rc = doc_header_defaults(ctx, &DOC_CREDIT_NOTE, &cs, row, old, &ci, err);
    if (rc < 0)
        return rc;
    if (inv_id && (!old || is_set(row, "invoice_id") || is_set(row, "credit_note_date"))) {
        Row inv;
        rc = get_invoice(ctx, inv_id, false, &inv, err);
        if (rc == 0)
            rc = not_before_invoice(row, &inv, err);
        if (rc < 0)
            return rc;
    }
    if (!old && row_is_null(row, "id")) {
        char id[UUID_STR_LEN + 1];
        uuid_v7_str(id);
        row_set_text(ctx, row, "id", id);
    }
    DocContext dc;
    rc = doc_context(ctx, &DOC_CREDIT_NOTE, &cs, row, &dc, err);
    if (rc < 0)
        return rc;
    DocLines *d = row->extra;
    if (d) {
        rc = doc_lines_decode(ctx, &DOC_CREDIT_NOTE, &dc, row, d, err);
        if (rc == 0)
            rc = doc_compute(ctx, &DOC_CREDIT_NOTE, &dc, row, d, NULL, err);
    } else if (!old) {
        DocLines none = {0};
        rc = doc_compute(ctx, &DOC_CREDIT_NOTE, &dc, row, &none, NULL, err);
    } else {
        rc = doc_compute(ctx, &DOC_CREDIT_NOTE, &dc, row, NULL, NULL, err);
    }
    if (rc == 0)
        row_set(row, "balance_remaining", val_int(0));
    return rc;
}

static int cn_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    DocLines *d = row->extra;
    if (!d)
        return 0;
    int rc = old ? doc_lines_delete_all(ctx, &DOC_CREDIT_NOTE, row_text(row, "id"), err) : 0;
    return rc < 0 ? rc : doc_lines_insert(ctx, &DOC_CREDIT_NOTE, d, err);
}

static int cn_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    if (!status_is(old, "draft"))
        return err_set(err, ERR_STATE, NULL, "only draft credit notes can be deleted; cancel an issued one");
    return 0;
}

static int cn_decorate(Ctx *ctx, const Table *t, const Row *row, json_t *obj, Error *err)
{
    json_object_set_new(obj, "lines", doc_lines_json(ctx, &DOC_CREDIT_NOTE, row_text(row, "id")));
    return 0;
}

static int line_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    return doc_line_before_write(ctx, &DOC_CREDIT_NOTE, row, old, err);
}

static int line_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    return doc_refresh_totals(ctx, &DOC_CREDIT_NOTE, row_text(row, "credit_note_id"), NULL, err);
}

static int line_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    return doc_refresh_totals(ctx, &DOC_CREDIT_NOTE, row_text(old, "credit_note_id"), row_text(old, "id"), err);
}

/* ---- issuing: the caps against the invoice ---- */

typedef struct Bucket { char key[48]; int64_t taxable; } Bucket;

/* Adds the (kind, rate) taxable amounts of a tax_details JSON to buckets. */
static int add_details(const char *json, const Currency *c, Bucket *b, int *n, int cap, int sign)
{
    json_t *arr = json ? json_loads(json, 0, NULL) : NULL;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        const char *kind = json_string_value(json_object_get(o, "kind"));
        const char *rate = json_string_value(json_object_get(o, "rate"));
        const char *tx = json_string_value(json_object_get(o, "taxable"));
        int64_t v = 0;
        if (!kind || !rate || !tx || money_parse(&v, tx, strlen(tx), c, "taxable", NULL) < 0)
            continue;
        if (strcmp(kind, "SGST") == 0 || strcmp(kind, "UTGST") == 0)
            continue;   /* the same taxable value as its CGST row */
        char key[48];
        snprintf(key, sizeof key, "%s %s%%", kind, rate);
        int k = 0;
        while (k < *n && strcmp(b[k].key, key) != 0)
            k++;
        if (k == *n) {
            if (*n == cap)
                continue;
            snprintf(b[k].key, sizeof b[k].key, "%s", key);
            b[k].taxable = 0;
            (*n)++;
        }
        b[k].taxable += sign * v;
    }
    json_decref(arr);
    return 0;
}

static int check_caps(Ctx *ctx, const Row *cn, const Row *inv, Error *err)
{
    const Currency *c = currency_find(row_text(inv, "currency"));
    Value p[2] = {val_text(row_text(inv, "id")), val_text(row_text(cn, "id"))};
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT tax_details, total_credit FROM credit_notes WHERE tenant_id = $1 AND invoice_id = $2"
                         " AND id <> $3 AND status IN ('issued', 'applied')",
                         p, 2, err);
    if (rc < 0)
        return rc;
    Bucket credited[64], invoiced[64];
    int nc = 0, ni = 0;
    int64_t other = 0;
    while (rows_next(&r)) {
        Value td = rows_get(&r, 0);
        char *s = td.kind == V_TEXT ? arena_strndup(ctx->arena, td.s, td.len) : NULL;
        add_details(s, c, credited, &nc, 64, 1);
        other += rows_get(&r, 1).i;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    int64_t remaining = row_int(inv, "total") - other;
    if (row_int(cn, "total_credit") > remaining)
        return err_set(err, ERR_INVALID, "lines",
                       "the credit note's total %s exceeds what remains creditable on invoice %s: %s",
                       fmt_money(ctx, row_int(cn, "total_credit"), row_text(inv, "currency")),
                       row_text(inv, "invoice_number"), fmt_money(ctx, remaining, row_text(inv, "currency")));
    add_details(row_text(cn, "tax_details"), c, credited, &nc, 64, 1);
    add_details(row_text(inv, "tax_details"), c, invoiced, &ni, 64, 1);
    for (int i = 0; i < nc; i++) {
        int64_t have = 0;
        bool found = false;
        for (int k = 0; k < ni; k++)
            if (strcmp(invoiced[k].key, credited[i].key) == 0) {
                have = invoiced[k].taxable;
                found = true;
            }
        if (!found)
            return err_set(err, ERR_INVALID, "lines", "invoice %s charged no %s: there is nothing to reverse at that rate",
                           row_text(inv, "invoice_number"), credited[i].key);
        if (credited[i].taxable > have)
            return err_set(err, ERR_INVALID, "lines",
                           "credit notes would reverse %s of taxable value at %s, more than the %s invoice %s charged",
                           fmt_money(ctx, credited[i].taxable, row_text(inv, "currency")), credited[i].key,
                           fmt_money(ctx, have, row_text(inv, "currency")), row_text(inv, "invoice_number"));
    }
    return 0;
}

static int reply_row(Ctx *ctx, const Row *row, ActionResult *out)
{
    out->json = codec_to_json(ctx, row);
    return out->json ? 0 : err_set(NULL, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int issue(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    if (in->body && json_object_size(in->body) > 0)
        return err_set(err, ERR_UNKNOWN_FIELD, json_object_iter_key(json_object_iter(in->body)),
                       "issue takes no input");
    Row old, row;
    CompanySettings cs;
    CustomerInfo ci;
    DocContext dc;
    int rc = crud_get(ctx, t, in->id, true, &old, err);
    if (rc < 0)
        return rc;
    if (!status_is(&old, "draft"))
        return err_set(err, ERR_STATE, NULL, "only a draft credit note can be issued; this one is %s",
                       row_text(&old, "status"));
    rc = company_settings_load(ctx, &cs, err);
    if (rc == 0)
        rc = doc_customer(ctx, row_text(&old, "customer_id"), &ci, err);
    if (rc < 0)
        return rc;
    row_copy(ctx, &row, &old);
    rc = doc_snapshot(ctx, &cs, &ci, &row, err);
    if (rc == 0)
        rc = doc_context(ctx, &DOC_CREDIT_NOTE, &cs, &row, &dc, err);
    if (rc == 0)
        rc = doc_compute(ctx, &DOC_CREDIT_NOTE, &dc, &row, NULL, NULL, err);
    if (rc < 0)
        return rc;
    if (row_int(&row, "total_credit") <= 0)
        return err_set(err, ERR_INVALID, "lines", "a credit note needs lines with a total above zero to be issued");
    const char *inv_id = row_text(&row, "invoice_id");
    if (inv_id) {
        Row inv;
        rc = get_invoice(ctx, inv_id, true, &inv, err);
        if (rc < 0)
            return rc;
        if (status_is(&inv, "draft") || status_is(&inv, "cancelled"))
            return err_set(err, ERR_STATE, "invoice_id", "the invoice is %s: only a finalized invoice can be credited",
                           row_text(&inv, "status"));
        rc = check_caps(ctx, &row, &inv, err);
        if (rc == 0)
            rc = not_before_invoice(&row, &inv, err);
        if (rc < 0)
            return rc;
    }
    const char *ds = row_text(&row, "credit_note_date");
    Date date = cs.today;
    if (ds)
        date_parse(&date, ds, strlen(ds), "credit_note_date", NULL);
    DocNumber num;
    rc = numbering_next(ctx, "credit_note", date, cs.fy_start_month, &num, err);
    if (rc < 0)
        return rc;
    row_set_text(ctx, &row, "credit_note_number", num.number);
    row_set_text(ctx, &row, "financial_year", num.fy);
    row_set_int(&row, "sequence_number", num.seq);
    row_set_text(ctx, &row, "status", "issued");
    row_set(&row, "balance_remaining", row_get(&row, "total_credit"));
    set_now(ctx, &row, "issued_at");
    rc = crud_update_row_as(ctx, t, &row, &old, "issue", err);
    if (rc == 0)
        rc = ledger_document_event(ctx, LEDGER_CREDIT_NOTE_ISSUED, &row, err);
    return rc < 0 ? rc : reply_row(ctx, &row, out);
}

static int cancel(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(in->body, key, v) {
        if (strcmp(key, "reason") != 0)
            return err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not an input of this action (only reason)", key);
    }
    json_t *jr = json_object_get(in->body, "reason");
    if (!json_is_string(jr) || json_string_length(jr) == 0)
        return err_set(err, jr ? ERR_TYPE : ERR_REQUIRED, "reason", "reason is required: say why");
    Row old, row;
    int rc = crud_get(ctx, t, in->id, true, &old, err);
    if (rc < 0)
        return rc;
    if (status_is(&old, "cancelled"))
        return err_set(err, ERR_STATE, NULL, "the credit note is already cancelled");
    if (!status_is(&old, "draft") && row_int(&old, "balance_remaining") != row_int(&old, "total_credit")) {
        rc = err_set(err, ERR_STATE, NULL, "the credit note has been applied to invoices; it cannot be cancelled");
        err_hint(err, "delete its applications (DELETE /api/v1/credit_note_applications/{id}) first");
        return rc;
    }
    row_copy(ctx, &row, &old);
    row_set_text(ctx, &row, "status", "cancelled");
    row_set_text(ctx, &row, "cancellation_reason", json_string_value(jr));
    set_now(ctx, &row, "cancelled_at");
    row_set(&row, "balance_remaining", val_int(0));
    rc = crud_update_row_as(ctx, t, &row, &old, "cancel", err);
    if (rc == 0)   /* a draft has no number and posted nothing: nothing to reverse */
        rc = ledger_document_event(ctx, LEDGER_CREDIT_NOTE_CANCELLED, &row, err);
    return rc < 0 ? rc : reply_row(ctx, &row, out);
}

/* POST /credit_notes/{id}/apply {"invoice_id"?, "amount"?}: the linked invoice and as much as fits by default. */
static int apply_action(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(in->body, key, v) {
        if (strcmp(key, "invoice_id") != 0 && strcmp(key, "amount") != 0)
            return err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not an input of this action (invoice_id, amount)", key);
        if (!json_is_string(v))
            return err_set(err, ERR_TYPE, key, "%s must be a string", key);
    }
    Row cn;
    int rc = crud_get(ctx, t, in->id, false, &cn, err);
    if (rc < 0)
        return rc;
    const char *inv_id = json_string_value(json_object_get(in->body, "invoice_id"));
    if (!inv_id)
        inv_id = row_text(&cn, "invoice_id");
    if (!inv_id)
        return err_set(err, ERR_REQUIRED, "invoice_id", "invoice_id is required: the credit note is standalone");
    const char *amount = json_string_value(json_object_get(in->body, "amount"));
    if (!amount) {
        Row inv;
        rc = get_invoice(ctx, inv_id, false, &inv, err);
        if (rc < 0)
            return rc;
        int64_t a = row_int(&cn, "balance_remaining"), b = row_int(&inv, "balance_due");
        amount = fmt_money(ctx, a < b ? a : b, row_text(&cn, "currency"));
    }
    json_t *o = json_pack("{s:s, s:s, s:s}", "credit_note_id", in->id, "invoice_id", inv_id, "amount_applied", amount);
    Row app;
    rc = crud_create(ctx, registry_find("credit_note_applications"), o, NULL, &app, err);
    json_decref(o);
    if (rc < 0)
        return rc;
    out->status = 201;
    return reply_row(ctx, &app, out);
}

static int pdf_action(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    return print_document(ctx, "credit_notes", in->id, out, err);
}

/* ---- applications ---- */

static int app_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    Row cn, inv;
    int rc = crud_get(ctx, registry_find("credit_notes"), row_text(row, "credit_note_id"), true, &cn, err);
    if (rc == -ERR_NOT_FOUND)
        return err_set(err, ERR_REFERENCE, "credit_note_id", "credit_note_id does not refer to an existing row of credit_notes");
    if (rc < 0)
        return rc;
    rc = get_invoice(ctx, row_text(row, "invoice_id"), true, &inv, err);   /* references before states */
    if (rc < 0)
        return rc;
    if (!status_is(&cn, "issued"))
        return err_set(err, ERR_STATE, "credit_note_id", "the credit note is %s: only an issued note with a balance can be applied",
                       row_text(&cn, "status"));
    static const DocApplication rule = {"credit note", "a credit can only be applied", "amount_applied",
                                        "balance_remaining", "the credit note's balance"};
    int64_t amt;
    const char *cur;
    rc = doc_application_check(ctx, &rule, row, &cn, &inv, &amt, &cur, err);
    if (rc < 0)
        return rc;
    row_set(row, "amount_applied", val_int(amt));
    row_set_text(ctx, row, "currency", cur);
    char d[11];
    date_format(d, company_today(ctx));
    row_set_text(ctx, row, "applied_date", d);
    return 0;
}

static int cn_move(Ctx *ctx, const char *cn_id, int64_t used, const char *action, Error *err)
{
    const Table *t = registry_find("credit_notes");
    Row old, row;
    int rc = crud_get(ctx, t, cn_id, true, &old, err);
    if (rc < 0)
        return rc;
    row_copy(ctx, &row, &old);
    int64_t bal = row_int(&old, "balance_remaining") - used;
    if (bal < 0 || bal > row_int(&old, "total_credit"))
        return err_set(err, ERR_INTERNAL, NULL, "credit note %s would be over-applied", cn_id);
    row_set(&row, "balance_remaining", val_int(bal));
    row_set_text(ctx, &row, "status", bal == 0 ? "applied" : "issued");
    return crud_update_row_as(ctx, t, &row, &old, action, err);
}

static int app_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    int64_t amt = row_int(row, "amount_applied");
    int rc = cn_move(ctx, row_text(row, "credit_note_id"), amt, "apply", err);
    return rc < 0 ? rc : invoice_adjust(ctx, row_text(row, "invoice_id"), 0, amt, "apply_credit", "amount_applied", NULL, err);
}

static int app_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    int64_t amt = row_int(old, "amount_applied");
    int rc = cn_move(ctx, row_text(old, "credit_note_id"), -amt, "unapply", err);
    return rc < 0 ? rc : invoice_adjust(ctx, row_text(old, "invoice_id"), 0, -amt, "unapply_credit", "amount_applied", NULL, err);
}

static const Hooks cn_hooks = {
    .before_write = cn_before_write,
    .after_write = cn_after_write,
    .before_delete = cn_before_delete,
    .extra_input = doc_take_lines,
    .decorate = cn_decorate,
};
static const Hooks line_hooks = {
    .before_write = line_before_write,
    .after_write = line_after_write,
    .before_delete = line_before_delete,
};
static const Hooks app_hooks = {
    .before_write = app_before_write,
    .after_write = app_after_write,
    .before_delete = app_before_delete,
};

static const Action issue_def = {.verb = "issue", .method = "POST", .write = true, .run = issue,
                                 .doc = "Issues a draft: assigns the next credit note number (draft -> issued)"};
static const Action cancel_def = {.verb = "cancel", .method = "POST", .write = true, .run = cancel,
                                  .doc = "Cancels a draft or an issued note nothing was applied from ({\"reason\"})"};
static const Action apply_def = {.verb = "apply", .method = "POST", .write = true, .run = apply_action,
                                 .doc = "Applies the note to an invoice ({\"invoice_id\"?, \"amount\"?}; default: the linked invoice, as much as fits)"};
static const Action pdf_def = {.verb = "pdf", .method = "GET", .run = pdf_action, .doc = "The credit note as an A4 PDF"};

void credit_note_init(void)
{
    DOC_CREDIT_NOTE.line_defaults = line_defaults;
    table_set_hooks("credit_notes", &cn_hooks);
    table_set_hooks("credit_note_lines", &line_hooks);
    table_set_hooks("credit_note_applications", &app_hooks);
    table_add_action("credit_notes", &issue_def);
    table_add_action("credit_notes", &cancel_def);
    table_add_action("credit_notes", &apply_def);
    table_add_action("credit_notes", &pdf_def);
}
