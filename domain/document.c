/* domain/document.c — lines, tax resolution and totals shared by invoices and
 * credit notes; see document.h.
 * Exports DOC_INVOICE, DOC_CREDIT_NOTE, doc_take_lines, doc_context,
 * doc_line_prepare, doc_lines_decode, doc_lines_insert, doc_lines_delete_all,
 * doc_compute, doc_lines_json, doc_lines_load, doc_exchange_rate,
 * doc_customer, doc_customer_place.
 *
 * The tax rate of a line, in order: the rate given on the line (source
 * "line", kept until the line says otherwise); 0 for a tax-exempt customer or
 * a service that is not taxable ("exempt"); the rate of the line's tax
 * category (given, or the service's) in force on the document's date, for the
 * place of supply or for everywhere ("tax_rate", and tax_rate_id says which
 * row); the service's own rate ("service"); the GST settings' default rate
 * ("default"). Lines not given a rate are re-resolved whenever a draft is
 * recomputed, so changing a draft's date picks up the rate in force then.
 */
#include "domain/document.h"
#include "domain/invoice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "model/codec.h"
#include "model/crud.h"

#define MAX_LINES 5000

const DocKind DOC_INVOICE = {
    .table = "invoices", .line_table = "invoice_line_items", .parent_field = "invoice_id",
    .date_field = "invoice_date", .number_field = "invoice_number",
    .f_subtotal = "subtotal", .f_tax = "tax_total", .f_total = "total", .what = "invoice",
};

DocKind DOC_CREDIT_NOTE = {
    .table = "credit_notes", .line_table = "credit_note_lines", .parent_field = "credit_note_id",
    .date_field = "credit_note_date", .number_field = "credit_note_number",
    .f_subtotal = "amount", .f_tax = "gst_amount", .f_total = "total_credit", .what = "credit note",
};

static void copy_trunc(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memmove(dst, src, n);
    dst[n] = '\0';
}

static void prefix_field(Error *err, int i)
{
    if (!err)
        return;
    char f[256];
    if (err->field[0])
        snprintf(f, sizeof f, "lines[%d].%s", i, err->field);
    else
        snprintf(f, sizeof f, "lines[%d]", i);
    copy_trunc(err->field, sizeof err->field, f);
    if (strncmp(err->message, "lines[", 6) != 0) {
        char m[512];
        snprintf(m, sizeof m, "lines[%d]: %s", i, err->message);
        copy_trunc(err->message, sizeof err->message, m);
    }
}

int doc_take_lines(Ctx *ctx, const Table *t, Row *row, const char *key, json_t *value, Error *err)
{
    if (strcmp(key, "lines") != 0)
        return 0;
    if (!json_is_array(value))
        return err_set(err, ERR_TYPE, "lines", "lines must be an array of line objects");
    if (json_array_size(value) > 1000)
        return err_set(err, ERR_RANGE, "lines", "at most 1000 lines in one request; add more through the lines endpoint");
    size_t i;
    json_t *v;
    json_array_foreach(value, i, v) {
        if (!json_is_object(v))
            return err_set(err, ERR_TYPE, "lines", "lines[%zu] must be an object", i);
    }
    DocLines *d = ARENA_NEW(ctx->arena, DocLines);
    if (!d)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    d->json = value;
    row->extra = d;
    return 1;
}

static const char *text_at(Ctx *ctx, Rows *r, int i)
{
    Value v = rows_get(r, i);
    if (v.kind != V_TEXT || v.len == 0)
        return NULL;
    return arena_strndup(ctx->arena, v.s, v.len);
}

void doc_customer_read(Ctx *ctx, Rows *r, int col, CustomerInfo *out)
{
    memset(out, 0, sizeof *out);
    out->name = text_at(ctx, r, col);
    const char *addr = text_at(ctx, r, col + 1);
    if (!addr) {
        char buf[2600] = "";
        size_t n = 0;
        for (int i = 2; i <= 6; i++) {
            const char *part = text_at(ctx, r, col + i);
            if (!part)
                continue;
            const char *sep = n == 0 ? "" : (i <= 4 ? "\n" : " ");
            int w = snprintf(buf + n, sizeof buf - n, "%s%s", sep, part);
            if (w > 0 && (size_t)w < sizeof buf - n)
                n += (size_t)w;
        }
        addr = n ? arena_strdup(ctx->arena, buf) : NULL;
    }
    out->address = addr;
    out->country = text_at(ctx, r, col + 7);
    out->gstin = text_at(ctx, r, col + 8);
    out->state_code = text_at(ctx, r, col + 9);
    out->place_of_supply = text_at(ctx, r, col + 10);
    out->currency = text_at(ctx, r, col + 11);
    out->payment_terms = rows_get(r, col + 12).i;
    out->exempt = rows_get(r, col + 13).i != 0;
    out->active = rows_get(r, col + 14).i != 0;
}

int doc_customer(Ctx *ctx, const char *customer_id, CustomerInfo *out, Error *err)
{
    memset(out, 0, sizeof *out);
    Value p[1] = {val_text(customer_id)};
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT " DOC_CUSTOMER_COLUMNS " FROM customers WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL",
                         p, 1, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r))
        doc_customer_read(ctx, &r, 0, out);
    else if ((rc = rows_error(&r, err)) == 0)
        rc = err_set(err, ERR_REFERENCE, "customer_id", "customer_id does not refer to an existing row of customers");
    rows_close(&r);
    return rc;
}

const char *doc_customer_place(const CustomerInfo *ci)
{
    if (ci->place_of_supply)
        return ci->place_of_supply;
    if (ci->state_code)
        return ci->state_code;
    if (ci->country && strcmp(ci->country, "IN") != 0)
        return GST_STATE_ABROAD;
    return NULL;
}

int doc_exchange_rate(Ctx *ctx, const char *currency, const char *base, Date date, const char *field, int64_t *out,
                      Error *err)
{
    if (strcmp(currency, base) == 0) {
        *out = 1000000;
        return 0;
    }
    char ds[11];
    date_format(ds, date);
    Value p[2] = {val_text(currency), val_text(ds)};
    int rc = store_query_int(ctx->conn, out,
                             "SELECT rate FROM exchange_rates WHERE tenant_id = $1 AND currency = $2"
                             " AND effective_date <= $3 ORDER BY effective_date DESC LIMIT 1",
                             p, 2, err);
    if (rc == -ERR_NOT_FOUND) {
        rc = err_set(err, ERR_INVALID, field, "%s is required: no exchange rate for %s on or before %s", field, currency,
                     ds);
        err_hint(err, "give %s, or add one with POST /api/v1/exchange_rates", field);
    }
    return rc;
}

int doc_context(Ctx *ctx, const DocKind *k, const CompanySettings *cs, const Row *doc, DocContext *dc, Error *err)
{
    int rc = doc_context_of(k, cs, NULL, doc, dc, err);
    if (rc < 0)
        return rc;
    const char *cust = row_text(doc, "customer_id");
    if (cust) {
        CustomerInfo ci;
        Error e = {0};
        rc = doc_customer(ctx, cust, &ci, &e);
        if (rc == -ERR_REFERENCE)   /* the document's own check names it */
            return 0;
        if (rc < 0) {
            if (err)
                *err = e;
            return rc;
        }
        dc->customer_exempt = ci.exempt;
        if (!cs->gst)
            dc->region = ci.place_of_supply ? ci.place_of_supply : ci.country;
    }
    return 0;
}

int doc_context_of(const DocKind *k, const CompanySettings *cs, const CustomerInfo *ci, const Row *doc,
                   DocContext *dc, Error *err)
{
    memset(dc, 0, sizeof *dc);
    dc->cs = cs;
    const char *code = row_text(doc, "currency");
    dc->cur = currency_find(code ? code : cs->base_currency);
    if (!dc->cur)
        return err_set(err, ERR_INVALID, "currency", "currency must be an ISO 4217 code such as \"INR\" or \"USD\"");
    dc->place = row_text(doc, "place_of_supply");
    dc->region = dc->place;
    if (!cs->gst && ci)
        dc->region = ci->place_of_supply ? ci->place_of_supply : ci->country;
    dc->mode = gst_supply_mode(cs->state_code, dc->place, cs->gst);
    dc->ut = dc->mode == SUPPLY_INTRA && gst_state_is_ut(dc->place ? dc->place : cs->state_code);
    dc->inclusive = row_int(doc, "is_tax_inclusive") != 0;
    const char *ds = row_text(doc, k->date_field);
    if (!ds || date_parse(&dc->date, ds, strlen(ds), k->date_field, err) < 0)
        dc->date = cs->today;
    dc->customer_exempt = ci && ci->exempt;
    return 0;
}

typedef struct Service {
    const char *name, *sac, *unit, *currency, *tax_category;
    int64_t default_rate;
    bool has_tax_rate;
    int64_t tax_rate;
    bool taxable;
} Service;

static int load_service(Ctx *ctx, const char *id, Service *s, Error *err)
{
    memset(s, 0, sizeof *s);
    Value p[1] = {val_text(id)};
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT name, sac_code, unit_of_measure, currency, tax_category, default_rate, tax_rate,"
                         " is_taxable FROM services WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL",
                         p, 1, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        s->name = text_at(ctx, &r, 0);
        s->sac = text_at(ctx, &r, 1);
        s->unit = text_at(ctx, &r, 2);
        s->currency = text_at(ctx, &r, 3);
        s->tax_category = text_at(ctx, &r, 4);
        s->default_rate = rows_get(&r, 5).i;
        Value tr = rows_get(&r, 6);
        s->has_tax_rate = tr.kind == V_INT;
        s->tax_rate = tr.i;
        s->taxable = rows_get(&r, 7).i != 0;
    } else if ((rc = rows_error(&r, err)) == 0) {
        rc = err_set(err, ERR_REFERENCE, "service_id", "service_id does not refer to an existing row of services");
    }
    rows_close(&r);
    return rc;
}

/* The rate of a category in force on date, preferring one for the place of supply. */
static int category_rate(Ctx *ctx, const char *category, Date date, const char *place, int64_t *rate,
                         const char **id, Error *err)
{
    char ds[11];
    date_format(ds, date);
    Value p[4] = {val_text(category), val_text(ds), val_text(place ? place : ""), val_bool(true)};
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT id, rate FROM tax_rates WHERE tenant_id = $1 AND deleted_at IS NULL AND category = $2"
                         " AND effective_from <= $3 AND (effective_to IS NULL OR effective_to >= $3)"
                         " AND (region IS NULL OR region = $4) AND is_active = $5"
                         " ORDER BY (CASE WHEN region IS NULL THEN 1 ELSE 0 END), effective_from DESC LIMIT 1",
                         p, 4, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        *id = text_at(ctx, &r, 0);
        *rate = rows_get(&r, 1).i;
    } else if ((rc = rows_error(&r, err)) == 0) {
        rc = err_set(err, ERR_INVALID, "tax_category", "no tax rate of category %s is in force on %s", category, ds);
        err_hint(err, "add one with POST /api/v1/tax_rates, or give tax_rate on the line");
    }
    rows_close(&r);
    return rc;
}

static bool is_set(const Row *row, const char *field)
{
    int c = table_col(row->t, field);
    return c >= 0 && row->set[c];
}

int doc_line_prepare(Ctx *ctx, const DocKind *k, const DocContext *dc, Row *line, const Row *old, Error *err)
{
    Service svc;
    bool has_svc = false;
    int rc;
    const char *sid = row_text(line, "service_id");
    if (sid) {
        rc = load_service(ctx, sid, &svc, err);
        if (rc < 0)
            return rc;
        has_svc = true;
        bool fresh = !old || is_set(line, "service_id");
        if (fresh) {
            if (row_is_null(line, "description") && svc.name)
                row_set_text(ctx, line, "description", svc.name);
            if (row_is_null(line, "sac_code") && svc.sac)
                row_set_text(ctx, line, "sac_code", svc.sac);
            if (row_is_null(line, "unit") && svc.unit)
                row_set_text(ctx, line, "unit", svc.unit);
            if (row_is_null(line, "tax_category") && svc.tax_category)
                row_set_text(ctx, line, "tax_category", svc.tax_category);
            if (row_is_null(line, "rate")) {
                if (svc.currency && strcmp(svc.currency, dc->cur->code) != 0)
                    return err_set(err, ERR_REQUIRED, "rate", "rate is required: the service is priced in %s, the %s is in %s",
                                   svc.currency, k->what, dc->cur->code);
                row_set(line, "rate", val_int(svc.default_rate));
            }
        }
    }
    if (row_is_null(line, "rate"))
        return err_set(err, ERR_REQUIRED, "rate", "rate is required (or a service_id with a default rate)");
    if (row_is_null(line, "description"))
        return err_set(err, ERR_REQUIRED, "description", "description is required (or a service_id)");
    if (row_is_null(line, "quantity"))
        row_set(line, "quantity", val_int(1000000));

    /* the tax rate */
    bool explicit_rate = is_set(line, "tax_rate") && !row_is_null(line, "tax_rate");
    bool keep = !is_set(line, "tax_rate") && old && row_text(old, "tax_rate_source") &&
                strcmp(row_text(old, "tax_rate_source"), "line") == 0;
    if (explicit_rate || keep) {
        row_set_text(ctx, line, "tax_rate_source", "line");
        row_set(line, "tax_rate_id", val_null());
    } else {
        const char *cat = row_text(line, "tax_category");
        int64_t rate = 0;
        const char *src, *rid = NULL;
        if (dc->customer_exempt || (has_svc && !svc.taxable)) {
            src = "exempt";
        } else if (cat) {
            rc = category_rate(ctx, cat, dc->date, dc->region, &rate, &rid, err);
            if (rc < 0)
                return rc;
            src = "tax_rate";
        } else if (has_svc && svc.has_tax_rate) {
            rate = svc.tax_rate;
            src = "service";
        } else {
            int64_t scaled = 0;
            dec_to_scaled(&scaled, dc->cs->default_rate, 4, NULL);
            rate = scaled;
            src = "default";
        }
        row_set(line, "tax_rate", val_int(rate));
        row_set(line, "tax_rate_id", rid ? val_text(rid) : val_null());
        row_set_text(ctx, line, "tax_rate_source", src);
    }

    /* a bill run's line keeps the engine's amount (domain/billrun.c) */
    bool rated = table_col(line->t, "is_rated") >= 0 && row_int(line, "is_rated") != 0;
    CalcLine cl = {
        .quantity = dec_from_scaled(row_int(line, "quantity"), 6),
        .rate = dec_from_scaled(row_int(line, "rate"), 6),
        .tax_rate = dec_from_scaled(row_int(line, "tax_rate"), 4),
        .rated = rated,
        .amount = rated ? row_int(line, "amount") : 0,
    };
    rc = calc_line(&cl, dc->cur, dc->mode, dc->inclusive, dc->cs->rounding, err);
    if (rc < 0)
        return rc;
    row_set_text(ctx, line, "currency", dc->cur->code);
    row_set(line, "amount", val_int(cl.amount));
    row_set(line, "tax_amount", val_int(cl.tax));
    row_set(line, "cgst_amount", val_int(cl.cgst));
    row_set(line, "sgst_amount", val_int(cl.sgst));
    row_set(line, "igst_amount", val_int(cl.igst));
    row_set(line, "total", val_int(cl.total));
    return 0;
}

int doc_lines_decode(Ctx *ctx, const DocKind *k, const DocContext *dc, const Row *doc, DocLines *d, Error *err)
{
    const char *doc_id = row_text(doc, "id");
    const Table *lt = registry_find(k->line_table);
    size_t n = json_array_size(d->json);
    d->rows = ARENA_ARRAY(ctx->arena, Row, n ? n : 1);
    d->n = 0;
    if (!d->rows)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(d->json, i);
        Row *line = &d->rows[i];
        int rc = row_init(line, ctx, lt);
        if (rc == 0 && json_object_get(o, k->parent_field))
            rc = err_set(err, ERR_READONLY, k->parent_field, "%s is given by the %s", k->parent_field, k->what);
        if (rc == 0) {
            row_set_text(ctx, line, k->parent_field, doc_id);
            /* the document's currency first, so money fields of the line decode in it */
            row_set_text(ctx, line, "currency", dc->cur->code);
            rc = codec_from_json(ctx, lt, o, line, false, err);
        }
        if (rc == 0 && !is_set(line, "sort_order"))
            row_set_int(line, "sort_order", (int64_t)i + 1);
        if (rc == 0)
            rc = codec_apply_defaults(ctx, lt, line, err);
        if (rc == 0 && k->line_defaults)
            rc = k->line_defaults(ctx, doc, line, err);
        if (rc == 0)
            rc = doc_line_prepare(ctx, k, dc, line, NULL, err);
        if (rc < 0) {
            prefix_field(err, (int)i);
            return rc;
        }
        d->n++;
    }
    return 0;
}

int doc_lines_insert(Ctx *ctx, const DocKind *k, DocLines *d, Error *err)
{
    const Table *lt = registry_find(k->line_table);
    for (int i = 0; i < d->n; i++) {
        int rc = crud_insert_row(ctx, lt, &d->rows[i], err);
        if (rc < 0) {
            prefix_field(err, i);
            return rc;
        }
    }
    return 0;
}

int doc_lines_load(Ctx *ctx, const DocKind *k, const char *doc_id, Row **out, int *n, Error *err)
{
    const Table *lt = registry_find(k->line_table);
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE tenant_id = $1 AND %s = $2 ORDER BY sort_order, id",
             lt->select_list, lt->name, k->parent_field);
    Value p[1] = {val_text(doc_id)};
    Rows r;
    int rc = store_query(ctx->conn, &r, sql, p, 1, err);
    if (rc < 0)
        return rc;
    int cap = 16, cnt = 0;
    Row *rows = ARENA_ARRAY(ctx->arena, Row, cap);
    while (rc == 0 && rows && rows_next(&r)) {
        if (cnt == MAX_LINES) {
            rc = err_set(err, ERR_RANGE, "lines", "a %s may have at most %d lines", k->what, MAX_LINES);
            break;
        }
        if (cnt == cap) {
            rows = arena_realloc(ctx->arena, rows, sizeof(Row) * (size_t)cap, sizeof(Row) * (size_t)cap * 2);
            cap *= 2;
            if (!rows)
                break;
        }
        rc = codec_from_rows(ctx, lt, &r, &rows[cnt]);
        cnt++;
    }
    if (!rows && rc == 0)
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    *out = rows;
    *n = cnt;
    return rc;
}

int doc_lines_delete_all(Ctx *ctx, const DocKind *k, const char *doc_id, Error *err)
{
    Row *rows = NULL;
    int n = 0;
    int rc = doc_lines_load(ctx, k, doc_id, &rows, &n, err);
    const Table *lt = registry_find(k->line_table);
    for (int i = 0; i < n && rc == 0; i++)
        rc = crud_delete_row(ctx, lt, &rows[i], err);
    return rc;
}

static bool same_value(Value a, Value b)
{
    if (a.kind != b.kind)
        return false;
    if (a.kind == V_TEXT)
        return a.len == b.len && memcmp(a.s, b.s, a.len) == 0;
    return a.i == b.i;
}

static json_t *tax_details(const CalcTotals *t, const Currency *cur)
{
    json_t *arr = json_array();
    for (int i = 0; i < t->ntaxes; i++) {
        char rate[DEC_FORMAT_MAX], taxable[MONEY_FORMAT_MAX], amount[MONEY_FORMAT_MAX];
        dec_format_trim(rate, sizeof rate, t->taxes[i].rate);
        money_format(taxable, sizeof taxable, t->taxes[i].taxable, cur);
        money_format(amount, sizeof amount, t->taxes[i].amount, cur);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "kind", t->taxes[i].kind, "rate", rate,
                                             "taxable", taxable, "amount", amount));
    }
    return arr;
}

int doc_compute(Ctx *ctx, const DocKind *k, const DocContext *dc, Row *doc, const DocLines *d,
                const char *exclude_line_id, Error *err)
{
    Row *rows = NULL;
    int n = 0, rc = 0;
    const Table *lt = registry_find(k->line_table);
    if (d) {
        rows = d->rows;
        n = d->n;
    } else {
        rc = doc_lines_load(ctx, k, row_text(doc, "id"), &rows, &n, err);
        if (rc < 0)
            return rc;
        int kept = 0;
        for (int i = 0; i < n && rc == 0; i++) {
            const char *lid = row_text(&rows[i], "id");
            if (exclude_line_id && lid && strcmp(lid, exclude_line_id) == 0)
                continue;
            Row fresh;
            row_copy(ctx, &fresh, &rows[i]);
            rc = doc_line_prepare(ctx, k, dc, &fresh, &rows[i], err);
            bool changed = false;
            for (int c = 0; rc == 0 && c < lt->nfields; c++)
                if (!same_value(fresh.v[c], rows[i].v[c]))
                    changed = true;
            if (rc == 0 && changed)
                rc = crud_update_row(ctx, lt, &fresh, &rows[i], err);
            if (rc < 0) {
                prefix_field(err, i);
                return rc;
            }
            rows[kept++] = fresh;
        }
        n = kept;
    }
    CalcLine *cl = ARENA_ARRAY(ctx->arena, CalcLine, n ? n : 1);
    if (!cl)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    for (int i = 0; i < n; i++) {
        cl[i].quantity = dec_from_scaled(row_int(&rows[i], "quantity"), 6);
        cl[i].rate = dec_from_scaled(row_int(&rows[i], "rate"), 6);
        cl[i].tax_rate = dec_from_scaled(row_int(&rows[i], "tax_rate"), 4);
        cl[i].amount = row_int(&rows[i], "amount");
        cl[i].cgst = row_int(&rows[i], "cgst_amount");
        cl[i].sgst = row_int(&rows[i], "sgst_amount");
        cl[i].igst = row_int(&rows[i], "igst_amount");
        cl[i].tax = row_int(&rows[i], "tax_amount");
        cl[i].total = row_int(&rows[i], "total");
    }
    CalcTotals *t = ARENA_NEW(ctx->arena, CalcTotals);
    if (!t)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    rc = calc_totals(t, cl, n, dc->mode, dc->ut, err);
    if (rc < 0)
        return rc;
    row_set(doc, k->f_subtotal, val_int(t->subtotal));
    row_set(doc, "cgst_total", val_int(t->cgst));
    row_set(doc, "sgst_total", val_int(t->sgst));
    row_set(doc, "igst_total", val_int(t->igst));
    row_set(doc, k->f_tax, val_int(t->tax));
    row_set(doc, k->f_total, val_int(t->total));
    row_set_text(ctx, doc, "supply_type", gst_supply_type_name(dc->mode));
    json_t *td = tax_details(t, dc->cur);
    char *s = json_dumps(td, JSON_COMPACT);
    json_decref(td);
    if (!s)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    row_set_text(ctx, doc, "tax_details", s);
    free(s);
    return 0;
}

json_t *doc_lines_json(Ctx *ctx, const DocKind *k, const char *doc_id)
{
    Row *rows = NULL;
    int n = 0;
    Error e;
    if (!doc_id || doc_lines_load(ctx, k, doc_id, &rows, &n, &e) < 0)
        return json_array();
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = codec_to_json(ctx, &rows[i]);
        if (o)
            json_array_append_new(arr, o);
    }
    return arr;
}

/* ---- document headers, line hooks, issuing ---- */

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

static int check_gstin_field(Ctx *ctx, Row *row, const char *field, Error *err)
{
    const char *g = row_text(row, field);
    if (!g)
        return 0;
    char up[GSTIN_LEN + 2];
    snprintf(up, sizeof up, "%s", g);
    for (char *p = up; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    if (strcmp(up, g) != 0)
        row_set_text(ctx, row, field, up);
    return gst_gstin_validate(row_text(row, field), field, err);
}

int doc_header_defaults(Ctx *ctx, const DocKind *k, const CompanySettings *cs, Row *row, const Row *old,
                        CustomerInfo *ci, Error *err)
{
    const char *cust = row_text(row, "customer_id");
    int rc = doc_customer(ctx, cust, ci, err);
    return rc < 0 ? rc : doc_header_apply(ctx, k, cs, ci, row, old, err);
}

int doc_header_apply(Ctx *ctx, const DocKind *k, const CompanySettings *cs, const CustomerInfo *ci, Row *row,
                     const Row *old, Error *err)
{
    int rc;
    bool new_customer = !old || is_set(row, "customer_id");
    if (!row_text(row, k->date_field))
        set_date(ctx, row, k->date_field, cs->today);
    if (new_customer && !is_set(row, "currency"))
        row_set_text(ctx, row, "currency", ci->currency ? ci->currency : cs->base_currency);
    const char *cur = row_text(row, "currency");
    if (!currency_find(cur))
        return err_set(err, ERR_INVALID, "currency", "currency must be an ISO 4217 code such as \"INR\" or \"USD\"");
    if (new_customer && !is_set(row, "customer_gst"))
        row_set_text(ctx, row, "customer_gst", ci->gstin);
    rc = check_gstin_field(ctx, row, "customer_gst", err);
    if (rc < 0)
        return rc;
    if ((new_customer || is_set(row, "customer_gst")) && !is_set(row, "place_of_supply")) {
        const char *g = row_text(row, "customer_gst");
        const char *place = ci->place_of_supply;
        char gs[3] = "";
        if (!place && g) {
            memcpy(gs, g, 2);
            gs[2] = '\0';
            place = gs;
        }
        if (!place)
            place = doc_customer_place(ci);
        row_set_text(ctx, row, "place_of_supply", place);
    }
    const char *pos = row_text(row, "place_of_supply");
    if (pos && !gst_state_valid(pos))
        return err_set(err, ERR_INVALID, "place_of_supply",
                       "place_of_supply must be a two-digit GST state code such as \"27\" (\"96\" for abroad)");
    if (row_is_null(row, "is_tax_inclusive"))
        row_set(row, "is_tax_inclusive", val_bool(cs->inclusive));
    row_set_text(ctx, row, "base_currency", cs->base_currency);
    Date date = row_date(row, k->date_field, cs->today);
    bool base = strcmp(cur, cs->base_currency) == 0;
    if (base) {
        if (is_set(row, "exchange_rate") && !row_is_null(row, "exchange_rate") && row_int(row, "exchange_rate") != 1000000)
            return err_set(err, ERR_INVALID, "exchange_rate", "exchange_rate must be 1 for the base currency %s", cur);
        row_set(row, "exchange_rate", val_int(1000000));
    } else if (is_set(row, "exchange_rate") && !row_is_null(row, "exchange_rate")) {
        if (row_int(row, "exchange_rate") <= 0)
            return err_set(err, ERR_RANGE, "exchange_rate", "exchange_rate must be greater than 0");
    } else if (row_is_null(row, "exchange_rate") || is_set(row, "currency") || is_set(row, k->date_field)) {
        int64_t rate = 0;
        rc = doc_exchange_rate(ctx, cur, cs->base_currency, date, "exchange_rate", &rate, err);
        if (rc < 0)
            return rc;
        row_set(row, "exchange_rate", val_int(rate));
    }
    return 0;
}

static int locked_draft(Ctx *ctx, const DocKind *k, const char *doc_id, Row *doc, Error *err)
{
    int rc = crud_get(ctx, registry_find(k->table), doc_id, true, doc, err);
    if (rc < 0)
        return rc;
    if (!status_is(doc, "draft"))
        return err_set(err, ERR_STATE, NULL, "lines can only change while the %s is a draft; it is %s", k->what,
                       row_text(doc, "status"));
    return 0;
}

int doc_refresh_totals(Ctx *ctx, const DocKind *k, const char *doc_id, const char *exclude, Error *err)
{
    Row doc, upd;
    CompanySettings cs;
    DocContext dc;
    int rc = locked_draft(ctx, k, doc_id, &doc, err);
    if (rc == 0)
        rc = company_settings_load(ctx, &cs, err);
    if (rc == 0)
        rc = doc_context(ctx, k, &cs, &doc, &dc, err);
    if (rc < 0)
        return rc;
    row_copy(ctx, &upd, &doc);
    rc = doc_compute(ctx, k, &dc, &upd, NULL, exclude, err);
    return rc < 0 ? rc : crud_update_row(ctx, registry_find(k->table), &upd, &doc, err);
}

int doc_line_before_write(Ctx *ctx, const DocKind *k, Row *row, const Row *old, Error *err)
{
    Row doc;
    CompanySettings cs;
    DocContext dc;
    int rc = locked_draft(ctx, k, row_text(row, k->parent_field), &doc, err);
    if (rc == 0)
        rc = company_settings_load(ctx, &cs, err);
    if (rc == 0)
        rc = doc_context(ctx, k, &cs, &doc, &dc, err);
    if (rc == 0 && k->line_defaults)
        rc = k->line_defaults(ctx, &doc, row, err);
    return rc < 0 ? rc : doc_line_prepare(ctx, k, &dc, row, old, err);
}

int doc_snapshot(Ctx *ctx, const CompanySettings *cs, const CustomerInfo *ci, Row *row, Error *err)
{
    if (!cs->has_profile || !cs->name) {
        int rc = err_set(err, ERR_CONFLICT, NULL, "the tenant has no company profile: a tax document must name its seller");
        err_hint(err, "create it with POST /api/v1/company_profiles");
        return rc;
    }
    row_set_text(ctx, row, "billing_name", ci->name);
    row_set_text(ctx, row, "billing_address", ci->address);
    const char *g = row_text(row, "customer_gst");
    char st[3] = "";
    if (g) {
        memcpy(st, g, 2);
        st[2] = '\0';
    }
    row_set_text(ctx, row, "billing_state_code", g ? st : ci->state_code);
    row_set_text(ctx, row, "seller_name", cs->name);
    row_set_text(ctx, row, "seller_address", cs->address);
    row_set_text(ctx, row, "seller_gstin", cs->gstin);
    row_set_text(ctx, row, "seller_state_code", cs->state_code);
    if (cs->gst && row_is_null(row, "place_of_supply") && cs->state_code)
        row_set_text(ctx, row, "place_of_supply", cs->state_code);
    return 0;
}


int doc_money_restate(int64_t *v, const char *from, const char *to, const char *field, Error *err)
{
    const Currency *a = currency_find(from), *b = currency_find(to);
    if (!a || !b || a->exponent == b->exponent)
        return 0;
    if (b->exponent > a->exponent) {
        int64_t m = 1;
        for (int i = a->exponent; i < b->exponent; i++)
            m *= 10;
        if (__builtin_mul_overflow(*v, m, v))
            return err_set(err, ERR_RANGE, field, "%s is too large", field);
        return 0;
    }
    int64_t d = 1;
    for (int i = b->exponent; i < a->exponent; i++)
        d *= 10;
    if (*v % d != 0)
        return err_set(err, ERR_PRECISION, field, "%s has more decimals than %s allows (%d)", field, to, b->exponent);
    *v /= d;
    return 0;
}

int doc_application_check(Ctx *ctx, const DocApplication *a, const Row *row, const Row *source, const Row *inv,
                          int64_t *amount, const char **currency, Error *err)
{
    if (strcmp(row_text(source, "customer_id"), row_text(inv, "customer_id")) != 0)
        return err_set(err, ERR_INVALID, "invoice_id", "the invoice belongs to another customer than the %s", a->source);
    const char *cur = row_text(source, "currency");
    if (strcmp(cur, row_text(inv, "currency")) != 0)
        return err_set(err, ERR_INVALID, "invoice_id", "the invoice is in %s, the %s in %s", row_text(inv, "currency"),
                       a->source, cur);
    if (!invoice_open(inv))
        return err_set(err, ERR_STATE, "invoice_id", "the invoice is %s: %s to a finalized invoice that is not paid or cancelled",
                       row_text(inv, "status"), a->open_rule);
    int64_t amt = row_int(row, a->amount_field);
    int rc = doc_money_restate(&amt, ctx->currency ? ctx->currency : "INR", cur, a->amount_field, err);
    if (rc < 0)
        return rc;
    if (amt <= 0)
        return err_set(err, ERR_RANGE, a->amount_field, "%s must be greater than 0", a->amount_field);
    char buf[MONEY_FORMAT_MAX];
    const Currency *c = currency_find(cur);
    if (amt > row_int(source, a->balance_field)) {
        money_format(buf, sizeof buf, row_int(source, a->balance_field), c);
        return err_set(err, ERR_INVALID, a->amount_field, "%s exceeds %s of %s", a->amount_field, a->balance_label, buf);
    }
    if (amt > row_int(inv, "balance_due")) {
        money_format(buf, sizeof buf, row_int(inv, "balance_due"), c);
        return err_set(err, ERR_INVALID, a->amount_field, "%s exceeds the invoice's balance due of %s", a->amount_field, buf);
    }
    *amount = amt;
    *currency = cur;
    return 0;
}
