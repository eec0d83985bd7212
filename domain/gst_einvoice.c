/* domain/gst_einvoice.c — India's GST e-invoice JSON (IRP schema 1.1): values computed, the
 * portal's rules checked, the JSON written. Exports gst_einv_init, gst_einv_item_init,
 * gst_einv_check, gst_einv_write, gst_einv_gstin_problem, gst_einv_state_valid.
 *
 * GSTINs and state codes are checked by domain/gst.c (the same rules as the rest of Remit).
 * The rules are those the Invoice Registration Portal applies before it issues an IRN, so that
 * Remit refuses a document with a clear list instead of the portal refusing it later:
 *   - DocDtls.No: 1..16 characters of [A-Za-z0-9/-], not starting with 0, / or -;
 *   - DocDtls.Dt: not after today; RefDtls for credit and debit notes;
 *   - GSTINs well formed with a valid check character; seller and buyer differ; Stcd of the seller
 *     is its GSTIN's state; state codes and the place of supply are GST state codes;
 *   - B2B needs a registered buyer; exports have buyer GSTIN URP, Pos 96, Pin 999999;
 *   - IGST vs CGST+SGST follows the place of supply: seller state = Pos (B2B, no IgstOnIntra) is
 *     intra-state (CGST = SGST, no IGST), anything else inter-state (IGST only); SEZ supplies and
 *     exports are always inter-state;
 *   - GstRt is a notified rate; HSN/SAC has 4, 6 or 8 digits and IsServc matches it (SAC = 99...);
 *   - AssAmt = TotAmt - Discount; each tax within one rupee of AssAmt x rate; TotItemVal and
 *     TotInvVal add up; RndOffAmt within +-99.99; at most 1000 items.
 * Computed amounts are rounded once (128-bit products) with doc->rounding; given ones are checked.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "domain/gst.h"
#include "domain/gst_einvoice.h"

#define TOLERANCE 100   /* paise: the portal accepts computed values within one rupee */

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

static void problem(EinvReport *r, const char *term, const char *rule, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void problem(EinvReport *r, const char *term, const char *rule, const char *where, const char *fmt, ...)
{
    if (r->n == r->cap) {
        int cap = r->cap ? r->cap * 2 : 16;
        EinvProblem *p = arena_realloc(r->arena, r->items, sizeof(EinvProblem) * (size_t)r->cap,
                                       sizeof(EinvProblem) * (size_t)cap);
        if (!p)
            return;
        r->items = p;
        r->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(r->arena, fmt, ap);
    va_end(ap);
    if (msg)
        r->items[r->n++] = (EinvProblem){.term = term, .rule = rule, .where = where, .message = msg};
}

/* ---- GSTIN, PAN, state codes ------------------------------------------------------------ */

/* One rule, one home: GSTINs and state codes are domain/gst.c's (issue 4). */
bool gst_einv_state_valid(const char *code)
{
    return gst_state_valid(code);
}

const char *gst_einv_gstin_problem(const char *g, char *buf, size_t cap)
{
    Error e;
    if (gst_gstin_validate(g, "the GSTIN", &e) == 0)
        return NULL;
    snprintf(buf, cap, "%.*s", cap > 0 ? (int)cap - 1 : 0, e.message);
    return buf;
}

/* ---- codes ------------------------------------------------------------------------------ */

static const char *const supply_types[] = {"B2B", "SEZWP", "SEZWOP", "EXPWP", "EXPWOP", "DEXP"};
static const char *const doc_types[] = {"INV", "CRN", "DBN"};
/* Rates notified under GST (percent). */
static const char *const rates[] = {"0", "0.1", "0.25", "1", "1.5", "3", "5", "6", "7.5", "12", "18", "28", "40"};
/* Unit Quantity Codes of GST. */
static const char *const uqc[] = {
    "BAG", "BAL", "BDL", "BKL", "BOU", "BOX", "BTL", "BUN", "CAN", "CBM", "CCM", "CMS", "CTN", "DOZ", "DRM", "GGK",
    "GMS", "GRS", "GYD", "KGS", "KLR", "KME", "LTR", "MLT", "MTR", "MTS", "NOS", "OTH", "PAC", "PCS", "PRS", "QTL",
    "ROL", "SET", "SQF", "SQM", "SQY", "TBS", "TGM", "THD", "TON", "TUB", "UGS", "UNT", "YDS"};

#define IN(list, s) in_list(list, sizeof(list) / sizeof(list[0]), s)

static bool in_list(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

static bool rate_valid(Dec r)
{
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        Dec v;
        dec_parse(&v, rates[i], strlen(rates[i]), 4, NULL, NULL);
        if (dec_cmp(v, r) == 0)
            return true;
    }
    return false;
}

static bool export_supply(const GstEinv *d)
{
    return is(d->supply_type, "EXPWP") || is(d->supply_type, "EXPWOP");
}

static bool sez_supply(const GstEinv *d)
{
    return is(d->supply_type, "SEZWP") || is(d->supply_type, "SEZWOP");
}

/* Fractional digits actually used (trailing zeros do not count). */
static int used_scale(Dec d)
{
    int s = d.scale;
    int64_t c = d.coef;
    while (s > 0 && c % 10 == 0)
        c /= 10, s--;
    return s;
}

/* ---- the check -------------------------------------------------------------------------- */

void gst_einv_init(GstEinv *doc)
{
    memset(doc, 0, sizeof *doc);
    doc->supply_type = "B2B";
    doc->doc_type = "INV";
    doc->date = doc->today = doc->preceding_date = EINV_NO_DATE;
    doc->rounding = ROUND_HALF_UP;
}

void gst_einv_item_init(GstEinvItem *item)
{
    memset(item, 0, sizeof *item);
    item->quantity = dec_from_int(1);
}

static void check_text(EinvReport *r, const char *s, const char *term, int min, int max, bool required)
{
    if (!has(s)) {
        if (required)
            problem(r, term, arena_printf(r->arena, "IRP: %s is mandatory", term), NULL, "%s is required", term);
        return;
    }
    size_t n = 0;   /* characters, not bytes */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    if ((int)n < min || (int)n > max)
        problem(r, term, arena_printf(r->arena, "IRP: %s length %d..%d", term, min, max), NULL,
                "%s \"%s\" has %zu characters; the portal accepts %d to %d", term, s, n, min, max);
}

static void check_pin(EinvReport *r, const char *pin, const char *term, bool required)
{
    if (!has(pin)) {
        if (required)
            problem(r, term, arena_printf(r->arena, "IRP: %s is mandatory", term), NULL, "%s (PIN code) is required",
                    term);
        return;
    }
    bool ok = strlen(pin) == 6 && pin[0] >= '1' && pin[0] <= '9';
    for (int i = 0; ok && i < 6; i++)
        ok = isdigit((unsigned char)pin[i]);
    if (!ok)
        problem(r, term, arena_printf(r->arena, "IRP: %s is a 6-digit PIN", term), NULL,
                "%s \"%s\" is not a 6-digit PIN code", term, pin);
}

static void check_party(EinvReport *r, GstEinv *d, const GstEinvParty *p, bool seller)
{
    const char *who = seller ? "SellerDtls" : "BuyerDtls";
    const char *t_gstin = arena_printf(r->arena, "%s.Gstin", who);
    char why[256];
    if (!has(p->gstin)) {
        problem(r, t_gstin, "IRP: Gstin is mandatory", NULL, "%s is required%s", t_gstin,
                seller ? "" : " (a B2C invoice is not reported to the IRP; use URP for an export)");
    } else if (!seller && is(p->gstin, "URP")) {
        if (!export_supply(d))
            problem(r, t_gstin, "IRP: URP only for exports", NULL,
                    "buyer GSTIN URP (unregistered) is allowed only for exports (EXPWP, EXPWOP); B2B needs the buyer's "
                    "GSTIN");
    } else if (gst_einv_gstin_problem(p->gstin, why, sizeof why)) {
        problem(r, t_gstin, "IRP: GSTIN format and check character", NULL, "%s \"%s\" is not a valid GSTIN: %s",
                t_gstin, p->gstin, why);
    }
    check_text(r, p->legal_name, arena_printf(r->arena, "%s.LglNm", who), 3, 100, true);
    check_text(r, p->trade_name, arena_printf(r->arena, "%s.TrdNm", who), 3, 100, false);
    check_text(r, p->addr1, arena_printf(r->arena, "%s.Addr1", who), 1, 100, true);
    check_text(r, p->addr2, arena_printf(r->arena, "%s.Addr2", who), 3, 100, false);
    check_text(r, p->location, arena_printf(r->arena, "%s.Loc", who), 3, 50, true);
    check_text(r, p->phone, arena_printf(r->arena, "%s.Ph", who), 6, 12, false);
    check_text(r, p->email, arena_printf(r->arena, "%s.Em", who), 6, 100, false);
    const char *t_st = arena_printf(r->arena, "%s.Stcd", who);
    if (!has(p->state_code))
        problem(r, t_st, "IRP: Stcd is mandatory", NULL, "%s (state code) is required", t_st);
    else if (!gst_einv_state_valid(p->state_code) || (seller && is(p->state_code, "96")))
        problem(r, t_st, "IRP: state code from the GST state list", NULL, "%s \"%s\" is not a GST state code", t_st,
                p->state_code);
    else if (has(p->gstin) && !is(p->gstin, "URP") && strncmp(p->gstin, p->state_code, 2) != 0 && seller)
        problem(r, t_st, "IRP: seller Stcd matches its GSTIN", NULL,
                "seller state code %s differs from its GSTIN's state %.2s", p->state_code, p->gstin);
    const char *t_pin = arena_printf(r->arena, "%s.Pin", who);
    if (!seller && export_supply(d)) {
        if (has(p->pin) && !is(p->pin, "999999"))
            problem(r, t_pin, "IRP: Pin 999999 for exports", NULL, "an export's buyer PIN is 999999, not %s", p->pin);
    } else {
        check_pin(r, p->pin, t_pin, true);
    }
}

static bool within(int64_t given, int64_t computed)
{
    int64_t d = given - computed;
    return d <= TOLERANCE && d >= -TOLERANCE;
}

static bool sum(int64_t *acc, int64_t v)
{
    return !__builtin_add_overflow(*acc, v, acc);
}

static void check_item(EinvReport *r, GstEinv *d, GstEinvItem *it, int i, const Currency *inr)
{
    const char *w = arena_printf(r->arena, "item %d", i + 1);
    check_text(r, it->description, "ItemList.PrdDesc", 3, 300, false);
    if (!has(it->hsn)) {
        problem(r, "ItemList.HsnCd", "IRP: HsnCd is mandatory", w, "HSN/SAC code (HsnCd) is required");
    } else {
        size_t n = strlen(it->hsn);
        bool digits = n == 4 || n == 6 || n == 8;
        for (size_t k = 0; digits && k < n; k++)
            digits = isdigit((unsigned char)it->hsn[k]);
        if (!digits)
            problem(r, "ItemList.HsnCd", "IRP: HsnCd has 4, 6 or 8 digits", w,
                    "HSN/SAC code \"%s\" must have 4, 6 or 8 digits", it->hsn);
        else if ((strncmp(it->hsn, "99", 2) == 0) != it->is_service)
            problem(r, "ItemList.IsServc", "IRP: IsServc matches HsnCd", w,
                    "HSN/SAC code %s is %s, but IsServc says %s", it->hsn,
                    strncmp(it->hsn, "99", 2) == 0 ? "a service (SAC)" : "goods (HSN)", it->is_service ? "Y" : "N");
    }
    if (has(it->unit) && !IN(uqc, it->unit))
        problem(r, "ItemList.Unit", "IRP: Unit from the GST UQC list", w, "unit \"%s\" is not a GST UQC code (NOS, "
                                                                          "KGS, OTH ...)", it->unit);
    else if (!has(it->unit) && !it->is_service)
        problem(r, "ItemList.Unit", "IRP: Unit is mandatory for goods", w, "unit (Unit) is required for goods");
    if (used_scale(it->quantity) > 3 || dec_is_negative(it->quantity))
        problem(r, "ItemList.Qty", "IRP: Qty >= 0 with at most 3 decimals", w,
                "quantity must be positive with at most 3 decimals");
    if (used_scale(it->unit_price) > 3 || dec_is_negative(it->unit_price))
        problem(r, "ItemList.UnitPrice", "IRP: UnitPrice >= 0 with at most 3 decimals", w,
                "unit price must be positive with at most 3 decimals");
    if (!rate_valid(it->gst_rate)) {
        char rb[DEC_FORMAT_MAX];
        dec_format_trim(rb, sizeof rb, it->gst_rate);
        problem(r, "ItemList.GstRt", "IRP: GstRt is a notified GST rate", w,
                "GST rate %s%% is not a notified rate (0, 0.1, 0.25, 1, 1.5, 3, 5, 6, 7.5, 12, 18, 28, 40)", rb);
    }
    bool ok = true;
    int64_t total = 0;
    if (money_from_product(&total, it->quantity, it->unit_price, inr, d->rounding, NULL) < 0)
        ok = false;
    if (!it->total_given)
        it->total = total;
    else if (ok && !within(it->total, total))
        problem(r, "ItemList.TotAmt", "IRP: TotAmt = Qty x UnitPrice", w,
                "total amount differs from quantity x unit price by more than one rupee");
    it->assessable = it->total;
    ok = ok && sum(&it->assessable, -it->discount);
    if (it->assessable < 0)
        problem(r, "ItemList.AssAmt", "IRP: AssAmt = TotAmt - Discount >= 0", w, "the discount exceeds the item's total");
    /* Taxes: intra-state splits the rate in two halves, each rounded once. */
    int64_t igst = 0, half = 0, cess = 0;
    if (d->intra)
        ok = ok && it->gst_rate.scale < DEC_MAX_SCALE &&
             money_percent(&half, it->assessable, dec_make(it->gst_rate.coef * 5, it->gst_rate.scale + 1),
                           d->rounding, NULL) == 0;   /* half the rate: x 5 / 10 */
    else
        ok = ok && money_percent(&igst, it->assessable, it->gst_rate, d->rounding, NULL) == 0;
    ok = ok && money_percent(&cess, it->assessable, it->cess_rate, d->rounding, NULL) == 0;
    if (!ok) {
        problem(r, "ItemList.TotItemVal", "IRP: values add up", w, "the item's amounts are too large to compute exactly");
        return;
    }
    if (!it->taxes_given) {
        it->igst = igst;
        it->cgst = it->sgst = half;
        it->cess = cess;
    } else if (d->intra) {
        if (it->igst != 0)
            problem(r, "ItemList.IgstAmt", "IRP: intra-state supply has CGST + SGST, no IGST", w,
                    "seller state %s is the place of supply %s: the item must carry CGST and SGST, not IGST",
                    d->seller.state_code, d->place_of_supply);
        if (it->cgst != it->sgst)
            problem(r, "ItemList.SgstAmt", "IRP: CGST = SGST", w, "CGST and SGST of an item must be equal");
        if (!within(it->cgst, half) || !within(it->sgst, half))
            problem(r, "ItemList.CgstAmt", "IRP: CGST, SGST = AssAmt x GstRt / 2", w,
                    "CGST/SGST differ from assessable amount x half the rate by more than one rupee");
    } else {
        if (it->cgst != 0 || it->sgst != 0)
            problem(r, "ItemList.CgstAmt", "IRP: inter-state supply has IGST, no CGST + SGST", w,
                    "the place of supply %s is not the seller's state %s%s: the item must carry IGST, not CGST and SGST",
                    d->place_of_supply ? d->place_of_supply : "?", d->seller.state_code ? d->seller.state_code : "?",
                    sez_supply(d) || export_supply(d) ? " (SEZ supplies and exports are inter-state)" : "");
        if (!within(it->igst, igst))
            problem(r, "ItemList.IgstAmt", "IRP: IGST = AssAmt x GstRt", w,
                    "IGST differs from assessable amount x rate by more than one rupee");
    }
    it->item_value = it->assessable;
    if (!(sum(&it->item_value, it->cgst) && sum(&it->item_value, it->sgst) && sum(&it->item_value, it->igst) &&
          sum(&it->item_value, it->cess) && sum(&it->item_value, it->other_charges)))
        problem(r, "ItemList.TotItemVal", "IRP: values add up", w, "the item's amounts are too large to add up");
}

int gst_einv_check(GstEinv *d, Arena *a, EinvReport *out)
{
    *out = (EinvReport){.arena = a};
    EinvReport *r = out;
    d->checked = false;
    const Currency *inr = currency_find("INR");

    if (!IN(supply_types, d->supply_type))
        problem(r, "TranDtls.SupTyp", "IRP: SupTyp from B2B, SEZWP, SEZWOP, EXPWP, EXPWOP, DEXP", NULL,
                "supply type \"%s\" is not one the IRP knows", d->supply_type ? d->supply_type : "");
    if (!IN(doc_types, d->doc_type))
        problem(r, "DocDtls.Typ", "IRP: Typ is INV, CRN or DBN", NULL, "document type \"%s\" is not INV, CRN or DBN",
                d->doc_type ? d->doc_type : "");
    /* The document number. */
    if (!has(d->number)) {
        problem(r, "DocDtls.No", "IRP: DocDtls.No is mandatory", NULL, "document number (DocDtls.No) is required");
    } else {
        size_t n = strlen(d->number);
        if (n > GST_EINV_DOCNO_MAX)
            problem(r, "DocDtls.No", "IRP: DocDtls.No at most 16 characters", NULL,
                    "document number \"%s\" has %zu characters; the IRP accepts at most 16", d->number, n);
        if (d->number[0] == '0' || d->number[0] == '/' || d->number[0] == '-')
            problem(r, "DocDtls.No", "IRP: DocDtls.No does not start with 0, / or -", NULL,
                    "document number \"%s\" starts with '%c'; the IRP refuses numbers starting with 0, / or -",
                    d->number, d->number[0]);
        for (size_t k = 0; k < n; k++)
            if (!isalnum((unsigned char)d->number[k]) && d->number[k] != '/' && d->number[k] != '-') {
                problem(r, "DocDtls.No", "IRP: DocDtls.No has only letters, digits, / and -", NULL,
                        "document number \"%s\" contains '%c'; only letters, digits, / and - are allowed", d->number,
                        d->number[k]);
                break;
            }
    }
    if (d->date == EINV_NO_DATE)
        problem(r, "DocDtls.Dt", "IRP: DocDtls.Dt is mandatory", NULL, "document date (DocDtls.Dt) is required");
    else if (d->today != EINV_NO_DATE && d->date > d->today)
        problem(r, "DocDtls.Dt", "IRP: DocDtls.Dt not in the future", NULL, "the document date is after today");
    if ((is(d->doc_type, "CRN") || is(d->doc_type, "DBN")) && !has(d->preceding_number))
        problem(r, "RefDtls.PrecDocDtls", "IRP: credit and debit notes reference the invoice", NULL,
                "a %s note must name the invoice it adjusts (RefDtls.PrecDocDtls.InvNo)",
                is(d->doc_type, "CRN") ? "credit" : "debit");

    /* Parties and the place of supply. */
    check_party(r, d, &d->seller, true);
    check_party(r, d, &d->buyer, false);
    if (has(d->seller.gstin) && has(d->buyer.gstin) && strcmp(d->seller.gstin, d->buyer.gstin) == 0)
        problem(r, "BuyerDtls.Gstin", "IRP: seller and buyer GSTIN differ", NULL, "the buyer's GSTIN is the seller's");
    if (!has(d->place_of_supply))
        problem(r, "BuyerDtls.Pos", "IRP: Pos is mandatory", NULL, "place of supply (BuyerDtls.Pos) is required");
    else if (!gst_einv_state_valid(d->place_of_supply))
        problem(r, "BuyerDtls.Pos", "IRP: Pos from the GST state list", NULL, "place of supply \"%s\" is not a GST state "
                                                                            "code", d->place_of_supply);
    else if (export_supply(d) && !is(d->place_of_supply, "96"))
        problem(r, "BuyerDtls.Pos", "IRP: Pos 96 for exports", NULL, "an export's place of supply is 96 (Other Country)");
    d->intra = is(d->supply_type, "B2B") && !d->igst_on_intra && has(d->seller.state_code) &&
               is(d->seller.state_code, d->place_of_supply);

    /* Items, then the value details. */
    if (d->nitems <= 0)
        problem(r, "ItemList", "IRP: at least one item", NULL, "at least one item is required");
    if (d->nitems > GST_EINV_ITEMS_MAX)
        problem(r, "ItemList", "IRP: at most 1000 items", NULL, "the IRP accepts at most %d items; this document has %d",
                GST_EINV_ITEMS_MAX, d->nitems);
    GstEinvTotals *t = &d->totals;
    memset(t, 0, sizeof *t);
    bool ok = true;
    for (int i = 0; i < d->nitems; i++) {
        GstEinvItem *it = &d->items[i];
        check_item(r, d, it, i, inr);
        ok = ok && sum(&t->assessable, it->assessable) && sum(&t->cgst, it->cgst) && sum(&t->sgst, it->sgst) &&
             sum(&t->igst, it->igst) && sum(&t->cess, it->cess) && sum(&t->other_charges, it->other_charges);
    }
    t->discount = d->discount;
    t->round_off = d->round_off;
    if (d->round_off > GST_EINV_ROUNDOFF_MAX || d->round_off < -GST_EINV_ROUNDOFF_MAX) {
        char b[MONEY_FORMAT_MAX];
        money_format(b, sizeof b, d->round_off, inr);
        problem(r, "ValDtls.RndOffAmt", "IRP: RndOffAmt within -99.99..99.99", NULL,
                "round-off amount %s is outside -99.99..99.99", b);
    }
    ok = ok && sum(&t->other_charges, d->other_charges);
    t->total = t->assessable;
    ok = ok && sum(&t->total, t->cgst) && sum(&t->total, t->sgst) && sum(&t->total, t->igst) && sum(&t->total, t->cess) &&
         sum(&t->total, t->other_charges) && sum(&t->total, -t->discount) && sum(&t->total, t->round_off);
    if (!ok)
        problem(r, "ValDtls.TotInvVal", "IRP: values add up", NULL, "the document's amounts are too large to add up");
    if (r->n > 0)
        return -ERR_INVALID;
    d->checked = true;
    return 0;
}

/* ---- the JSON --------------------------------------------------------------------------- */

typedef struct J {
    Buf *b;
    int depth;
    bool first[8];
} J;

static void newline(J *j)
{
    buf_putc(j->b, '\n');
    for (int i = 0; i < j->depth; i++)
        buf_puts(j->b, "  ");
}

static void key(J *j, const char *k)
{
    if (!j->first[j->depth])
        buf_putc(j->b, ',');
    j->first[j->depth] = false;
    newline(j);
    if (k) {
        buf_json_str(j->b, k, strlen(k));
        buf_puts(j->b, ": ");
    }
}

static void jopen(J *j, const char *k, char c)
{
    key(j, k);
    buf_putc(j->b, c);
    j->depth++;
    j->first[j->depth] = true;
}

static void jclose(J *j, char c)
{
    j->depth--;
    newline(j);
    buf_putc(j->b, c);
}

static void str(J *j, const char *k, const char *v)
{
    if (!has(v))
        return;
    key(j, k);
    buf_json_str(j->b, v, strlen(v));
}

static void raw(J *j, const char *k, const char *v)
{
    key(j, k);
    buf_puts(j->b, v);
}

static void money(J *j, const char *k, int64_t v)
{
    char b[MONEY_FORMAT_MAX];
    money_format(b, sizeof b, v, currency_find("INR"));
    raw(j, k, b);
}

static void dec(J *j, const char *k, Dec v)
{
    char b[DEC_FORMAT_MAX];
    dec_format_trim(b, sizeof b, v);
    raw(j, k, b);
}

static void date_dmy(J *j, const char *k, Date d)
{
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    char b[16];
    snprintf(b, sizeof b, "%02d/%02d/%04d", dd, m, y);
    str(j, k, b);
}

static void pin(J *j, const char *k, const char *p)
{
    if (has(p))
        raw(j, k, p);   /* a number in the schema; checked to be 6 digits */
}

static void party(J *j, const char *k, const GstEinvParty *p, const char *pos)
{
    jopen(j, k, '{');
    str(j, "Gstin", p->gstin);
    str(j, "LglNm", p->legal_name);
    str(j, "TrdNm", p->trade_name);
    str(j, "Pos", pos);
    str(j, "Addr1", p->addr1);
    str(j, "Addr2", p->addr2);
    str(j, "Loc", p->location);
    pin(j, "Pin", p->pin);
    str(j, "Stcd", p->state_code);
    str(j, "Ph", p->phone);
    str(j, "Em", p->email);
    jclose(j, '}');
}

int gst_einv_write(Buf *out, const GstEinv *d, Error *err)
{
    if (!d->checked)
        return err_set(err, ERR_STATE, NULL, "the document must pass gst_einv_check before it is written");
    size_t start = out->len;
    J j = {.b = out, .depth = 0, .first = {true}};
    buf_putc(out, '{');
    j.depth = 1;
    j.first[1] = true;
    str(&j, "Version", GST_EINV_VERSION);
    jopen(&j, "TranDtls", '{');
    str(&j, "TaxSch", "GST");
    str(&j, "SupTyp", d->supply_type);
    str(&j, "RegRev", d->reverse_charge ? "Y" : "N");
    str(&j, "IgstOnIntra", d->igst_on_intra ? "Y" : "N");
    jclose(&j, '}');
    jopen(&j, "DocDtls", '{');
    str(&j, "Typ", d->doc_type);
    str(&j, "No", d->number);
    date_dmy(&j, "Dt", d->date);
    jclose(&j, '}');
    party(&j, "SellerDtls", &d->seller, NULL);
    party(&j, "BuyerDtls", &d->buyer, d->place_of_supply);
    jopen(&j, "ItemList", '[');
    for (int i = 0; i < d->nitems; i++) {
        const GstEinvItem *it = &d->items[i];
        char sl[16];
        snprintf(sl, sizeof sl, "%d", i + 1);
        jopen(&j, NULL, '{');
        str(&j, "SlNo", sl);
        str(&j, "PrdDesc", it->description);
        str(&j, "IsServc", it->is_service ? "Y" : "N");
        str(&j, "HsnCd", it->hsn);
        dec(&j, "Qty", it->quantity);
        str(&j, "Unit", it->unit);
        dec(&j, "UnitPrice", it->unit_price);
        money(&j, "TotAmt", it->total);
        money(&j, "Discount", it->discount);
        money(&j, "AssAmt", it->assessable);
        dec(&j, "GstRt", it->gst_rate);
        money(&j, "IgstAmt", it->igst);
        money(&j, "CgstAmt", it->cgst);
        money(&j, "SgstAmt", it->sgst);
        dec(&j, "CesRt", it->cess_rate);
        money(&j, "CesAmt", it->cess);
        money(&j, "OthChrg", it->other_charges);
        money(&j, "TotItemVal", it->item_value);
        jclose(&j, '}');
    }
    jclose(&j, ']');
    jopen(&j, "ValDtls", '{');
    money(&j, "AssVal", d->totals.assessable);
    money(&j, "CgstVal", d->totals.cgst);
    money(&j, "SgstVal", d->totals.sgst);
    money(&j, "IgstVal", d->totals.igst);
    money(&j, "CesVal", d->totals.cess);
    money(&j, "Discount", d->totals.discount);
    money(&j, "OthChrg", d->totals.other_charges);
    money(&j, "RndOffAmt", d->totals.round_off);
    money(&j, "TotInvVal", d->totals.total);
    jclose(&j, '}');
    if (has(d->preceding_number)) {
        jopen(&j, "RefDtls", '{');
        jopen(&j, "PrecDocDtls", '[');
        jopen(&j, NULL, '{');
        str(&j, "InvNo", d->preceding_number);
        if (d->preceding_date != EINV_NO_DATE)
            date_dmy(&j, "InvDt", d->preceding_date);
        jclose(&j, '}');
        jclose(&j, ']');
        jclose(&j, '}');
    }
    j.depth = 0;
    newline(&j);
    buf_puts(out, "}\n");
    if (out->failed) {
        out->len = start;
        return err_set(err, ERR_TOO_LARGE, NULL, "the GST e-invoice is larger than allowed");
    }
    return 0;
}
