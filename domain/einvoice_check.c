/* domain/einvoice_check.c — EN 16931 / Peppol BIS 3.0: computes a document's amounts and lists
 * every business term that is missing or inconsistent. Exports einv_doc_init, einv_line_init,
 * einv_check, einv_report_json, einv_amount_format, einv_amount_step.
 *
 * What it computes, in EN 16931's order and by its rules:
 *   line allowances/charges given as a percentage (BT-138 x BT-137 / 100),
 *   line net amount BT-131 = quantity x price / base quantity + charges - allowances (R120),
 *   document allowances/charges given as a percentage,
 *   the VAT breakdown BG-23: one per (category, rate); taxable = lines + charges - allowances of
 *   that category and rate (BR-S-08...); tax = taxable x rate, rounded once (BR-CO-17), or the
 *   sum of per-line VAT in EINV_TAX_PER_LINE mode (checked against BR-CO-17's tolerance),
 *   the totals BT-106..BT-115 (BR-CO-10..16) and BT-111 in the VAT accounting currency.
 * Every product is computed in 128 bits and rounded once to the document's precision
 * (min(exponent, 2) decimals, see einvoice.h); sums are exact and overflow is a problem, not a wrap.
 *
 * What it checks: the presence rules that the validators would report (BR-01..65, BR-CO-*, the
 * category rules BR-S/Z/E/AE/IC/G/O-*, PEPPOL-EN16931-R0xx/P01xx), the code lists (BR-CL-*,
 * generated from the same artefacts) and the 2-decimal cap (BR-DEC-*). It does not replace the
 * validator (country rules such as DE-R-*, NO-R-* and identifier check digits are left to it);
 * it makes sure Remit never writes a document that lacks what it could have asked the user for.
 * Each problem names the term, the rule and where, so a 422 can list them all at once.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/einvoice.h"

/* ---- small helpers ---------------------------------------------------------------------- */

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
    return s && strcmp(s, v) == 0;
}

static bool has_date(Date d)
{
    return d != EINV_NO_DATE;
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
    if (!msg)
        return;
    r->items[r->n++] = (EinvProblem){.term = term, .rule = rule, .where = where, .message = msg};
}

/* XML 1.0 can carry valid UTF-8 without control characters other than tab, LF and CR. */
static bool xml_text_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
            return false;
        if (n == 1 && c < 0xC2)
            return false;   /* overlong */
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return false;
    }
    return true;
}

/* A text term: reports characters XML cannot carry; returns whether it is present. */
static bool text(EinvReport *r, const char *s, const char *term, const char *label, const char *where)
{
    if (!has(s))
        return false;
    if (!xml_text_ok(s)) {
        problem(r, term, "XML", where, "%s (%s) contains a character an XML document cannot carry", label, term);
        return false;
    }
    return true;
}

static bool require(EinvReport *r, const char *s, const char *term, const char *rule, const char *label,
                    const char *where)
{
    if (text(r, s, term, label, where))
        return true;
    if (!has(s))
        problem(r, term, rule, where, "%s (%s) is required", label, term);
    return false;
}

static const char *where_line(EinvReport *r, int i)
{
    return arena_printf(r->arena, "line %d", i + 1);
}

static int64_t pow10i(int n)
{
    int64_t v = 1;
    while (n-- > 0)
        v *= 10;
    return v;
}

int64_t einv_amount_step(const Currency *c)
{
    return c && c->exponent > 2 ? pow10i(c->exponent - 2) : 1;
}

int einv_amount_format(char *buf, size_t cap, int64_t minor, const Currency *c)
{
    if (!c)
        return -1;
    int64_t step = einv_amount_step(c);
    if (minor % step != 0) {
        if (cap > 0)
            buf[0] = '\0';
        return -1;
    }
    int scale = c->exponent < 2 ? c->exponent : 2;
    return dec_format(buf, cap, dec_make(minor / step, scale), scale);
}

/* num / den rounded once to whole `step`s of minor units: out = round(num / (den * step)) * step. */
static bool round_step(int64_t *out, __int128 num, __int128 den, int64_t step, Rounding rnd)
{
    __int128 d;
    int64_t units;
    if (__builtin_mul_overflow(den, (__int128)step, &d) || !dec_round_div(&units, num, d, rnd))
        return false;
    return !__builtin_mul_overflow(units, step, out);
}

static bool pow10_128(__int128 *out, int n)
{
    __int128 v = 1;
    for (int i = 0; i < n; i++)
        if (__builtin_mul_overflow(v, (__int128)10, &v))
            return false;
    *out = v;
    return true;
}

/* quantity x price / base, in minor units of c rounded once to the document's precision. */
static bool line_product(int64_t *out, Dec qty, Dec price, Dec base, const Currency *c, Rounding rnd)
{
    if (base.coef == 0)
        base = dec_make(1, 0);
    /* value = qty.coef * price.coef * 10^(exp + base.scale) / (10^(qs + ps) * base.coef) */
    __int128 num = (__int128)qty.coef * price.coef, den = base.coef, p;
    int k = c->exponent + base.scale - qty.scale - price.scale;
    if (!pow10_128(&p, k < 0 ? -k : k))
        return false;
    if (k >= 0 ? __builtin_mul_overflow(num, p, &num) : __builtin_mul_overflow(den, p, &den))
        return false;
    return round_step(out, num, den, einv_amount_step(c), rnd);
}

/* minor x pct / 100, rounded once to the document's precision. */
static bool percent_of(int64_t *out, int64_t minor, Dec pct, const Currency *c, Rounding rnd)
{
    __int128 den;
    if (!pow10_128(&den, pct.scale))
        return false;
    return round_step(out, (__int128)minor * pct.coef, den * 100, einv_amount_step(c), rnd);
}

/* minor units of `from` x rate -> minor units of `to`, rounded once to to's document precision. */
static bool convert(int64_t *out, int64_t minor, const Currency *from, const Currency *to, Dec rate, Rounding rnd)
{
    __int128 num = (__int128)minor * rate.coef, den = 1, p;
    int k = to->exponent - from->exponent - rate.scale;
    if (!pow10_128(&p, k < 0 ? -k : k))
        return false;
    if (k >= 0 && __builtin_mul_overflow(num, p, &num))
        return false;
    if (k < 0)
        den = p;
    return round_step(out, num, den, einv_amount_step(to), rnd);
}

/* Is target (minor units of a currency with exponent e) within slack_n/100 minor units of
 * qty x price / base? 1 yes, 0 no, -1 too large to tell. Exact: everything in 128-bit integers. */
static int line_fits(int64_t target, Dec qty, Dec price, Dec base, int e, int64_t slack_n)
{
    if (base.coef == 0)
        base = dec_make(1, 0);
    /* exact = qty.coef * price.coef * 10^(base.scale + e) / (10^(qs + ps) * base.coef) minor units */
    __int128 num = (__int128)qty.coef * price.coef, den = base.coef, p, lhs, rhs;
    if (!pow10_128(&p, base.scale + e) || __builtin_mul_overflow(num, p, &num) ||
        !pow10_128(&p, qty.scale + price.scale) || __builtin_mul_overflow(den, p, &den))
        return -1;
    /* |target - num/den| <= slack_n / 100  <=>  |target * den - num| * 100 <= slack_n * den */
    if (__builtin_mul_overflow((__int128)target, den, &lhs) || __builtin_sub_overflow(lhs, num, &lhs))
        return -1;
    if (lhs < 0)
        lhs = -lhs;
    if (den < 0)
        den = -den;
    if (__builtin_mul_overflow(lhs, (__int128)100, &lhs) || __builtin_mul_overflow(den, (__int128)slack_n, &rhs))
        return -1;
    return lhs <= rhs;
}

/* The price that explains target = qty x price / base within PEPPOL-EN16931-R120's 0.02: target x
 * base / qty at the smallest scale (from the price's own) that fits. false if none up to 12. */
static bool effective_price(Dec *out, int64_t target, Dec qty, Dec price, Dec base, int e)
{
    if (qty.coef == 0)
        return false;
    if (base.coef == 0)
        base = dec_make(1, 0);
    for (int s = price.scale; s <= 12; s++) {
        /* P = target * base.coef * 10^(qs + s) / (10^(e + bs) * qty.coef) */
        __int128 num = (__int128)target * base.coef, den = qty.coef, p;
        int64_t coef;
        if (!pow10_128(&p, qty.scale + s) || __builtin_mul_overflow(num, p, &num) || !pow10_128(&p, e + base.scale) ||
            __builtin_mul_overflow(den, p, &den) || !dec_round_div(&coef, num, den, ROUND_HALF_UP))
            return false;
        Dec cand = dec_make(coef, s);
        if (line_fits(target, qty, cand, base, e, 2 * pow10i(e)) == 1) {
            *out = cand;
            return true;
        }
    }
    return false;
}

static bool add(int64_t *acc, int64_t v)
{
    return !__builtin_add_overflow(*acc, v, acc);
}

/* ---- categories ------------------------------------------------------------------------- */

typedef struct Category {
    const char *code;
    const char *name;          /* as the rules name it */
    const char *prefix;        /* rule prefix: BR-S, BR-IC ... */
    bool rated;                /* a rate above zero (S, L, M); otherwise 0, or none for O */
    const char *vatex;         /* the one exemption code that means it (AE, K, G, O) */
    const char *reason;        /* its standard text */
    bool needs_reason;         /* BR-x-10 requires a reason or code */
    bool forbids_reason;       /* BR-S-10, BR-Z-10 */
} Category;

static const Category categories[] = {
    {"S", "standard rated", "BR-S", true, NULL, NULL, false, true},
    {"Z", "zero rated", "BR-Z", false, NULL, NULL, false, true},
    {"E", "exempt from VAT", "BR-E", false, NULL, NULL, true, false},
    {"AE", "reverse charge", "BR-AE", false, "VATEX-EU-AE", "Reverse charge", true, false},
    {"K", "intra-community supply", "BR-IC", false, "VATEX-EU-IC", "Intra-community supply", true, false},
    {"G", "export outside the EU", "BR-G", false, "VATEX-EU-G", "Export outside the EU", true, false},
    {"O", "not subject to VAT", "BR-O", false, "VATEX-EU-O", "Not subject to VAT", true, false},
    {"L", "IGIC (Canary Islands)", "BR-AF", true, NULL, NULL, false, true},
    {"M", "IPSI (Ceuta and Melilla)", "BR-AG", true, NULL, NULL, false, true},
};

static const Category *category(const char *code)
{
    for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
        if (is(code, categories[i].code))
            return &categories[i];
    return NULL;
}

/* VATEX codes that belong to one category (PEPPOL-EN16931-P0104..P0111). */
static const struct {
    const char *code, *category, *rule;
} vatex_owner[] = {
    {"VATEX-EU-G", "G", "PEPPOL-EN16931-P0104"},  {"VATEX-EU-O", "O", "PEPPOL-EN16931-P0105"},
    {"VATEX-EU-IC", "K", "PEPPOL-EN16931-P0106"}, {"VATEX-EU-AE", "AE", "PEPPOL-EN16931-P0107"},
    {"VATEX-EU-D", "E", "PEPPOL-EN16931-P0108"},  {"VATEX-EU-F", "E", "PEPPOL-EN16931-P0109"},
    {"VATEX-EU-I", "E", "PEPPOL-EN16931-P0110"},  {"VATEX-EU-J", "E", "PEPPOL-EN16931-P0111"},
};

/* Checks one item's category and rate (a line's BT-151/152, an allowance's BT-95/96 ...). */
static void check_tax(EinvReport *r, const EinvTax *t, const char *cat_term, const char *rate_term, int rule_no,
                      const char *where)
{
    if (!has(t->category)) {
        problem(r, cat_term, "BR-CO-04", where, "VAT category code (%s) is required", cat_term);
        return;
    }
    const Category *c = category(t->category);
    if (!c || !einv_code_valid(EINV_CODES_TAX_CATEGORY, t->category)) {
        problem(r, cat_term, "BR-CL-17", where,
                "VAT category code (%s) \"%s\" is not a UNCL 5305 code Remit can write (S, Z, E, AE, K, G, O, L, M)",
                cat_term, t->category);
        return;
    }
    if (c->rated && dec_cmp(t->rate, dec_from_int(0)) <= 0)
        problem(r, rate_term, arena_printf(r->arena, "%s-%02d", c->prefix, rule_no), where,
                "VAT rate (%s) must be greater than zero for category %s (%s)", rate_term, c->code, c->name);
    else if (!c->rated && !is(c->code, "O") && !dec_is_zero(t->rate))
        problem(r, rate_term, arena_printf(r->arena, "%s-%02d", c->prefix, rule_no), where,
                "VAT rate (%s) must be 0 for category %s (%s)", rate_term, c->code, c->name);
    if (has(t->exemption_code)) {
        if (!einv_code_valid(EINV_CODES_VATEX, t->exemption_code))
            problem(r, "BT-121", "BR-CL-22", where, "VAT exemption reason code (BT-121) \"%s\" is not a VATEX code",
                    t->exemption_code);
        for (size_t i = 0; i < sizeof vatex_owner / sizeof vatex_owner[0]; i++)
            if (is(t->exemption_code, vatex_owner[i].code) && !is(c->code, vatex_owner[i].category))
                problem(r, "BT-121", vatex_owner[i].rule, where,
                        "VAT exemption reason code %s belongs to category %s, not %s", t->exemption_code,
                        vatex_owner[i].category, c->code);
    }
    if (c->forbids_reason && (has(t->exemption_code) || has(t->exemption_reason)))
        problem(r, "BT-120", arena_printf(r->arena, "%s-10", c->prefix), where,
                "a VAT exemption reason is not allowed for category %s (%s)", c->code, c->name);
    text(r, t->exemption_reason, "BT-120", "VAT exemption reason", where);
}

/* ---- the VAT breakdown ------------------------------------------------------------------ */

typedef struct Group {
    EinvVat v;
    __int128 exact_num;        /* for PER_LINE: the category-level tax, to check BR-CO-17 */
    int64_t line_tax;          /* sum of per-item VAT */
    const Category *cat;
    int first;                 /* order of first appearance */
} Group;

static int group_for(Group *g, int *ng, const EinvTax *t)
{
    const Category *c = category(t->category);
    for (int i = 0; i < *ng; i++)
        if (g[i].cat == c && (is(c->code, "O") || dec_cmp(g[i].v.rate, t->rate) == 0))
            return i;
    g[*ng] = (Group){.v = {.category = c->code, .rate = is(c->code, "O") ? dec_from_int(0) : t->rate},
                     .cat = c, .first = *ng};
    return (*ng)++;
}

/* Merges an item's exemption reason into its group: one reason per breakdown (BR-E-01 ...). */
static void group_reason(EinvReport *r, Group *g, const EinvTax *t, const char *where)
{
    if (has(t->exemption_code)) {
        if (!g->v.exemption_code)
            g->v.exemption_code = t->exemption_code;
        else if (strcmp(g->v.exemption_code, t->exemption_code) != 0)
            problem(r, "BT-121", arena_printf(r->arena, "%s-01", g->cat->prefix), where,
                    "VAT exemption reason code %s differs from %s given for the same category %s; a document has one "
                    "VAT breakdown per category and rate, with one reason",
                    t->exemption_code, g->v.exemption_code, g->cat->code);
    }
    if (has(t->exemption_reason)) {
        if (!g->v.exemption_reason)
            g->v.exemption_reason = t->exemption_reason;
        else if (strcmp(g->v.exemption_reason, t->exemption_reason) != 0)
            problem(r, "BT-120", arena_printf(r->arena, "%s-01", g->cat->prefix), where,
                    "VAT exemption reason \"%s\" differs from \"%s\" given for the same category %s; a document has "
                    "one VAT breakdown per category and rate, with one reason",
                    t->exemption_reason, g->v.exemption_reason, g->cat->code);
    }
}

static int group_cmp(const void *a, const void *b)
{
    const Group *x = a, *y = b;
    ptrdiff_t cx = x->cat - categories, cy = y->cat - categories;
    if (cx != cy)
        return cx < cy ? -1 : 1;
    int c = dec_cmp(y->v.rate, x->v.rate);   /* higher rates first */
    return c ? c : x->first - y->first;
}

/* ---- parties ---------------------------------------------------------------------------- */

static bool vat_prefix_ok(const char *vat)
{
    if (!vat || !isupper((unsigned char)vat[0]) || !isupper((unsigned char)vat[1]))
        return false;
    char cc[3] = {vat[0], vat[1], 0};
    return strcmp(cc, "EL") == 0 || strcmp(cc, "1A") == 0 || einv_code_valid(EINV_CODES_COUNTRY, cc);
}

static void check_address(EinvReport *r, const EinvAddress *a, bool seller)
{
    const char *who = seller ? "seller" : "buyer";
    static const char *const terms[2][7] = {
        {"BT-50", "BT-51", "BT-163", "BT-52", "BT-53", "BT-54", "BT-55"},
        {"BT-35", "BT-36", "BT-162", "BT-37", "BT-38", "BT-39", "BT-40"},
    };
    const char *const *t = terms[seller];
    text(r, a->street, t[0], arena_printf(r->arena, "%s address line 1", who), NULL);
    text(r, a->additional, t[1], arena_printf(r->arena, "%s address line 2", who), NULL);
    text(r, a->line3, t[2], arena_printf(r->arena, "%s address line 3", who), NULL);
    text(r, a->city, t[3], arena_printf(r->arena, "%s city", who), NULL);
    text(r, a->postal_code, t[4], arena_printf(r->arena, "%s post code", who), NULL);
    text(r, a->subdivision, t[5], arena_printf(r->arena, "%s country subdivision", who), NULL);
    if (!has(a->country))
        problem(r, t[6], seller ? "BR-09" : "BR-11", NULL, "%s country code (%s) is required", who, t[6]);
    else if (!einv_code_valid(EINV_CODES_COUNTRY, a->country))
        problem(r, t[6], "BR-CL-14", NULL, "%s country code (%s) \"%s\" is not an ISO 3166-1 alpha-2 code", who, t[6],
                a->country);
}

static void check_party(EinvReport *r, const EinvParty *p, bool seller)
{
    const char *who = seller ? "seller" : "buyer";
    require(r, p->legal_name, seller ? "BT-27" : "BT-44", seller ? "BR-06" : "BR-07",
            arena_printf(r->arena, "%s legal name", who), NULL);
    text(r, p->trading_name, seller ? "BT-28" : "BT-45", arena_printf(r->arena, "%s trading name", who), NULL);
    const char *ep = seller ? "BT-34" : "BT-49";
    if (require(r, p->endpoint, ep, seller ? "PEPPOL-EN16931-R020" : "PEPPOL-EN16931-R010",
                arena_printf(r->arena, "%s electronic address", who), NULL)) {
        if (!has(p->endpoint_scheme))
            problem(r, ep, seller ? "BR-62" : "BR-63", NULL, "%s electronic address scheme (%s-1) is required", who,
                    ep);
        else if (!einv_code_valid(EINV_CODES_EAS, p->endpoint_scheme))
            problem(r, ep, "PEPPOL-EN16931-CL008", NULL,
                    "%s electronic address scheme (%s-1) \"%s\" is not in the EAS code list", who, ep,
                    p->endpoint_scheme);
    }
    const char *vt = seller ? "BT-31" : "BT-48";
    if (text(r, p->vat_id, vt, arena_printf(r->arena, "%s VAT identifier", who), NULL) && !vat_prefix_ok(p->vat_id))
        problem(r, vt, "BR-CO-09", NULL,
                "%s VAT identifier (%s) \"%s\" must start with its ISO 3166-1 country prefix, e.g. \"DE123456789\"",
                who, vt, p->vat_id);
    const char *idt = seller ? "BT-29" : "BT-46", *lt = seller ? "BT-30" : "BT-47";
    text(r, p->id, idt, arena_printf(r->arena, "%s identifier", who), NULL);
    if (has(p->id) && has(p->id_scheme) && !einv_code_valid(EINV_CODES_ICD, p->id_scheme))
        problem(r, idt, "BR-CL-10", NULL, "%s identifier scheme (%s-1) \"%s\" is not an ISO 6523 ICD code", who, idt,
                p->id_scheme);
    text(r, p->legal_id, lt, arena_printf(r->arena, "%s legal registration identifier", who), NULL);
    if (has(p->legal_id) && has(p->legal_id_scheme) && !einv_code_valid(EINV_CODES_ICD, p->legal_id_scheme))
        problem(r, lt, "BR-CL-11", NULL, "%s legal registration identifier scheme (%s-1) \"%s\" is not an ISO 6523 ICD code",
                who, lt, p->legal_id_scheme);
    if (seller) {
        if (!has(p->vat_id) && !has(p->legal_id) && !has(p->id))
            problem(r, "BT-31", "BR-CO-26", NULL,
                    "seller VAT identifier (BT-31), legal registration identifier (BT-30) or identifier (BT-29) is "
                    "required");
        text(r, p->tax_reg_id, "BT-32", "seller tax registration identifier", NULL);
        text(r, p->legal_info, "BT-33", "seller additional legal information", NULL);
    }
    check_address(r, &p->address, seller);
    text(r, p->contact_name, seller ? "BT-41" : "BT-56", arena_printf(r->arena, "%s contact point", who), NULL);
    text(r, p->contact_phone, seller ? "BT-42" : "BT-57", arena_printf(r->arena, "%s contact telephone", who), NULL);
    text(r, p->contact_email, seller ? "BT-43" : "BT-58", arena_printf(r->arena, "%s contact email", who), NULL);
}

/* ---- allowances and charges ------------------------------------------------------------- */

static void check_ac(EinvReport *r, EinvDoc *d, EinvAllowanceCharge *ac, bool doc_level, const char *where)
{
    const char *kind = ac->charge ? "charge" : "allowance";
    /* terms: reason, reason code, amount, category, rate, base, percent */
    const char *tr = doc_level ? (ac->charge ? "BT-104" : "BT-97") : (ac->charge ? "BT-144" : "BT-139");
    const char *tc = doc_level ? (ac->charge ? "BT-105" : "BT-98") : (ac->charge ? "BT-145" : "BT-140");
    const char *ta = doc_level ? (ac->charge ? "BT-99" : "BT-92") : (ac->charge ? "BT-141" : "BT-136");
    const char *rr = doc_level ? (ac->charge ? "BR-38" : "BR-33") : (ac->charge ? "BR-44" : "BR-42");
    bool reason = text(r, ac->reason, tr, arena_printf(r->arena, "%s reason", kind), where);
    if (has(ac->reason_code)) {
        if (!einv_code_valid(ac->charge ? EINV_CODES_CHARGE : EINV_CODES_ALLOWANCE, ac->reason_code))
            problem(r, tc, ac->charge ? "PEPPOL-EN16931-CL003" : "PEPPOL-EN16931-CL002", where,
                    "%s reason code (%s) \"%s\" is not a UNCL %s code", kind, tc, ac->reason_code,
                    ac->charge ? "7161" : "5189");
    } else if (!reason) {
        problem(r, tr, rr, where, "%s reason (%s) or reason code (%s) is required", kind, tr, tc);
    }
    ac->percent_written = false;
    if (ac->has_percent) {
        if (!percent_of(&ac->amount, ac->base, ac->percent, d->cur, d->rounding))
            problem(r, ta, "BR-DEC", where, "%s amount (%s) is too large to compute exactly", kind, ta);
        /* PEPPOL-EN16931-R040: amount within 0.02 of base x percent / 100, which a 0-decimal currency's
         * rounding may miss: then only the amount is written (percent and base are optional). */
        ac->percent_written = line_fits(ac->amount, dec_make(ac->base, 0), ac->percent, dec_make(100, 0),
                                        0, 2 * pow10i(d->cur->exponent)) == 1;
    }
    if (ac->amount % einv_amount_step(d->cur) != 0 || ac->base % einv_amount_step(d->cur) != 0)
        problem(r, ta, doc_level ? (ac->charge ? "BR-DEC-05" : "BR-DEC-01") : (ac->charge ? "BR-DEC-27" : "BR-DEC-24"),
                where, "%s amount (%s) has more decimals than EN 16931 allows in %s (2)", kind, ta, d->cur->code);
    if (doc_level)
        check_tax(r, &ac->tax, ac->charge ? "BT-102" : "BT-95", ac->charge ? "BT-103" : "BT-96", ac->charge ? 7 : 6,
                  where);
}

/* ---- the check -------------------------------------------------------------------------- */

void einv_doc_init(EinvDoc *doc)
{
    memset(doc, 0, sizeof *doc);
    doc->issue_date = doc->due_date = doc->tax_point_date = EINV_NO_DATE;
    doc->period_start = doc->period_end = doc->preceding_date = doc->delivery_date = EINV_NO_DATE;
    doc->rounding = ROUND_HALF_UP;
    doc->tax_rounding = EINV_TAX_PER_CATEGORY;
}

void einv_line_init(EinvLine *line)
{
    memset(line, 0, sizeof *line);
    line->quantity = dec_from_int(1);
    line->period_start = line->period_end = EINV_NO_DATE;
}

static void check_header(EinvReport *r, EinvDoc *d)
{
    bool cn = d->kind == EINV_CREDIT_NOTE;
    require(r, d->number, "BT-1", "BR-02", cn ? "credit note number" : "invoice number", NULL);
    if (!has_date(d->issue_date))
        problem(r, "BT-2", "BR-03", NULL, "issue date (BT-2) is required");
    if (d->type_code && !einv_code_valid(cn ? EINV_CODES_CREDIT_NOTE_TYPE : EINV_CODES_INVOICE_TYPE, d->type_code))
        problem(r, "BT-3", cn ? "PEPPOL-EN16931-P0101" : "PEPPOL-EN16931-P0100", NULL,
                "%s type code (BT-3) \"%s\" is not allowed by Peppol BIS 3.0", cn ? "credit note" : "invoice",
                d->type_code);
    if ((is(d->type_code, "326") || is(d->type_code, "384")) &&
        !(is(d->seller.address.country, "DE") && is(d->buyer.address.country, "DE")))
        problem(r, "BT-3", "PEPPOL-EN16931-P0112", NULL,
                "invoice type code (BT-3) %s is only allowed when seller and buyer are both in Germany", d->type_code);
    text(r, d->note, "BT-22", "invoice note", NULL);
    if (!has(d->currency))
        problem(r, "BT-5", "BR-05", NULL, "invoice currency code (BT-5) is required");
    else if (!d->cur || !einv_code_valid(EINV_CODES_CURRENCY, d->currency))
        problem(r, "BT-5", "BR-CL-04", NULL, "invoice currency code (BT-5) \"%s\" is not an ISO 4217 code Remit knows",
                d->currency);
    if (has(d->tax_currency)) {
        if (!d->tax_cur || !einv_code_valid(EINV_CODES_CURRENCY, d->tax_currency))
            problem(r, "BT-6", "BR-CL-05", NULL, "VAT accounting currency code (BT-6) \"%s\" is not an ISO 4217 code",
                    d->tax_currency);
        else if (is(d->tax_currency, d->currency))
            problem(r, "BT-6", "PEPPOL-EN16931-R005", NULL,
                    "VAT accounting currency code (BT-6) must differ from the invoice currency; leave it out instead");
        else if (!d->tax_total_tax_currency_given && dec_cmp(d->tax_exchange_rate, dec_from_int(0)) <= 0)
            problem(r, "BT-111", "BR-53", NULL,
                    "invoice total VAT amount in accounting currency (BT-111) is required: give it, or the exchange "
                    "rate from %s to %s",
                    d->currency, d->tax_currency);
    }
    bool buyer_ref = text(r, d->buyer_reference, "BT-10", "buyer reference", NULL);
    bool order_ref = text(r, d->order_reference, "BT-13", "purchase order reference", NULL);
    if (!buyer_ref && !order_ref)
        problem(r, "BT-10", "PEPPOL-EN16931-R003", NULL, "buyer reference (BT-10) or purchase order reference (BT-13) "
                                                         "is required");
    text(r, d->contract_reference, "BT-12", "contract reference", NULL);
    text(r, d->accounting_cost, "BT-19", "buyer accounting reference", NULL);
    if (has_date(d->period_start) && has_date(d->period_end) && d->period_end < d->period_start)
        problem(r, "BT-74", "BR-29", NULL, "invoicing period end date (BT-74) is before its start date (BT-73)");
    if (text(r, d->preceding_number, "BT-25", "preceding invoice reference", NULL)) {
        /* fine */
    } else if (has_date(d->preceding_date)) {
        problem(r, "BT-25", "BR-55", NULL, "preceding invoice reference (BT-25) is required with its issue date (BT-26)");
    }
    if (cn && !has(d->preceding_number) && is(d->seller.address.country, "NL"))
        problem(r, "BT-25", "NL-R-001", NULL,
                "a credit note from a seller in the Netherlands must reference the invoice it corrects (BT-25)");
    text(r, d->deliver_to_name, "BT-70", "deliver to party name", NULL);
    if (has(d->deliver_to.country) && !einv_code_valid(EINV_CODES_COUNTRY, d->deliver_to.country))
        problem(r, "BT-80", "BR-CL-14", NULL, "deliver to country code (BT-80) \"%s\" is not an ISO 3166-1 alpha-2 code",
                d->deliver_to.country);
    if ((has(d->deliver_to.street) || has(d->deliver_to.city) || has(d->deliver_to.postal_code)) &&
        !has(d->deliver_to.country))
        problem(r, "BT-80", "BR-57", NULL, "deliver to country code (BT-80) is required with a deliver to address");
}

static void check_payment(EinvReport *r, EinvDoc *d)
{
    bool means = has(d->payment_means_code);
    if (means && !einv_code_valid(EINV_CODES_PAYMENT_MEANS, d->payment_means_code))
        problem(r, "BT-81", "BR-CL-16", NULL, "payment means type code (BT-81) \"%s\" is not a UNCL 4461 code",
                d->payment_means_code);
    if (!means && (has(d->payee_account) || has(d->payment_id) || has(d->payment_means_text)))
        problem(r, "BT-81", "BR-49", NULL, "payment means type code (BT-81) is required with payment instructions");
    if ((is(d->payment_means_code, "30") || is(d->payment_means_code, "58")) &&
        !text(r, d->payee_account, "BT-84", "payment account identifier", NULL))
        problem(r, "BT-84", "BR-61", NULL,
                "payment account identifier (BT-84) is required for a credit transfer (payment means %s)",
                d->payment_means_code);
    text(r, d->payment_means_text, "BT-82", "payment means text", NULL);
    text(r, d->payment_id, "BT-83", "remittance information", NULL);
    text(r, d->payee_account_name, "BT-85", "payment account name", NULL);
    text(r, d->payee_bank, "BT-86", "payment service provider identifier", NULL);
    bool terms = text(r, d->payment_terms, "BT-20", "payment terms", NULL);
    if (d->totals.payable > 0 && !has_date(d->due_date) && !terms)
        problem(r, "BT-9", "BR-CO-25", NULL,
                "payment due date (BT-9) or payment terms (BT-20) is required when an amount is due");
    if (d->kind == EINV_CREDIT_NOTE && has_date(d->due_date) && !means)
        problem(r, "BT-81", "BR-49", NULL,
                "a credit note carries its payment due date (BT-9) in its payment means: payment means type code "
                "(BT-81) is required");
}

/* The line: its allowances and charges, then its net amount (BT-131). */
static void check_line(EinvReport *r, EinvDoc *d, EinvLine *l, int i)
{
    const char *w = where_line(r, i);
    text(r, l->id, "BT-126", "invoice line identifier", w);
    text(r, l->note, "BT-127", "invoice line note", w);
    text(r, l->order_line_ref, "BT-132", "referenced purchase order line", w);
    require(r, l->item_name, "BT-153", "BR-25", "item name", w);
    text(r, l->item_description, "BT-154", "item description", w);
    text(r, l->seller_item_id, "BT-155", "item seller's identifier", w);
    text(r, l->buyer_item_id, "BT-156", "item buyer's identifier", w);
    if (text(r, l->class_code, "BT-158", "item classification identifier", w)) {
        if (!has(l->class_scheme))
            problem(r, "BT-158", "BR-65", w, "item classification identifier scheme (BT-158-1) is required");
        else if (!einv_code_valid(EINV_CODES_ITEM_CLASS, l->class_scheme))
            problem(r, "BT-158", "BR-CL-13", w, "item classification scheme (BT-158-1) \"%s\" is not a UNCL 7143 code",
                    l->class_scheme);
    }
    if (!has(l->unit_code))
        problem(r, "BT-130", "BR-23", w, "invoiced quantity unit of measure code (BT-130) is required");
    else if (!einv_code_valid(EINV_CODES_UNIT, l->unit_code))
        problem(r, "BT-130", "BR-CL-23", w,
                "unit of measure code (BT-130) \"%s\" is not a UN/ECE Recommendation 20 code (e.g. HUR hour, DAY "
                "day, MON month, C62 one)",
                l->unit_code);
    if (dec_is_negative(l->price))
        problem(r, "BT-146", "BR-27", w, "item net price (BT-146) must not be negative");
    if (l->base_quantity.coef < 0)
        problem(r, "BT-149", "PEPPOL-EN16931-R121", w, "item price base quantity (BT-149) must be above zero");
    if (has_date(l->period_start) && has_date(l->period_end) && l->period_end < l->period_start)
        problem(r, "BT-135", "BR-30", w, "invoice line period end date (BT-135) is before its start date (BT-134)");
    if (has_date(l->period_start) && has_date(d->period_start) &&
        (l->period_start < d->period_start || (has_date(d->period_end) && l->period_start > d->period_end)))
        problem(r, "BT-134", "PEPPOL-EN16931-R110", w, "invoice line period start (BT-134) is outside the invoicing period");
    if (has_date(l->period_end) && has_date(d->period_end) &&
        (l->period_end > d->period_end || (has_date(d->period_start) && l->period_end < d->period_start)))
        problem(r, "BT-135", "PEPPOL-EN16931-R111", w, "invoice line period end (BT-135) is outside the invoicing period");
    check_tax(r, &l->tax, "BT-151", "BT-152", 5, w);

    if (!d->cur)
        return;
    int64_t acs = 0;
    bool ok = true;
    for (int k = 0; k < l->nacs; k++) {
        EinvAllowanceCharge *ac = &l->acs[k];
        const char *aw = arena_printf(r->arena, "line %d %s %d", i + 1, ac->charge ? "charge" : "allowance", k + 1);
        check_ac(r, d, ac, false, aw);
        ok = ok && add(&acs, ac->charge ? ac->amount : -ac->amount);
    }
    int64_t net = 0;
    ok = ok && line_product(&net, l->quantity, l->price, l->base_quantity, d->cur, d->rounding) && add(&net, acs);
    if (!ok) {
        problem(r, "BT-131", "BR-DEC-23", w, "invoice line net amount (BT-131) is too large to compute exactly");
        return;
    }
    if (!l->net_given)
        l->net_amount = net;
    /* PEPPOL-EN16931-R120: net - charges + allowances within 0.02 of quantity x price / base. A net
     * rounded to the currency (given, or computed in a 0-decimal currency) may be up to half a unit
     * away: then the price is written as net / quantity, precise enough to be within the slack. */
    int64_t core = l->net_amount - acs;
    int e = d->cur->exponent;
    int64_t step = einv_amount_step(d->cur);
    int fits = line_fits(core, l->quantity, l->price, l->base_quantity, e, 2 * pow10i(e));
    l->price_written = l->price;
    if (fits == 0 && line_fits(core, l->quantity, l->price, l->base_quantity, e, 50 * step + 2 * pow10i(e)) == 1)
        fits = effective_price(&l->price_written, core, l->quantity, l->price, l->base_quantity, e) ? 1 : -1;
    if (fits == 0) {
        char a[MONEY_FORMAT_MAX], b[MONEY_FORMAT_MAX];
        money_format(a, sizeof a, l->net_amount, d->cur);
        money_format(b, sizeof b, net, d->cur);
        problem(r, "BT-131", "PEPPOL-EN16931-R120", w,
                "invoice line net amount (BT-131) %s differs from quantity x price + charges - allowances = %s", a, b);
    } else if (fits < 0) {
        problem(r, "BT-146", "PEPPOL-EN16931-R120", w,
                "quantity x item net price (BT-146) is too large to verify against the line net amount");
    }
    if (l->net_amount % einv_amount_step(d->cur) != 0)
        problem(r, "BT-131", "BR-DEC-23", w, "invoice line net amount (BT-131) has more decimals than EN 16931 allows "
                                            "in %s (2)", d->cur->code);
}

/* The VAT breakdown, then the totals. Groups live in the arena (at most one per item). */
static int compute(EinvReport *r, EinvDoc *d)
{
    int cap = d->nlines + d->nacs;
    Group *g = ARENA_ARRAY(r->arena, Group, cap > 0 ? cap : 1);
    if (!g)
        return -ERR_UNAVAILABLE;
    int ng = 0;
    int64_t step = einv_amount_step(d->cur);
    EinvTotals *t = &d->totals;
    memset(t, 0, sizeof *t);
    bool ok = true;
    for (int i = 0; i < d->nlines; i++) {
        EinvLine *l = &d->lines[i];
        if (!category(l->tax.category))
            continue;
        Group *x = &g[group_for(g, &ng, &l->tax)];
        group_reason(r, x, &l->tax, where_line(r, i));
        ok = ok && add(&x->v.taxable, l->net_amount) && add(&t->line_extension, l->net_amount);
        if (d->tax_rounding == EINV_TAX_PER_LINE) {
            int64_t tax = 0;
            if (l->tax_given)
                tax = l->tax_amount;
            else if (x->cat->rated)
                ok = ok && percent_of(&tax, l->net_amount, l->tax.rate, d->cur, d->rounding);
            l->tax_amount = tax;
            if (tax % step != 0)
                problem(r, "BT-117", "BR-DEC-20", where_line(r, i),
                        "line VAT amount has more decimals than EN 16931 allows in %s (2)", d->cur->code);
            ok = ok && add(&x->line_tax, tax);
        }
    }
    for (int i = 0; i < d->nacs; i++) {
        EinvAllowanceCharge *ac = &d->acs[i];
        int64_t signed_amount = ac->charge ? ac->amount : -ac->amount;
        ok = ok && add(ac->charge ? &t->charges : &t->allowances, ac->amount);
        if (!category(ac->tax.category))
            continue;
        Group *x = &g[group_for(g, &ng, &ac->tax)];
        group_reason(r, x, &ac->tax, arena_printf(r->arena, "document %s %d", ac->charge ? "charge" : "allowance", i + 1));
        ok = ok && add(&x->v.taxable, signed_amount);
        if (d->tax_rounding == EINV_TAX_PER_LINE && x->cat->rated) {
            int64_t tax = 0;
            ok = ok && percent_of(&tax, signed_amount, ac->tax.rate, d->cur, d->rounding) && add(&x->line_tax, tax);
        }
    }
    if (!ok) {
        problem(r, "BG-22", "BR-CO-10", NULL, "the document's amounts are too large to add up exactly");
        return 0;
    }
    qsort(g, (size_t)ng, sizeof *g, group_cmp);
    for (int i = 0; i < ng; i++) {
        Group *x = &g[i];
        const char *w = arena_printf(r->arena, "VAT breakdown %s", x->cat->code);
        if (x->cat->rated) {
            int64_t exact = 0;
            if (!percent_of(&exact, x->v.taxable, x->v.rate, d->cur, d->rounding)) {
                problem(r, "BT-117", "BR-CO-17", w, "VAT category tax amount (BT-117) is too large to compute exactly");
                continue;
            }
            x->v.tax = d->tax_rounding == EINV_TAX_PER_LINE ? x->line_tax : exact;
            /* BR-CO-17 / BR-S-09: within one unit of the currency of taxable x rate. */
            int64_t unit = pow10i(d->cur->exponent), diff = x->v.tax - exact;
            if (diff >= unit || diff <= -unit) {
                char a[MONEY_FORMAT_MAX], b[MONEY_FORMAT_MAX];
                money_format(a, sizeof a, x->v.tax, d->cur);
                money_format(b, sizeof b, exact, d->cur);
                problem(r, "BT-117", "BR-CO-17", w,
                        "VAT of category %s is %s, the sum of per-line VAT; taxable amount x rate gives %s, and EN "
                        "16931 allows less than one %s of difference",
                        x->cat->code, a, b, d->cur->code);
            }
        }
        if (x->cat->vatex && !x->v.exemption_code && !x->v.exemption_reason) {
            x->v.exemption_code = x->cat->vatex;
            x->v.exemption_reason = x->cat->reason;
        }
        if (x->cat->needs_reason && !x->v.exemption_code && !x->v.exemption_reason)
            problem(r, "BT-120", arena_printf(r->arena, "%s-10", x->cat->prefix), w,
                    "VAT exemption reason (BT-120) or exemption reason code (BT-121) is required for category %s (%s)",
                    x->cat->code, x->cat->name);
        ok = ok && add(&t->tax, x->v.tax);
    }
    d->vat = ARENA_ARRAY(r->arena, EinvVat, ng > 0 ? ng : 1);
    if (!d->vat)
        return -ERR_UNAVAILABLE;
    for (int i = 0; i < ng; i++)
        d->vat[i] = g[i].v;
    d->nvat = ng;

    t->tax_exclusive = t->line_extension;
    ok = ok && add(&t->tax_exclusive, t->charges) && add(&t->tax_exclusive, -t->allowances);
    t->tax_inclusive = t->tax_exclusive;
    ok = ok && add(&t->tax_inclusive, t->tax);
    t->prepaid = d->prepaid;
    t->rounding = d->rounding_amount;
    t->payable = t->tax_inclusive;
    ok = ok && add(&t->payable, -t->prepaid) && add(&t->payable, t->rounding);
    if (!ok)
        problem(r, "BG-22", "BR-CO-15", NULL, "the document's totals are too large to add up exactly");
    if (d->prepaid % step != 0)
        problem(r, "BT-113", "BR-DEC-16", NULL, "paid amount (BT-113) has more decimals than EN 16931 allows in %s (2)",
                d->cur->code);
    if (d->rounding_amount % step != 0)
        problem(r, "BT-114", "BR-DEC-17", NULL, "rounding amount (BT-114) has more decimals than EN 16931 allows in %s (2)",
                d->cur->code);

    if (d->tax_cur && !is(d->tax_currency, d->currency)) {
        int64_t tt = d->tax_total_tax_currency;
        if (!d->tax_total_tax_currency_given && dec_cmp(d->tax_exchange_rate, dec_from_int(0)) > 0 &&
            !convert(&tt, t->tax, d->cur, d->tax_cur, d->tax_exchange_rate, d->rounding))
            problem(r, "BT-111", "BR-53", NULL, "VAT total in accounting currency (BT-111) is too large to compute");
        t->tax_in_tax_currency = tt;
        if ((tt < 0) != (t->tax < 0) || (tt == 0) != (t->tax == 0))
            problem(r, "BT-111", "PEPPOL-EN16931-R055", NULL,
                    "invoice total VAT amount (BT-110) and the one in accounting currency (BT-111) must have the same sign");
        if (tt % einv_amount_step(d->tax_cur) != 0)
            problem(r, "BT-111", "BR-DEC-15", NULL,
                    "VAT total in accounting currency (BT-111) has more decimals than EN 16931 allows in %s (2)",
                    d->tax_cur->code);
    }
    return 0;
}

/* Rules that look at the categories the document uses (BR-x-02/03/04, BR-IC-11/12, BR-O-11). */
static void check_categories(EinvReport *r, EinvDoc *d)
{
    bool seller_vat = has(d->seller.vat_id), seller_reg = has(d->seller.tax_reg_id);
    bool buyer_vat = has(d->buyer.vat_id), buyer_legal = has(d->buyer.legal_id);
    for (int i = 0; i < d->nvat; i++) {
        const EinvVat *v = &d->vat[i];
        const Category *c = category(v->category);
        const char *rule = arena_printf(r->arena, "%s-02", c->prefix);
        if (is(c->code, "O")) {
            if (seller_vat || buyer_vat)
                problem(r, seller_vat ? "BT-31" : "BT-48", rule, NULL,
                        "a document not subject to VAT (category O) must not carry the seller's or buyer's VAT "
                        "identifier (BT-31, BT-48)");
            if (d->nvat > 1)
                problem(r, "BG-23", "BR-O-11", NULL,
                        "a document with category O (not subject to VAT) cannot carry other VAT categories");
            continue;
        }
        if (is(c->code, "G") || is(c->code, "K")) {
            if (!seller_vat)
                problem(r, "BT-31", rule, NULL, "seller VAT identifier (BT-31) is required for category %s (%s)",
                        c->code, c->name);
        } else if (!seller_vat && !seller_reg) {
            problem(r, "BT-31", rule, NULL,
                    "seller VAT identifier (BT-31) or tax registration identifier (BT-32) is required for category %s "
                    "(%s)",
                    c->code, c->name);
        }
        if (is(c->code, "AE") && !buyer_vat && !buyer_legal)
            problem(r, "BT-48", rule, NULL,
                    "buyer VAT identifier (BT-48) or legal registration identifier (BT-47) is required for a reverse "
                    "charge (AE)");
        if (is(c->code, "K")) {
            if (!buyer_vat)
                problem(r, "BT-48", rule, NULL, "buyer VAT identifier (BT-48) is required for an intra-community "
                                                "supply (K)");
            if (!has_date(d->delivery_date) && !has_date(d->period_start) && !has_date(d->period_end))
                problem(r, "BT-72", "BR-IC-11", NULL,
                        "actual delivery date (BT-72) or invoicing period (BG-14) is required for an intra-community "
                        "supply (K)");
            if (!has(d->deliver_to.country))
                problem(r, "BT-80", "BR-IC-12", NULL,
                        "deliver to country code (BT-80) is required for an intra-community supply (K)");
        }
    }
}

int einv_check(EinvDoc *doc, Arena *a, EinvReport *out)
{
    *out = (EinvReport){.arena = a};
    doc->checked = false;
    doc->cur = currency_find(doc->currency);
    doc->tax_cur = has(doc->tax_currency) ? currency_find(doc->tax_currency) : NULL;

    check_header(out, doc);
    check_party(out, &doc->seller, true);
    check_party(out, &doc->buyer, false);
    if (doc->nlines <= 0)
        problem(out, "BG-25", "BR-16", NULL, "at least one invoice line (BG-25) is required");
    for (int i = 0; i < doc->nlines; i++)
        check_line(out, doc, &doc->lines[i], i);
    if (doc->cur) {
        for (int i = 0; i < doc->nacs; i++) {
            EinvAllowanceCharge *ac = &doc->acs[i];
            check_ac(out, doc, ac, true,
                     arena_printf(a, "document %s %d", ac->charge ? "charge" : "allowance", i + 1));
        }
        int rc = compute(out, doc);
        if (rc < 0)
            return rc;
        check_categories(out, doc);
        check_payment(out, doc);
    }
    if (out->n > 0 || !doc->cur)
        return -ERR_INVALID;
    doc->checked = true;
    return 0;
}

json_t *einv_report_json(const EinvReport *r, const char *what)
{
    json_t *list = json_array();
    for (int i = 0; i < r->n; i++) {
        const EinvProblem *p = &r->items[i];
        json_t *o = json_object();
        json_object_set_new(o, "term", json_string(p->term));
        json_object_set_new(o, "rule", json_string(p->rule));
        if (p->where)
            json_object_set_new(o, "where", json_string(p->where));
        json_object_set_new(o, "message", json_string(p->message));
        if (p->field)
            json_object_set_new(o, "field", json_string(p->field));
        json_array_append_new(list, o);
    }
    char msg[256];
    snprintf(msg, sizeof msg, "%s cannot be exported: %d business term%s missing or invalid (see problems)", what, r->n,
             r->n == 1 ? " is" : "s are");
    json_t *e = json_object();
    json_object_set_new(e, "code", json_string("invalid"));
    json_object_set_new(e, "message", json_string(msg));
    json_object_set_new(e, "problems", list);
    json_t *root = json_object();
    json_object_set_new(root, "error", e);
    return root;
}
