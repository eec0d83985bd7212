/* domain/print.c — documents to PdfDoc; see print.h.
 * Exports print_document, print_money.
 *
 * An issued document prints the seller and buyer as they were when it was
 * issued (the snapshot columns); a draft prints the current company profile
 * and customer, under a DRAFT stamp. Cancelled, bounced and cancelled
 * documents carry a stamp with the reason.
 */
#include "domain/print.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "domain/company.h"
#include "domain/document.h"
#include "domain/gst.h"
#include "domain/pdf.h"
#include "domain/words.h"
#include "model/crud.h"

#define PDF_MAX (16 * 1024 * 1024)

/* Groups the integer digits of a plain decimal string ("-123456.78"). */
static int group(char *out, size_t cap, const char *raw, bool indian, const char *symbol)
{
    const char *digits = raw[0] == '-' ? raw + 1 : raw;
    const char *dot = strchr(digits, '.');
    size_t ilen = dot ? (size_t)(dot - digits) : strlen(digits);
    char g[64];
    size_t n = 0;
    for (size_t i = 0; i < ilen && n < sizeof g - 2; i++) {
        size_t left = ilen - i;   /* digits from here to the end of the integer part */
        if (i > 0) {
            bool comma = indian ? (left == 3 || (left > 3 && (left - 3) % 2 == 0)) : left % 3 == 0;
            if (comma)
                g[n++] = ',';
        }
        g[n++] = digits[i];
    }
    g[n] = '\0';
    int w = snprintf(out, cap, "%s%s%s%s", raw[0] == '-' ? "-" : "", symbol ? symbol : "", g, dot ? dot : "");
    return w < 0 || (size_t)w >= cap ? -1 : w;
}

int print_money(char *out, size_t cap, int64_t minor, const Currency *c, bool symbol)
{
    char raw[MONEY_FORMAT_MAX];
    if (!c || money_format(raw, sizeof raw, minor, c) < 0)
        return -1;
    return group(out, cap, raw, strcmp(c->code, "INR") == 0, symbol ? c->symbol : NULL);
}

/* A unit price: grouped, with at least the currency's decimals and at most its own (0.000015). */
static int print_rate(char *out, size_t cap, Dec d, const Currency *c)
{
    char trimmed[DEC_FORMAT_MAX], raw[DEC_FORMAT_MAX];
    dec_format_trim(trimmed, sizeof trimmed, d);
    const char *dot = strchr(trimmed, '.');
    int scale = dot ? (int)strlen(dot + 1) : 0;
    if (scale < c->exponent)
        scale = c->exponent;
    if (dec_format(raw, sizeof raw, d, scale) < 0)
        return -1;
    return group(out, cap, raw, strcmp(c->code, "INR") == 0, NULL);
}

typedef struct P {
    Ctx *ctx;
    const Currency *cur;
} P;

static const char *money(P *p, int64_t v, bool symbol)
{
    char buf[96];
    if (print_money(buf, sizeof buf, v, p->cur, symbol) < 0)
        return "?";
    return arena_strdup(p->ctx->arena, buf);
}

static const char *fmt(Ctx *ctx, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(Ctx *ctx, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *s = arena_vprintf(ctx->arena, f, ap);
    va_end(ap);
    return s ? s : "";
}

static const char *dec_text(Ctx *ctx, int64_t scaled, int scale)
{
    char buf[DEC_FORMAT_MAX];
    dec_format_trim(buf, sizeof buf, dec_from_scaled(scaled, scale));
    return arena_strdup(ctx->arena, buf);
}

/* A date as 21-Nov-2026 (what Indian invoices print). */
static const char *date_text(Ctx *ctx, const char *iso)
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    Date d;
    if (!iso || date_parse(&d, iso, strlen(iso), "date", NULL) < 0)
        return iso ? iso : "";
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    return fmt(ctx, "%02d-%s-%04d", dd, mon[m - 1], y);
}

static const char *state_text(Ctx *ctx, const char *code)
{
    if (!code)
        return NULL;
    const char *name = gst_state_name(code);
    return name ? fmt(ctx, "%s (%s)", name, code) : code;
}

/* "address\nGSTIN: ...\nState: ..." from the parts present. */
static const char *party_text(Ctx *ctx, const char *address, const char *gstin, const char *state, const char *extra,
                              bool say_unregistered)
{
    Buf b;
    buf_init(&b, 8192);
    if (address)
        buf_printf(&b, "%s", address);
    if (gstin)
        buf_printf(&b, "%sGSTIN: %s", b.len ? "\n" : "", gstin);
    else if (say_unregistered)
        buf_printf(&b, "%sGSTIN: unregistered (B2C)", b.len ? "\n" : "");
    if (state)
        buf_printf(&b, "%sState: %s", b.len ? "\n" : "", state_text(ctx, state));
    if (extra)
        buf_printf(&b, "%s%s", b.len ? "\n" : "", extra);
    const char *s = arena_strdup(ctx->arena, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static void kv(PdfKV *arr, int *n, const char *label, const char *value, bool strong)
{
    if (!value || *n >= PDF_MAX_KV)
        return;
    arr[*n] = (PdfKV){label, value, strong};
    (*n)++;
}

static const char *seller_extra(Ctx *ctx, const CompanySettings *cs)
{
    Buf b;
    buf_init(&b, 4096);
    if (cs->pan)
        buf_printf(&b, "PAN: %s", cs->pan);
    if (cs->contact_email)
        buf_printf(&b, "%s%s", b.len ? "\n" : "", cs->contact_email);
    if (cs->contact_phone)
        buf_printf(&b, "%s%s", b.len ? "  " : "", cs->contact_phone);
    const char *s = b.len ? arena_strdup(ctx->arena, buf_cstr(&b)) : NULL;
    buf_free(&b);
    return s;
}

static const char *bank_text(Ctx *ctx, const CompanySettings *cs)
{
    if (!cs->bank_account_number && !cs->upi_id)
        return NULL;
    Buf b;
    buf_init(&b, 4096);
    if (cs->bank_account_name)
        buf_printf(&b, "Account name: %s\n", cs->bank_account_name);
    if (cs->bank_name)
        buf_printf(&b, "Bank: %s\n", cs->bank_name);
    if (cs->bank_account_number)
        buf_printf(&b, "Account number: %s\n", cs->bank_account_number);
    if (cs->bank_ifsc)
        buf_printf(&b, "IFSC: %s\n", cs->bank_ifsc);
    if (cs->upi_id)
        buf_printf(&b, "UPI: %s\n", cs->upi_id);
    if (b.len && b.data[b.len - 1] == '\n')
        b.data[--b.len] = '\0';
    const char *s = arena_strdup(ctx->arena, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static const char *const item_head[] = {"#", "Description", "HSN/SAC", "Qty", "Rate", "Taxable value", "Tax %",
                                        "Tax", "Amount"};
static const int item_width[] = {4, 23, 8, 7, 13, 13, 6, 12, 14};
static const char item_align[] = {'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'};
#define ITEM_COLS 9
static const char *const tax_head[] = {"Tax", "Rate", "Taxable value", "Tax amount"};
static const int tax_width[] = {25, 15, 30, 30};
static const char tax_align[] = {'l', 'r', 'r', 'r'};

static int items_table(P *p, const DocKind *k, const char *id, PdfTable *t, Error *err)
{
    Row *lines = NULL;
    int n = 0;
    int rc = doc_lines_load(p->ctx, k, id, &lines, &n, err);
    if (rc < 0)
        return rc;
    const char **cells = ARENA_ARRAY(p->ctx->arena, const char *, (size_t)(n ? n : 1) * ITEM_COLS);
    if (!cells)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    for (int i = 0; i < n; i++) {
        const Row *l = &lines[i];
        const char **c = cells + (size_t)i * ITEM_COLS;
        c[0] = fmt(p->ctx, "%d", i + 1);
        c[1] = row_text(l, "description");
        c[2] = row_text(l, "sac_code");
        const char *unit = row_text(l, "unit");
        c[3] = unit ? fmt(p->ctx, "%s %s", dec_text(p->ctx, row_int(l, "quantity"), 6), unit)
                    : dec_text(p->ctx, row_int(l, "quantity"), 6);
        char rate[96];
        c[4] = print_rate(rate, sizeof rate, dec_from_scaled(row_int(l, "rate"), 6), p->cur) < 0
                   ? dec_text(p->ctx, row_int(l, "rate"), 6)
                   : arena_strdup(p->ctx->arena, rate);
        c[5] = money(p, row_int(l, "amount"), false);
        c[6] = fmt(p->ctx, "%s%%", dec_text(p->ctx, row_int(l, "tax_rate"), 4));
        c[7] = money(p, row_int(l, "tax_amount"), false);
        c[8] = money(p, row_int(l, "total"), false);
    }
    *t = (PdfTable){ITEM_COLS, item_head, item_width, item_align, cells, n};
    return 0;
}

static int taxes_table(P *p, const Row *doc, PdfTable *t)
{
    const char *td = row_text(doc, "tax_details");
    json_t *arr = td ? json_loads(td, 0, NULL) : NULL;
    size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
    const char **cells = ARENA_ARRAY(p->ctx->arena, const char *, (n ? n : 1) * 4);
    if (!cells) {
        json_decref(arr);
        return -ERR_UNAVAILABLE;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(arr, i);
        const char **c = cells + i * 4;
        c[0] = arena_strdup(p->ctx->arena, json_string_value(json_object_get(o, "kind")) ?: "");
        c[1] = fmt(p->ctx, "%s%%", json_string_value(json_object_get(o, "rate")) ?: "");
        int64_t v = 0;
        const char *s = json_string_value(json_object_get(o, "taxable"));
        c[2] = s && money_parse(&v, s, strlen(s), p->cur, "taxable", NULL) == 0 ? money(p, v, false) : "";
        s = json_string_value(json_object_get(o, "amount"));
        c[3] = s && money_parse(&v, s, strlen(s), p->cur, "amount", NULL) == 0 ? money(p, v, false) : "";
    }
    json_decref(arr);
    *t = (PdfTable){4, tax_head, tax_width, tax_align, cells, (int)n};
    return 0;
}

static void tax_totals(P *p, PdfDoc *d, const Row *doc, const char *subtotal_field, const char *tax_field)
{
    kv(d->totals, &d->ntotals, "Taxable value", money(p, row_int(doc, subtotal_field), false), false);
    const char *st = row_text(doc, "supply_type");
    bool ut = false;
    const char *td = row_text(doc, "tax_details");
    if (td && strstr(td, "\"UTGST\""))
        ut = true;
    if (st && strcmp(st, "intra_state") == 0) {
        kv(d->totals, &d->ntotals, "CGST", money(p, row_int(doc, "cgst_total"), false), false);
        kv(d->totals, &d->ntotals, ut ? "UTGST" : "SGST", money(p, row_int(doc, "sgst_total"), false), false);
    } else if (st && strcmp(st, "inter_state") == 0) {
        kv(d->totals, &d->ntotals, "IGST", money(p, row_int(doc, "igst_total"), false), false);
    } else {
        kv(d->totals, &d->ntotals, "Tax", money(p, row_int(doc, tax_field), false), false);
    }
}

/* Seller and buyer: the snapshot of an issued document, the current ones for a draft. */
static int parties(P *p, PdfDoc *d, const Row *doc, bool issued, const CompanySettings *cs, Error *err)
{
    Ctx *ctx = p->ctx;
    if (issued && row_text(doc, "seller_name")) {
        d->seller_name = row_text(doc, "seller_name");
        d->seller_text = party_text(ctx, row_text(doc, "seller_address"), row_text(doc, "seller_gstin"),
                                    row_text(doc, "seller_state_code"), seller_extra(ctx, cs), false);
    } else {
        d->seller_name = cs->name ? cs->name : "(no company profile)";
        d->seller_text = party_text(ctx, cs->address, cs->gstin, cs->state_code, seller_extra(ctx, cs), false);
    }
    CustomerInfo ci;
    int rc = doc_customer(ctx, row_text(doc, "customer_id"), &ci, err);
    if (rc < 0)
        return rc;
    const char *gst = row_text(doc, "customer_gst");
    if (issued && row_text(doc, "billing_name")) {
        d->buyer_name = row_text(doc, "billing_name");
        d->buyer_text = party_text(ctx, row_text(doc, "billing_address"), gst, row_text(doc, "billing_state_code"), NULL,
                                   cs->gst);
    } else {
        d->buyer_name = ci.name;
        d->buyer_text = party_text(ctx, ci.address, gst, gst ? fmt(ctx, "%.2s", gst) : ci.state_code, NULL, cs->gst);
    }
    d->sign_for = fmt(ctx, "For %s", d->seller_name);
    d->sign_label = "Authorised Signatory";
    d->footer = "This is a computer-generated document.";
    return 0;
}

static void fx_meta(P *p, PdfDoc *d, const Row *doc, const CompanySettings *cs)
{
    const char *cur = row_text(doc, "currency");
    if (cur && strcmp(cur, cs->base_currency) != 0)
        kv(d->meta, &d->nmeta, "Exchange rate",
           fmt(p->ctx, "1 %s = %s %s", cur, dec_text(p->ctx, row_int(doc, "exchange_rate"), 6), cs->base_currency), false);
}

static void notes(PdfDoc *d, const Row *doc, const CompanySettings *cs, Ctx *ctx, bool bank)
{
    kv(d->notes, &d->nnotes, "Notes", row_text(doc, "notes"), false);
    kv(d->notes, &d->nnotes, "Terms and conditions", row_text(doc, "terms_and_conditions"), false);
    if (bank)
        kv(d->notes, &d->nnotes, "Bank details", bank_text(ctx, cs), false);
}

static const char *words(P *p, int64_t v)
{
    char buf[WORDS_MAX];
    return words_amount(buf, sizeof buf, v, p->cur) < 0 ? NULL : arena_strdup(p->ctx->arena, buf);
}

static int invoice_doc(P *p, const Row *inv, const CompanySettings *cs, PdfDoc *d, Error *err)
{
    Ctx *ctx = p->ctx;
    const char *status = row_text(inv, "status");
    bool draft = strcmp(status, "draft") == 0;
    d->title = (row_text(inv, "seller_gstin") || (draft && cs->gst)) ? "TAX INVOICE" : "INVOICE";
    d->subtitle = "Original for recipient";
    if (draft)
        d->stamp = "DRAFT - not valid as a tax invoice until finalized";
    else if (strcmp(status, "cancelled") == 0)
        d->stamp = fmt(ctx, "CANCELLED: %s", row_text(inv, "cancellation_reason") ?: "");
    int rc = parties(p, d, inv, !draft, cs, err);
    if (rc < 0)
        return rc;
    kv(d->meta, &d->nmeta, "Invoice No.", row_text(inv, "invoice_number") ?: "(draft)", true);
    kv(d->meta, &d->nmeta, "Invoice date", date_text(ctx, row_text(inv, "invoice_date")), false);
    kv(d->meta, &d->nmeta, "Due date", date_text(ctx, row_text(inv, "due_date")), false);
    kv(d->meta, &d->nmeta, "Place of supply", state_text(ctx, row_text(inv, "place_of_supply")), false);
    kv(d->meta, &d->nmeta, "Reverse charge", cs->gst || row_text(inv, "seller_gstin") ? "No" : NULL, false);
    kv(d->meta, &d->nmeta, "Reference", row_text(inv, "reference_number"), false);
    kv(d->meta, &d->nmeta, "Payment terms", row_text(inv, "payment_terms_label"), false);
    kv(d->meta, &d->nmeta, "Currency", row_text(inv, "currency"), false);
    fx_meta(p, d, inv, cs);
    d->buyer_title = "Bill to";
    rc = items_table(p, &DOC_INVOICE, row_text(inv, "id"), &d->items, err);
    if (rc == 0 && taxes_table(p, inv, &d->taxes) < 0)
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc < 0)
        return rc;
    d->taxes_title = "Tax summary (per rate)";
    tax_totals(p, d, inv, "subtotal", "tax_total");
    kv(d->totals, &d->ntotals, "Total", money(p, row_int(inv, "total"), true), true);
    if (row_int(inv, "paid_amount"))
        kv(d->totals, &d->ntotals, "Amount paid", money(p, row_int(inv, "paid_amount"), false), false);
    if (row_int(inv, "credits_applied"))
        kv(d->totals, &d->ntotals, "Credits applied", money(p, row_int(inv, "credits_applied"), false), false);
    int64_t due = draft ? row_int(inv, "total") : row_int(inv, "balance_due");
    kv(d->totals, &d->ntotals, "Amount due", money(p, due, true), true);
    d->words_label = "Amount chargeable (in words)";
    d->words = words(p, row_int(inv, "total"));
    notes(d, inv, cs, ctx, true);
    return 0;
}

static int credit_doc(P *p, const Row *cn, const CompanySettings *cs, PdfDoc *d, Error *err)
{
    Ctx *ctx = p->ctx;
    const char *status = row_text(cn, "status");
    bool draft = strcmp(status, "draft") == 0;
    d->title = "CREDIT NOTE";
    d->subtitle = row_text(cn, "seller_gstin") || cs->gst ? "Issued under section 34 of the CGST Act" : NULL;
    if (draft)
        d->stamp = "DRAFT - not valid until issued";
    else if (strcmp(status, "cancelled") == 0)
        d->stamp = fmt(ctx, "CANCELLED: %s", row_text(cn, "cancellation_reason") ?: "");
    int rc = parties(p, d, cn, !draft, cs, err);
    if (rc < 0)
        return rc;
    kv(d->meta, &d->nmeta, "Credit note No.", row_text(cn, "credit_note_number") ?: "(draft)", true);
    kv(d->meta, &d->nmeta, "Date", date_text(ctx, row_text(cn, "credit_note_date")), false);
    const char *inv_id = row_text(cn, "invoice_id");
    if (inv_id) {
        Row inv;
        if (crud_get(ctx, registry_find("invoices"), inv_id, false, &inv, err) == 0)
            kv(d->meta, &d->nmeta, "Against invoice",
               fmt(ctx, "%s dated %s", row_text(&inv, "invoice_number") ?: "(draft)",
                   date_text(ctx, row_text(&inv, "invoice_date"))),
               false);
    }
    kv(d->meta, &d->nmeta, "Place of supply", state_text(ctx, row_text(cn, "place_of_supply")), false);
    kv(d->meta, &d->nmeta, "Reason", row_text(cn, "reason"), false);
    kv(d->meta, &d->nmeta, "Currency", row_text(cn, "currency"), false);
    fx_meta(p, d, cn, cs);
    d->buyer_title = "Credited to";
    rc = items_table(p, &DOC_CREDIT_NOTE, row_text(cn, "id"), &d->items, err);
    if (rc == 0 && taxes_table(p, cn, &d->taxes) < 0)
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc < 0)
        return rc;
    d->taxes_title = "Tax reversed (per rate)";
    tax_totals(p, d, cn, "amount", "gst_amount");
    kv(d->totals, &d->ntotals, "Total credit", money(p, row_int(cn, "total_credit"), true), true);
    if (!draft) {
        kv(d->totals, &d->ntotals, "Applied",
           money(p, row_int(cn, "total_credit") - row_int(cn, "balance_remaining"), false), false);
        kv(d->totals, &d->ntotals, "Balance remaining", money(p, row_int(cn, "balance_remaining"), true), true);
    }
    d->words_label = "Amount credited (in words)";
    d->words = words(p, row_int(cn, "total_credit"));
    kv(d->notes, &d->nnotes, "Description", row_text(cn, "description"), false);
    notes(d, cn, cs, ctx, false);
    return 0;
}

static const char *const alloc_head[] = {"Invoice", "Invoice date", "Invoice total", "Status", "Amount applied"};
static const int alloc_width[] = {24, 18, 20, 16, 22};
static const char alloc_align[] = {'l', 'l', 'r', 'l', 'r'};

static int receipt_doc(P *p, const Row *rc_row, const CompanySettings *cs, PdfDoc *d, Error *err)
{
    Ctx *ctx = p->ctx;
    const char *status = row_text(rc_row, "status");
    d->title = "PAYMENT RECEIPT";
    if (strcmp(status, "bounced") == 0)
        d->stamp = fmt(ctx, "BOUNCED: %s", row_text(rc_row, "bounce_reason") ?: "");
    else if (strcmp(status, "cancelled") == 0)
        d->stamp = fmt(ctx, "CANCELLED: %s", row_text(rc_row, "cancellation_reason") ?: "");
    int rc = parties(p, d, rc_row, false, cs, err);
    if (rc < 0)
        return rc;
    CustomerInfo ci;
    rc = doc_customer(ctx, row_text(rc_row, "customer_id"), &ci, err);
    if (rc < 0)
        return rc;
    d->buyer_title = "Received from";
    d->buyer_text = party_text(ctx, ci.address, ci.gstin, ci.state_code, NULL, false);
    kv(d->meta, &d->nmeta, "Receipt No.", row_text(rc_row, "receipt_number"), true);
    kv(d->meta, &d->nmeta, "Date", date_text(ctx, row_text(rc_row, "receipt_date")), false);
    const char *method = row_text(rc_row, "payment_method");
    static const struct { const char *k, *v; } methods[] = {
        {"bank_transfer", "Bank transfer"}, {"cheque", "Cheque"}, {"cash", "Cash"},
        {"upi", "UPI"}, {"card", "Card"}, {"other", "Other"}};
    for (size_t i = 0; method && i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].k, method) == 0)
            kv(d->meta, &d->nmeta, "Payment method", methods[i].v, false);
    kv(d->meta, &d->nmeta, "Reference", row_text(rc_row, "reference_number"), false);
    kv(d->meta, &d->nmeta, "Cheque No.", row_text(rc_row, "cheque_number"), false);
    kv(d->meta, &d->nmeta, "Bank", row_text(rc_row, "bank_name"), false);
    kv(d->meta, &d->nmeta, "Status", status, false);
    kv(d->meta, &d->nmeta, "Currency", row_text(rc_row, "currency"), false);

    Value prm[1] = {val_text(row_text(rc_row, "id"))};
    Rows r;
    rc = store_query(ctx->conn, &r,
                     "SELECT i.invoice_number, i.invoice_date, i.total, a.status, a.allocated_amount"
                     " FROM receipt_allocations a JOIN invoices i ON i.tenant_id = a.tenant_id AND i.id = a.invoice_id"
                     " WHERE a.tenant_id = $1 AND a.receipt_id = $2 ORDER BY a.created_at, a.id",
                     prm, 1, err);
    if (rc < 0)
        return rc;
    int cap = 8, n = 0;
    const char **cells = ARENA_ARRAY(ctx->arena, const char *, (size_t)cap * 5);
    while (cells && rows_next(&r)) {
        if (n == cap) {
            cells = arena_realloc(ctx->arena, cells, sizeof(char *) * (size_t)cap * 5, sizeof(char *) * (size_t)cap * 10);
            cap *= 2;
            if (!cells)
                break;
        }
        const char **c = cells + (size_t)n * 5;
        Value v0 = rows_get(&r, 0), v1 = rows_get(&r, 1), v3 = rows_get(&r, 3);
        c[0] = v0.kind == V_TEXT ? arena_strndup(ctx->arena, v0.s, v0.len) : "";
        c[1] = v1.kind == V_TEXT ? date_text(ctx, arena_strndup(ctx->arena, v1.s, v1.len)) : "";
        c[2] = money(p, rows_get(&r, 2).i, false);
        c[3] = v3.kind == V_TEXT ? arena_strndup(ctx->arena, v3.s, v3.len) : "";
        c[4] = money(p, rows_get(&r, 4).i, false);
        n++;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    if (!cells)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    d->items = (PdfTable){5, alloc_head, alloc_width, alloc_align, cells, n};
    kv(d->totals, &d->ntotals, "Amount received", money(p, row_int(rc_row, "amount"), true), true);
    kv(d->totals, &d->ntotals, "Applied to invoices", money(p, row_int(rc_row, "allocated_amount"), false), false);
    kv(d->totals, &d->ntotals, "Unapplied (customer credit)", money(p, row_int(rc_row, "unallocated_amount"), false),
       false);
    d->words_label = "Amount received (in words)";
    d->words = words(p, row_int(rc_row, "amount"));
    kv(d->notes, &d->nnotes, "Notes", row_text(rc_row, "notes"), false);
    return 0;
}

int print_document(Ctx *ctx, const char *table, const char *id, ActionResult *out, Error *err)
{
    const Table *t = registry_find(table);
    Row row;
    int rc = crud_get(ctx, t, id, false, &row, err);
    if (rc < 0)
        return rc;
    CompanySettings cs;
    rc = company_settings_load(ctx, &cs, err);
    if (rc < 0)
        return rc;
    P p = {ctx, currency_find(row_text(&row, "currency"))};
    if (!p.cur)
        p.cur = currency_find(cs.base_currency);
    PdfDoc d;
    memset(&d, 0, sizeof d);
    const char *number;
    if (strcmp(table, "invoices") == 0) {
        rc = invoice_doc(&p, &row, &cs, &d, err);
        number = row_text(&row, "invoice_number");
    } else if (strcmp(table, "credit_notes") == 0) {
        rc = credit_doc(&p, &row, &cs, &d, err);
        number = row_text(&row, "credit_note_number");
    } else {
        rc = receipt_doc(&p, &row, &cs, &d, err);
        number = row_text(&row, "receipt_number");
    }
    if (rc < 0)
        return rc;
    Buf b;
    buf_init(&b, PDF_MAX);
    rc = pdf_render(&b, &d, err);
    if (rc == 0) {
        out->nbytes = b.len;
        out->bytes = arena_alloc(ctx->arena, b.len ? b.len : 1);
        if (!out->bytes)
            rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        else
            memcpy((char *)out->bytes, b.data, b.len);
    }
    buf_free(&b);
    if (rc < 0)
        return rc;
    out->content_type = "application/pdf";
    char name[64];
    snprintf(name, sizeof name, "%s.pdf", number ? number : id);
    for (char *q = name; *q; q++)
        if (*q == '/' || *q == '"' || *q == '\\')
            *q = '-';
    out->filename = arena_strdup(ctx->arena, name);
    return 0;
}
