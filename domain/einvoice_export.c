/* domain/einvoice_export.c — a finalized invoice or credit note, read from the database, as an
 * EN 16931 / Peppol UBL document or India's GST e-invoice JSON. Exports einvoice_export_ubl,
 * einvoice_export_gst, einvoice_unit_code, einvoice_uqc and einvoice_init, which attaches
 *   GET /api/v1/invoices/{id}/ubl, GET /api/v1/credit_notes/{id}/ubl          (application/xml)
 *   GET /api/v1/invoices/{id}/gst-einvoice, GET /api/v1/credit_notes/{id}/gst-einvoice
 *
 * Where each business term comes from (the snapshot taken at finalization first, then the rows):
 *   seller: the document's seller_name snapshot (else the company profile's name), the profile's
 *     trade_name, address (first line street, second line additional, the rest line 3), city,
 *     state, postal_code, country, tax_id (VAT; the country prefix added when missing; an Indian
 *     seller without one uses "IN" + GSTIN), registration_number (BT-30), einvoice_endpoint and
 *     einvoice_scheme (BT-34), contact_*; bank_account_number (an IBAN gives payment means 58 for
 *     EUR, else 30) with bank_account_name and bank_swift (else bank_ifsc);
 *   buyer: the document's billing_name (else the customer's legal_name, else name), the customer's
 *     address lines (else its free-form address), city, state, postal_code, country (IN when it has
 *     a GSTIN and no country), tax_id (else "IN" + its GSTIN), einvoice_endpoint/_scheme (BT-49),
 *     contact_person, phone, email; buyer_reference: the invoice's, else the customer's (BT-10);
 *     reference_number is the purchase order (BT-13);
 *   lines: description (BT-153), quantity, unit_code (the line's, the service's, else derived from
 *     the unit text, else C62 "one"), rate (BT-146; for a tax-inclusive document the net price
 *     amount / quantity), amount (BT-131), the service code (BT-155), sac_code (BT-158: HSN "HS",
 *     SAC "ZZZ"), the VAT category (the line's vat_category, else its tax rate row's, else S when
 *     the rate is above 0, else E for an exempt customer or service, with its exemption reason),
 *     and the line's own tax as its VAT: Remit computes tax per line, so the e-invoice is written
 *     in EINV_TAX_PER_LINE mode and says exactly what the PDF says;
 *   totals: paid_amount + credits_applied are the paid amount (BT-113), so BT-115 = balance_due;
 *   a document in another currency than the tenant's base currency carries BT-6 = the base
 *   currency and BT-111 at the document's stored exchange rate.
 * A credit note references the invoice it corrects (BT-25/26) when it has one.
 *
 * Only finalized documents are exported (an invoice that is not a draft nor cancelled, a credit
 * note that is issued or applied): 409 otherwise. Missing data is a 422 listing every problem, each
 * with the Remit field to fill ("field": "customers.einvoice_endpoint").
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "domain/domain.h"
#include "domain/einvoice.h"
#include "domain/einvoice_export.h"
#include "domain/gst_einvoice.h"
#include "model/crud.h"
#include "model/registry.h"

#define EXPORT_MAX (16u << 20)   /* cap of one document */

static bool has(const char *s)
{
    if (!s)
        return false;
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return true;
    return false;
}

static bool is(const char *s, const char *v)
{
    return s && v && strcmp(s, v) == 0;
}

static const char *first(const char *a, const char *b)
{
    return has(a) ? a : b;
}

static Date date_of(const Row *r, const char *field)
{
    const char *s = row_text(r, field);
    Date d;
    if (!s || date_parse(&d, s, strlen(s), field, NULL) < 0)
        return EINV_NO_DATE;
    return d;
}

/* A stored decimal with its trailing zeros dropped: "3333.000000" is written, and scaled, as 3333. */
static Dec dec_of(const Row *r, const char *field, int scale)
{
    Dec d = dec_from_scaled(row_int(r, field), scale);
    while (d.scale > 0 && d.coef % 10 == 0) {
        d.coef /= 10;
        d.scale--;
    }
    return d;
}

/* ---- units ------------------------------------------------------------------------------ */

static const struct {
    const char *text, *rec20, *uqc;
} units[] = {
    {"hour", "HUR", "OTH"},   {"hours", "HUR", "OTH"},  {"hr", "HUR", "OTH"},     {"hrs", "HUR", "OTH"},
    {"h", "HUR", "OTH"},      {"minute", "MIN", "OTH"}, {"minutes", "MIN", "OTH"},{"min", "MIN", "OTH"},
    {"day", "DAY", "OTH"},    {"days", "DAY", "OTH"},   {"week", "WEE", "OTH"},   {"weeks", "WEE", "OTH"},
    {"month", "MON", "OTH"},  {"months", "MON", "OTH"}, {"mo", "MON", "OTH"},     {"year", "ANN", "OTH"},
    {"years", "ANN", "OTH"},  {"annual", "ANN", "OTH"}, {"piece", "H87", "PCS"},  {"pieces", "H87", "PCS"},
    {"pcs", "H87", "PCS"},    {"nos", "C62", "NOS"},    {"no", "C62", "NOS"},     {"unit", "C62", "UNT"},
    {"units", "C62", "UNT"},  {"each", "C62", "NOS"},   {"ea", "C62", "NOS"},     {"item", "C62", "NOS"},
    {"seat", "C62", "NOS"},   {"user", "C62", "NOS"},   {"licence", "C62", "NOS"},{"license", "C62", "NOS"},
    {"device", "C62", "NOS"}, {"set", "SET", "SET"},    {"box", "BX", "BOX"},     {"dozen", "DZN", "DOZ"},
    {"kg", "KGM", "KGS"},     {"kgs", "KGM", "KGS"},    {"g", "GRM", "GMS"},      {"gram", "GRM", "GMS"},
    {"l", "LTR", "LTR"},      {"litre", "LTR", "LTR"},  {"liter", "LTR", "LTR"},  {"ml", "MLT", "MLT"},
    {"m", "MTR", "MTR"},      {"metre", "MTR", "MTR"},  {"meter", "MTR", "MTR"},  {"km", "KMT", "KME"},
    {"gb", "E34", "OTH"},     {"tb", "E35", "OTH"},     {"mb", "4L", "OTH"},      {"kwh", "KWH", "OTH"},
};

static int unit_index(const char *unit)
{
    if (!unit)
        return -1;
    char low[32];
    size_t n = 0;
    for (; unit[n] && n + 1 < sizeof low; n++)
        low[n] = (char)tolower((unsigned char)unit[n]);
    low[n] = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(units[i].text, low) == 0)
            return (int)i;
    return -1;
}

const char *einvoice_unit_code(const char *unit)
{
    if (!has(unit))
        return "C62";
    int i = unit_index(unit);
    if (i >= 0)
        return units[i].rec20;
    if (einv_code_valid(EINV_CODES_UNIT, unit))
        return unit;
    return "C62";
}

const char *einvoice_uqc(const char *unit)
{
    int i = unit_index(unit);
    if (i >= 0)
        return units[i].uqc;
    static const char *const uqc[] = {"BAG", "BOX", "BTL", "CAN", "CTN", "DOZ", "KGS", "LTR", "MTR", "NOS", "OTH",
                                      "PAC", "PCS", "SET", "TON", "UNT"};
    for (size_t k = 0; unit && k < sizeof uqc / sizeof uqc[0]; k++)
        if (strcmp(unit, uqc[k]) == 0)
            return unit;
    return "OTH";
}

/* ---- reading the rows ------------------------------------------------------------------- */

typedef struct Profile {
    const char *name, *trade_name, *address, *city, *state, *postal_code, *country, *registration, *tax_id, *gstin,
        *state_code, *contact_name, *contact_email, *contact_phone, *bank_account_name, *bank_account_number,
        *bank_ifsc, *bank_swift, *endpoint, *scheme;
    bool found;
} Profile;

static int load_profile(Ctx *ctx, Profile *p, Error *err)
{
    memset(p, 0, sizeof *p);
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT name, trade_name, address, city, state, postal_code, country, registration_number,"
                         " tax_id, gst_number, state_code, contact_name, contact_email, contact_phone,"
                         " bank_account_name, bank_account_number, bank_ifsc, bank_swift, einvoice_endpoint,"
                         " einvoice_scheme FROM company_profiles WHERE tenant_id = $1",
                         NULL, 0, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        const char **f[] = {&p->name,         &p->trade_name,    &p->address,           &p->city,
                            &p->state,        &p->postal_code,   &p->country,           &p->registration,
                            &p->tax_id,       &p->gstin,         &p->state_code,        &p->contact_name,
                            &p->contact_email, &p->contact_phone, &p->bank_account_name, &p->bank_account_number,
                            &p->bank_ifsc,    &p->bank_swift,    &p->endpoint,          &p->scheme};
        for (int i = 0; i < (int)(sizeof f / sizeof f[0]); i++) {
            Value v = rows_get(&r, i);
            *f[i] = v.kind == V_TEXT && v.len ? arena_strndup(ctx->arena, v.s, v.len) : NULL;
        }
        p->found = true;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

typedef struct Source {
    bool cn;                   /* a credit note */
    const char *table, *line_table, *number_field, *date_field;
    Row doc, customer, invoice;   /* invoice: the one a credit note corrects (t == NULL when none) */
    Row *lines;
    int nlines;
    Profile prof;
    const char *base_currency;
    Rounding rounding;
} Source;

static int load_lines(Ctx *ctx, Source *s, Error *err)
{
    const Table *lt = registry_find(s->line_table);
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE tenant_id = $1 AND %s = $2 ORDER BY sort_order, id",
             lt->select_list, lt->name, s->cn ? "credit_note_id" : "invoice_id");
    Value p[1] = {val_text(row_text(&s->doc, "id"))};
    Rows r;
    int rc = store_query(ctx->conn, &r, sql, p, 1, err);
    if (rc < 0)
        return rc;
    int cap = 0;
    s->nlines = 0;
    while (rows_next(&r)) {
        if (s->nlines == cap) {
            int ncap = cap ? cap * 2 : 16;
            Row *nl = arena_realloc(ctx->arena, s->lines, sizeof(Row) * (size_t)cap, sizeof(Row) * (size_t)ncap);
            if (!nl) {
                rows_close(&r);
                return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory reading the lines");
            }
            s->lines = nl;
            cap = ncap;
        }
        Row *row = &s->lines[s->nlines];
        if ((rc = row_init(row, ctx, lt)) < 0)
            break;
        for (int i = 0; i < lt->nfields; i++) {
            Value v = rows_get(&r, i);
            if (v.kind == V_TEXT)
                v.s = arena_strndup(ctx->arena, v.s, v.len);
            row->v[i] = v;
        }
        s->nlines++;
    }
    int rc2 = rows_error(&r, err);
    rows_close(&r);
    return rc < 0 ? rc : rc2;
}

static int load(Ctx *ctx, const char *table, const char *id, Source *s, Error *err)
{
    memset(s, 0, sizeof *s);
    s->cn = strcmp(table, "credit_notes") == 0;
    s->table = table;
    s->line_table = s->cn ? "credit_note_lines" : "invoice_line_items";
    s->number_field = s->cn ? "credit_note_number" : "invoice_number";
    s->date_field = s->cn ? "credit_note_date" : "invoice_date";
    int rc = crud_get(ctx, registry_find(table), id, false, &s->doc, err);
    if (rc < 0)
        return rc;
    const char *status = row_text(&s->doc, "status");
    if (s->cn ? !(is(status, "issued") || is(status, "applied")) : (is(status, "draft") || is(status, "cancelled")))
        return err_set(err, ERR_STATE, NULL, "the %s is %s: only a finalized %s is exported as an e-invoice",
                       s->cn ? "credit note" : "invoice", status ? status : "draft", s->cn ? "credit note" : "invoice");
    if ((rc = crud_get(ctx, registry_find("customers"), row_text(&s->doc, "customer_id"), false, &s->customer, err)) <
        0)
        return rc == -ERR_NOT_FOUND ? err_set(err, ERR_CONFLICT, "customer_id", "the document's customer no longer exists")
                                    : rc;
    const char *inv = s->cn ? row_text(&s->doc, "invoice_id") : NULL;
    if (inv && (rc = crud_get(ctx, registry_find("invoices"), inv, false, &s->invoice, err)) < 0)
        return rc;
    if ((rc = load_profile(ctx, &s->prof, err)) < 0 || (rc = load_lines(ctx, s, err)) < 0)
        return rc;
    s->base_currency = first(row_text(&s->doc, "base_currency"), ctx->currency);
    Rows r;
    Value tp[1] = {val_text(ctx->tenant_id)};
    rc = store_query_global(ctx->conn, &r, "SELECT rounding FROM tenants WHERE id = $1", tp, 1, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        Value v = rows_get(&r, 0);
        s->rounding = v.kind == V_TEXT && v.len == 9 && memcmp(v.s, "half_even", 9) == 0 ? ROUND_HALF_EVEN
                                                                                        : ROUND_HALF_UP;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

/* Splits a free-form address: the first line, the second, the rest joined with ", ". */
static void split_address(Ctx *ctx, const char *addr, const char **l1, const char **l2, const char **l3)
{
    *l1 = *l2 = *l3 = NULL;
    if (!has(addr))
        return;
    const char *lines[3] = {NULL, NULL, NULL};
    Buf rest;
    buf_init(&rest, 4096);
    int n = 0;
    const char *p = addr;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && isspace((unsigned char)p[len - 1]))
            len--;
        while (len && isspace((unsigned char)*p))
            p++, len--;
        if (len) {
            if (n < 2)
                lines[n++] = arena_strndup(ctx->arena, p, len);
            else {
                if (rest.len)
                    buf_puts(&rest, ", ");
                buf_append(&rest, p, len);
            }
        }
        if (!e)
            break;
        p = e + 1;
    }
    if (rest.len)
        lines[2] = arena_strdup(ctx->arena, buf_cstr(&rest));
    buf_free(&rest);
    *l1 = lines[0];
    *l2 = lines[1];
    *l3 = lines[2];
}

/* A VAT identifier with its country prefix (BR-CO-09): kept when it starts with two letters. */
static const char *vat_id(Ctx *ctx, const char *tax_id, const char *gstin, const char *country)
{
    if (has(tax_id)) {
        if (isalpha((unsigned char)tax_id[0]) && isalpha((unsigned char)tax_id[1]))
            return tax_id;
        return has(country) ? arena_printf(ctx->arena, "%s%s", country, tax_id) : tax_id;
    }
    if (has(gstin))
        return arena_printf(ctx->arena, "IN%s", gstin);
    return NULL;
}

static bool iban_like(const char *s)
{
    if (!s || strlen(s) < 15 || strlen(s) > 34 || !isupper((unsigned char)s[0]) || !isupper((unsigned char)s[1]) ||
        !isdigit((unsigned char)s[2]) || !isdigit((unsigned char)s[3]))
        return false;
    for (const char *p = s; *p; p++)
        if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p))
            return false;
    return true;
}

static const char *safe_filename(Ctx *ctx, const char *number, const char *ext)
{
    char *name = arena_printf(ctx->arena, "%s.%s", number ? number : "document", ext);
    for (char *q = name; q && *q; q++)
        if (*q == '/' || *q == '"' || *q == '\\' || (unsigned char)*q < 0x20)
            *q = '-';
    return name;
}

/* ---- the EN 16931 document -------------------------------------------------------------- */

typedef struct TaxRateInfo {
    const char *category, *vatex, *reason;
} TaxRateInfo;

static TaxRateInfo tax_rate_info(Ctx *ctx, const char *tax_rate_id)
{
    TaxRateInfo t = {0};
    Row tr;
    Error e;
    if (tax_rate_id && crud_get(ctx, registry_find("tax_rates"), tax_rate_id, false, &tr, &e) == 0) {
        t.category = row_text(&tr, "vat_category");
        t.vatex = row_text(&tr, "vatex_code");
        t.reason = row_text(&tr, "exemption_reason");
    }
    return t;
}

static void map_line(Ctx *ctx, Source *s, const Row *l, EinvLine *out, const char *doc_cur)
{
    einv_line_init(out);
    out->item_name = row_text(l, "description");
    out->quantity = dec_of(l, "quantity", 6);
    out->net_amount = row_int(l, "amount");
    out->net_given = true;
    out->tax_amount = row_int(l, "tax_amount");
    out->tax_given = true;
    out->note = row_text(l, "notes");
    Row svc;
    Error e;
    bool has_svc = row_text(l, "service_id") &&
                   crud_get(ctx, registry_find("services"), row_text(l, "service_id"), false, &svc, &e) == 0;
    out->unit_code = first(row_text(l, "unit_code"), has_svc ? row_text(&svc, "unit_code") : NULL);
    if (!has(out->unit_code))
        out->unit_code = einvoice_unit_code(first(row_text(l, "unit"), has_svc ? row_text(&svc, "unit_of_measure") : NULL));
    if (has_svc)
        out->seller_item_id = row_text(&svc, "code");
    const char *sac = row_text(l, "sac_code");
    if (has(sac)) {
        out->class_code = sac;
        out->class_scheme = strncmp(sac, "99", 2) == 0 ? "ZZZ" : "HS";
    }
    /* The net price: the rate, except when the rate includes tax (then amount / quantity). */
    out->price = dec_of(l, "rate", 6);
    bool inclusive = row_int(&s->doc, "is_tax_inclusive") != 0;
    if (inclusive && out->quantity.coef != 0) {
        const Currency *c = currency_find(doc_cur);
        Dec amount = money_to_dec(out->net_amount, c ? c : currency_find("INR")), q;
        if (dec_div(&q, amount, out->quantity, 6, s->rounding, NULL) == 0)
            out->price = q;
    }
    /* The VAT category: the line's, its tax rate row's, S above 0%, E when exempt. */
    out->tax.rate = dec_of(l, "tax_rate", 4);
    TaxRateInfo tr = tax_rate_info(ctx, row_text(l, "tax_rate_id"));
    const char *cat = first(row_text(l, "vat_category"), tr.category);
    if (!has(cat) && dec_cmp(out->tax.rate, dec_from_int(0)) > 0)
        cat = "S";
    if (!has(cat) && is(row_text(l, "tax_rate_source"), "exempt")) {
        cat = "E";
        const char *cert = row_text(&s->customer, "tax_exemption_id");
        out->tax.exemption_reason =
            row_int(&s->customer, "is_tax_exempt") && has(cert)
                ? arena_printf(ctx->arena, "Exempt from VAT (exemption certificate %s)", cert)
                : "Exempt from VAT";
    }
    out->tax.category = cat;
    if (has(cat) && !is(cat, "S") && !is(cat, "Z") && !is(cat, "L") && !is(cat, "M")) {
        out->tax.exemption_code = first(tr.vatex, NULL);
        out->tax.exemption_reason = first(tr.reason, out->tax.exemption_reason);
    }
}

static int build_ubl(Ctx *ctx, Source *s, EinvDoc *d, Error *err)
{
    einv_doc_init(d);
    const Row *doc = &s->doc, *cu = &s->customer;
    const Profile *p = &s->prof;
    d->kind = s->cn ? EINV_CREDIT_NOTE : EINV_INVOICE;
    d->number = row_text(doc, s->number_field);
    d->issue_date = date_of(doc, s->date_field);
    d->currency = row_text(doc, "currency");
    d->rounding = s->rounding;
    d->tax_rounding = EINV_TAX_PER_LINE;
    d->note = row_text(doc, "notes");
    if (has(s->base_currency) && !is(s->base_currency, d->currency)) {
        d->tax_currency = s->base_currency;
        d->tax_exchange_rate = dec_of(doc, "exchange_rate", 6);
    }
    /* Seller */
    EinvParty *se = &d->seller;
    se->legal_name = first(row_text(doc, "seller_name"), p->name);
    se->trading_name = p->trade_name;
    se->address.country = first(p->country, "IN");
    se->vat_id = vat_id(ctx, p->tax_id, first(row_text(doc, "seller_gstin"), p->gstin), se->address.country);
    se->legal_id = p->registration;
    se->endpoint = p->endpoint;
    se->endpoint_scheme = p->scheme;
    split_address(ctx, p->address, &se->address.street, &se->address.additional, &se->address.line3);
    se->address.city = p->city;
    se->address.postal_code = p->postal_code;
    se->address.subdivision = p->state;
    se->contact_name = p->contact_name;
    se->contact_phone = p->contact_phone;
    se->contact_email = p->contact_email;
    /* Buyer */
    EinvParty *bu = &d->buyer;
    const char *gstin = first(row_text(doc, "customer_gst"), row_text(cu, "gst_number"));
    bu->legal_name = first(row_text(cu, "legal_name"), first(row_text(doc, "billing_name"), row_text(cu, "name")));
    if (has(row_text(cu, "legal_name")) && has(row_text(cu, "name")) && !is(row_text(cu, "legal_name"), row_text(cu, "name")))
        bu->trading_name = row_text(cu, "name");
    bu->address.country = first(row_text(cu, "country"), has(gstin) ? "IN" : NULL);
    bu->vat_id = vat_id(ctx, row_text(cu, "tax_id"), gstin, bu->address.country);
    bu->endpoint = row_text(cu, "einvoice_endpoint");
    bu->endpoint_scheme = row_text(cu, "einvoice_scheme");
    if (has(row_text(cu, "address_line_1"))) {
        bu->address.street = row_text(cu, "address_line_1");
        bu->address.additional = row_text(cu, "address_line_2");
    } else {
        split_address(ctx, first(row_text(cu, "address"), row_text(doc, "billing_address")), &bu->address.street,
                      &bu->address.additional, &bu->address.line3);
    }
    bu->address.city = row_text(cu, "city");
    bu->address.postal_code = row_text(cu, "postal_code");
    bu->address.subdivision = row_text(cu, "state");
    bu->contact_name = row_text(cu, "contact_person");
    bu->contact_phone = row_text(cu, "phone");
    bu->contact_email = row_text(cu, "email");
    /* References and payment */
    const Row *ref = s->cn && s->invoice.t ? &s->invoice : doc;
    d->buyer_reference = first(s->cn ? NULL : row_text(doc, "buyer_reference"),
                               first(s->cn && s->invoice.t ? row_text(&s->invoice, "buyer_reference") : NULL,
                                     row_text(cu, "buyer_reference")));
    d->order_reference = row_text(ref, "reference_number");
    if (s->cn) {
        if (s->invoice.t) {
            d->preceding_number = row_text(&s->invoice, "invoice_number");
            d->preceding_date = date_of(&s->invoice, "invoice_date");
            d->payment_terms = arena_printf(ctx->arena, "Credit against invoice %s", d->preceding_number);
        } else {
            d->payment_terms = "Credit to the customer's account";
        }
        const char *reason = row_text(doc, "reason");
        if (has(reason))
            d->note = has(d->note) ? arena_printf(ctx->arena, "%s. %s", reason, d->note) : reason;
    } else {
        d->due_date = date_of(doc, "due_date");
        const char *label = row_text(doc, "payment_terms_label");
        int64_t days = row_int(doc, "payment_terms_days");
        d->payment_terms = has(label) ? label
                           : !row_is_null(doc, "payment_terms_days")
                               ? arena_printf(ctx->arena, "Payment within %lld days", (long long)days)
                               : NULL;
        d->prepaid = row_int(doc, "paid_amount") + row_int(doc, "credits_applied");
    }
    if (has(p->bank_account_number)) {
        d->payment_means_code = iban_like(p->bank_account_number) && is(d->currency, "EUR") ? "58" : "30";
        d->payee_account = p->bank_account_number;
        d->payee_account_name = p->bank_account_name;
        d->payee_bank = first(p->bank_swift, p->bank_ifsc);
        d->payment_id = d->number;
    }
    /* Lines */
    d->lines = ARENA_ARRAY(ctx->arena, EinvLine, s->nlines > 0 ? s->nlines : 1);
    if (!d->lines)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    d->nlines = s->nlines;
    for (int i = 0; i < s->nlines; i++)
        map_line(ctx, s, &s->lines[i], &d->lines[i], d->currency);
    return 0;
}

/* A field named for an invoice, restated for the document at hand (credit notes and their lines). */
static const char *for_doc(Ctx *ctx, const Source *s, const char *f)
{
    if (!f || !s->cn)
        return f;
    if (strncmp(f, "invoice_line_items.", 19) == 0)
        return arena_printf(ctx->arena, "credit_note_lines.%s", f + 19);
    if (strncmp(f, "invoices.", 9) == 0)
        return arena_printf(ctx->arena, "credit_notes.%s", f + 9);
    return f;
}

/* Where Remit keeps each business term, for the 422's "field". */
static const char *field_of(Ctx *ctx, const Source *s, const EinvProblem *p)
{
    static const struct {
        const char *term, *rule, *field;
    } map[] = {
        {"BT-34", "BR-62", "company_profiles.einvoice_scheme"},
        {"BT-34", "PEPPOL-EN16931-CL008", "company_profiles.einvoice_scheme"},
        {"BT-34", NULL, "company_profiles.einvoice_endpoint"},
        {"BT-49", "BR-63", "customers.einvoice_scheme"},
        {"BT-49", "PEPPOL-EN16931-CL008", "customers.einvoice_scheme"},
        {"BT-49", NULL, "customers.einvoice_endpoint"},
        {"BT-27", NULL, "company_profiles.name"},
        {"BT-44", NULL, "customers.legal_name"},
        {"BT-31", NULL, "company_profiles.tax_id"},
        {"BT-30", NULL, "company_profiles.registration_number"},
        {"BT-32", NULL, "company_profiles.tax_id"},
        {"BT-48", NULL, "customers.tax_id"},
        {"BT-40", NULL, "company_profiles.country"},
        {"BT-55", NULL, "customers.country"},
        {"BT-10", NULL, "invoices.buyer_reference"},
        {"BT-13", NULL, "invoices.reference_number"},
        {"BT-84", NULL, "company_profiles.bank_account_number"},
        {"BT-9", NULL, "invoices.due_date"},
        {"BT-20", NULL, "invoices.payment_terms_label"},
        {"BT-111", NULL, "invoices.exchange_rate"},
        {"BT-120", NULL, "tax_rates.exemption_reason"},
        {"BT-121", NULL, "tax_rates.vatex_code"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].term, p->term) == 0 && (!map[i].rule || strcmp(map[i].rule, p->rule) == 0)) {
            /* A credit note's buyer reference is its invoice's or its customer's. */
            if (s->cn && strcmp(p->term, "BT-10") == 0)
                return "customers.buyer_reference";
            return for_doc(ctx, s, map[i].field);
        }
    static const struct {
        const char *term, *field;
    } lines[] = {{"BT-130", "invoice_line_items.unit_code"},  {"BT-151", "invoice_line_items.vat_category"},
                 {"BT-152", "invoice_line_items.tax_rate"},   {"BT-153", "invoice_line_items.description"},
                 {"BT-131", "invoice_line_items.amount"},     {"BT-146", "invoice_line_items.rate"},
                 {"BT-158", "invoice_line_items.sac_code"}};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (strcmp(lines[i].term, p->term) == 0)
            return for_doc(ctx, s, lines[i].field);
    return NULL;
}

static int copy_out(Ctx *ctx, Buf *dst, const Buf *src, Error *err)
{
    if (!buf_append(dst, src->data, src->len))
        return err_set(err, ERR_TOO_LARGE, NULL, "the document is larger than allowed");
    return 0;
}

int einvoice_export_ubl(Ctx *ctx, const char *table, const char *id, Buf *xml, EinvExport *out, Error *err)
{
    memset(out, 0, sizeof *out);
    Source s;
    int rc = load(ctx, table, id, &s, err);
    if (rc < 0)
        return rc;
    EinvDoc d;
    if ((rc = build_ubl(ctx, &s, &d, err)) < 0)
        return rc;
    out->number = d.number;
    out->filename = safe_filename(ctx, d.number, "xml");
    EinvReport rep;
    rc = einv_check(&d, ctx->arena, &rep);
    if (rc == -ERR_INVALID) {
        for (int i = 0; i < rep.n; i++)
            rep.items[i].field = field_of(ctx, &s, &rep.items[i]);
        out->problems = einv_report_json(&rep, arena_printf(ctx->arena, "%s %s", s.cn ? "credit note" : "invoice",
                                                            d.number ? d.number : id));
        return err_set(err, ERR_INVALID, NULL, "the document lacks business terms EN 16931 requires");
    }
    if (rc < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory checking the e-invoice");
    Buf b;
    buf_init(&b, EXPORT_MAX);
    rc = ubl_write(&b, &d, err);
    if (rc == 0)
        rc = copy_out(ctx, xml, &b, err);
    buf_free(&b);
    return rc;
}

/* ---- the GST e-invoice ------------------------------------------------------------------ */

/* minor units of cur -> paise at rate (INR per 1 unit of cur); identity for INR. */
static int64_t to_inr(int64_t v, const Currency *cur, Dec rate, Rounding r, bool *ok)
{
    if (!cur || strcmp(cur->code, "INR") == 0)
        return v;
    int64_t out = 0;
    if (money_convert(&out, v, cur, currency_find("INR"), rate, r, NULL) < 0)
        *ok = false;
    return out;
}

static int build_gst(Ctx *ctx, Source *s, GstEinv *d, Error *err)
{
    gst_einv_init(d);
    const Row *doc = &s->doc, *cu = &s->customer;
    const Profile *p = &s->prof;
    d->doc_type = s->cn ? "CRN" : "INV";
    d->number = row_text(doc, s->number_field);
    d->date = date_of(doc, s->date_field);
    d->rounding = s->rounding;
    if (s->cn && s->invoice.t) {
        d->preceding_number = row_text(&s->invoice, "invoice_number");
        d->preceding_date = date_of(&s->invoice, "invoice_date");
    }
    GstEinvParty *se = &d->seller;
    se->gstin = first(row_text(doc, "seller_gstin"), p->gstin);
    se->legal_name = first(row_text(doc, "seller_name"), p->name);
    se->trade_name = p->trade_name;
    const char *l3;
    split_address(ctx, p->address, &se->addr1, &se->addr2, &l3);
    se->location = p->city;
    se->pin = p->postal_code;
    se->state_code = first(row_text(doc, "seller_state_code"), p->state_code);
    se->phone = p->contact_phone;
    se->email = p->contact_email;
    GstEinvParty *bu = &d->buyer;
    const char *country = row_text(cu, "country");
    bool abroad = has(country) && !is(country, "IN");
    bu->gstin = abroad ? "URP" : first(row_text(doc, "customer_gst"), row_text(cu, "gst_number"));
    bu->legal_name = first(row_text(doc, "billing_name"), first(row_text(cu, "legal_name"), row_text(cu, "name")));
    if (has(row_text(cu, "address_line_1"))) {
        bu->addr1 = row_text(cu, "address_line_1");
        bu->addr2 = row_text(cu, "address_line_2");
    } else {
        split_address(ctx, first(row_text(cu, "address"), row_text(doc, "billing_address")), &bu->addr1, &bu->addr2,
                      &l3);
    }
    bu->location = row_text(cu, "city");
    bu->pin = abroad ? "999999" : row_text(cu, "postal_code");
    bu->state_code = abroad ? "96" : first(row_text(doc, "billing_state_code"), row_text(cu, "state_code"));
    bu->phone = row_text(cu, "phone");
    bu->email = row_text(cu, "email");
    d->place_of_supply = abroad ? "96" : row_text(doc, "place_of_supply");
    if (abroad)
        d->supply_type = row_int(doc, "igst_total") > 0 ? "EXPWP" : "EXPWOP";
    /* Amounts in INR: a foreign-currency document at its stored exchange rate. */
    const Currency *cur = currency_find(row_text(doc, "currency"));
    Dec rate = dec_of(doc, "exchange_rate", 6);
    bool ok = true;
    d->items = ARENA_ARRAY(ctx->arena, GstEinvItem, s->nlines > 0 ? s->nlines : 1);
    if (!d->items)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    d->nitems = s->nlines;
    for (int i = 0; i < s->nlines; i++) {
        const Row *l = &s->lines[i];
        GstEinvItem *it = &d->items[i];
        gst_einv_item_init(it);
        it->description = row_text(l, "description");
        it->hsn = row_text(l, "sac_code");
        it->is_service = it->hsn ? strncmp(it->hsn, "99", 2) == 0 : true;
        it->quantity = dec_of(l, "quantity", 6);
        it->unit = it->is_service ? NULL : einvoice_uqc(row_text(l, "unit"));
        it->total = to_inr(row_int(l, "amount"), cur, rate, s->rounding, &ok);
        it->total_given = true;
        /* UnitPrice: TotAmt / Qty with 3 decimals (the portal's precision; within its rupee). */
        Dec price = dec_from_int(0);
        if (it->quantity.coef != 0 &&
            dec_div(&price, money_to_dec(it->total, currency_find("INR")), it->quantity, 3, s->rounding, NULL) < 0)
            ok = false;
        it->unit_price = price;
        if (dec_rescale(&it->quantity, it->quantity, 3, s->rounding, NULL) < 0)
            ok = false;
        it->gst_rate = dec_of(l, "tax_rate", 4);
        it->cgst = to_inr(row_int(l, "cgst_amount"), cur, rate, s->rounding, &ok);
        it->sgst = to_inr(row_int(l, "sgst_amount"), cur, rate, s->rounding, &ok);
        it->igst = to_inr(row_int(l, "igst_amount"), cur, rate, s->rounding, &ok);
        it->taxes_given = true;
    }
    if (!ok)
        return err_set(err, ERR_OVERFLOW, NULL, "the document's amounts are too large to restate in INR");
    return 0;
}

static const char *gst_field_of(Ctx *ctx, const Source *s, const EinvProblem *p)
{
    static const struct {
        const char *term, *field;
    } map[] = {
        {"SellerDtls.Gstin", "company_profiles.gst_number"}, {"SellerDtls.LglNm", "company_profiles.name"},
        {"SellerDtls.Addr1", "company_profiles.address"},    {"SellerDtls.Loc", "company_profiles.city"},
        {"SellerDtls.Pin", "company_profiles.postal_code"},  {"SellerDtls.Stcd", "company_profiles.state_code"},
        {"BuyerDtls.Gstin", "customers.gst_number"},         {"BuyerDtls.LglNm", "customers.legal_name"},
        {"BuyerDtls.Addr1", "customers.address_line_1"},     {"BuyerDtls.Loc", "customers.city"},
        {"BuyerDtls.Pin", "customers.postal_code"},          {"BuyerDtls.Stcd", "customers.state_code"},
        {"BuyerDtls.Pos", "invoices.place_of_supply"},       {"DocDtls.No", "number_series.pattern"},
        {"ItemList.HsnCd", "invoice_line_items.sac_code"},   {"ItemList.Unit", "invoice_line_items.unit"},
        {"ItemList.GstRt", "invoice_line_items.tax_rate"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].term, p->term) == 0)
            return for_doc(ctx, s, map[i].field);
    return NULL;
}

int einvoice_export_gst(Ctx *ctx, const char *table, const char *id, Buf *json, EinvExport *out, Error *err)
{
    memset(out, 0, sizeof *out);
    Source s;
    int rc = load(ctx, table, id, &s, err);
    if (rc < 0)
        return rc;
    GstEinv d;
    if ((rc = build_gst(ctx, &s, &d, err)) < 0)
        return rc;
    out->number = d.number;
    out->filename = safe_filename(ctx, d.number, "json");
    EinvReport rep;
    rc = gst_einv_check(&d, ctx->arena, &rep);
    if (rc == -ERR_INVALID) {
        for (int i = 0; i < rep.n; i++)
            rep.items[i].field = gst_field_of(ctx, &s, &rep.items[i]);
        out->problems = einv_report_json(&rep, arena_printf(ctx->arena, "%s %s", s.cn ? "credit note" : "invoice",
                                                            d.number ? d.number : id));
        json_object_set_new(json_object_get(out->problems, "error"), "message",
                            json_string(arena_printf(ctx->arena,
                                                     "%s %s cannot be reported to the IRP: %d portal rule%s not met "
                                                     "(see problems)",
                                                     s.cn ? "credit note" : "invoice", d.number ? d.number : id, rep.n,
                                                     rep.n == 1 ? " is" : "s are")));
        return err_set(err, ERR_INVALID, NULL, "the document breaks the IRP's rules");
    }
    if (rc < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory checking the GST e-invoice");
    Buf b;
    buf_init(&b, EXPORT_MAX);
    rc = gst_einv_write(&b, &d, err);
    if (rc == 0)
        rc = copy_out(ctx, json, &b, err);
    buf_free(&b);
    return rc;
}

/* ---- the actions ------------------------------------------------------------------------ */

static int reply(Ctx *ctx, int rc, Buf *b, EinvExport *ex, const char *type, ActionResult *out)
{
    if (rc == -ERR_INVALID && ex->problems) {
        out->status = 422;
        out->json = ex->problems;
        buf_free(b);
        return 0;
    }
    if (rc < 0) {
        buf_free(b);
        return rc;
    }
    char *bytes = arena_alloc(ctx->arena, b->len ? b->len : 1);
    if (!bytes) {
        buf_free(b);
        return -ERR_UNAVAILABLE;
    }
    memcpy(bytes, b->data, b->len);
    out->bytes = bytes;
    out->nbytes = b->len;
    out->content_type = type;
    out->filename = ex->filename;
    buf_free(b);
    return 0;
}

static int ubl_action(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    Buf b;
    buf_init(&b, EXPORT_MAX);
    EinvExport ex;
    int rc = einvoice_export_ubl(ctx, t->name, in->id, &b, &ex, err);
    return reply(ctx, rc, &b, &ex, "application/xml", out);
}

static int gst_action(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    Buf b;
    buf_init(&b, EXPORT_MAX);
    EinvExport ex;
    int rc = einvoice_export_gst(ctx, t->name, in->id, &b, &ex, err);
    return reply(ctx, rc, &b, &ex, "application/json", out);
}

static const Action invoice_ubl = {
    .verb = "ubl", .method = "GET", .run = ubl_action,
    .doc = "The finalized invoice as a UBL 2.1 Invoice (EN 16931, Peppol BIS Billing 3.0); 422 lists every "
           "missing business term"};
static const Action credit_ubl = {
    .verb = "ubl", .method = "GET", .run = ubl_action,
    .doc = "The issued credit note as a UBL 2.1 CreditNote (EN 16931, Peppol BIS Billing 3.0) referencing its "
           "invoice; 422 lists every missing business term"};
static const Action invoice_gst = {
    .verb = "gst-einvoice", .method = "GET", .run = gst_action,
    .doc = "The finalized invoice as India's GST e-invoice JSON (IRP schema 1.1); 422 lists every portal rule "
           "it breaks"};
static const Action credit_gst = {
    .verb = "gst-einvoice", .method = "GET", .run = gst_action,
    .doc = "The issued credit note as India's GST e-invoice JSON (IRP schema 1.1, type CRN)"};

void einvoice_init(void)
{
    table_add_action("invoices", &invoice_ubl);
    table_add_action("credit_notes", &credit_ubl);
    table_add_action("invoices", &invoice_gst);
    table_add_action("credit_notes", &credit_gst);
}
