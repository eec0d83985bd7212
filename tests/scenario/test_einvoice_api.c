/* tests/scenario/test_einvoice_api.c — e-invoices served by the API (issue 8), on the store the
 * suite runs on.
 *
 * A Belgian seller (base currency EUR) invoices through the ordinary API — tax rates carrying their
 * UNCL 5305 category and VATEX code, customers with Peppol addresses — and fetches each document
 * at GET /invoices/{id}/ubl or /credit_notes/{id}/ubl: one standard rate, two rates, exempt with
 * reason, reverse charge, zero-rated, a USD invoice (VAT total in EUR), a JPY invoice, a partially
 * paid invoice and a credit note correcting an invoice. Every amount in the XML must equal the
 * invoice's own to the cent, and the official kit (../shared/einvoice/validate --peppol, skipped
 * with a message when absent) must pass every document, run once over all of them. Then: missing
 * data is one 422 naming every business term and the field that holds it; drafts and cancelled
 * invoices are refused; the GST e-invoice JSON of an intra- and an inter-state invoice; and
 * `remit export ubl` writes the same documents.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/scenario/helpers.h"
#include "tests/scenario/invoicing_helpers.h"

static const char *kit(void)
{
    const char *k = getenv("REMIT_EINVOICE_KIT");
    return k && *k ? k : "../shared/einvoice";
}

/* A tenant whose base currency is EUR, with a Belgian company profile. */
static void eu_tenant(ItTenant *t, const char *tag)
{
    static int n;
    memset(t, 0, sizeof *t);
    t->base = getenv("REMIT_TEST_BASE");
    cr_assert_not_null(t->base, "REMIT_TEST_BASE is not set");
    unsigned r = (unsigned)getpid() * 2654435761u + (unsigned)(++n) * 7919u;
    snprintf(t->ip, sizeof t->ip, "10.%u.%u.%u", 200 + (r >> 24) % 50, (r >> 16) & 255, (r >> 8) & 255);
    snprintf(t->email, sizeof t->email, "owner-%s-%u-%d@einvoice.example", tag, (unsigned)getpid(), n);
    char name[128];
    snprintf(name, sizeof name, "E-invoice %s %u %d", tag, (unsigned)getpid(), n);
    json_t *j = it_pack(t, 201, "POST", "/api/v1/auth/signup",
                        json_pack("{s:s, s:s, s:s, s:s, s:s}", "tenant_name", name, "email", t->email, "password",
                                  "correct horse battery", "base_currency", "EUR", "timezone", "Europe/Brussels"));
    snprintf(t->token, sizeof t->token, "%s", it_str(j, "access_token"));
    json_decref(j);
    json_decref(it_pack(t, 201, "POST", "/api/v1/company_profiles",
                        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name",
                                  "Lumen Consulting BV", "address", "Rue de la Loi 42", "city", "Bruxelles",
                                  "postal_code", "1040", "country", "BE", "tax_id", "BE0123456749",
                                  "registration_number", "0123456749", "einvoice_endpoint", "0123456749",
                                  "einvoice_scheme", "0208", "bank_account_number", "BE71096123456769", "bank_swift",
                                  "GKCCBEBB", "contact_email", "billing@lumen.example")));
}

static char *id_of(json_t *j)
{
    char *id = strdup(it_str(j, "id"));
    json_decref(j);
    return id;
}

static char *customer(ItTenant *t, const char *name, const char *country, const char *currency, const char *vat,
                      const char *endpoint, const char *scheme)
{
    return id_of(it_pack(t, 201, "POST", "/api/v1/customers",
                         json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:s?, s:s?, s:s}", "name", name,
                                   "legal_name", name, "country", country, "currency", currency, "tax_id", vat,
                                   "address_line_1", "Main Street 1", "city", "Capital", "postal_code", "1000",
                                   "einvoice_endpoint", endpoint, "einvoice_scheme", scheme, "buyer_reference",
                                   "PO-2026-0042")));
}

static void tax_rate(ItTenant *t, const char *category, const char *rate, const char *vat_category,
                     const char *vatex, const char *reason)
{
    json_decref(it_pack(t, 201, "POST", "/api/v1/tax_rates",
                        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?}", "category", category, "rate", rate,
                                  "tax_type", "vat", "effective_from", "2020-01-01", "vat_category", vat_category,
                                  "vatex_code", vatex, "exemption_reason", reason)));
}

/* A finalized invoice; lines is a JSON array text. extra: more header keys as JSON text ("" for none). */
static char *invoice(ItTenant *t, const char *cust, const char *lines, const char *extra)
{
    char body[4096];
    snprintf(body, sizeof body, "{\"customer_id\": \"%s\", \"invoice_date\": \"2026-11-02\"%s, \"lines\": %s}", cust,
             extra, lines);
    char *id = id_of(it_json(t, 201, "POST", "/api/v1/invoices", body));
    char path[128];
    snprintf(path, sizeof path, "/api/v1/invoices/%s/finalize", id);
    json_decref(it_json(t, 200, "POST", path, NULL));
    return id;
}

/* The text of the first <tag>...</tag> after `after` (or from the start), as a new string. */
static char *xml_text(const char *xml, const char *tag, const char *after)
{
    const char *p = after ? strstr(xml, after) : xml;
    cr_assert_not_null(p, "no %s in the document", after);
    char open[96];
    snprintf(open, sizeof open, "<%s", tag);
    p = strstr(p, open);
    if (!p)
        return NULL;
    p = strchr(p, '>');
    const char *e = strchr(p, '<');
    return strndup(p + 1, (size_t)(e - p - 1));
}

/* The XML amount equals the JSON field's value, as text: both carry the currency's decimals. */
static void expect_amount(const char *xml, const char *tag, const char *after, json_t *doc, const char *field)
{
    char *v = xml_text(xml, tag, after);
    cr_assert_not_null(v, "no %s", tag);
    cr_expect_str_eq(v, it_str(doc, field), "%s in the XML vs %s", tag, field);
    free(v);
}

typedef struct Saved {
    char dir[1024];
    int n;
} Saved;

/* GETs a document's UBL, checks the response and saves it for the validator. */
static char *fetch_ubl(ItTenant *t, Saved *s, const char *table, const char *id, const char *name)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/%s/%s/ubl", table, id);
    HttpResult r;
    it_call(t, &r, "GET", path, NULL, NULL);
    cr_assert_eq(r.status, 200, "%s: %ld %s", path, r.status, r.body);
    const char *ct = NULL, *cd = NULL;
    for (size_t i = 0; i < r.nheaders; i++) {
        if (strcasecmp(r.headers[i].name, "Content-Type") == 0)
            ct = r.headers[i].value;
        if (strcasecmp(r.headers[i].name, "Content-Disposition") == 0)
            cd = r.headers[i].value;
    }
    cr_expect_str_eq(ct, "application/xml");
    cr_expect(cd && strstr(cd, ".xml\""), "Content-Disposition: %s", cd ? cd : "(none)");
    char file[1200];
    snprintf(file, sizeof file, "%s/%s.xml", s->dir, name);
    FILE *f = fopen(file, "wb");
    cr_assert(f && fwrite(r.body, 1, r.body_len, f) == r.body_len && fclose(f) == 0, "cannot write %s", file);
    s->n++;
    char *xml = strdup(r.body);
    http_result_free(&r);
    return xml;
}

static json_t *get(ItTenant *t, const char *table, const char *id)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/%s/%s", table, id);
    return it_json(t, 200, "GET", path, NULL);
}

/* The invoice's totals are the XML's, to the cent. */
static void round_trip_invoice(ItTenant *t, const char *xml, const char *id)
{
    json_t *inv = get(t, "invoices", id);
    char *num = xml_text(xml, "cbc:ID", NULL);
    cr_expect_str_eq(num, it_str(inv, "invoice_number"));
    free(num);
    expect_amount(xml, "cbc:TaxExclusiveAmount", "<cac:LegalMonetaryTotal>", inv, "subtotal");
    expect_amount(xml, "cbc:TaxInclusiveAmount", "<cac:LegalMonetaryTotal>", inv, "total");
    expect_amount(xml, "cbc:PayableAmount", "<cac:LegalMonetaryTotal>", inv, "balance_due");
    expect_amount(xml, "cbc:TaxAmount", "<cac:TaxTotal>", inv, "tax_total");
    json_decref(inv);
}

static void mkdirs(const char *dir)
{
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(einvoice_api, documents_served_by_the_api_pass_the_official_validator, .timeout = 600)
{
    ItTenant t;
    eu_tenant(&t, "conf");
    tax_rate(&t, "standard", "21", "S", NULL, NULL);
    tax_rate(&t, "reduced", "6", "S", NULL, NULL);
    tax_rate(&t, "zero", "0", "Z", NULL, NULL);
    tax_rate(&t, "education", "0", "E", "VATEX-EU-132-1I", "Exempt: education (Article 132(1)(i) of Directive 2006/112/EC)");
    tax_rate(&t, "reverse", "0", "AE", "VATEX-EU-AE", "Reverse charge");
    char *be = customer(&t, "Brasserie Atelier SA", "BE", "EUR", "BE0876543270", "0876543270", "0208");
    char *nl = customer(&t, "Noordwind Logistiek BV", "NL", "EUR", "NL123456789B01", "NL123456789B01", "9944");
    char *us = customer(&t, "Hudson Analytics Inc", "US", "USD", NULL, "0614141000012", "0088");
    char *jp = customer(&t, "Sakura Systems KK", "JP", "JPY", NULL, "4901234500006", "0088");

    Saved s;
    const char *work = getenv("REMIT_TEST_WORK");
    snprintf(s.dir, sizeof s.dir, "%s/einvoice-api", work ? work : "/tmp");
    mkdirs(s.dir);
    s.n = 0;

    char *std = invoice(&t, be,
                        "[{\"description\": \"Consulting\", \"quantity\": \"12.5\", \"rate\": \"95\", \"unit\": \"hour\","
                        " \"tax_category\": \"standard\"}, {\"description\": \"Managed backup\", \"quantity\": \"3\","
                        " \"rate\": \"33.33\", \"tax_category\": \"standard\"}]", "");
    char *two = invoice(&t, be,
                        "[{\"description\": \"Training room\", \"quantity\": \"1\", \"rate\": \"450\", \"unit\": \"day\","
                        " \"tax_category\": \"standard\"}, {\"description\": \"Catering\", \"quantity\": \"40\","
                        " \"rate\": \"18.75\", \"tax_category\": \"reduced\"}]", "");
    char *exe = invoice(&t, be,
                        "[{\"description\": \"ITIL Foundation course\", \"quantity\": \"2\", \"rate\": \"850\","
                        " \"tax_category\": \"education\"}]", "");
    char *rev = invoice(&t, nl,
                        "[{\"description\": \"Security audit\", \"quantity\": \"24\", \"rate\": \"140\", \"unit\": \"hour\","
                        " \"tax_category\": \"reverse\"}]", ", \"notes\": \"Reverse charge: VAT due by the recipient\"");
    char *zer = invoice(&t, be,
                        "[{\"description\": \"Newspaper subscription\", \"quantity\": \"3\", \"rate\": \"39.90\","
                        " \"unit\": \"month\", \"tax_category\": \"zero\"}]", "");
    char *usd = invoice(&t, us,
                        "[{\"description\": \"Software licence\", \"quantity\": \"5\", \"rate\": \"399\","
                        " \"tax_category\": \"standard\"}]", ", \"exchange_rate\": \"0.9174\"");
    char *jpy = invoice(&t, jp,
                        "[{\"description\": \"Remote support\", \"quantity\": \"1.5\", \"rate\": \"3333\","
                        " \"unit\": \"hour\", \"tax_category\": \"standard\"}]", ", \"exchange_rate\": \"0.0061\"");
    char *paid = invoice(&t, be,
                         "[{\"description\": \"Website redesign\", \"quantity\": \"1\", \"rate\": \"4000\","
                         " \"tax_category\": \"standard\"}]", ", \"reference_number\": \"SO-118\"");
    char *rec = id_of(it_pack(&t, 201, "POST", "/api/v1/receipts",
                              json_pack("{s:s, s:s, s:s, s:s}", "customer_id", be, "amount", "2000.00", "receipt_date",
                                        "2026-11-03", "payment_method", "bank_transfer")));
    json_decref(it_pack(&t, 201, "POST", "/api/v1/receipt_allocations",
                        json_pack("{s:s, s:s, s:s}", "receipt_id", rec, "invoice_id", paid, "allocated_amount",
                                  "2000.00")));
    char body[1024];
    snprintf(body, sizeof body,
             "{\"customer_id\": \"%s\", \"invoice_id\": \"%s\", \"credit_note_date\": \"2026-11-05\","
             " \"reason\": \"Two catering covers not served\", \"lines\": [{\"description\": \"Catering\","
             " \"quantity\": \"2\", \"rate\": \"18.75\", \"tax_category\": \"reduced\"}]}",
             be, two);
    char *cn = id_of(it_json(&t, 201, "POST", "/api/v1/credit_notes", body));
    char path[160];
    snprintf(path, sizeof path, "/api/v1/credit_notes/%s/issue", cn);
    json_decref(it_json(&t, 200, "POST", path, NULL));

    const struct {
        const char *id, *name;
    } invoices[] = {{std, "01-standard"},      {two, "02-two-rates"},  {exe, "03-exempt"},
                    {rev, "04-reverse-charge"}, {zer, "05-zero-rated"}, {usd, "06-usd-vat-in-eur"},
                    {jpy, "07-jpy"},            {paid, "08-partially-paid"}};
    for (size_t i = 0; i < sizeof invoices / sizeof invoices[0]; i++) {
        char *xml = fetch_ubl(&t, &s, "invoices", invoices[i].id, invoices[i].name);
        round_trip_invoice(&t, xml, invoices[i].id);
        if (invoices[i].id == usd) {
            cr_expect(strstr(xml, "<cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode>"), "USD invoice: BT-6");
            /* 5 x 399 = 1995.00 USD, 21% = 418.95 USD = 384.34 EUR at 0.9174 */
            cr_expect(strstr(xml, "<cbc:TaxAmount currencyID=\"EUR\">384.34</cbc:TaxAmount>"), "BT-111:\n%s", xml);
        }
        if (invoices[i].id == exe)
            cr_expect(strstr(xml, "<cbc:TaxExemptionReasonCode>VATEX-EU-132-1I</cbc:TaxExemptionReasonCode>"));
        if (invoices[i].id == rev)
            cr_expect(strstr(xml, "<cbc:ID>AE</cbc:ID>") && strstr(xml, "VATEX-EU-AE"));
        if (invoices[i].id == paid)
            cr_expect(strstr(xml, "<cbc:PrepaidAmount currencyID=\"EUR\">2000.00</cbc:PrepaidAmount>"), "%s", xml);
        if (invoices[i].id == jpy)   /* 1.5 x 3333 = 4999.5 -> 5000 yen: the price explains it */
            cr_expect(strstr(xml, "<cbc:PriceAmount currencyID=\"JPY\">3333.33</cbc:PriceAmount>"), "%s", xml);
        free(xml);
    }
    char *xml = fetch_ubl(&t, &s, "credit_notes", cn, "09-credit-note");
    json_t *cnj = get(&t, "credit_notes", cn);
    json_t *twoj = get(&t, "invoices", two);
    cr_expect(strstr(xml, "<CreditNote "), "a CreditNote document");
    char *ref = xml_text(xml, "cbc:ID", "<cac:InvoiceDocumentReference>");
    cr_expect_str_eq(ref, it_str(twoj, "invoice_number"), "BT-25 names the corrected invoice");
    expect_amount(xml, "cbc:TaxExclusiveAmount", "<cac:LegalMonetaryTotal>", cnj, "amount");
    expect_amount(xml, "cbc:TaxInclusiveAmount", "<cac:LegalMonetaryTotal>", cnj, "total_credit");
    free(ref);
    free(xml);
    json_decref(cnj);
    json_decref(twoj);

    /* The official kit, once over every document. */
    char kitv[1100];
    snprintf(kitv, sizeof kitv, "%s/validate", kit());
    if (access(kitv, X_OK) != 0) {
        cr_log_warn("einvoice: SKIPPED the official validator: no kit at %s (%d documents generated)", kit(), s.n);
    } else {
        static char out[1 << 18];
        int st = t_sh(out, sizeof out, "'%s' --peppol '%s'/*.xml 2>&1", kitv, s.dir);
        if (st != 0)
            cr_log_error("validator output:\n%s", out);
        cr_expect_eq(st, 0, "the official validator refused a document served by the API");
        char want[64];
        snprintf(want, sizeof want, "%d file(s), %d passed, 0 failed", s.n, s.n);
        cr_expect(strstr(out, want), "validator summary: %s", strstr(out, "validate:") ? strstr(out, "validate:") : out);
    }

    /* remit export ubl writes the same documents (the CLI on the same database). */
    const char *bin = getenv("REMIT_TEST_BIN"), *db = getenv("REMIT_TEST_DB");
    if (bin && db && work) {
        json_t *me = it_json(&t, 200, "GET", "/api/v1/tenant", NULL);
        const char *slug = it_str(me, "slug");
        char outdir[1100], cmd_out[8192];
        snprintf(outdir, sizeof outdir, "%s/einvoice-export", work);
        int st = t_sh(cmd_out, sizeof cmd_out,
                      "REMIT_LOG_LEVEL=error '%s' export ubl --from 2026-11-01 --to 2026-11-30 --out '%s' --tenant '%s'"
                      " --db '%s' --data-dir '%s/cli' 2>&1",
                      bin, outdir, slug, db, work);
        cr_expect_eq(st, 0, "remit export ubl: %s", cmd_out);
        cr_expect(strstr(cmd_out, "export: 9 document(s) written"), "%s", cmd_out);
        json_t *stdj = get(&t, "invoices", std);
        char file[1400], cmp[4096];
        snprintf(file, sizeof file, "%s/%s/%s.xml", outdir, slug, it_str(stdj, "invoice_number"));
        for (char *q = file + strlen(outdir) + strlen(slug) + 2; *q; q++)
            if (*q == '/')
                *q = '-';
        snprintf(cmp, sizeof cmp, "cmp -s '%s' '%s/01-standard.xml'", file, s.dir);
        cr_expect_eq(t_sh(NULL, 0, "%s", cmp), 0, "the exported file %s differs from the API's", file);
        json_decref(stdj);
        json_decref(me);
    }
    free(be), free(nl), free(us), free(jp), free(std), free(two), free(exe), free(rev), free(zer), free(usd);
    free(jpy), free(paid), free(rec), free(cn);
}

Test(einvoice_api, missing_business_terms_are_one_422_naming_each_and_its_field)
{
    ItTenant t;
    eu_tenant(&t, "missing");
    /* No electronic address, no buyer reference, no VAT id. */
    char *c = id_of(it_pack(&t, 201, "POST", "/api/v1/customers",
                            json_pack("{s:s, s:s, s:s}", "name", "Anonymous Buyer", "country", "BE", "currency", "EUR")));
    char *inv = invoice(&t, c, "[{\"description\": \"Consulting\", \"rate\": \"100\", \"tax_rate\": \"0\"}]", "");
    char path[160];
    snprintf(path, sizeof path, "/api/v1/invoices/%s/ubl", inv);
    json_t *j = it_json(&t, 422, "GET", path, NULL);
    json_t *e = json_object_get(j, "error");
    cr_expect_str_eq(it_str(e, "code"), "invalid");
    cr_expect(strstr(it_str(e, "message"), "cannot be exported"), "%s", it_str(e, "message"));
    static const char *const want[][3] = {
        {"BT-49", "buyer electronic address (BT-49) is required", "customers.einvoice_endpoint"},
        {"BT-10", "buyer reference (BT-10) or purchase order reference (BT-13) is required", "invoices.buyer_reference"},
        {"BT-151", "VAT category code (BT-151) is required", "invoice_line_items.vat_category"},
    };
    json_t *probs = json_object_get(e, "problems");
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        bool found = false;
        size_t i;
        json_t *p;
        json_array_foreach(probs, i, p)
        {
            if (strcmp(it_str(p, "term"), want[k][0]) == 0 && strcmp(it_str(p, "message"), want[k][1]) == 0) {
                found = true;
                cr_expect_str_eq(it_str(p, "field"), want[k][2]);
            }
        }
        cr_expect(found, "no problem %s in %s", want[k][1], json_dumps(j, 0));
    }
    json_decref(j);
    free(c);
    free(inv);
}

static long status_of(ItTenant *t, const char *path)
{
    HttpResult r;
    it_call(t, &r, "GET", path, NULL, NULL);
    long st = r.status;
    if (st == 409)
        cr_expect_str_eq(it_str(json_object_get(r.json, "error"), "code"), "invalid_state", "%s", r.body);
    http_result_free(&r);
    return st;
}

Test(einvoice_api, only_finalized_documents_are_exported)
{
    ItTenant t;
    eu_tenant(&t, "state");
    char *c = customer(&t, "Brasserie Atelier SA", "BE", "EUR", "BE0876543270", "0876543270", "0208");
    char body[512], path[160];
    snprintf(body, sizeof body, "{\"customer_id\": \"%s\", \"lines\": [{\"description\": \"x\", \"rate\": \"1\"}]}", c);
    char *draft = id_of(it_json(&t, 201, "POST", "/api/v1/invoices", body));
    snprintf(path, sizeof path, "/api/v1/invoices/%s/ubl", draft);
    cr_expect_eq(status_of(&t, path), 409, "a draft is not exported");
    snprintf(path, sizeof path, "/api/v1/invoices/%s/gst-einvoice", draft);
    cr_expect_eq(status_of(&t, path), 409);
    snprintf(path, sizeof path, "/api/v1/invoices/%s/finalize", draft);
    json_decref(it_json(&t, 200, "POST", path, NULL));
    snprintf(path, sizeof path, "/api/v1/invoices/%s/cancel", draft);
    json_decref(it_json(&t, 200, "POST", path, "{\"reason\": \"raised in error\"}"));
    snprintf(path, sizeof path, "/api/v1/invoices/%s/ubl", draft);
    cr_expect_eq(status_of(&t, path), 409, "a cancelled invoice is not exported");
    cr_expect_eq(status_of(&t, "/api/v1/invoices/01a20000-0000-7000-8000-000000000000/ubl"), 404);
    snprintf(body, sizeof body, "{\"customer_id\": \"%s\", \"lines\": [{\"description\": \"x\", \"rate\": \"1\"}]}", c);
    char *cn = id_of(it_json(&t, 201, "POST", "/api/v1/credit_notes", body));
    snprintf(path, sizeof path, "/api/v1/credit_notes/%s/ubl", cn);
    cr_expect_eq(status_of(&t, path), 409, "a draft credit note is not exported");
    free(c), free(draft), free(cn);
}

/* India: a Maharashtra seller (GSTIN 27AAPFU0939F1ZV, Pune 411001). */
static char *gst_invoice(ItTenant *t, const char *gstin, const char *city, const char *pin)
{
    json_t *c = it_pack(t, 201, "POST", "/api/v1/customers",
                        json_pack("{s:s, s:s?, s:s, s:s, s:s}", "name", "Nirmal Textiles LLP", "gst_number", gstin,
                                  "address_line_1", "Plot 7, MIDC", "city", city, "postal_code", pin));
    char *cust = id_of(c);
    char *inv = invoice(t, cust,
                        "[{\"description\": \"Annual maintenance contract\", \"quantity\": \"1\", \"rate\": \"1000\","
                        " \"tax_rate\": \"18\", \"sac_code\": \"998713\"}, {\"description\": \"Network switch\","
                        " \"quantity\": \"2\", \"rate\": \"8500.45\", \"tax_rate\": \"18\", \"sac_code\": \"85176990\","
                        " \"unit\": \"pcs\"}]", "");
    free(cust);
    return inv;
}

static char *gst_json(ItTenant *t, const char *inv, long want)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/invoices/%s/gst-einvoice", inv);
    HttpResult r;
    it_call(t, &r, "GET", path, NULL, NULL);
    cr_assert_eq(r.status, want, "%s: %ld %s", path, r.status, r.body);
    char *body = strdup(r.body);
    http_result_free(&r);
    return body;
}

Test(einvoice_api, gst_einvoice_of_intra_and_inter_state_invoices)
{
    ItTenant t;
    it_tenant_new(&t, "gst-einv");
    json_t *profiles = it_json(&t, 200, "GET", "/api/v1/company_profiles", NULL);
    char path[160];
    snprintf(path, sizeof path, "/api/v1/company_profiles/%s",
             it_str(json_array_get(json_object_get(profiles, "data"), 0), "id"));
    json_decref(profiles);
    json_decref(it_json(&t, 200, "PATCH", path, "{\"city\": \"Pune\", \"postal_code\": \"411001\"}"));

    /* Intra-state (27 -> 27): 1000.00 + 2 x 8500.45 = 18000.90; 9% each: 90.00 and 1530.08 (1530.081). */
    char *intra = gst_invoice(&t, "27AAACH7409R1Z1", "Mumbai", "400021");
    char *j = gst_json(&t, intra, 200);
    static const char *const want_intra[] = {
        "\"Version\": \"1.1\"",          "\"SupTyp\": \"B2B\"",           "\"Typ\": \"INV\"",
        "\"Gstin\": \"27AAPFU0939F1ZV\"", "\"Gstin\": \"27AAACH7409R1Z1\"", "\"Pos\": \"27\"",
        "\"HsnCd\": \"998713\"",          "\"IsServc\": \"Y\"",             "\"HsnCd\": \"85176990\"",
        "\"Unit\": \"PCS\"",              "\"CgstAmt\": 90.00",             "\"SgstAmt\": 1530.08",
        "\"AssVal\": 18000.90",           "\"CgstVal\": 1620.08",           "\"SgstVal\": 1620.08",
        "\"IgstVal\": 0.00",              "\"RndOffAmt\": 0.00",            "\"TotInvVal\": 21241.06",
        "\"Pin\": 411001",
    };
    for (size_t i = 0; i < sizeof want_intra / sizeof want_intra[0]; i++)
        cr_expect(strstr(j, want_intra[i]), "intra-state: no %s in\n%s", want_intra[i], j);
    free(j);
    /* Inter-state (27 -> 29): IGST 18%: 180.00 and 3060.16 (3060.162). */
    char *inter = gst_invoice(&t, "29AAGCB7383J1Z4", "Bengaluru", "560025");
    j = gst_json(&t, inter, 200);
    static const char *const want_inter[] = {
        "\"Pos\": \"29\"",       "\"Stcd\": \"29\"",        "\"IgstAmt\": 180.00",     "\"IgstAmt\": 3060.16",
        "\"CgstVal\": 0.00",     "\"SgstVal\": 0.00",       "\"IgstVal\": 3240.16",    "\"TotInvVal\": 21241.06",
    };
    for (size_t i = 0; i < sizeof want_inter / sizeof want_inter[0]; i++)
        cr_expect(strstr(j, want_inter[i]), "inter-state: no %s in\n%s", want_inter[i], j);
    free(j);
    /* A B2C invoice (no GSTIN) is not reported to the IRP: 422 naming the field. */
    char *b2c = gst_invoice(&t, NULL, "Pune", "411001");
    j = gst_json(&t, b2c, 422);
    cr_expect(strstr(j, "\"term\":\"BuyerDtls.Gstin\"") && strstr(j, "\"field\":\"customers.gst_number\""), "%s", j);
    free(j);
    free(intra), free(inter), free(b2c);
}
