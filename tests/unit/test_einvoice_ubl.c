/* tests/unit/test_einvoice_ubl.c — domain/ubl.c: the UBL 2.1 documents, parsed back with libxml2.
 *
 * Round trip: 1,000 random documents (currencies of 0, 2 and 3 decimals, several rates and
 * categories, line and document allowances and charges, prepaid and rounding amounts, credit
 * notes, VAT accounting currencies) are checked, written, parsed back, and every amount in the
 * XML must equal the struct's to the minor unit; the XML's own sums must also hold (BR-CO-10..16),
 * recomputed here from the parsed values alone. The official validator runs over the fixtures in
 * tests/einvoice/conformance.sh.
 */
#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>

#include "domain/einvoice.h"
#include "tests/unit/einvoice_fixtures.h"

typedef struct Parsed {
    xmlDocPtr doc;
    xmlXPathContextPtr x;
    const EinvDoc *d;
} Parsed;

static void parse(Parsed *p, const Buf *b, const EinvDoc *d)
{
    p->d = d;
    p->doc = xmlReadMemory(b->data, (int)b->len, "doc.xml", "UTF-8", XML_PARSE_NONET);
    cr_assert_not_null(p->doc, "the UBL document is not well-formed XML");
    p->x = xmlXPathNewContext(p->doc);
    xmlXPathRegisterNs(p->x, BAD_CAST "cac", BAD_CAST "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2");
    xmlXPathRegisterNs(p->x, BAD_CAST "cbc", BAD_CAST "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2");
    xmlXPathRegisterNs(p->x, BAD_CAST "inv", BAD_CAST "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2");
    xmlXPathRegisterNs(p->x, BAD_CAST "cn", BAD_CAST "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2");
}

static void unparse(Parsed *p)
{
    xmlXPathFreeContext(p->x);
    xmlFreeDoc(p->doc);
}

/* The nodes at path, relative to the root element (any root: Invoice or CreditNote). */
static xmlXPathObjectPtr nodes(Parsed *p, const char *path)
{
    char full[512];
    snprintf(full, sizeof full, "/*%s", path);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST full, p->x);
    cr_assert_not_null(o, "bad xpath %s", full);
    return o;
}

static int count(Parsed *p, const char *path)
{
    xmlXPathObjectPtr o = nodes(p, path);
    int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(o);
    return n;
}

/* The text of the i-th node at path, or NULL. Caller frees with xmlFree. */
static char *text_at(Parsed *p, const char *path, int i)
{
    xmlXPathObjectPtr o = nodes(p, path);
    char *s = NULL;
    if (o->nodesetval && i < o->nodesetval->nodeNr)
        s = (char *)xmlNodeGetContent(o->nodesetval->nodeTab[i]);
    xmlXPathFreeObject(o);
    return s;
}

/* An amount element: its currencyID must be cur; its value parsed back to minor units. */
static int64_t amount_at(Parsed *p, const char *path, int i, const Currency *cur)
{
    xmlXPathObjectPtr o = nodes(p, path);
    cr_assert(o->nodesetval && i < o->nodesetval->nodeNr, "no %s[%d]", path, i);
    xmlNodePtr n = o->nodesetval->nodeTab[i];
    xmlChar *c = xmlGetProp(n, BAD_CAST "currencyID");
    xmlChar *v = xmlNodeGetContent(n);
    cr_assert_not_null(c, "%s has no currencyID", path);
    cr_expect_str_eq((char *)c, cur->code, "%s currencyID", path);
    const char *dot = strchr((char *)v, '.');
    cr_expect(!dot || strlen(dot + 1) <= 2, "%s = %s has more than 2 decimals (BR-DEC)", path, v);
    int64_t m = 0;
    Error e;
    cr_assert_eq(money_parse(&m, (char *)v, strlen((char *)v), cur, path, &e), 0, "%s = %s: %s", path, v, e.message);
    xmlFree(c);
    xmlFree(v);
    xmlXPathFreeObject(o);
    return m;
}

static int64_t amount(Parsed *p, const char *path)
{
    return amount_at(p, path, 0, p->d->cur);
}

static bool present(Parsed *p, const char *path)
{
    return count(p, path) > 0;
}

/* Every amount of the document equals the struct's, and the XML's sums hold on their own. */
static void check_round_trip(Parsed *p)
{
    const EinvDoc *d = p->d;
    const EinvTotals *t = &d->totals;
    bool cn = d->kind == EINV_CREDIT_NOTE;
    const char *lines = cn ? "/cac:CreditNoteLine" : "/cac:InvoiceLine";
    char path[256];

    int64_t le = amount(p, "/cac:LegalMonetaryTotal/cbc:LineExtensionAmount");
    int64_t excl = amount(p, "/cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount");
    int64_t incl = amount(p, "/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount");
    int64_t payable = amount(p, "/cac:LegalMonetaryTotal/cbc:PayableAmount");
    int64_t allow = present(p, "/cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount")
                        ? amount(p, "/cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount") : 0;
    int64_t charge = present(p, "/cac:LegalMonetaryTotal/cbc:ChargeTotalAmount")
                         ? amount(p, "/cac:LegalMonetaryTotal/cbc:ChargeTotalAmount") : 0;
    int64_t prepaid = present(p, "/cac:LegalMonetaryTotal/cbc:PrepaidAmount")
                          ? amount(p, "/cac:LegalMonetaryTotal/cbc:PrepaidAmount") : 0;
    int64_t rounding = present(p, "/cac:LegalMonetaryTotal/cbc:PayableRoundingAmount")
                           ? amount(p, "/cac:LegalMonetaryTotal/cbc:PayableRoundingAmount") : 0;
    int64_t tax = amount(p, "/cac:TaxTotal[cac:TaxSubtotal]/cbc:TaxAmount");

    /* equal to the struct, to the minor unit */
    cr_expect_eq(le, t->line_extension, "%s BT-106", d->number);
    cr_expect_eq(excl, t->tax_exclusive, "%s BT-109", d->number);
    cr_expect_eq(incl, t->tax_inclusive, "%s BT-112", d->number);
    cr_expect_eq(payable, t->payable, "%s BT-115", d->number);
    cr_expect_eq(allow, t->allowances, "%s BT-107", d->number);
    cr_expect_eq(charge, t->charges, "%s BT-108", d->number);
    cr_expect_eq(prepaid, t->prepaid, "%s BT-113", d->number);
    cr_expect_eq(rounding, t->rounding, "%s BT-114", d->number);
    cr_expect_eq(tax, t->tax, "%s BT-110", d->number);
    if (d->tax_cur) {
        cr_expect_eq(amount_at(p, "/cac:TaxTotal[not(cac:TaxSubtotal)]/cbc:TaxAmount", 0, d->tax_cur),
                     t->tax_in_tax_currency, "%s BT-111", d->number);
    } else {
        cr_expect_eq(count(p, "/cac:TaxTotal"), 1);
    }

    /* the XML's own arithmetic, from parsed values only */
    int nl = count(p, lines);
    cr_assert_eq(nl, d->nlines, "%s lines", d->number);
    int64_t sum_lines = 0;
    snprintf(path, sizeof path, "%s/cbc:LineExtensionAmount", lines);
    for (int i = 0; i < nl; i++) {
        int64_t v = amount_at(p, path, i, d->cur);
        cr_expect_eq(v, d->lines[i].net_amount, "%s line %d BT-131", d->number, i + 1);
        sum_lines += v;
    }
    cr_expect_eq(le, sum_lines, "%s BR-CO-10", d->number);
    int64_t sum_allow = 0, sum_charge = 0;
    int nac = count(p, "/cac:AllowanceCharge");
    for (int i = 0; i < nac; i++) {
        int64_t v = amount_at(p, "/cac:AllowanceCharge/cbc:Amount", i, d->cur);
        char *ind = text_at(p, "/cac:AllowanceCharge/cbc:ChargeIndicator", i);
        if (strcmp(ind, "true") == 0)
            sum_charge += v;
        else
            sum_allow += v;
        xmlFree(ind);
    }
    cr_expect_eq(allow, sum_allow, "%s BR-CO-11", d->number);
    cr_expect_eq(charge, sum_charge, "%s BR-CO-12", d->number);
    cr_expect_eq(excl, le - allow + charge, "%s BR-CO-13", d->number);
    int nsub = count(p, "/cac:TaxTotal/cac:TaxSubtotal");
    cr_expect_eq(nsub, d->nvat, "%s BG-23 count", d->number);
    int64_t sum_tax = 0, sum_taxable = 0;
    for (int i = 0; i < nsub; i++) {
        int64_t taxable = amount_at(p, "/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", i, d->cur);
        int64_t v = amount_at(p, "/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", i, d->cur);
        cr_expect_eq(taxable, d->vat[i].taxable, "%s BT-116 #%d", d->number, i);
        cr_expect_eq(v, d->vat[i].tax, "%s BT-117 #%d", d->number, i);
        sum_tax += v;
        sum_taxable += taxable;
    }
    cr_expect_eq(tax, sum_tax, "%s BR-CO-14", d->number);
    cr_expect_eq(sum_taxable, excl, "%s taxable amounts add up to BT-109", d->number);
    cr_expect_eq(incl, excl + tax, "%s BR-CO-15", d->number);
    cr_expect_eq(payable, incl - prepaid + rounding, "%s BR-CO-16", d->number);
}

static void write_checked(Buf *b, EinvDoc *d, Arena *a)
{
    EinvReport r;
    int rc = einv_check(d, a, &r);
    for (int i = 0; rc && i < r.n; i++)
        cr_log_error("%s: %s %s: %s", d->number, r.items[i].rule, r.items[i].term, r.items[i].message);
    cr_assert_eq(rc, 0, "%s refused by the check", d->number);
    Error e;
    cr_assert_eq(ubl_write(b, d, &e), 0, "%s: %s", d->number, e.message);
}

Test(einvoice_ubl, every_fixture_round_trips_with_peppol_ids)
{
    for (int i = 0; i < einv_fixture_count(); i++) {
        Arena a;
        arena_init(&a, 0);
        EinvDoc d;
        Buf b;
        buf_init(&b, 0);
        einv_fixture_build(i, &d, &a);
        write_checked(&b, &d, &a);
        Parsed p;
        parse(&p, &b, &d);
        const char *root = (const char *)xmlDocGetRootElement(p.doc)->name;
        cr_expect_str_eq(root, d.kind == EINV_CREDIT_NOTE ? "CreditNote" : "Invoice");
        char *cid = text_at(&p, "/cbc:CustomizationID", 0), *pid = text_at(&p, "/cbc:ProfileID", 0);
        cr_expect_str_eq(cid, EINV_CUSTOMIZATION_ID);
        cr_expect_str_eq(pid, EINV_PROFILE_ID);
        xmlFree(cid);
        xmlFree(pid);
        check_round_trip(&p);
        unparse(&p);
        buf_free(&b);
        arena_free(&a);
    }
}

Test(einvoice_ubl, round_trip_of_1000_random_documents_to_the_minor_unit)
{
    int cn = 0, taxcur = 0, kwd = 0, jpy = 0;
    for (unsigned seed = 1; seed <= 1000; seed++) {
        Arena a;
        arena_init(&a, 0);
        EinvDoc d;
        Buf b;
        buf_init(&b, 0);
        einv_fixture_random(&d, &a, seed);
        write_checked(&b, &d, &a);
        Parsed p;
        parse(&p, &b, &d);
        check_round_trip(&p);
        cn += d.kind == EINV_CREDIT_NOTE;
        taxcur += d.tax_cur != NULL;
        kwd += strcmp(d.currency, "KWD") == 0;
        jpy += strcmp(d.currency, "JPY") == 0;
        unparse(&p);
        buf_free(&b);
        arena_free(&a);
    }
    /* the generator covers what it claims */
    cr_expect_gt(cn, 100);
    cr_expect_gt(taxcur, 100);
    cr_expect_gt(kwd, 50);
    cr_expect_gt(jpy, 50);
}

Test(einvoice_ubl, credit_note_references_the_invoice_it_corrects)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    Buf b;
    buf_init(&b, 0);
    einv_fixture_build(9, &d, &a);
    d.due_date = date_from_ymd(2026, 6, 1);
    write_checked(&b, &d, &a);
    Parsed p;
    parse(&p, &b, &d);
    char *id = text_at(&p, "/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", 0);
    char *dt = text_at(&p, "/cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate", 0);
    char *type = text_at(&p, "/cbc:CreditNoteTypeCode", 0);
    char *due = text_at(&p, "/cac:PaymentMeans/cbc:PaymentDueDate", 0);
    cr_expect_str_eq(id, "INV-2026-0002");
    cr_expect_str_eq(dt, "2026-05-04");
    cr_expect_str_eq(type, "381");
    cr_expect_str_eq(due, "2026-06-01", "a credit note carries BT-9 in its payment means");
    cr_expect_eq(count(&p, "/cbc:DueDate"), 0, "UBL CreditNote has no DueDate");
    cr_expect_eq(count(&p, "/cac:CreditNoteLine/cbc:CreditedQuantity"), 2);
    xmlFree(id);
    xmlFree(dt);
    xmlFree(type);
    xmlFree(due);
    unparse(&p);
    buf_free(&b);
    arena_free(&a);
}

Test(einvoice_ubl, text_is_escaped_and_no_element_is_empty)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    Buf b;
    buf_init(&b, 0);
    einv_fixture_base(&d, &a);
    d.buyer.legal_name = "Smith & Sons <Ltd> \"Quoted\"";
    d.note = "   ";          /* blank: absent, not an empty element (PEPPOL-EN16931-R008) */
    d.buyer.trading_name = "";
    write_checked(&b, &d, &a);
    Parsed p;
    parse(&p, &b, &d);
    char *name = text_at(&p, "/cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName", 0);
    cr_expect_str_eq(name, "Smith & Sons <Ltd> \"Quoted\"");
    xmlFree(name);
    cr_expect_eq(count(&p, "/cbc:Note"), 0);
    cr_expect_eq(count(&p, "//*[not(*) and normalize-space(.) = '']"), 0, "an empty element was written");
    unparse(&p);
    buf_free(&b);
    arena_free(&a);
}

Test(einvoice_ubl, only_a_checked_document_is_written)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    Buf b;
    buf_init(&b, 0);
    Error e;
    einv_fixture_base(&d, &a);
    cr_expect_eq(ubl_write(&b, &d, &e), -ERR_STATE);
    EinvReport r;
    d.buyer.endpoint = NULL;
    cr_expect_eq(einv_check(&d, &a, &r), -ERR_INVALID);
    cr_expect_eq(ubl_write(&b, &d, &e), -ERR_STATE, "a refused document is never written");
    cr_expect_eq(b.len, 0);
    buf_free(&b);
    arena_free(&a);
}

Test(einvoice_ubl, a_document_past_the_cap_is_too_large)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    Buf b;
    buf_init(&b, 1024);
    Error e;
    EinvReport r;
    einv_fixture_base(&d, &a);
    cr_assert_eq(einv_check(&d, &a, &r), 0);
    cr_expect_eq(ubl_write(&b, &d, &e), -ERR_TOO_LARGE);
    buf_free(&b);
    arena_free(&a);
}

Test(einvoice_ubl, amounts_use_the_currency_precision)
{
    static const struct {
        int fixture;
        const char *path, *text;
    } rows[] = {
        {11, "/cac:LegalMonetaryTotal/cbc:PayableAmount", "316960"},      /* JPY: no decimals */
        {10, "/cac:LegalMonetaryTotal/cbc:PayableAmount", "349.13"},      /* KWD: EN 16931's 2 */
        {10, "/cac:InvoiceLine/cac:Price/cbc:PriceAmount", "12.345"},     /* prices keep theirs */
        {0, "/cac:LegalMonetaryTotal/cbc:PayableAmount", "1576.78"},
        {0, "/cac:InvoiceLine/cbc:InvoicedQuantity", "12.5"},
        {7, "/cac:TaxTotal[not(cac:TaxSubtotal)]/cbc:TaxAmount", "846.71"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        Arena a;
        arena_init(&a, 0);
        EinvDoc d;
        Buf b;
        buf_init(&b, 0);
        einv_fixture_build(rows[i].fixture, &d, &a);
        write_checked(&b, &d, &a);
        Parsed p;
        parse(&p, &b, &d);
        char *v = text_at(&p, rows[i].path, 0);
        cr_expect_str_eq(v, rows[i].text, "%s %s", einv_fixture_name(rows[i].fixture), rows[i].path);
        xmlFree(v);
        unparse(&p);
        buf_free(&b);
        arena_free(&a);
    }
}
